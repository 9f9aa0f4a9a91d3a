"""The sync_cycle action plugin, on both backends (the ``backend`` fixture, conftest.py)."""

from __future__ import annotations

from ec_harness import ACTIVE, ENTRA, STAGING, run_action, use_virtual_time, with_faults

from ansible_collections.hybrid_identity.entra_connect.plugins.action.sync_cycle import ActionModule as SyncCycle


def test_sync_cycle_on_the_active_server_imports_syncs_and_exports(backend, lab, monkeypatch):
    use_virtual_time(monkeypatch)
    result, _unused = run_action(SyncCycle, {"poll_interval": 5}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is True
    assert result["results"] == {
        "contoso.com": {"Delta Import": "success", "Delta Synchronization": "success", "Export": "success"},
        ENTRA: {"Delta Import": "success", "Delta Synchronization": "success", "Export": "success"},
    }


def test_sync_cycle_on_a_staging_server_never_exports(backend, lab, monkeypatch):
    use_virtual_time(monkeypatch)
    result, _unused = run_action(SyncCycle, {"policy": "initial"}, backend=backend, lab_dir=lab, host_vars=STAGING)
    profiles = [r["run_profile_name"] for r in result["runs"]]
    assert profiles == ["Full Import", "Full Import", "Full Synchronization", "Full Synchronization"]


def test_sync_cycle_import_and_sync_follows_microsofts_order_without_export(backend, lab):
    result, transport = run_action(
        SyncCycle, {"mode": "import_and_sync"}, backend=backend, lab_dir=lab, host_vars=STAGING
    )
    assert result.get("failed") is not True, result.get("msg")
    steps = [(r["connector_name"], r["run_profile_name"]) for r in result["runs"]]
    assert steps == [
        ("contoso.com", "Full Import"),
        (ENTRA, "Full Import"),
        ("contoso.com", "Delta Synchronization"),
        (ENTRA, "Delta Synchronization"),
    ]
    assert result["plan"] == [{"connector": c, "run_profile": p} for c, p in steps]
    if transport:
        invoked = [p["RunProfileName"] for name, p in transport.sent if name == "Invoke-EntraConnectRunProfile"]
        assert "Export" not in invoked


def test_sync_cycle_check_mode_starts_nothing(backend, lab):
    result, transport = run_action(
        SyncCycle, {"mode": "import_and_sync"}, backend=backend, lab_dir=lab, host_vars=STAGING, check_mode=True
    )
    assert result["changed"] is True
    assert result["runs"] == []
    assert len(result["plan"]) == 4
    if transport:
        assert [name for name, _params in transport.sent] == ["Get-EntraConnectConnectorList"]


def test_sync_cycle_fails_when_the_deletion_threshold_stops_the_export(backend, lab, monkeypatch):
    use_virtual_time(monkeypatch)
    # A server whose scope lost an OU has hundreds of pending deletes; promoted, its export stops.
    host_vars = {
        "entra_connect_lab_server": {
            "excluded_containers": ["OU=Sales,OU=CORP,DC=contoso,DC=com"],
            "deletion_threshold": 100,
        }
    }
    result, _unused = run_action(SyncCycle, {}, backend=backend, lab_dir=lab, host_vars=host_vars)
    assert result["failed"] is True
    assert "Export on 'contoso.onmicrosoft.com - AAD' returned 'stopped-deletion-threshold-exceeded'" in result["msg"]
    assert result["results"][ENTRA]["Export"] == "stopped-deletion-threshold-exceeded"
    tolerant = run_action(SyncCycle, {"fail_on_error": False}, backend=backend, lab_dir=lab, host_vars=host_vars)[0]
    assert tolerant.get("failed") is not True
    assert tolerant["results"][ENTRA]["Export"] == "stopped-deletion-threshold-exceeded"


def test_sync_cycle_times_out_on_a_busy_engine(backend, lab, monkeypatch):
    use_virtual_time(monkeypatch)
    host_vars = with_faults(ACTIVE, ("Get-EntraConnectSyncStatus", 1, "busy"))
    result, _unused = run_action(
        SyncCycle, {"timeout": 60, "poll_interval": 20}, backend=backend, lab_dir=lab, host_vars=host_vars
    )
    assert result["failed"] is True
    assert result["msg"].startswith("Timed out after 60s (4 polls) waiting for the sync engine to become idle")
