"""The sync-cycle rules: Microsoft's verification order, new runs, when a cycle is over, failures."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._cycles import (
    CycleWatch,
    failed_runs,
    failure_message,
    new_runs,
    run_summary,
    stops_verification,
    verification_plan,
)

PROFILES = ["Full Import", "Delta Import", "Full Synchronization", "Delta Synchronization", "Export"]
ENTRA = {
    "name": "contoso.onmicrosoft.com - AAD",
    "identifier": "{B891884F-051E-4A83-95AF-2544101C9083}",
    "type": "Extensible2",
    "subtype": "Windows Azure Active Directory (Microsoft)",
    "run_profiles": PROFILES,
}
AD = {"name": "contoso.com", "identifier": "{ae4db4cc}", "type": "AD", "subtype": None, "run_profiles": PROFILES}
FABRIKAM = {**AD, "name": "fabrikam.com"}
IDLE = {"scheduler": {"sync_cycle_in_progress": False}, "busy_connectors": []}
BUSY = {"scheduler": {"sync_cycle_in_progress": True}, "busy_connectors": ["contoso.com"]}


def run(number, connector="contoso.com", profile="Delta Import", result="success"):
    return {
        "run_history_id": f"id-{number}",
        "connector_name": connector,
        "run_profile_name": profile,
        "result": result,
    }


def test_verification_plan_imports_every_ad_connector_before_entra_then_syncs_in_that_order():
    assert verification_plan([ENTRA, AD, FABRIKAM]) == [
        ("contoso.com", "Full Import"),
        ("fabrikam.com", "Full Import"),
        ("contoso.onmicrosoft.com - AAD", "Full Import"),
        ("contoso.com", "Delta Synchronization"),
        ("fabrikam.com", "Delta Synchronization"),
        ("contoso.onmicrosoft.com - AAD", "Delta Synchronization"),
    ]


def test_verification_plan_needs_an_entra_connector():
    with pytest.raises(EntraConnectError, match=r"^No Microsoft Entra connector found on the server; "):
        verification_plan([AD])


def test_verification_plan_names_a_missing_run_profile():
    with pytest.raises(EntraConnectError) as caught:
        verification_plan([{**AD, "run_profiles": ["Export"]}, ENTRA])
    assert caught.value.message == (
        "Connector 'contoso.com' has no run profile 'Full Import' (it has: Export); "
        "create it in the Synchronization Service"
    )


def test_new_runs_are_the_unknown_ones_oldest_first():
    history = [run(3), run(2), run(1)]
    assert new_runs(history, {"id-1"}) == [run(2), run(3)]
    assert new_runs(history, {"id-1", "id-2", "id-3"}) == []


def test_run_summary_keeps_the_last_result_per_connector_and_profile():
    runs = [run(1, result="completed-errors"), run(2), run(3, "contoso.onmicrosoft.com - AAD", "Export")]
    assert run_summary(runs) == {
        "contoso.com": {"Delta Import": "success"},
        "contoso.onmicrosoft.com - AAD": {"Export": "success"},
    }


def test_failures_stop_verification_only_when_errors_fail_the_task():
    runs = [run(1), run(2, profile="Export", result="stopped-deletion-threshold-exceeded")]
    assert failed_runs(runs) == [runs[1]]
    assert stops_verification(runs, fail_on_error=True) is True
    assert stops_verification(runs, fail_on_error=False) is False
    assert stops_verification([run(1)], fail_on_error=True) is False
    assert failure_message("aadc01", failed_runs(runs)) == (
        "1 run(s) did not succeed on aadc01; first: Export on 'contoso.com' returned "
        "'stopped-deletion-threshold-exceeded'. Look at the run history in the Synchronization Service, "
        "or set fail_on_error: false to continue."
    )


def test_cycle_watch_waits_until_the_cycle_was_seen_running_and_is_idle_again():
    watch = CycleWatch()
    assert watch.finished(IDLE, lambda: False) is False
    assert watch.finished(BUSY, lambda: pytest.fail("no history read while busy")) is False
    assert watch.finished(IDLE, lambda: pytest.fail("no history read once seen running")) is True


def test_cycle_watch_accepts_a_cycle_that_finished_between_two_polls():
    assert CycleWatch().finished(IDLE, lambda: True) is True
