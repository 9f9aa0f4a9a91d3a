"""The sync_rules playbook on a lab pair whose staging server's rules drifted (issue 17)."""

from __future__ import annotations

import json

import pytest
import yaml
from lab_runs import make_inventory, reset, run_playbook

RULE = {"direction": "Inbound", "source_object_type": "user", "target_object_type": "person"}
FLOWS = [{"destination": "department", "source": ["department"]}]
ACTIVE_RULES = [
    {**RULE, "name": "In from AD - User Department", "precedence": 40, "attribute_flows": FLOWS},
    {**RULE, "name": "In from AD - User Off", "precedence": 60, "disabled": True},
    {**RULE, "name": "In from AD - User Late", "precedence": 150},
]
#: precedence changed, a rule missing, an extra rule, a disabled state different (custom and standard)
STAGING_RULES = [
    {**RULE, "name": "In from AD - User Department", "precedence": 45, "attribute_flows": FLOWS},
    {**RULE, "name": "In from AD - User Late", "precedence": 150, "disabled": True},
    {**RULE, "name": "In from AD - User Extra", "precedence": 70},
]


def set_server(inventory, host, **settings):
    path = inventory / "host_vars" / f"{host}.yml"
    data = yaml.safe_load(path.read_text())
    data["entra_connect_lab_server"].update(settings)
    path.write_text(yaml.safe_dump(data))


@pytest.fixture
def drifted(tmp_path):
    inventory = make_inventory(tmp_path, declared={"aadc01": "active", "aadc02": "staging"})
    set_server(inventory, "aadc01", custom_rules=ACTIVE_RULES, disabled_standard_rules=["In from AD - User Lync"])
    set_server(inventory, "aadc02", custom_rules=STAGING_RULES)
    assert reset(inventory).rc == 0
    return inventory


def rules_of(run, host):
    server = run.state()["servers"][host]
    customs = {r["name"]: (r["precedence"], r["disabled"]) for r in server["custom_rules"]}
    return customs, server["disabled_standard_rules"]


def rule_differences(inventory):
    summary = json.loads(sorted((inventory / ".reports").glob("*/verify/aadc02/config/summary.json"))[-1].read_text())
    return [d for d in summary["differences"] if d["category"].startswith("sync_rule")]


def test_sync_rules_check_mode_shows_the_plan_then_converges_and_a_rerun_changes_nothing(drifted):
    before = run_playbook(drifted, "verify")
    assert rule_differences(drifted), "the fixture should have rule drift"
    report = sorted((drifted / ".reports").glob("*/report.md"))[-1].read_text()
    drift = report.split("## Sync rule drift")[1]
    assert (
        "| Inbound \\| contoso.com \\| In from AD - User Department | precedence | 40 | 45 "
        "| yes: the sync_rules playbook converges it |"
    ) in drift
    assert "| Inbound \\| contoso.com \\| In from AD - User Lync | disabled | true | false |" in drift
    start = rules_of(before, "aadc02")

    checked = run_playbook(drifted, "sync_rules", "--check")
    assert checked.rc == 0, checked.output[-3000:]
    assert rules_of(checked, "aadc02") == start
    assert not [line for line in checked.journal() if line["helper"].startswith(("Set-", "Remove-"))]
    for text in (
        "~ 'In from AD - User Department' (contoso.com): precedence 45 -> 40",
        "+ 'In from AD - User Off' (contoso.com): add",
        "- 'In from AD - User Extra' (contoso.com): remove",
        "~ 'In from AD - User Late' (contoso.com): disabled True -> False",
        "~ 'In from AD - User Lync' (contoso.com): disabled False -> True",
    ):
        assert text in checked.output, checked.output[-4000:]
    assert checked.says("precedence 150 is outside the range 0-99")  # mirrored, with a warning

    done = run_playbook(drifted, "sync_rules")
    assert done.rc == 0, done.output[-3000:]
    assert rules_of(done, "aadc02") == rules_of(done, "aadc01")
    assert done.state()["servers"]["aadc02"]["global_parameters"]["Microsoft.Synchronize.StagingMode"] == "True"
    assert "Run a sync cycle" in done.output and done.state()["servers"]["aadc02"]["overrides"] == {}

    verified = run_playbook(drifted, "verify")
    assert rule_differences(drifted) == [], verified.output[-3000:]

    again = run_playbook(drifted, "sync_rules")
    assert again.rc == 0, again.output[-3000:]
    assert again.changed_count() == 0, again.output[-3000:]


def test_sync_rules_with_a_file_leaves_the_active_server_unless_asked(drifted, tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump({"rules": [{**RULE, "name": "Only", "connector": "contoso.com", "precedence": 10}]}))
    done = run_playbook(drifted, "sync_rules", extra={"sync_rules_file": str(path), "sync_rules_defer_full_sync": True})
    assert done.rc == 0, done.output[-3000:]
    assert set(rules_of(done, "aadc02")[0]) == {"Only"}
    assert set(rules_of(done, "aadc01")[0]) == {r["name"] for r in ACTIVE_RULES}
    assert done.state()["servers"]["aadc02"]["overrides"]["contoso.com"]["full_sync_required"] is True


def test_a_swing_migration_converges_the_new_servers_rules_and_leaves_no_rule_task(tmp_path):
    inventory = make_inventory(tmp_path)
    set_server(
        inventory,
        "aadc01",
        custom_rules=[
            {**RULE, "name": "In from AD - User Late", "precedence": 150, "attribute_flows": FLOWS},
            {**RULE, "name": "In from AD - User Off", "precedence": 60, "disabled": True},
        ],
        disabled_standard_rules=["In from AD - User Lync"],
    )
    assert reset(inventory).rc == 0
    run = run_playbook(inventory, "swing_migration")
    assert run.rc == 0, run.output[-3000:]
    assert rules_of(run, "aadc03") == rules_of(run, "aadc01")
    assert rules_of(run, "aadc03")[0]["In from AD - User Late"] == (150, False)
    assert "Synchronization Rules Editor" not in run.output, run.output[-3000:]
    again = run_playbook(inventory, "swing_migration")
    assert again.rc == 0 and again.changed_count() == 0, again.output[-3000:]
