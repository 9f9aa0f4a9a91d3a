"""The server modules, driven through their real action plugins, on both backends.

Every test runs twice: with the lab backend, and with the Windows backend whose transport
(``_execute_module``) answers as win_powershell would, from the lab. Faults come from the lab's
fault injection (entra_connect_lab_faults), so the same scenarios hold on both.
"""

from __future__ import annotations

import json

import pytest
from ec_harness import run_action, use_virtual_time

from ansible_collections.hybrid_identity.entra_connect.plugins.action.auto_upgrade import (
    ActionModule as AutoUpgrade,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.action.scheduler import ActionModule as Scheduler
from ansible_collections.hybrid_identity.entra_connect.plugins.action.server_info import ActionModule as ServerInfo
from ansible_collections.hybrid_identity.entra_connect.plugins.action.staging_mode import ActionModule as StagingMode
from ansible_collections.hybrid_identity.entra_connect.plugins.action.sync_cycle import ActionModule as SyncCycle
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore

ACTIVE = {"entra_connect_lab_server": {"version": "2.4.18.0", "staging": False}}
STAGING = {"entra_connect_lab_server": {"version": "2.4.18.0", "staging": True}}
ENTRA = "contoso.onmicrosoft.com - AAD"

pytestmark = pytest.mark.parametrize("backend", ["lab", "windows"])


@pytest.fixture
def lab(tmp_path):
    return tmp_path / "lab"


def journal(lab):
    return LabStore(lab).journal()


def staging_lines(lab, host="aadc01"):
    return [
        line["changes"]["staging_mode_enabled"]
        for line in journal(lab)
        if line["host"] == host and "staging_mode_enabled" in line["changes"] and line["helper"] != "lab:create"
    ]


def with_faults(host_vars, *faults):
    return {
        **host_vars,
        "entra_connect_lab_faults": [dict(zip(("helper", "on_call", "effect"), f, strict=True)) for f in faults],
    }


# -- server_info ---------------------------------------------------------------------------


def test_server_info_reads_a_configured_server_in_one_round_trip(backend, lab):
    result, transport = run_action(ServerInfo, {}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is False
    assert (result["installed"], result["configured"], result["product_version"]) == (True, True, "2.4.18.0")
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


# -- staging_mode --------------------------------------------------------------------------


def test_staging_mode_demotes_then_changes_nothing_on_a_rerun(backend, lab):
    first, _unused = run_action(StagingMode, {"state": "enabled"}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert first.get("failed") is not True, first.get("msg")
    assert (first["changed"], first["staging_mode_enabled"], first["method"]) == (True, True, "global_settings")
    assert first["diff"] == {"before": {"staging_mode_enabled": False}, "after": {"staging_mode_enabled": True}}
    again, transport = run_action(StagingMode, {"state": "enabled"}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert (again["changed"], again["staging_mode_enabled"]) == (False, True)
    assert again["diff"]["before"] == again["diff"]["after"]
    assert staging_lines(lab) == [[False, True]]
    if transport:
        assert [name for name, _params in transport.sent] == ["Get-EntraConnectServerState"]


def test_staging_mode_check_mode_reports_the_change_and_writes_nothing(backend, lab):
    result, transport = run_action(
        StagingMode, {"state": "enabled"}, backend=backend, lab_dir=lab, host_vars=ACTIVE, check_mode=True, diff=True
    )
    assert (result["changed"], result["staging_mode_enabled"]) == (True, True)
    assert staging_lines(lab) == []
    info, _unused = run_action(ServerInfo, {}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert info["staging_mode_enabled"] is False
    if transport:
        assert all(not name.startswith("Set-") for name, _params in transport.sent)


def test_staging_mode_refuses_to_promote_while_password_writeback_is_enabled(backend, lab):
    host_vars = {"entra_connect_lab_server": {"staging": True, "password_writeback": True}}
    refused, _unused = run_action(StagingMode, {"state": "disabled"}, backend=backend, lab_dir=lab, host_vars=host_vars)
    assert refused["failed"] is True
    assert refused["msg"].startswith("Refusing to disable staging mode on aadc01: password writeback is enabled")
    assert "force: true" in refused["msg"]
    assert staging_lines(lab) == []
    forced, _unused = run_action(
        StagingMode, {"state": "disabled", "force": True}, backend=backend, lab_dir=lab, host_vars=host_vars
    )
    assert (forced["changed"], forced["staging_mode_enabled"]) == (True, False)
    assert staging_lines(lab) == [[True, False]]


def test_staging_mode_fails_when_the_write_does_not_take(backend, lab):
    host_vars = with_faults(ACTIVE, ("Set-EntraConnectStagingMode", 1, "no_effect"))
    result, _unused = run_action(StagingMode, {"state": "enabled"}, backend=backend, lab_dir=lab, host_vars=host_vars)
    assert result["failed"] is True
    assert result["msg"].startswith(
        "Staging mode on aadc01 did not change: wrote True with method global_settings, but the scheduler reads "
        "back StagingModeEnabled=False"
    )
    assert result["changed"] is True
    assert staging_lines(lab) == []


def test_staging_mode_times_out_when_the_engine_never_becomes_idle(backend, lab, monkeypatch):
    virtual = use_virtual_time(monkeypatch)
    host_vars = with_faults(ACTIVE, ("Get-EntraConnectServerState", 1, "busy"))
    args = {"state": "enabled", "wait_timeout": 30, "poll_interval": 10}
    result, transport = run_action(StagingMode, args, backend=backend, lab_dir=lab, host_vars=host_vars)
    assert result["failed"] is True
    assert result["msg"].startswith("Timed out after 30s (4 polls) waiting for an idle sync engine before the switch")
    assert virtual.sleeps == [10, 10, 10]
    assert staging_lines(lab) == []
    if transport:
        assert not any(name.startswith("Set-") for name, _params in transport.sent)


def test_staging_mode_reports_unreachable_with_what_was_done(backend, lab):
    host_vars = with_faults(ACTIVE, ("Set-EntraConnectStagingMode", 1, "unreachable"))
    result, _unused = run_action(StagingMode, {"state": "enabled"}, backend=backend, lab_dir=lab, host_vars=host_vars)
    assert result["unreachable"] is True
    assert "failed" not in result
    assert result["msg"].startswith("Host aadc01 stopped answering during Set-EntraConnectStagingMode (done before: ")
    assert "Get-EntraConnectServerState, Get-EntraConnectSyncStatus" in result["msg"]
    later, _unused = run_action(ServerInfo, {}, backend=backend, lab_dir=lab, host_vars=host_vars)
    assert later["unreachable"] is True


def test_staging_mode_reports_a_server_error_with_the_helper_name(backend, lab):
    host_vars = with_faults(ACTIVE, ("Set-EntraConnectStagingMode", 1, "error"))
    result, _unused = run_action(StagingMode, {"state": "enabled"}, backend=backend, lab_dir=lab, host_vars=host_vars)
    assert result["failed"] is True
    if backend == "windows":
        assert (
            result["msg"]
            == "Set-EntraConnectStagingMode failed on aadc01: Set-ADSyncGlobalSettings : Access is denied."
        )
    else:
        assert result["msg"] == "Set-ADSyncGlobalSettings : Access is denied."
    assert staging_lines(lab) == []


def test_staging_mode_adsynctools_method_needs_the_module(backend, lab):
    result, _unused = run_action(
        StagingMode, {"state": "enabled", "method": "adsynctools"}, backend=backend, lab_dir=lab, host_vars=ACTIVE
    )
    assert result["failed"] is True
    assert "ADSyncTools staging functions are not available on aadc01" in result["msg"]
    tools = {"entra_connect_lab_server": {"adsynctools": True}}
    done, _unused = run_action(
        StagingMode, {"state": "enabled", "method": "adsynctools"}, backend=backend, lab_dir=lab / "2", host_vars=tools
    )
    assert (done["changed"], done["staging_mode_enabled"], done["method"]) == (True, True, "adsynctools")


# -- sync_cycle ----------------------------------------------------------------------------


def test_sync_cycle_on_the_active_server_imports_syncs_and_exports(backend, lab, monkeypatch):
    use_virtual_time(monkeypatch)
    result, _unused = run_action(SyncCycle, {"poll_interval": 5}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is True
    assert result["results"] == {
        "contoso.com": {"Delta Import": "success", "Delta Synchronization": "success"},
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


# -- scheduler -----------------------------------------------------------------------------


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


# -- auto_upgrade --------------------------------------------------------------------------


def test_auto_upgrade_disables_idempotently_and_honours_check_mode(backend, lab):
    checked, _unused = run_action(
        AutoUpgrade, {"state": "disabled"}, backend=backend, lab_dir=lab, host_vars=ACTIVE, check_mode=True
    )
    assert (checked["changed"], checked["auto_upgrade_state"]) == (True, "Disabled")
    first, _unused = run_action(AutoUpgrade, {"state": "disabled"}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert (first["changed"], first["previous_auto_upgrade_state"], first["auto_upgrade_state"]) == (
        True,
        "Enabled",
        "Disabled",
    )
    again, _unused = run_action(AutoUpgrade, {"state": "disabled"}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert again["changed"] is False
    lines = [
        line for line in journal(lab) if "auto_upgrade_state" in line["changes"] and line["helper"] != "lab:create"
    ]
    assert [line["changes"]["auto_upgrade_state"] for line in lines] == [["Enabled", "Disabled"]]


def test_auto_upgrade_warns_when_the_product_suspended_it(backend, lab):
    host_vars = {"entra_connect_lab_server": {"auto_upgrade": "Suspended"}}
    result, _unused = run_action(AutoUpgrade, {"state": "enabled"}, backend=backend, lab_dir=lab, host_vars=host_vars)
    assert result["changed"] is True
    assert any("was Suspended by the product" in w for w in result["warnings"])


def test_journal_lines_are_json_with_the_documented_keys(backend, lab):
    run_action(StagingMode, {"state": "enabled"}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    lines = (lab / "journal.jsonl").read_text().splitlines()
    for line in lines:
        assert set(json.loads(line)) == {"time", "host", "helper", "changes"}


def test_staging_mode_wait_timeout_still_works_as_a_deprecated_alias_of_timeout(backend, lab, monkeypatch):
    use_virtual_time(monkeypatch)
    host_vars = with_faults(ACTIVE, ("Get-EntraConnectServerState", 1, "busy"))
    old, _unused = run_action(
        StagingMode,
        {"state": "enabled", "wait_timeout": 20, "poll_interval": 10},
        backend=backend,
        lab_dir=lab,
        host_vars=host_vars,
    )
    assert old["msg"].startswith("Timed out after 20s (3 polls)")
    assert old["deprecations"] == [
        {
            "msg": "Alias 'wait_timeout' is deprecated. See the module docs for more information",
            "version": "2.0.0",
            "collection_name": "hybrid_identity.entra_connect",
        }
    ]
    new, _unused = run_action(
        StagingMode,
        {"state": "enabled", "timeout": 20, "poll_interval": 10},
        backend=backend,
        lab_dir=lab,
        host_vars=host_vars,
    )
    assert new["msg"].startswith("Timed out after 20s (3 polls)")
    assert "deprecations" not in new
