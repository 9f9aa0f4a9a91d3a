"""Behaviours of real 2026 servers the lab models (issue 16): a stopped ADSync service, the whole
run history for a count of 0, the MSI's upgrade window, the Entra connector's credential type."""

from __future__ import annotations

import pytest
from lab_helpers import lab_server

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import wizard
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.models import LabServer, Run, Scheduler
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import HelperError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import server_facts


def test_a_stopped_service_answers_the_server_state_and_nothing_else(tmp_path):
    server = lab_server(tmp_path, service="Stopped")
    state = server.call("Get-EntraConnectServerState", RunHistoryCount=5)
    assert (state["installed"], state["configured"], state["engine_state"]) == (True, None, "service_stopped")
    assert state["service"]["state"] == "Stopped" and state["product_version"]
    facts = server_facts(state)
    assert (facts["role"], facts["idle"]) == ("service_stopped", False)
    assert any("ADSync service on" in w and "is Stopped" in w for w in facts["server_warnings"])
    with pytest.raises(HelperError, match="The ADSync service is Stopped on this server"):
        server.call("Get-EntraConnectSyncStatus")


def test_the_cmdlet_returns_the_whole_history_for_0_and_the_helpers_ask_for_none(tmp_path):
    record = LabServer(host="aadc01", installed=True)
    record.runs = [Run(str(n), "c", "Delta Import", n, "success", True, "", "") for n in range(3)]
    assert len(record.run_results(0)) == 3  # Get-ADSyncRunProfileResult -NumberRequested 0: everything
    server = lab_server(tmp_path)
    assert server.call("Get-EntraConnectRunHistory", NumberRequested=0)["runs"] == []
    assert server.call("Get-EntraConnectServerState", RunHistoryCount=0)["runs"] == []
    assert len(server.call("Get-EntraConnectRunHistory", NumberRequested=1)["runs"]) == 1


def test_the_msi_of_an_upgrade_stops_the_service_until_the_wizard_has_run(tmp_path):
    server = LabServer(host="aadc02", installed=True, configured=True, version="2.5.190.0")
    server.global_parameters = {}
    server.forests, server.tenant = ["contoso.com"], "contoso.onmicrosoft.com"
    server.scheduler = Scheduler()
    assert wizard.install(server, "2.6.92.0") is True
    assert (server.service_state, server.wizard_open, server.upgrade_pending) == ("Stopped", True, True)
    wizard.complete_upgrade(server)
    assert (server.service_state, server.wizard_open) == ("Running", False)
    assert server.scheduler.sync_cycle_enabled is False  # the operator unticked "Start the synchronization process"


@pytest.mark.parametrize(
    ("version", "declared", "expected"),
    [("2.4.18.0", "", None), ("2.5.190.0", "", "Application"), ("2.5.190.0", "ServiceAccount", "ServiceAccount")],
)
def test_the_entra_connector_credential_type_follows_the_version(tmp_path, version, declared, expected):
    server = lab_server(tmp_path, version=version, entra_credential=declared)
    assert server.call("Get-EntraConnectServerState", RunHistoryCount=0)["entra_credential_type"] == expected
