"""upgrade_plan: staging servers first, the active one after a switch, nothing for servers already upgraded."""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._upgrade import (
    NO_STAGING,
    upgrade_plan,
)


def server(staging, version):
    return {"installed": True, "configured": True, "staging_mode_enabled": staging, "engine_version": version}


def test_staging_servers_first_then_the_active_one_after_a_switch():
    plan = upgrade_plan({"a": server(False, "2.5.190.0"), "b": server(True, "2.5.190.0")}, "2.6.92.0")
    assert (plan["staging"], plan["active"], plan["candidate"], plan["switch"], plan["refusal"]) == (
        ["b"],
        ["a"],
        "b",
        True,
        None,
    )
    assert plan["message"] == "Upgrade to 2.6.92.0: staging servers b first; active server a after a switch."


def test_a_rerun_after_the_upgrade_does_nothing():
    plan = upgrade_plan({"a": server(False, "2.6.92.0"), "b": server(True, "2.6.92.0")}, "2.6.92.0")
    assert (plan["staging"], plan["active"], plan["switch"]) == ([], [], False)
    assert "active server none (already upgraded)" in plan["message"]


def test_a_lone_active_server_is_refused():
    plan = upgrade_plan({"a": server(False, "2.5.190.0")}, "2.6.92.0")
    assert plan["refusal"] == NO_STAGING and plan["switch"] is False


def test_the_plan_reports_the_automatic_upgrade_state_and_the_race():
    enabled = {**server(True, "2.5.190.0"), "auto_upgrade_state": "Enabled"}
    disabled = {**server(False, "2.5.190.0"), "auto_upgrade_state": "Disabled"}
    notice = upgrade_plan({"a": disabled, "b": enabled}, "2.6.92.0")["auto_upgrade"]
    assert notice.startswith("Automatic upgrade: a: Disabled, b: Enabled.")
    assert "an automatic upgrade of b can start during this rolling upgrade" in notice
    assert upgrade_plan({"a": disabled}, "2.6.92.0")["auto_upgrade"] == "Automatic upgrade: a: Disabled."
