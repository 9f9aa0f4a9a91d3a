"""The intent record: the lease, and what a rerun does after a switch stopped before each step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._records import (
    decode,
    encode,
    lease_conflict,
    released,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._intent import (
    STEPS,
    intent_decision,
    intent_record,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._plan import switch_plan

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ACTIVE = {"installed": True, "configured": True, "staging_mode_enabled": False}
STAGING = {"installed": True, "configured": True, "staging_mode_enabled": True}
REFERENCE = {"host": "aadc01", "path": "/b/aadc01/20261201T100000Z", "exported_at": "2026-12-01T10:00:00Z"}


def record(step, run_id="old-run", expires=NOW - timedelta(minutes=1), former="aadc01", candidate="aadc02"):
    return {
        "schema_version": 1,
        "kind": "intent",
        "run_id": run_id,
        "holder": "admin@awx (job 41)",
        "pair": ["aadc01", "aadc02"],
        "former": former,
        "candidate": candidate,
        "step": step,
        "started_at": "2026-12-01T09:00:00Z",
        "updated_at": "2026-12-01T09:30:00Z",
        "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def roles(active):
    return {h: ACTIVE if h in active else STAGING for h in ("aadc01", "aadc02")}


def decide(found, active, declared="aadc02", run_id="new-run"):
    return intent_decision({"aadc01": found, "aadc02": None}, roles(active), declared, run_id, "me@here", NOW)


def test_no_record_starts_and_names_the_lease_host():
    got = decide(None, ["aadc01"])
    assert (got["action"], got["refusal"], got["taken_over"], got["lease_host"]) == ("start", None, False, "aadc01")
    assert (got["former"], got["candidate"]) == ("aadc01", "aadc02")


def test_another_runs_unexpired_lease_refuses_naming_the_holder_and_the_expiry():
    got = decide(record("promote", expires=NOW + timedelta(hours=1)), [])
    assert got["action"] == "refuse"
    assert got["refusal"].startswith("another run holds this pair's lease: run old-run by admin@awx (job 41)")
    assert "(step promote), until 2026-12-01T13:00:00Z" in got["refusal"]
    plan = switch_plan({"aadc01": "staging", "aadc02": "active"}, roles([]), reference_backup=REFERENCE, intent=got)
    assert plan.status == "refused" and plan.refusal.startswith("another run holds this pair's lease")


def test_this_runs_own_record_is_not_a_conflict():
    got = decide(record("promote", run_id="new-run", expires=NOW + timedelta(hours=1)), [])
    assert (got["action"], got["taken_over"]) == ("start", False)


# Every step a record can name, with the state a kill there leaves, and what the rerun does.
CASES = [
    ("started", ["aadc01"], "aadc02", "restart", "it had changed nothing on the servers"),
    ("demote", ["aadc01"], "aadc02", "restart", "it had changed nothing on the servers"),
    ("demote", [], "aadc02", "resume", "resuming: aadc02 is verified and promoted, as it intended"),
    ("demote", [], "aadc01", "roll_back", "rolling back: aadc01 is declared active"),
    ("promote", [], "aadc02", "resume", "resuming: aadc02 is verified and promoted"),
    ("promote", [], "aadc01", "roll_back", "rolling back: aadc01 is declared active"),
    ("promote", ["aadc02"], "aadc02", "confirm", "aadc02 was promoted but its export was never confirmed"),
    ("confirm", ["aadc02"], "aadc02", "confirm", "confirming the export on every connector"),
    ("confirm", [], "aadc01", "roll_back", "rolling back"),
    ("confirm", ["aadc02"], "aadc01", "restart", "the servers are now in another state (active: aadc02)"),
    ("backup_after", ["aadc02"], "aadc02", "finish", "only the post-switch backup is left"),
]


@pytest.mark.parametrize(("step", "active", "declared", "action", "why"), CASES)
def test_a_rerun_after_a_kill_before_each_step_says_what_it_does_and_why(step, active, declared, action, why):
    got = decide(record(step), active, declared)
    assert got["action"] == action and got["taken_over"] is True
    assert got["message"].startswith(
        f"Took over the expired lease of run old-run by admin@awx (job 41) (expired 2026-12-01T11:59:00Z), "
        f"which stopped before step '{step}': "
    )
    assert why in got["message"]
    assert got["confirm_promotion"] is (action == "confirm")
    assert got["finish"] is (action == "finish")


def test_every_step_is_covered():
    assert {case[0] for case in CASES} == set(STEPS)


def test_an_unknown_step_refuses_naming_the_file():
    got = decide(record("teleport"), [])
    assert got["action"] == "refuse" and "names step 'teleport'" in got["refusal"]
    assert "C:\\ProgramData\\hybrid_identity.entra_connect\\intent.json" in got["refusal"]


def test_the_newest_record_of_the_pair_wins():
    older, newer = record("demote"), {**record("confirm"), "updated_at": "2026-12-01T09:40:00Z"}
    got = intent_decision({"aadc01": older, "aadc02": newer}, roles(["aadc02"]), "aadc02", "new", "me", NOW)
    assert (got["record_host"], got["action"]) == ("aadc02", "confirm")


def test_a_promotion_never_confirmed_plans_the_confirmation_and_the_post_switch_backup():
    got = decide(record("confirm"), ["aadc02"])
    plan = switch_plan({"aadc01": "staging", "aadc02": "active"}, roles(["aadc02"]), intent=got).to_dict()
    assert plan["status"] == "planned" and plan["confirm_export"] is True and plan["promote"] is False
    assert [s["action"] for s in plan["steps"]] == ["confirm_export", "backup_after"]
    assert plan["hosts"]["aadc02"]["confirm"] is True and plan["hosts"]["aadc01"]["confirm"] is False
    assert plan["messages"]["show"][0] == got["message"]
    assert plan["resumed"] == got["message"]


def test_without_a_record_a_converged_pair_still_plans_nothing():
    plan = switch_plan({"aadc01": "staging", "aadc02": "active"}, roles(["aadc02"]), intent=decide(None, ["aadc02"]))
    assert plan.status == "nothing_to_do"


def test_the_record_renews_its_lease_at_each_step():
    intent = decide(None, ["aadc01"])
    written = intent_record(intent, "promote", NOW, lease_seconds=600)
    assert written["step"] == "promote" and written["run_id"] == "new-run" and written["holder"] == "me@here"
    assert (written["updated_at"], written["expires_at"]) == ("2026-12-01T12:00:00Z", "2026-12-01T12:10:00Z")
    assert (written["former"], written["candidate"]) == ("aadc01", "aadc02")
    with pytest.raises(ValueError, match="unknown switch step 'fly'"):
        intent_record(intent, "fly", NOW)


def test_a_released_lease_is_taken_over_at_once_and_keeps_its_step():
    lease = record("promote", expires=NOW + timedelta(hours=1))
    assert lease_conflict(lease, "new-run", NOW) is not None
    freed = released(lease, NOW)
    assert freed["step"] == "promote" and lease_conflict(freed, "new-run", NOW) is None


def test_a_damaged_record_is_an_error_naming_the_file():
    assert decode(encode({"run_id": "x"}), "aadc01", "intent") == {"schema_version": 1, "run_id": "x"}
    assert decode(None, "aadc01", "intent") is None
    for text, problem in (
        ("{", "not JSON"),
        ("[]", "not a JSON object"),
        ('{"schema_version": 9}', "schema_version 9"),
    ):
        with pytest.raises(Exception, match=problem) as caught:
            decode(text, "aadc01", "intent")
        assert (
            "aadc01: the intent record C:\\ProgramData\\hybrid_identity.entra_connect\\intent.json is damaged"
            in str(caught.value)
        )
