"""switch_outcome: every outcome the fault matrix produces, decided in Python from the registered results."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._outcome import (
    export_results,
    switch_failure,
    switch_outcome,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._plan import switch_plan

ACTIVE = {"installed": True, "configured": True, "staging_mode_enabled": False}
STAGING = {"installed": True, "configured": True, "staging_mode_enabled": True}
OK = {"changed": True}
FAILED = {"failed": True, "msg": "Set-ADSyncGlobalSettings : Access is denied."}
LOST = {"unreachable": True, "msg": "the host stopped answering"}
SKIPPED = {"skipped": True}
EXPORTED = {"changed": True, "results": {"contoso.com": {"Export": "success"}, "aad": {"Export": "success"}}}


REFERENCE = {"host": "aadc01", "path": "/b/aadc01/20261201T100000Z", "exported_at": "2026-12-01T10:00:00Z"}


def plan(former="aadc01"):
    actual = {"aadc01": ACTIVE if former else STAGING, "aadc02": STAGING}
    return switch_plan({"aadc01": "staging", "aadc02": "active"}, actual, reference_backup=REFERENCE).to_dict()


def after(active="aadc02"):
    return {h: ACTIVE if h == active else STAGING for h in ("aadc01", "aadc02")}


def test_a_switch_in_progress_decides_step_by_step():
    p = plan()
    assert switch_outcome(p)["status"] == "promoting"
    first = switch_outcome(p, promote=OK)
    assert (first["status"], first["run_cycle"], first["rollback"]) == ("promoting", True, False)
    done = switch_outcome(p, promote=OK, cycle=EXPORTED, after=after())
    assert (done["status"], done["failed"], done["message"]) == ("done", False, "aadc02 is the only active server")
    assert done["exports"] == {"contoso.com": "success", "aad": "success"}


def test_a_failed_promotion_is_rolled_back_in_order():
    p = plan()
    step1 = switch_outcome(p, promote=FAILED, cycle=SKIPPED)
    assert (step1["rollback"], step1["undo_candidate"], step1["restore_former"], step1["failed"]) == (
        True,
        True,
        False,
        False,
    )
    step2 = switch_outcome(p, promote=FAILED, cycle=SKIPPED, undo=OK)
    assert step2["restore_former"] is True and step2["status"] == "rolling_back"
    step3 = switch_outcome(p, promote=FAILED, cycle=SKIPPED, undo=OK, restore=OK)
    assert (step3["status"], step3["failed"]) == ("rolled_back", True)
    assert step3["message"] == (
        "Promotion of aadc02 failed: Set-ADSyncGlobalSettings : Access is denied. "
        "The candidate was put back in staging and aadc01 is active again, as before the run."
    )


def test_a_failed_delta_cycle_rolls_back_too():
    out = switch_outcome(plan(), promote=OK, cycle={"failed": True, "msg": "Export failed on aad"}, undo=OK, restore=OK)
    assert out["status"] == "rolled_back" and out["message"].startswith(
        "Promotion of aadc02 failed: Export failed on aad."
    )


@pytest.mark.parametrize(("promote", "cycle"), [(LOST, SKIPPED), (FAILED, LOST)])
def test_a_candidate_that_stopped_answering_is_never_undone_and_the_former_never_restored(promote, cycle):
    out = switch_outcome(plan(), promote=promote, cycle=cycle, undo=SKIPPED, restore=SKIPPED)
    assert (out["undo_candidate"], out["restore_former"], out["status"]) == (False, False, "zero_active")
    assert "aadc01 was NOT promoted again" in out["message"] and "no server may be active now" in out["message"]


def test_promoted_then_lost_leaves_the_former_in_staging():
    out = switch_outcome(plan(), promote=OK, cycle=LOST, undo=SKIPPED, restore=SKIPPED)
    assert (out["status"], out["restore_former"], out["failed"]) == ("promoted_unconfirmed", False, True)
    assert "probably the active server now; aadc01 stays in staging" in out["message"]


def test_a_failed_undo_keeps_the_former_in_staging():
    out = switch_outcome(plan(), promote=FAILED, cycle=SKIPPED, undo=FAILED, restore=SKIPPED)
    assert (out["restore_former"], out["status"]) == (False, "zero_active")
    assert "state of aadc02 is unknown" in out["message"]


def test_a_failed_restore_says_no_server_may_be_active():
    out = switch_outcome(plan(), promote=FAILED, cycle=SKIPPED, undo=OK, restore=LOST)
    assert out["status"] == "zero_active" and "promoting aadc01 again failed" in out["message"]
    assert "no server may be active now" in out["message"]


def test_without_a_former_server_nothing_is_restored():
    p = plan(former=None)
    assert p["former"] is None and p["promote"] is True
    out = switch_outcome(p, promote=FAILED, cycle=SKIPPED, undo=OK)
    assert (out["restore_former"], out["status"]) == (False, "zero_active")
    assert out["message"].endswith("No server was active before the run and none is now.")


def test_a_server_still_active_after_the_demotion_stops_before_the_promotion():
    out = switch_outcome(plan(), mid=after(active="aadc01"))
    assert (out["status"], out["failed"], out["run_cycle"]) == ("failed", True, False)
    assert out["message"] == "Still active after the demotion: aadc01; aadc02 was not promoted"
    assert switch_outcome(plan(), mid=after(active=None))["failed"] is False


def test_a_server_not_read_after_the_demotion_stops_before_the_promotion():
    # ansible-core 2.16: a host whose demotion failed leaves the block; the others read on.
    mid = {**after(active=None), "aadc01": None}
    out = switch_outcome(plan(), mid=mid)
    assert (out["status"], out["failed"], out["active"]) == ("failed", True, ["aadc01"])
    assert out["message"] == "not read after the demotion (may still be active): aadc01; aadc02 was not promoted"


@pytest.mark.parametrize(
    ("active", "cycle", "problem"),
    [
        ("aadc01", EXPORTED, "active: aadc01 (expected aadc02)"),
        ("aadc02", {"results": {"aad": {"Export": "completed-export-errors"}}}, "aad: completed-export-errors"),
        ("aadc02", {"results": {"aad": {"Delta Import": "success"}}}, "export results of aadc02: none"),
    ],
)
def test_the_final_check_needs_exactly_the_candidate_and_every_export_successful(active, cycle, problem):
    out = switch_outcome(plan(), promote=OK, cycle=cycle, after=after(active))
    assert (out["status"], out["failed"]) == ("failed", True)
    assert problem in out["message"]


def test_only_demoting_an_extra_active_server_needs_no_export():
    p = switch_plan({"aadc01": "staging", "aadc02": "active"}, {"aadc01": ACTIVE, "aadc02": ACTIVE}).to_dict()
    assert p["promote"] is False and p["hosts"]["aadc01"]["demote_first"] is True
    assert switch_outcome(p)["status"] == "not_promoting"
    assert switch_outcome(p, after=after())["status"] == "done"
    assert switch_outcome(p, after={"aadc01": ACTIVE, "aadc02": ACTIVE})["failed"] is True


def test_export_results_reads_only_export_runs():
    assert export_results(None) == {}
    assert export_results({"results": {"a": {"Delta Import": "success", "Export": "success"}, "b": "x"}}) == {
        "a": "success"
    }


def test_a_failure_names_the_gates_or_the_failed_step():
    p = plan()
    blocked = switch_failure(
        p, {"failed": True, "msg": "aadc02 is blocked: 5 deletes."}, {"verdict": "blocked"}, "Stop"
    )
    assert blocked["event"] == "aadc02 was blocked by the gates; nothing was changed on the active server"
    # the verification's failure said why; the switch's last line does not repeat it
    assert blocked["message"] == (
        "aadc02 was blocked by the gates; nothing was changed on the active server "
        "(why: the verification's message above)"
    )
    other = switch_failure(p, {"failed": True, "msg": "boom"}, None, "Demote the active server")
    assert other == {"event": "step 'Demote the active server' failed: boom", "message": "boom"}
    assert switch_failure(p, None)["message"] == "The switch stopped at a step"
    lost = switch_failure(p, None, None, None, ["aadc01"])
    assert lost["message"].startswith("aadc01 is not answering or failed in the middle of the switch")
    assert lost["event"] == lost["message"]


def test_a_recovery_from_zero_active_says_how_it_recovered():
    p = plan(former=None)
    assert p["recovery"]["reference_host"] == "aadc01"
    out = switch_outcome(p, promote=OK, cycle=EXPORTED, after=after("aadc02"))
    assert out["status"] == "done"
    assert out["message"] == (
        "aadc02 is the only active server; recovered from zero active servers: verified against the backup of "
        "aadc01 taken while it was active (2026-12-01T10:00:00Z, /b/aadc01/20261201T100000Z)"
    )


def read_after(exports_on=("contoso.com", "aad")):
    """server_info results after the switch, with the candidate's connectors (Entra: aad)."""
    state = after()
    connectors = [{"name": "contoso.com"}, {"name": "aad"}]
    state["aadc02"] = {**state["aadc02"], "connectors": connectors, "entra_connector_name": "aad"}
    return state


