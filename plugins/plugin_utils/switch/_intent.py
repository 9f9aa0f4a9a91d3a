# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The switch's intent record: what a switch is about to do, its lease, how a rerun resumes. Internal use only.

Pure Python. Before its first write a switch writes, on every server of the pair, the ``intent``
record (``server/_records.py``): run id, holder, former and candidate servers, the step it is
about to take, and a lease that expires. Each step renews it; the end of the switch removes it; a
failed run releases it (it expires at once, the step stays). A run killed anywhere (an AWX job
cancelled, a controller that died) leaves it behind, on the servers, for the next run:
:func:`intent_decision` reads it with the servers' actual roles and says, deterministically,
what the rerun does and why. Steps a record can name: :data:`STEPS`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._records import (
    lease_conflict,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._plan import servers_by_role

NAME = "intent"
#: The steps, in order: what the switch was about to do when it wrote the record.
STEPS = (
    "started",  # before the first write (backups, verification): nothing changed yet
    "demote",  # about to demote the former active server
    "promote",  # about to promote the candidate
    "confirm",  # the candidate was promoted; its delta cycle and export check come next
    "backup_after",  # the export was confirmed; the post-switch backup comes next
)
ACTIONS = ("start", "refuse", "restart", "resume", "roll_back", "recover", "confirm", "finish")
#: Default lease: longer than the longest step of a switch (a sync cycle waits up to an hour).
LEASE_SECONDS = 7200


def _text(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def newest_record(records: dict[str, dict[str, Any] | None]) -> tuple[str | None, dict[str, Any] | None]:
    """The most recently updated record of the pair and the host it was read from (servers may lag)."""
    found = [(str(r.get("updated_at") or ""), host, r) for host, r in sorted(records.items()) if r]
    if not found:
        return None, None
    _updated, host, record = max(found, key=lambda item: item[0])
    return host, record


def intent_record(
    intent: dict[str, Any], step: str, now: datetime, lease_seconds: int = LEASE_SECONDS
) -> dict[str, Any]:
    """The record this run writes before ``step`` (its lease renewed from ``now``)."""
    if step not in STEPS:
        raise ValueError(f"unknown switch step {step!r}; one of {', '.join(STEPS)}")
    return {
        "kind": NAME,
        "run_id": intent["run_id"],
        "holder": intent["holder"],
        "pair": list(intent["pair"]),
        "former": intent.get("former"),
        "candidate": intent.get("candidate"),
        "step": step,
        "started_at": intent["started_at"],
        "updated_at": _text(now),
        "expires_at": _text(now + timedelta(seconds=lease_seconds)),
    }


def intent_decision(
    records: dict[str, dict[str, Any] | None],
    actual: dict[str, dict[str, Any]],
    declared_active: str | None,
    run_id: str,
    holder: str,
    now: datetime,
) -> dict[str, Any]:
    """What this run does about the intent record it found, and why.

    ``records`` are the ``intent`` records read from every server of the pair (None: none);
    ``actual`` the server_info results; ``declared_active`` the server the run makes active.
    Returns ``action`` (:data:`ACTIONS`), ``message`` (for the job and the report), ``refusal``,
    ``taken_over``, ``confirm_promotion`` (the candidate was promoted but its export never
    confirmed: the plan confirms it and takes the post-switch backup), ``finish`` (only the
    post-switch backup is left), the ``record`` found and ``lease_host`` (the server whose
    record is written first, so that of two runs started together exactly one wins).
    """
    source, record = newest_record(records)
    active_now = servers_by_role(actual)["active"]
    others = [h for h in active_now if h != declared_active]
    decision: dict[str, Any] = {
        "candidate": declared_active,
        "former": others[0] if len(others) == 1 else None,
        "action": "start",
        "message": "",
        "refusal": None,
        "taken_over": False,
        "confirm_promotion": False,
        "finish": False,
        "record": record,
        "record_host": source,
        "lease_host": sorted(actual)[0] if actual else None,
        "run_id": run_id,
        "holder": holder,
        "pair": sorted(actual),
        "started_at": _text(now),
    }
    if record is None or record.get("run_id") == run_id:
        return decision
    conflict = lease_conflict(record, run_id, now)
    if conflict:
        decision.update(action="refuse", refusal=conflict, message=conflict)
        return decision
    step = record.get("step")
    former, candidate = record.get("former"), record.get("candidate")
    head = (
        f"Took over the expired lease of run {record.get('run_id')} by {record.get('holder') or 'unknown'} "
        f"(expired {record.get('expires_at')}), which stopped before step '{step}'"
    )
    decision["taken_over"] = True
    if step not in STEPS:
        refusal = (
            f"the intent record of run {record.get('run_id')} (on {source}) names step {step!r}, which this "
            "version does not know; check the servers with server_info and remove the record file "
            "C:\\ProgramData\\hybrid_identity.entra_connect\\intent.json on every server of the pair"
        )
        decision.update(action="refuse", refusal=refusal, message=refusal)
        return decision
    active = servers_by_role(actual)["active"]
    action, why = _resume(step, active, former, candidate, declared_active)
    decision.update(action=action, message=f"{head}: {why}")
    decision["confirm_promotion"] = action == "confirm"
    decision["finish"] = action == "finish"
    return decision


def _resume(
    step: str, active: list[str], former: str | None, candidate: str | None, declared: str | None
) -> tuple[str, str]:
    """(action, why) for an interrupted switch from ``former`` to ``candidate`` that stopped before ``step``."""
    if step == "started" or (step == "demote" and active == [former] and former):
        return "restart", "it had changed nothing on the servers, so this run starts the switch again."
    if not active:
        if declared == candidate:
            return "resume", (
                f"no server is active (it demoted {former or 'the active server'} but never promoted {candidate}); "
                f"resuming: {candidate} is verified and promoted, as it intended."
            )
        if declared == former:
            return "roll_back", (
                f"no server is active (it demoted {former} but never promoted {candidate}); rolling back: "
                f"{former} is declared active, so it is verified and promoted again."
            )
        return "recover", f"no server is active; {declared} is declared active, so it is verified and promoted."
    if active == [candidate] and declared == candidate:
        if step == "backup_after":
            return "finish", f"{candidate} is active and its export was confirmed; only the post-switch backup is left."
        return "confirm", (
            f"{candidate} was promoted but its export was never confirmed; confirming the export on every "
            "connector with a delta cycle and taking the post-switch backup."
        )
    return "restart", (
        f"the servers are now in another state (active: {', '.join(active)}); this run plans from that state."
    )
