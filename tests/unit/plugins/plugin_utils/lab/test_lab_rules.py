"""The lab's sync rules: the rule read, Add-ADSyncRule's upsert and full-sync flag, removal, exports."""

from __future__ import annotations

import json

import pytest
from lab_helpers import ENTRA, lab_server

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import LabSettingsError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import HelperError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules import load_rules
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._apply import rule_to_wire
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._sources import (
    current_rules,
    rules_from_export,
)

FULL_RULE = {
    "name": "In from AD - User Department",
    "connector": "contoso.com",
    "direction": "Inbound",
    "precedence": 40,
    "source_object_type": "user",
    "target_object_type": "person",
    "scope_groups": [[{"attribute": "department", "operator": "ISNOTNULL", "value": ""}]],
    "join_groups": [[{"cs_attribute": "objectGUID", "mv_attribute": "sourceAnchorBinary", "case_sensitive": True}]],
    "attribute_flows": [
        {"destination": "department", "source": ["department"]},
        {"destination": "extensionAttribute1", "flow_type": "Constant", "source": ["Sales"], "execute_once": True},
        {"destination": "info", "flow_type": "Expression", "expression": "Trim([info])"},
    ],
}


def rules_of(server):
    return {r["name"]: r for r in server.call("Get-EntraConnectSyncRules")["rules"]}


def test_a_server_reads_its_standard_rules_with_connectors_by_name(tmp_path):
    rules = rules_of(lab_server(tmp_path))
    join = rules["In from AD - User Join"]
    assert (join["is_standard_rule"], join["connector_name"], join["disabled"]) == (True, "contoso.com", False)
    assert rules["Out to AAD - User Identity"]["connector_id"] == "b891884f-051e-4a83-95af-2544101c9083"
    assert rules["Out to AAD - User Identity"]["connector_name"] == ENTRA


def test_add_sync_rule_is_an_upsert_that_flags_a_full_sync(tmp_path):
    server = lab_server(tmp_path)
    connector_id = rules_of(server)["In from AD - User Join"]["connector_id"]
    rule = load_rules([FULL_RULE]).rules[0]
    created = server.call("Set-EntraConnectSyncRule", RuleJson=json.dumps(rule_to_wire(rule)), ConnectorId=connector_id)
    assert created["warnings"] == [
        "Performing this operation has set connector 'contoso.com' to do a full sync on the next scheduled sync cycle"
    ]
    state = server.call("Get-EntraConnectServerState", RunHistoryCount=0)
    override = next(c["override"] for c in state["connectors"] if c["name"] == "contoso.com")
    assert override == {"full_import_required": False, "full_sync_required": True}
    [read] = [c for c in current_rules(server.call("Get-EntraConnectSyncRules")) if not c.standard]
    assert read.rule.canonical() == rule.canonical()
    changed = rule_to_wire(load_rules([{**FULL_RULE, "description": "v2"}]).rules[0])
    server.call(
        "Set-EntraConnectSyncRule", RuleJson=json.dumps(changed), ConnectorId=connector_id, Identifier=read.identifier
    )
    customs = [r for r in rules_of(server).values() if not r["is_standard_rule"]]
    assert [(r["identifier"], r["description"]) for r in customs] == [(read.identifier, "v2")]


def test_set_state_changes_disabled_and_precedence_and_remove_deletes(tmp_path):
    server = lab_server(tmp_path, custom_rules=[{"name": "Mine", "precedence": 30}])
    mine = rules_of(server)["Mine"]
    server.call("Set-EntraConnectSyncRuleState", Identifier=mine["identifier"], Disabled=True, Precedence=31)
    assert (rules_of(server)["Mine"]["disabled"], rules_of(server)["Mine"]["precedence"]) == (True, 31)
    join = rules_of(server)["In from AD - User Join"]
    server.call("Set-EntraConnectSyncRuleState", Identifier=join["identifier"], Disabled=True)
    assert rules_of(server)["In from AD - User Join"]["disabled"] is True
    server.call("Remove-EntraConnectSyncRule", Identifier=mine["identifier"])
    assert "Mine" not in rules_of(server)
    with pytest.raises(HelperError, match="could not be found"):
        server.call("Remove-EntraConnectSyncRule", Identifier=mine["identifier"])


def test_the_configuration_export_carries_custom_rules_in_full_and_disabled_standard_rules(tmp_path):
    import zipfile

    server = lab_server(tmp_path, custom_rules=[FULL_RULE])
    join = rules_of(server)["In from AD - User Join"]
    server.call("Set-EntraConnectSyncRuleState", Identifier=join["identifier"], Disabled=True)
    exported = server.call("Export-EntraConnectServerConfiguration")
    local = tmp_path / "settings.zip"
    server.fetch_archive(exported, local)
    desired = rules_from_export(str(local))
    assert [r.canonical() for r in desired.rules] == [load_rules([FULL_RULE]).rules[0].canonical()]
    assert {s.name for s in desired.standard_rules if s.disabled} == {"In from AD - User Join"}
    assert zipfile.is_zipfile(local)


def test_lab_settings_refuse_an_invalid_custom_rule_naming_the_field(tmp_path):
    with pytest.raises(LabSettingsError, match=r"custom_rules: 1 problem.*field 'direction' must be one of"):
        lab_server(tmp_path, custom_rules=[{"name": "Bad", "direction": "Up"}])
