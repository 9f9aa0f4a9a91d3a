"""The staging_mode action plugin, on both backends (the ``backend`` fixture, conftest.py).

Faults come from the lab's fault injection (entra_connect_lab_faults), so the same scenarios hold on both.
"""

from __future__ import annotations

import json

from ec_harness import ACTIVE, run_action, staging_lines, use_virtual_time, with_faults

from ansible_collections.hybrid_identity.entra_connect.plugins.action.server_info import ActionModule as ServerInfo
from ansible_collections.hybrid_identity.entra_connect.plugins.action.staging_mode import ActionModule as StagingMode


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


def test_staging_mode_adsynctools_is_deprecated_and_refused_below_the_floor(backend, lab):
    old = {"entra_connect_lab_server": {"adsynctools": True, "version": "2.4.18.0"}}
    result, _unused = run_action(
        StagingMode, {"state": "enabled", "method": "adsynctools"}, backend=backend, lab_dir=lab, host_vars=old
    )
    assert result["failed"] is True
    assert result["msg"].startswith("Refusing method=adsynctools on aadc01: it runs Entra Connect 2.4.18.0, below")
    assert "deprecated" in result["deprecations"][0]["msg"]
    assert staging_lines(lab) == []
    current = {"entra_connect_lab_server": {"adsynctools": False, "version": "2.5.190.0"}}
    result, _unused = run_action(
        StagingMode,
        {"state": "enabled", "method": "adsynctools"},
        backend=backend,
        lab_dir=lab / "2",
        host_vars=current,
    )
    assert "ADSyncTools staging functions are not available on aadc01" in result["msg"]
    tools = {"entra_connect_lab_server": {"adsynctools": True, "version": "2.5.190.0"}}
    done, _unused = run_action(
        StagingMode, {"state": "enabled", "method": "adsynctools"}, backend=backend, lab_dir=lab / "3", host_vars=tools
    )
    assert (done["changed"], done["staging_mode_enabled"], done["method"]) == (True, True, "adsynctools")
    assert "deprecated" in done["deprecations"][0]["msg"]


def test_a_raw_promotion_with_password_hash_sync_says_what_the_wizard_would_have_done(backend, lab):
    staging = {"entra_connect_lab_server": {"staging": True}}
    done, _unused = run_action(StagingMode, {"state": "disabled"}, backend=backend, lab_dir=lab, host_vars=staging)
    assert done["changed"] is True and done.get("failed") is not True, done.get("msg")
    assert any("enables password sync and password writeback" in w for w in done["warnings"])


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
