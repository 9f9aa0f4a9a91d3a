"""Fault matrix: every mutating helper call of switch_roles and swing_migration, with each fault.

Steps come from a recorded fault-free run (the lab counts helper calls per host), not from a
hand-picked list. After every faulty run the journal must show no moment with two active
servers, and the end state must be the declared one, or the pre-run one with a failed play that
says what happened, or - only when the candidate stopped answering during its promotion, so its
state is unknown - no active server with a failed play that says so. (A candidate that was
promoted and then stopped answering before its export was confirmed ends as the declared state
with a failed play: nothing can be checked on it, and promoting the former server back could make
two active servers.)
CI runs the effects `error` and `unreachable`; ENTRA_CONNECT_FULL_MATRIX=1 (make test-full) adds
`no_effect` and `busy`, and every call of every step. Without it, calls that go through the same
task on the same path as a faulted one are left out (make_test_steps says which and why).

ENTRA_CONNECT_MATRIX_SHARE=i/n runs the i-th of n complementary shares of the cases: step k with
effect e is in share (k + e) mod n. `make test` gives each ansible-core leg one share of two
(tools/legs.py), so every leg faults every step, with `error` and `unreachable` alike, and the two
legs together run the whole matrix once. Unset, the whole matrix runs.
"""

from __future__ import annotations

import os

import pytest
from lab_runs import add_faults, final_failure, make_inventory, mutating_steps, never_two_active, reset, run_playbook

FULL = bool(os.environ.get("ENTRA_CONNECT_FULL_MATRIX"))


def matrix_share(text: str) -> tuple[int, int]:
    """(i, n) from ENTRA_CONNECT_MATRIX_SHARE ("i/n", 0 <= i < n); (0, 1), the whole matrix, when unset."""
    if not text:
        return 0, 1
    index, slash, count = text.partition("/")
    if not (slash and index.isdigit() and count.isdigit() and 0 <= int(index) < int(count)):
        raise pytest.UsageError(f"ENTRA_CONNECT_MATRIX_SHARE must be i/n with 0 <= i < n, got {text!r}")
    return int(index), int(count)


SHARE = matrix_share(os.environ.get("ENTRA_CONNECT_MATRIX_SHARE", ""))
EFFECTS = ["error", "unreachable"] + (["no_effect", "busy"] if FULL else [])
RECORD_HELPERS = ("Set-EntraConnectRecord", "Remove-EntraConnectRecord")
RUN_PROFILE_HELPER = "Invoke-EntraConnectRunProfile"
SCENARIOS = {
    # playbook: (inventory source, declared roles or None, declared active, pre-run active)
    "switch_roles": ("lab", {"aadc01": "staging", "aadc02": "active"}, "aadc02", "aadc01"),
    "swing_migration": ("lab", None, "aadc03", "aadc01"),
}
RESULTS: dict[str, list[str]] = {}
#: What the last failure of a faulty run must say: the injected error itself (the lab's cmdlet
#: errors, an unreachable host, a write that did not take, an engine that stayed busy) or the
#: switch's own account of it (a rollback, a server left in staging, the final check).
EXPLANATIONS = (
    "Access is denied",
    "The RPC server is unavailable",
    "not answering",
    "did not change",
    "did not take",
    "busy",
    "Promotion of ",
    "Still active after the demotion",
    "After the switch, active:",
    "before the switch began",
)


def explained(run) -> bool:
    failure = final_failure(run)
    return failure is not None and any(phrase in failure[1] for phrase in EXPLANATIONS)


def recorded_steps(tmp_path_factory, playbook):
    source, declared, _want, _before = SCENARIOS[playbook]
    inventory = make_inventory(tmp_path_factory.mktemp(f"record-{playbook}"), source, declared)
    assert reset(inventory).rc == 0
    clean = run_playbook(inventory, playbook)
    assert clean.rc == 0, clean.output[-3000:]
    steps = mutating_steps(clean)
    if FULL:
        return steps
    if playbook == "swing_migration":
        steps = swing_steps_of_its_own(steps)
    return make_test_steps(steps)


