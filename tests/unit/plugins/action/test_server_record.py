"""The server_record action plugin, on both backends: compare-and-swap writes, the lease, check mode."""

from __future__ import annotations

from ec_harness import ACTIVE, run_action

from ansible_collections.hybrid_identity.entra_connect.plugins.action.server_record import ActionModule as Record

PAST = "2026-01-01T00:00:00Z"
FUTURE = "2099-01-01T00:00:00Z"


def lease(run_id, expires=FUTURE, step="started"):
    return {"run_id": run_id, "holder": f"{run_id}@awx", "step": step, "expires_at": expires}


def write(lab, backend, content, check=False, **extra):
    args = {"name": "intent", "state": "present", "lease": True, "content": content, **extra}
    return run_action(Record, args, backend=backend, lab_dir=lab, host_vars=ACTIVE, check_mode=check)[0]


def test_a_lease_is_written_read_back_and_idempotent(backend, lab):
    first = write(lab, backend, lease("run-a"))
    assert first.get("failed") is not True, first.get("msg")
    assert (first["changed"], first["taken_over"], first["previous"]) == (True, False, None)
    assert first["path"] == "C:\\ProgramData\\hybrid_identity.entra_connect\\intent.json"
    read, _unused = run_action(Record, {"name": "intent"}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert read["changed"] is False and read["record"] == {"schema_version": 1, **lease("run-a")}
    assert write(lab, backend, lease("run-a"))["changed"] is False


def test_another_runs_unexpired_lease_refuses_naming_the_holder_and_an_expired_one_is_taken_over(backend, lab):
    write(lab, backend, lease("run-a", step="promote"))
    refused = write(lab, backend, lease("run-b"))
    assert refused["failed"] is True
    assert (
        "another run holds this pair's lease: run run-a by run-a@awx (step promote), until 2099-01-01" in refused["msg"]
    )
    write(lab, backend, lease("run-a", expires=PAST))
    taken = write(lab, backend, lease("run-b"))
    assert (taken["changed"], taken["taken_over"], taken["previous"]["run_id"]) == (True, True, "run-a")


def test_check_mode_writes_nothing(backend, lab):
    checked = write(lab, backend, lease("run-a"), check=True)
    assert checked["changed"] is True and checked["record"]["run_id"] == "run-a"
    read, _unused = run_action(Record, {"name": "intent"}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert read["record"] is None


def test_release_and_removal_touch_only_this_runs_record(backend, lab):
    write(lab, backend, lease("run-a", step="confirm"))
    other = {"name": "intent", "lease": True, "run_id": "run-b"}
    for state in ("released", "absent"):
        kept, _unused = run_action(Record, {**other, "state": state}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
        assert kept["changed"] is False and kept["record"]["run_id"] == "run-a"
    mine = {**other, "run_id": "run-a"}
    freed, _unused = run_action(Record, {**mine, "state": "released"}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert freed["changed"] is True and freed["record"]["step"] == "confirm" and "released_at" in freed["record"]
    assert write(lab, backend, lease("run-b"))["taken_over"] is True
    gone, _unused = run_action(Record, {**other, "state": "absent"}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert gone["removed"] is True and gone["record"] is None


def test_a_bad_name_is_refused_before_any_call(backend, lab):
    bad, _unused = run_action(Record, {"name": "../x"}, backend=backend, lab_dir=lab, host_vars=ACTIVE)
    assert bad["failed"] is True and "Invalid value given for 'name': '../x'" in bad["msg"]
