"""Every helper of the contract, served by the lab, returns results that validate against it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from lab_helpers import ENTRA, lab_server

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import HelperError

SAMPLE_PARAMS = {
    "Get-EntraConnectServerState": {"RunHistoryCount": 5},
    "Get-EntraConnectRunHistory": {"NumberRequested": 5},
    "Set-EntraConnectStagingMode": {"Enabled": True},
    "Start-EntraConnectSyncCycle": {"PolicyType": "Delta"},
    "Invoke-EntraConnectRunProfile": {"ConnectorName": ENTRA, "RunProfileName": "Delta Import"},
    "Set-EntraConnectScheduler": {"SyncCycleEnabled": False, "PurgeRunHistoryIntervalSeconds": 86400},
    "Set-EntraConnectSchedulerConnectorOverride": {
        "ConnectorName": "contoso.com",
        "FullImportRequired": True,
        "FullSyncRequired": False,
    },
    "Set-EntraConnectAutoUpgrade": {"State": "Disabled"},
    "Export-EntraConnectConnectorSpace": {"ConnectorName": ENTRA, "Filter": "x"},
    "Get-EntraConnectFileHash": {"Path": "C:\\ProgramData\\missing.json"},
    "Get-EntraConnectRecord": {"Name": "intent"},
    "Set-EntraConnectRecord": {"Name": "intent", "Content": '{"schema_version":1}', "ExpectedContent": ""},
    "Remove-EntraConnectRecord": {"Name": "intent", "ExpectedContent": '{"schema_version":1}'},
}


RULE_HELPERS = {"Set-EntraConnectSyncRule", "Set-EntraConnectSyncRuleState", "Remove-EntraConnectSyncRule"}
CUSTOM_RULE = {"name": "In from AD - User Custom", "precedence": 50}


def rule_params(server, name):
    """Sample calls of the rule helpers: they need this server's identifiers."""
    rules = server.call("Get-EntraConnectSyncRules")["rules"]
    custom = next(r for r in rules if not r["is_standard_rule"])
    if name == "Set-EntraConnectSyncRule":
        wire = {k: custom[k] for k in ("name", "direction", "precedence", "source_object_type", "target_object_type")}
        return {"RuleJson": json.dumps(wire), "ConnectorId": custom["connector_id"], "Identifier": custom["identifier"]}
    if name == "Set-EntraConnectSyncRuleState":
        return {"Identifier": custom["identifier"], "Disabled": True}
    return {"Identifier": custom["identifier"]}


def test_every_helper_has_a_sample_call():
    needs_params = {h.name for h in contract.HELPERS if h.params} - {"Remove-EntraConnectTempFolder"} - RULE_HELPERS
    assert needs_params <= set(SAMPLE_PARAMS)


@pytest.mark.parametrize("helper", contract.HELPERS, ids=lambda h: h.name)
def test_lab_result_validates_against_the_contract(tmp_path, helper):
    server = lab_server(
        tmp_path, adsynctools=True, staging=helper.name.startswith("Disable"), custom_rules=[CUSTOM_RULE]
    )
    if helper.name == "Remove-EntraConnectTempFolder":
        exported = server.call("Export-EntraConnectServerConfiguration")
        result = server.call(helper.name, Path=exported["temp_path"])
        assert result["removed"] is True
        return
    params = rule_params(server, helper.name) if helper.name in RULE_HELPERS else SAMPLE_PARAMS.get(helper.name, {})
    result = server.call(helper.name, **params)  # Server.call validates
    assert contract.validate_result(helper, result) is result


@pytest.mark.parametrize("filter_letter", ["x", "m", "e", "i", "s"])
def test_csexport_filters_all_produce_documents(tmp_path, filter_letter):
    server = lab_server(tmp_path)
    result = server.call("Export-EntraConnectConnectorSpace", ConnectorName="contoso.com", Filter=filter_letter)
    assert result["files"] == ["csexport.xml"]
    assert result["output"].startswith("Successfully exported connector space to file")


def test_an_unconfigured_server_answers_state_and_refuses_engine_helpers(tmp_path):
    server = lab_server(tmp_path, installed=True, configured=False, version="2.6.92.0")
    state = server.call("Get-EntraConnectServerState", RunHistoryCount=5)
    assert (state["installed"], state["configured"], state["product_version"]) == (True, False, "2.6.92.0")
    with pytest.raises(HelperError, match="The Entra Connect sync engine is not installed on this server"):
        server.call("Get-EntraConnectSyncStatus")


def test_remove_temp_folder_refuses_other_paths(tmp_path):
    server = lab_server(tmp_path)
    with pytest.raises(HelperError, match="Refusing to remove '/etc': not a temp folder"):
        server.call("Remove-EntraConnectTempFolder", Path="/etc")


def test_the_lab_refuses_unknown_connectors_and_profiles(tmp_path):
    server = lab_server(tmp_path)
    with pytest.raises(HelperError, match=r"Connector 'fabrikam\.com' could not be found"):
        server.call("Invoke-EntraConnectRunProfile", ConnectorName="fabrikam.com", RunProfileName="Export")
    with pytest.raises(HelperError, match="Run profile 'Full Export' could not be found"):
        server.call("Invoke-EntraConnectRunProfile", ConnectorName=ENTRA, RunProfileName="Full Export")


@pytest.mark.parametrize(
    ("helper", "params"),
    [
        ("Export-EntraConnectServerConfiguration", {}),
        ("Export-EntraConnectConnectorSpace", {"ConnectorName": ENTRA, "Filter": "x"}),
    ],
)
def test_the_next_export_removes_the_temp_folder_of_a_helper_that_died(tmp_path, helper, params):
    server = lab_server(tmp_path)
    died = Path(server.call(helper, **params)["temp_path"])  # fetched never: the run was killed
    running = Path(server.call(helper, **params)["temp_path"])  # fresh: another run is using it
    not_ours = died.parent / "EntraConnect-notes"
    not_ours.mkdir()
    day_ago = os.path.getmtime(died) - 25 * 3600
    for path in (died, not_ours, *died.rglob("*")):
        os.utime(path, (day_ago, day_ago))
    result = server.call(helper, **params)
    assert result["removed_stale_temp"] == [str(died)]
    assert not died.exists() and running.exists() and not_ours.exists()


def test_a_record_is_a_compare_and_swap_on_the_lab_servers_file_system(tmp_path):
    server = lab_server(tmp_path)
    assert server.call("Get-EntraConnectRecord", Name="intent")["exists"] is False
    first = server.call("Set-EntraConnectRecord", Name="intent", Content="A", ExpectedContent="")
    assert (first["written"], first["content"]) == (True, "A")
    assert first["path"] == "C:\\ProgramData\\hybrid_identity.entra_connect\\intent.json"
    lost = server.call("Set-EntraConnectRecord", Name="intent", Content="B", ExpectedContent="")
    assert (lost["written"], lost["content"]) == (False, "A")  # a second writer that read "no record" loses
    assert server.call("Set-EntraConnectRecord", Name="intent", Content="B", ExpectedContent="A")["written"]
    assert server.call("Remove-EntraConnectRecord", Name="intent", ExpectedContent="A")["removed"] is False
    assert server.call("Remove-EntraConnectRecord", Name="intent", ExpectedContent="B")["removed"] is True
    assert server.call("Get-EntraConnectRecord", Name="intent") == {
        "path": first["path"],
        "exists": False,
        "content": None,
    }
