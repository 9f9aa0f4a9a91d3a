"""The auto_upgrade action plugin, on both backends (the ``backend`` fixture, conftest.py)."""

from __future__ import annotations

from ec_harness import ACTIVE, journal, run_action

from ansible_collections.hybrid_identity.entra_connect.plugins.action.auto_upgrade import (
    ActionModule as AutoUpgrade,
)


def test_auto_upgrade_disables_idempotently_and_honours_check_mode(backend, lab):
    checked, _unused = run_action(
        AutoUpgrade, {"state": "disabled"}, backend=backend, lab_dir=lab, host_vars=ACTIVE, check_mode=True
    )
    assert (checked["changed"], checked["auto_upgrade_state"]) == (True, "Disabled")
    first, _unused = run_action(AutoUpgrade, {"state": "disabled"}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert (first["changed"], first["previous_auto_upgrade_state"], first["auto_upgrade_state"]) == (
        True,
        "Enabled",
        "Disabled",
    )
    again, _unused = run_action(AutoUpgrade, {"state": "disabled"}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert again["changed"] is False
    lines = [
        line for line in journal(lab) if "auto_upgrade_state" in line["changes"] and line["helper"] != "lab:create"
    ]
    assert [line["changes"]["auto_upgrade_state"] for line in lines] == [["Enabled", "Disabled"]]


def test_auto_upgrade_warns_when_the_product_suspended_it(backend, lab):
    host_vars = {"entra_connect_lab_server": {"auto_upgrade": "Suspended"}}
    result, _unused = run_action(AutoUpgrade, {"state": "enabled"}, backend=backend, lab_dir=lab, host_vars=host_vars)
    assert result["changed"] is True
    assert any("was Suspended by the product" in w for w in result["warnings"])
