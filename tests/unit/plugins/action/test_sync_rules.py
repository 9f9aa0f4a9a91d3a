"""The sync_rule, sync_rules and sync_rules_info action plugins, on both backends."""

from __future__ import annotations

from pathlib import Path

import yaml
from ec_harness import run_action

from ansible_collections.hybrid_identity.entra_connect.plugins.action.sync_rule import ActionModule as SyncRule
from ansible_collections.hybrid_identity.entra_connect.plugins.action.sync_rules import ActionModule as SyncRules
from ansible_collections.hybrid_identity.entra_connect.plugins.action.sync_rules_info import (
    ActionModule as SyncRulesInfo,
)

STAGING_WITH_RULES = {
    "entra_connect_lab_size": {"users": 50, "groups": 5, "contacts": 5},
    "entra_connect_lab_server": {
        "version": "2.4.18.0",
        "staging": True,
        "custom_rules": [
            {"name": "In from AD - User Late", "precedence": 60},
            {"name": "In from AD - User Extra", "precedence": 70},
        ],
    },
}
DEPARTMENT = {
    "name": "In from AD - User Department",
    "connector": "contoso.com",
    "direction": "Inbound",
    "precedence": 40,
    "source_object_type": "user",
    "target_object_type": "person",
    "scope_groups": [[{"attribute": "department", "operator": "ISNOTNULL", "value": ""}]],
    "attribute_flows": [{"destination": "department", "source": ["department"]}],
}


def customs(lab, backend="lab"):
    info, _unused = run_action(SyncRulesInfo, {}, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES)
    assert info.get("failed") is not True, info.get("msg")
    return {r["name"]: r for r in info["rules_document"]["rules"]}


def test_sync_rule_creates_in_check_mode_nothing_then_for_real_then_is_idempotent(backend, lab):
    checked, transport = run_action(
        SyncRule, DEPARTMENT, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES, check_mode=True, diff=True
    )
    assert checked.get("failed") is not True, checked.get("msg")
    assert checked["changed"] is True
    assert checked["plan"]["rules"][0]["action"] == "add"
    assert "In from AD - User Department" not in customs(lab)
    if transport:
        assert not [name for name, _p in transport.sent if name.startswith(("Set-", "Remove-"))]
    done, transport = run_action(SyncRule, DEPARTMENT, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES)
    assert done["changed"] is True and done["full_sync_connectors"] == ["contoso.com"]
    assert done["applied"][0]["warnings"][0].startswith("Performing this operation has set connector 'contoso.com'")
    assert customs(lab)["In from AD - User Department"]["scope_groups"] == DEPARTMENT["scope_groups"]
    again, _unused = run_action(SyncRule, DEPARTMENT, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES)
    assert again["changed"] is False


def test_sync_rule_changes_one_field_and_shows_a_readable_diff(backend, lab):
    args = {"name": "In from AD - User Late", "connector": "contoso.com", "disabled": True}
    done, transport = run_action(SyncRule, args, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES, diff=True)
    assert done["diff"] == {
        "before": {"'In from AD - User Late' (contoso.com)": {"disabled": False}},
        "after": {"'In from AD - User Late' (contoso.com)": {"disabled": True}},
    }
    assert done["plan"]["lines"] == ["~ 'In from AD - User Late' (contoso.com): disabled False -> True"]
    if transport:
        assert [n for n, _p in transport.sent if n.startswith("Set-EntraConnectSyncRule")] == [
            "Set-EntraConnectSyncRuleState"
        ]
    assert customs(lab)["In from AD - User Late"]["disabled"] is True


def test_sync_rule_refuses_to_change_or_remove_a_standard_rule(backend, lab):
    args = {"name": "In from AD - User Join", "connector": "contoso.com", "precedence": 5}
    refused, _unused = run_action(SyncRule, args, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES)
    assert refused["failed"] is True
    assert "is a standard rule on aadc01: precedence cannot be managed" in refused["msg"]
    assert "reset on upgrade" in refused["msg"]
    args = {"name": "In from AD - User Join", "connector": "contoso.com", "state": "absent"}
    refused, _unused = run_action(SyncRule, args, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES)
    assert "disable out-of-box rules instead of deleting them" in refused["msg"]


