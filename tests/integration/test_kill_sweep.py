"""The kill -9 sweep (issue #22): kill switch_roles and swing_migration after every write, then rerun once.

Run with ``make kill-sweep`` (not part of ``make test``: one case is two playbook runs). For each
playbook a fault-free run counts its write helper calls; then, for each kill point N, a fresh lab
runs the playbook with ``ENTRA_CONNECT_LAB_KILL_AT_WRITE=N`` (the lab SIGKILLs the ansible-playbook
process group right after the N-th write, as a killed AWX job), and one rerun must converge: exit
0, exactly the declared server active, never two active servers at any moment of the journal.
The lease is shortened (``entra_connect_lease_seconds``) so that the rerun may take it over.
``ENTRA_CONNECT_KILL_SWEEP_STRIDE=k`` keeps every k-th kill point (the first and last always).
Prints each kill point and the figures.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from lab_runs import make_inventory, never_two_active, reset, run_playbook

pytestmark = pytest.mark.skipif(
    not os.environ.get("ENTRA_CONNECT_KILL_SWEEP"), reason="the kill sweep runs with make kill-sweep"
)
SCENARIOS = {
    # playbook: (inventory source, declared roles or None, declared active)
    "switch_roles": ("lab", {"aadc01": "staging", "aadc02": "active"}, "aadc02"),
    "swing_migration": ("lab", None, "aadc03"),
}
LEASE = {"entra_connect_lease_seconds": 1}
KILL = "ENTRA_CONNECT_LAB_KILL_AT_WRITE"


def kill_points(tmp_path_factory, playbook):
    source, declared, _want = SCENARIOS[playbook]
    inventory = make_inventory(tmp_path_factory.mktemp(f"clean-{playbook}"), source, declared)
    assert reset(inventory).rc == 0
    clean = run_playbook(inventory, playbook, extra=LEASE)
    assert clean.rc == 0, clean.output[-3000:]
    log = clean.state().get("write_log", [])
    stride = max(1, int(os.environ.get("ENTRA_CONNECT_KILL_SWEEP_STRIDE", "1")))
    points = sorted({*range(1, len(log) + 1, stride), len(log)})
    return [(n, log[n - 1]) for n in points]


def one_case(tmp_path_factory, playbook, point):
    source, declared, want = SCENARIOS[playbook]
    number, where = point
    inventory = make_inventory(tmp_path_factory.mktemp(f"kill-{playbook}-{number}"), source, declared)
    assert reset(inventory).rc == 0
    killed = run_playbook(inventory, playbook, extra=LEASE, env={KILL: str(number)})
    time.sleep(LEASE["entra_connect_lease_seconds"] + 1)
    rerun = run_playbook(inventory, playbook, extra=LEASE)
    problems = [f"two active servers at {m}" for m in never_two_active(rerun)]
    if killed.rc != -9:
        problems.append(f"the first run was not killed (rc {killed.rc})")
    if rerun.rc != 0:
        tail = [line for line in rerun.output.splitlines() if '"msg"' in line][-1:]
        problems.append(f"rerun failed (rc {rerun.rc}): {tail}")
    if rerun.active() != {want}:
        problems.append(f"rerun ended with active {sorted(rerun.active())}")
    resumed = [line.strip() for line in rerun.output.splitlines() if "Took over the expired lease" in line][:1]
    return number, where, problems, resumed


@pytest.mark.parametrize("playbook", sorted(SCENARIOS))
def test_kill_sweep(tmp_path_factory, playbook):
    points = kill_points(tmp_path_factory, playbook)
    workers = int(os.environ.get("ENTRA_CONNECT_KILL_SWEEP_WORKERS", "2"))
    with ThreadPoolExecutor(workers) as pool:
        cases = list(pool.map(lambda p: one_case(tmp_path_factory, playbook, p), points))
    converged = [c for c in cases if not c[2]]
    print(f"\nkill sweep {playbook}:")
    for number, where, problems, resumed in cases:
        verdict = "converged" if not problems else "NOT converged: " + "; ".join(problems)
        print(f"  kill after write {number} ({where}): {verdict} {resumed[0][:160] if resumed else ''}")
    print(
        f"kill sweep {playbook}: {len(cases)} kill points, {len(converged)} converged on the first rerun "
        f"({100 * len(converged) // max(1, len(cases))} %)"
    )
    assert len(converged) == len(cases)
