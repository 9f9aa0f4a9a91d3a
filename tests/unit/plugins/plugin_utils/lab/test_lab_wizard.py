"""The lab's installer and import wizard (the operator step) with the documented limitations."""

from __future__ import annotations

import json

import pytest
from lab_helpers import SALES, SMALL, lab_server

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import LabBackend, wizard
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.models import LabServer
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import read_settings
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import Server

POLICY = {
    "onpremisesDirectoryPolicy": [
        {
            "friendlyName": "contoso.com",
            "partitionFilters": [{"distinguishedName": "DC=contoso,DC=com", "containerExclusions": [SALES]}],
            "customSynchronizationRules": [
                {"name": "In from AD - User Custom", "precedence": 50, "disabled": True},
                {"name": "In from AD - User Late", "precedence": 150, "disabled": False},
            ],
        }
    ],
    "azureDirectoryPolicy": {"customSynchronizationRules": []},
}


def place(lab, host, policy=None, instructions=True):
    policy = POLICY if policy is None else policy
    folder = wizard.import_folder(LabStore(lab).remote_dir(host))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / wizard.SETTINGS_FILE).write_text(json.dumps(policy))
    if instructions:
        (folder / wizard.INSTRUCTIONS_FILE).write_text("Customize > Import synchronization settings")


def new_server(lab, version="2.6.92.0", operator="present"):
    host_vars = {
        **SMALL,
        "entra_connect_lab_operator": operator,
        "entra_connect_lab_server": {"installed": True, "configured": False, "version": version},
    }
    return Server(LabBackend(lab, read_settings("aadc03", host_vars)), "aadc03")


def state(server):
    return server.call("Get-EntraConnectServerState", RunHistoryCount=0)


def test_no_file_no_configuration(tmp_path):
    server = new_server(tmp_path)
    assert state(server)["configured"] is False
    place(tmp_path, "aadc03", instructions=False)
    assert state(server)["configured"] is False


def test_the_operator_imports_the_settings_in_staging_mode_with_the_documented_limitations(tmp_path):
    server = new_server(tmp_path)
    state(server)
    place(tmp_path, "aadc03")
    after = state(server)
    assert (after["configured"], after["scheduler"]["staging_mode_enabled"]) == (True, True)
    saved = LabStore(tmp_path).read()["servers"]["aadc03"]
    assert saved["excluded_containers"] == [SALES]
    assert saved["custom_rules"] == [
        {"name": "In from AD - User Custom", "description": "", "precedence": 50, "disabled": True},
        {"name": "In from AD - User Late", "description": "", "precedence": 200, "disabled": False},
    ]
    assert saved["global_parameters"]["Microsoft.OptionalFeature.DeviceWriteBack"] == "False"
    operator_lines = [line for line in LabStore(tmp_path).journal() if line["helper"] == "lab:operator"]
    assert len(operator_lines) == 1
    assert operator_lines[0]["changes"]["configured"] == [False, True]
    assert operator_lines[0]["changes"]["staging_mode_enabled"] == [None, True]


def test_before_1_5_45_0_a_disabled_custom_rule_is_imported_enabled():
    rules = wizard.imported_rules(POLICY, "1.5.30.0")
    assert [r["disabled"] for r in rules] == [False, False]
    assert [r["disabled"] for r in wizard.imported_rules(POLICY, "1.5.45.0")] == [True, False]


def test_an_absent_operator_leaves_the_server_waiting(tmp_path):
    server = new_server(tmp_path, operator="absent")
    place(tmp_path, "aadc03")
    assert state(server)["configured"] is False


@pytest.mark.parametrize(("installed", "version", "changed"), [(False, None, True), (True, "2.6.92.0", False)])
def test_install_is_idempotent_by_version(tmp_path, installed, version, changed):
    server = LabServer.from_dict({"host": "aadc01", "installed": installed, "version": version, "configured": False})
    assert wizard.install(server, "2.6.92.0") is changed
    server = server.to_dict()  # the record the state file keeps
    assert (server["installed"], server["version"]) == (True, "2.6.92.0")


def test_an_in_place_upgrade_waits_for_the_wizard_then_records_full_steps(tmp_path):
    server = lab_server(tmp_path, version="2.5.190.0")
    server.call("Get-EntraConnectSyncStatus")
    store = LabStore(tmp_path)
    with store.transaction() as saved:
        saved["servers"]["aadc01"] = model = LabServer.from_dict(saved["servers"]["aadc01"])
        assert wizard.install(saved["servers"]["aadc01"], "2.6.92.0") is True
        saved["servers"]["aadc01"] = model.to_dict()
    before = server.call("Get-EntraConnectServerState", RunHistoryCount=0)
    assert (before["product_version"], before["engine_version"]) == ("2.6.92.0", "2.5.190.0")
    place(tmp_path, "aadc01")  # the role's instructions for the wizard's upgrade page
    after = server.call("Get-EntraConnectServerState", RunHistoryCount=0)
    assert after["engine_version"] == "2.6.92.0"
    assert after["global_parameters"]["Microsoft.Synchronize.ServerConfigurationVersion"] == "2.6.92.0"
    assert after["scheduler"]["staging_mode_enabled"] is False  # the server kept its role
    assert {c["name"]: c["override"] for c in after["connectors"]} == {
        "contoso.com": {"full_import_required": True, "full_sync_required": True},
        "contoso.onmicrosoft.com - AAD": {"full_import_required": True, "full_sync_required": True},
    }