@pytest.mark.parametrize(
    ("results", "problem"),
    [
        ({"contoso.com": {"Export": "success"}}, "the Entra connector 'aad' did not export"),
        ({"aad": {"Export": "success"}}, "no Export run on contoso.com"),
        (
            {"aad": {"Export": "success"}, "contoso.com": {"Export": "completed-export-errors"}},
            "Export did not succeed on contoso.com: completed-export-errors",
        ),
        ({"aad": {"Delta Import": "success"}}, "no Export run was found"),
    ],
    ids=["entra-missing", "ad-missing", "ad-failed", "none"],
)
def test_the_switch_is_done_only_when_every_connector_exported(results, problem):
    out = switch_outcome(plan(), promote=OK, cycle={"changed": True, "results": results}, after=read_after())
    assert (out["status"], out["failed"]) == ("failed", True)
    assert problem in out["message"]


def test_a_delta_cycle_that_exported_on_every_connector_is_done():
    out = switch_outcome(plan(), promote=OK, cycle=EXPORTED, after=read_after())
    assert (out["status"], out["failed"]) == ("done", False)


def test_a_server_that_left_the_play_before_the_switch_stops_it_before_any_change():
    # ansible-core 2.16 moves on without a host whose task failed in a block with a rescue
    p = plan()
    gone = switch_outcome(p, present=["aadc01"])
    assert (gone["status"], gone["failed"]) == ("failed", True)
    assert gone["message"] == (
        "aadc02 failed or stopped answering before the switch began (the error is in the job output above); "
        "no role was changed and aadc02 was not promoted"
    )
    assert switch_outcome(p, present=["aadc01", "aadc02"]) == switch_outcome(p)
    # once the demotion ran, the reading after it decides (a host missing then is unread)
    demoted = {"aadc01": STAGING, "aadc02": STAGING}
    assert switch_outcome(p, mid=demoted, present=["aadc01"]) == switch_outcome(p, mid=demoted)