#: The servers a swing migration switches between (the former active server and the new one), as
#: the switch_roles scenario switches between aadc01 and aadc02; aadc02 stays staging in the swing.
SWING_SWITCHES = ("aadc01", "aadc03")
BUILD_HELPERS = ("Invoke-EntraConnectRunProfile", "Set-EntraConnectScheduler")


def swing_steps_of_its_own(steps: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """swing_migration's steps that the switch_roles scenario does not already fault in make test.

    The switch of a swing migration is the switch role that switch_roles runs: its writes on the
    former and the new active server (demote, promote, the cycle, the records) are the same steps
    at the same places, faulted in that scenario. What only a swing migration has is faulted here:
    the build of the new server (its run profiles and scheduler), and every write on the server
    that stays staging (a third server, which switch_roles does not have).
    """
    return [s for s in steps if s[0] not in SWING_SWITCHES or s[1] in BUILD_HELPERS]


def make_test_steps(steps: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """The steps make test faults (ENTRA_CONNECT_FULL_MATRIX faults them all).

    Only calls that go through the same task on the same path are left out:
    - a record write after the first one per host (the step updates, whose failure the switch
      ignores on purpose; the first takes the lease and can refuse the run);
    - the record's removal on every host but the first (one task on every host at the end of a
      done switch, its failure ignored: a record left behind expires with its lease);
    - the run profiles between the first and the last of one host (one sync_cycle task runs them
      in turn: a failure at the first leaves nothing run, at the last everything but it).
    """
    last_run = {}
    for host, helper, call in steps:
        if helper == RUN_PROFILE_HELPER:
            last_run[host] = max(call, last_run.get(host, 0))
    removing = sorted(host for host, helper, _call in steps if helper == "Remove-EntraConnectRecord")
    kept = []
    for host, helper, call in steps:
        if helper in RECORD_HELPERS and call != 1:
            continue
        if helper == "Remove-EntraConnectRecord" and host != removing[0]:
            continue
        if helper == RUN_PROFILE_HELPER and call not in (1, last_run[host]):
            continue
        kept.append((host, helper, call))
    return kept


@pytest.mark.parametrize("playbook", sorted(SCENARIOS))
def test_fault_matrix(tmp_path_factory, playbook):
    source, declared, want, before = SCENARIOS[playbook]
    steps = recorded_steps(tmp_path_factory, playbook)
    assert steps, "the fault-free run made no mutating helper call"
    failures, passed, ran = [], 0, 0
    index, count = SHARE
    for step, (host, helper, call) in enumerate(steps):
        for number, effect in enumerate(EFFECTS):
            if (step + number) % count != index:
                continue
            ran += 1
            case = f"{playbook}: {effect} at {helper} call {call} on {host}"
            # A fresh copy has no lab state: it starts as lab_reset would leave it (recorded_steps
            # ran lab_reset on one), so no reset run per case.
            inventory = make_inventory(tmp_path_factory.mktemp("case"), source, declared)
            add_faults(inventory, host, [{"helper": helper, "on_call": call, "effect": effect}])
            run = run_playbook(inventory, playbook)
            problems = [f"two active servers at {m}" for m in never_two_active(run)]
            active = run.active()
            if run.rc == 0 and active != {want}:
                problems.append(f"succeeded but active is {sorted(active)}")
            if run.rc != 0:
                unknown = active == set() and "no server may be active now" in (final_failure(run) or ("", ""))[1]
                if active not in ({before}, {want}) and not unknown:
                    problems.append(f"failed with active {sorted(active)} (neither declared nor pre-run)")
                if not explained(run):
                    problems.append(f"failed without saying why: last failure {final_failure(run)}")
            if problems:
                failures.append(f"{case}: " + "; ".join(problems))
            else:
                passed += 1
    total = len(steps) * len(EFFECTS)
    share = "" if count == 1 else f", share {index}/{count} of them: {ran} cases"
    cases = f"{len(steps)} steps x {len(EFFECTS)} effects = {total} cases{share}"
    print(f"\nfault matrix {playbook}: {cases}, {passed} passed")
    assert ran, f"share {index}/{count} of the matrix holds no case"
    assert not failures, "\n".join(failures)
