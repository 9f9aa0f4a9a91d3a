"""The server_info action plugin, on both backends (the ``backend`` fixture, conftest.py)."""

from __future__ import annotations

from ec_harness import ACTIVE, ENTRA, run_action

from ansible_collections.hybrid_identity.entra_connect.plugins.action.server_info import ActionModule as ServerInfo


def test_server_info_reads_a_configured_server_in_one_round_trip(backend, lab):
    result, transport = run_action(ServerInfo, {}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is False
    assert (result["installed"], result["configured"], result["product_version"]) == (True, True, "2.6.92.0")
    assert result["staging_mode_enabled"] is False
    assert result["staging_mode_global_setting"] is False
    assert result["staging_mode_sources_agree"] is True
    assert result["export_deletion_threshold"] == {"enabled": True, "count": 500}
    assert result["password_writeback_enabled"] is False
    assert [c["kind"] for c in result["connectors"]] == ["ad", "entra"]
    entra = result["connectors"][1]
    assert entra["name"] == ENTRA
    assert entra["statistics"]["total_connector_count"] == 2400
    assert entra["last_runs"]["Full Synchronization"]["result"] == "success"
    assert result["idle"] is True
    if transport:
        assert transport.sent == [("Get-EntraConnectServerState", {"RunHistoryCount": 20})]


def test_server_info_answers_installed_false_on_a_server_without_entra_connect(backend, lab):
    host_vars = {"entra_connect_lab_server": {"installed": False}}
    result, _unused = run_action(ServerInfo, {}, backend=backend, lab_dir=lab, host_vars=host_vars, check_mode=True)
    assert result.get("failed") is not True, result.get("msg")
    assert (result["installed"], result["configured"], result["connectors"]) == (False, False, [])
    assert result["staging_mode_enabled"] is None


def test_server_info_rejects_a_negative_run_history_count(backend, lab):
    result, transport = run_action(ServerInfo, {"run_history_count": -1}, backend=backend, lab_dir=lab)
    assert result["failed"] is True
    assert result["msg"] == "Invalid value given for 'run_history_count': -1; use 0 or more"
    assert transport is None or transport.sent == []