def test_sync_rule_disables_a_standard_rule_and_removes_a_custom_one(backend, lab):
    args = {"name": "In from AD - User AccountEnabled", "connector": "contoso.com", "disabled": True}
    done, _unused = run_action(SyncRule, args, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES)
    assert done["changed"] is True
    absent = {"name": "In from AD - User Extra", "connector": "contoso.com", "state": "absent"}
    removed, _unused = run_action(SyncRule, absent, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES)
    assert removed["changed"] is True and removed["full_sync_overrides_set"] == []  # Add-ADSyncRule set it before
    assert "In from AD - User Extra" not in customs(lab)
    again, _unused = run_action(SyncRule, absent, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES)
    assert again["changed"] is False


def test_sync_rules_exclusive_plan_then_apply_then_idempotent(backend, lab, tmp_path):
    document = {
        "rules": [
            DEPARTMENT,
            {
                "name": "In from AD - User Late",
                "connector": "contoso.com",
                "direction": "Inbound",
                "precedence": 61,
                "source_object_type": "user",
                "target_object_type": "person",
            },
        ],
        "standard_rules": [{"name": "In from AD - User AccountEnabled", "connector": "contoso.com", "disabled": True}],
    }
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(document))
    args = {"rules_file": str(path), "exclusive": True}
    planned, _unused = run_action(
        SyncRules, args, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES, check_mode=True
    )
    assert planned.get("failed") is not True, planned.get("msg")
    assert planned["plan"]["counts"] == {"add": 1, "change": 2, "remove": 1, "unchanged": 0}
    assert set(customs(lab)) == {"In from AD - User Late", "In from AD - User Extra"}
    done, _unused = run_action(SyncRules, args, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES)
    assert done["changed"] is True
    assert set(customs(lab)) == {"In from AD - User Late", "In from AD - User Department"}
    again, _unused = run_action(SyncRules, args, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES)
    assert again["changed"] is False


def test_sync_rules_refuses_a_duplicate_precedence_before_any_change(backend, lab):
    clash = {**DEPARTMENT, "precedence": 70}  # In from AD - User Extra holds 70 and stays (not exclusive)
    refused, transport = run_action(
        SyncRules, {"rules": [clash]}, backend=backend, lab_dir=lab, host_vars=STAGING_WITH_RULES
    )
    assert refused["failed"] is True
    assert "precedence 70 would be shared by" in refused["msg"]
    if transport:
        assert not [n for n, _p in transport.sent if n.startswith(("Set-", "Remove-"))]


def test_sync_rules_info_returns_the_document_and_the_script(lab):
    info, _unused = run_action(SyncRulesInfo, {"script": True}, lab_dir=lab, host_vars=STAGING_WITH_RULES)
    assert info["custom_rule_count"] == 2 and info["standard_rule_count"] == 62
    assert "Add-ADSyncRule -SynchronizationRule $syncRule[0]" in info["script"]


def test_a_backups_rules_file_recreates_the_rules_on_a_fresh_server(lab, tmp_path):
    from ansible_collections.hybrid_identity.entra_connect.plugins.action.settings_export import (
        ActionModule as SettingsExport,
    )

    source = {
        **STAGING_WITH_RULES,
        "entra_connect_lab_server": {
            **STAGING_WITH_RULES["entra_connect_lab_server"],
            "custom_rules": [
                DEPARTMENT,
                {**DEPARTMENT, "name": "In from AD - User Off", "precedence": 41, "disabled": True},
            ],
            "disabled_standard_rules": ["In from AD - User Lync"],
        },
    }
    backup, _unused = run_action(SettingsExport, {"dest": str(tmp_path / "backups")}, lab_dir=lab, host_vars=source)
    assert backup.get("failed") is not True, backup.get("msg")
    assert "New-ADSyncRule" in Path(backup["rules_script"]).read_text(encoding="utf-8")
    fresh = {
        "entra_connect_lab_size": STAGING_WITH_RULES["entra_connect_lab_size"],
        "entra_connect_lab_server": {"version": "2.4.18.0", "staging": True},
    }
    restored, _unused = run_action(
        SyncRules, {"rules_file": backup["rules_file"]}, host="aadc09", lab_dir=lab, host_vars=fresh
    )
    assert restored.get("failed") is not True, restored.get("msg")
    assert restored["plan"]["counts"]["add"] == 2 and restored["plan"]["counts"]["change"] == 1
    info = {}
    for host, host_vars in (("aadc01", source), ("aadc09", fresh)):
        read, _unused = run_action(SyncRulesInfo, {}, host=host, lab_dir=lab, host_vars=host_vars)
        info[host] = read["rules_document"]
    assert info["aadc09"] == info["aadc01"]
