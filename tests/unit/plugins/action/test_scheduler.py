"""The scheduler action plugin, on both backends (the ``backend`` fixture, conftest.py)."""

from __future__ import annotations

from ec_harness import ACTIVE, run_action, with_faults

from ansible_collections.hybrid_identity.entra_connect.plugins.action.scheduler import ActionModule as Scheduler
from ansible_collections.hybrid_identity.entra_connect.plugins.action.server_info import ActionModule as ServerInfo


def test_scheduler_sets_only_what_differs_and_is_idempotent(backend, lab):
    args = {"sync_cycle_enabled": False, "customized_sync_cycle_interval_seconds": 3600}
    first, transport = run_action(Scheduler, args, backend=backend, lab_dir=lab, host_vars=ACTIVE, diff=True)
    assert first.get("failed") is not True, first.get("msg")
    assert first["changed"] is True
    assert first["diff"]["before"]["scheduler"] == {
        "sync_cycle_enabled": True,
        "customized_sync_cycle_interval_seconds": None,
    }
    assert first["diff"]["after"]["scheduler"] == {
        "sync_cycle_enabled": False,
        "customized_sync_cycle_interval_seconds": 3600,
    }
    assert first["scheduler"]["sync_cycle_enabled"] is False
    if transport:
        assert (
            "Set-EntraConnectScheduler",
            {"SyncCycleEnabled": False, "CustomizedSyncCycleIntervalSeconds": 3600},
        ) in transport.sent
    again, _unused = run_action(Scheduler, args, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert again["changed"] is False


def test_scheduler_sets_and_clears_connector_overrides(backend, lab):
    want = {"connector_overrides": [{"connector": "contoso.com", "full_import_required": True}]}
    first, _unused = run_action(Scheduler, want, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert first["changed"] is True
    assert first["diff"]["after"]["connector_overrides"] == {
        "contoso.com": {"full_import_required": True, "full_sync_required": False}
    }
    info, _unused = run_action(ServerInfo, {}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert info["connectors"][0]["override"] == {"full_import_required": True, "full_sync_required": False}
    clear = {"connector_overrides": [{"connector": "contoso.com", "full_import_required": False}]}
    cleared, _unused = run_action(Scheduler, clear, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert cleared["changed"] is True
    again, _unused = run_action(Scheduler, clear, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert again["changed"] is False


def test_scheduler_check_mode_and_unknown_connector(backend, lab):
    checked, _unused = run_action(
        Scheduler, {"maintenance_enabled": False}, backend=backend, lab_dir=lab, host_vars=ACTIVE, check_mode=True
    )
    assert checked["changed"] is True
    info, _unused = run_action(ServerInfo, {}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert info["scheduler"]["maintenance_enabled"] is True
    bad, _unused = run_action(
        Scheduler,
        {"connector_overrides": [{"connector": "fabrikam.com"}]},
        backend=backend,
        lab_dir=lab,
        host_vars=ACTIVE,
    )
    assert bad["failed"] is True
    assert bad["msg"].startswith("connector_overrides names 'fabrikam.com', which is not a connector of this server")


def test_scheduler_fails_when_a_setting_does_not_take(backend, lab):
    host_vars = with_faults(ACTIVE, ("Set-EntraConnectScheduler", 1, "no_effect"))
    args = {"sync_cycle_enabled": False}
    result = run_action(Scheduler, args, backend=backend, lab_dir=lab, host_vars=host_vars)[0]
    assert result["failed"] is True
    assert result["msg"].startswith("The scheduler of aadc01 did not take these settings: sync_cycle_enabled")
