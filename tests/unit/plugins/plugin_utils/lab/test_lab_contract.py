"""Every helper of the contract, served by the lab, returns results that validate against it."""

from __future__ import annotations

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
}


def test_every_helper_has_a_sample_call():
    needs_params = {h.name for h in contract.HELPERS if h.params} - {"Remove-EntraConnectTempFolder"}
    assert needs_params <= set(SAMPLE_PARAMS)


@pytest.mark.parametrize("helper", contract.HELPERS, ids=lambda h: h.name)
def test_lab_result_validates_against_the_contract(tmp_path, helper):
    server = lab_server(tmp_path, adsynctools=True, staging=helper.name.startswith("Disable"))
    if helper.name == "Remove-EntraConnectTempFolder":
        exported = server.call("Export-EntraConnectServerConfiguration")
        result = server.call(helper.name, Path=exported["temp_path"])
        assert result["removed"] is True
        return
    result = server.call(helper.name, **SAMPLE_PARAMS.get(helper.name, {}))  # Server.call validates
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
