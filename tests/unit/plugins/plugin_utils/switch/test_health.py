"""The candidate's health gates before a promotion (plugins/plugin_utils/switch/_health.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._lifecycle import version_table
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._health import health_gates
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._verdict import verdict

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ENTRA = "contoso.onmicrosoft.com - AAD"


def run(profile, result, ended, connector=ENTRA):
    return {"connector_name": connector, "run_profile_name": profile, "result": result, "ended_at": ended}


def server(**changes):
    base = {
        "installed": True,
        "configured": True,
        "product_version": "2.6.92.0",
        "engine_version": "2.6.92.0",
        "scheduler": {"sync_cycle_enabled": True, "scheduler_suspended": False},
        "auto_upgrade_state": "Enabled",
        "entra_connector_name": ENTRA,
        "runs": [run("Delta Import", "success", "2026-12-01T11:00:00.000Z")],
    }
    return {**base, **changes}


def failing(info, max_age=24, versions=None):
    result = health_gates("aadc02", info, NOW, max_age, version_table(versions))
    return {g["gate"]: g["message"] for g in result["gates"] if not g["passed"]}


def test_a_healthy_candidate_passes_every_health_gate():
    result = health_gates("aadc02", server(), NOW, 24)
    assert (result["reasons"], result["entra_import_age_hours"]) == ([], 1.0)


def test_a_newer_failed_entra_import_does_not_count_and_is_named():
    runs = [
        run("Delta Import", "completed-errors", "2026-12-01T11:30:00.000Z"),
        run("Delta Import", "success", "2026-11-29T11:00:00.000Z"),
        run("Delta Import", "success", "2026-12-01T11:45:00.000Z", connector="contoso.com"),
        run("Export", "success", "2026-12-01T11:50:00.000Z"),
    ]
    message = failing(server(runs=runs))["entra_import"]
    assert message.startswith(
        "aadc02's newest successful import on the Microsoft Entra connector 'contoso.onmicrosoft.com - AAD' is "
        "49.0 hours old (2026-11-29T11:00:00Z; limit max_sync_age_hours=24); its newest import, Delta Import, "
        "ended 'completed-errors' at 2026-12-01T11:30:00.000Z; fix the import"
    )
    assert failing(server(runs=runs), max_age=72) == {}


def test_no_successful_entra_import_or_no_entra_connector_blocks():
    only_failed = server(runs=[run("Full Import", "stopped-server-down", "2026-12-01T11:00:00.000Z")])
    assert "has no successful import on the Microsoft Entra connector" in failing(only_failed)["entra_import"]
    assert failing(server(entra_connector_name=None))["entra_import"] == (
        "aadc02 has no Microsoft Entra connector; configure it first"
    )


def test_a_disabled_or_suspended_scheduler_blocks_and_says_what_to_do():
    disabled = failing(server(scheduler={"sync_cycle_enabled": False, "scheduler_suspended": False}))
    assert "sync scheduler is disabled (SyncCycleEnabled false)" in disabled["scheduler"]
    assert "the scheduler module, sync_cycle_enabled: true" in disabled["scheduler"]
    suspended = failing(
        server(scheduler={"sync_cycle_enabled": True, "scheduler_suspended": True}, auto_upgrade_state="Disabled")
    )
    assert list(suspended) == ["scheduler"]
    assert "close the wizard or let the upgrade finish" in suspended["scheduler"]
    assert "could not be read" in failing(server(scheduler=None))["scheduler"]


def test_an_unsupported_version_blocks_with_the_floor():
    blocked = failing(server(product_version="2.5.3.0", engine_version="2.5.3.0"))
    assert blocked["version"].startswith(
        "aadc02: 2.5.3.0 is below the minimum version 2.5.79.0: synchronization fails since 2026-09-30"
    )
    assert "withdrawn build" in failing(server(product_version="2.6.79.0", engine_version="2.6.79.0"))["version"]
    assert "retired" in failing(server(product_version="2.5.79.0", engine_version="2.5.79.0"))["version"]
    assert failing(server(), versions=[{"version": "2.6.92.0", "withdrawn": True}])["version"].startswith(
        "aadc02: 2.6.92.0 is a withdrawn build"
    )


def test_an_upgrade_in_progress_blocks():
    mid = failing(server(product_version="2.6.92.0", engine_version="2.6.91.0"))
    assert mid["upgrade"].startswith("aadc02 is in the middle of an upgrade (binaries 2.6.92.0, sync engine 2.6.91.0")
    auto = failing(server(scheduler={"sync_cycle_enabled": True, "scheduler_suspended": True}))
    assert "an automatic upgrade may be in progress on aadc02" in auto["upgrade"]
    assert "source 'Microsoft Entra Connect Upgrade', events 300-399" in auto["upgrade"]
    assert failing(server(auto_upgrade_state="Suspended")) == {}


def test_the_verdict_carries_the_health_gates_and_the_support_status():
    low = server(product_version="2.5.3.0", engine_version="2.5.3.0", staging_mode_enabled=True, idle=True)
    result = verdict("aadc02", low, None, None, None, now=NOW)
    assert result["verdict"] == "blocked"
    assert any(r.startswith("aadc02: 2.5.3.0 is below the minimum version 2.5.79.0") for r in result["reasons"])
    assert (result["support"]["status"], result["support"]["ends_on"]) == ("below_floor", "2026-09-30")
