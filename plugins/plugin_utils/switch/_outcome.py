# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a switch did and what to do next, from the plan and the registered results. For internal collection use only.

Pure Python. The switch role calls :func:`switch_outcome` after each step from the promotion on,
with every result it has so far; each field depends only on the results of earlier steps, so a
later call never changes what an earlier one decided:

1. after the promotion and its delta cycle: did the promotion fail (``rollback``), and may the
   candidate be put back in staging (``undo_candidate``: only when it still answers)?
2. after putting it back: may the former active server be promoted again (``restore_former``:
   only when the candidate is known to be in staging, or two servers could end up active)?
3. after the restore: ``status``, ``failed`` and the operator ``message``;
4. after the final read (``after``): exactly the candidate active and its delta cycle exported
   successfully on every connector, the Entra connector's among them (``done``).

The safety choice of step 2 (DESIGN, "never two active servers"): when the candidate stops
answering during or after its promotion, its state is unknown, so the former server is *not*
promoted back; the run fails saying so and what to check.
"""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import server_role
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._plan import servers_by_role

STATUSES = (
    "not_promoting",  # the plan promotes nothing (converged, or only extra active servers demoted)
    "promoting",  # the promotion or its delta cycle has not run yet
    "promoted",  # promotion and delta cycle succeeded; the final check is next
    "rolling_back",  # the promotion failed; the rollback is under way
    "rolled_back",  # the candidate is back in staging and the former server active again
    "promoted_unconfirmed",  # promoted, then stopped answering before its export was confirmed
    "zero_active",  # no server is (or may be) active; the operator must act
    "done",  # exactly the candidate is active and its export ran
    "failed",  # the final check found another state
)


def _reached(result: Any) -> bool:
    return isinstance(result, dict) and not result.get("skipped")


def unreachable(result: Any) -> bool:
    return isinstance(result, dict) and bool(result.get("unreachable"))


def succeeded(result: Any) -> bool:
    return _reached(result) and not result.get("failed") and not unreachable(result)


def export_results(cycle: Any) -> dict[str, str]:
    """connector -> result of its Export run in a sync_cycle result."""
    results = (cycle or {}).get("results") or {} if isinstance(cycle, dict) else {}
    return {
        connector: profiles["Export"]
        for connector, profiles in results.items()
        if isinstance(profiles, dict) and "Export" in profiles
    }


def _error(promote: Any, cycle: Any) -> str:
    for result in (promote, cycle):
        if isinstance(result, dict) and (result.get("failed") or result.get("unreachable")) and result.get("msg"):
            return str(result["msg"]).rstrip(".")
    return "unknown error"


def switch_outcome(
    plan: dict[str, Any],
    promote: dict[str, Any] | None = None,
    cycle: dict[str, Any] | None = None,
    undo: dict[str, Any] | None = None,
    restore: dict[str, Any] | None = None,
    after: dict[str, dict[str, Any]] | None = None,
    mid: dict[str, dict[str, Any]] | None = None,
    confirm: dict[str, Any] | None = None,
    present: list[str] | None = None,
) -> dict[str, Any]:
    """The outcome so far: ``status``, the next steps' decisions, ``failed`` and the operator ``message``.

    ``plan`` is the switch_plan result; ``mid`` the server_info result of every host after the
    demotion; the others the registered results of the promotion, the delta cycle, putting the
    candidate back in staging and promoting the former server again (None: not run yet), and
    ``after`` the server_info result of every host after the switch. ``confirm`` is the delta
    cycle that confirms the export of a promotion an interrupted run never confirmed
    (``plan["confirm_export"]``); it stands for the cycle. ``present`` is the hosts still in the
    switch before the first change of a role (the hosts that ran its marker task): a server of the plan missing
    from it failed or stopped answering at an earlier step (ansible-core 2.16 moves on without it in
    a block with a rescue, even with any_errors_fatal), its state is unknown, so nothing changes.
    """
    candidate, former = plan.get("candidate"), plan.get("former")
    if plan.get("confirm_export"):
        cycle = confirm
    outcome: dict[str, Any] = {
        "status": "not_promoting",
        "rollback": False,
        "undo_candidate": False,
        "restore_former": False,
        "failed": False,
        "message": "",
        "active": None,
        "run_cycle": False,
        "exports": export_results(cycle),
    }
    if present is not None and mid is None and promote is None:
        gone = sorted(set(plan.get("hosts") or {}) - set(present))
        if gone:
            outcome.update(
                status="failed",
                failed=True,
                message=(
                    f"{', '.join(gone)} failed or stopped answering before the switch began (the error is in "
                    f"the job output above); no role was changed and {candidate} was not promoted"
                ),
            )
            return outcome
    if plan.get("confirm_zero_active") and mid is not None:
        still = servers_by_role(mid)["active"]
        # A host without a reading after the demotion (its demotion failed and the play moved on
        # without it, as ansible-core 2.16 does in a block with a rescue) may still be active.
        unread = [host for host, state in mid.items() if server_role(state) in (None, "service_stopped")]
        if still or unread:
            parts = [f"Still active after the demotion: {', '.join(still)}"] if still else []
            parts += [f"not read after the demotion (may still be active): {', '.join(unread)}"] if unread else []
            outcome.update(
                status="failed",
                failed=True,
                active=still + unread,
                message=f"{'; '.join(parts)}; {candidate} was not promoted",
            )
            return outcome
    if plan.get("promote"):
        if promote is None:
            outcome["status"] = "promoting"
            return outcome
        outcome["run_cycle"] = succeeded(promote)
        if succeeded(promote) and cycle is None:
            outcome["status"] = "promoting"
            return outcome
        promoted = succeeded(promote) and succeeded(cycle)
        outcome["status"] = "promoted" if promoted else "rolling_back"
        outcome["rollback"] = not promoted
        if not promoted:
            _rollback(outcome, candidate, former, promote, cycle, undo, restore)
    if after is not None and outcome["status"] in ("not_promoting", "promoted"):
        _confirm(outcome, candidate, after, exports_required=bool(plan.get("promote") or plan.get("confirm_export")))
        if outcome["status"] == "done" and plan.get("recovery"):
            outcome["message"] += "; " + recovered(plan["recovery"])
    return outcome


def recovered(recovery: dict[str, Any]) -> str:
    """How a switch got out of zero active servers, for the report and the job."""
    if recovery.get("reference_backup"):
        return (
            f"recovered from zero active servers: verified against the backup of {recovery['reference_host']} "
            f"taken while it was active ({recovery['reference_exported_at']}, {recovery['reference_backup']})"
        )
    return (
        "recovered from zero active servers without a configuration reference "
        "(entra_connect_promote_without_reference=true)"
    )


def _rollback(outcome, candidate, former, promote, cycle, undo, restore) -> None:
    lost = unreachable(promote) or unreachable(cycle)
    outcome["undo_candidate"] = not lost
    outcome["restore_former"] = former is not None and not lost and succeeded(undo)
    head = f"Promotion of {candidate} failed: {_error(promote, cycle)}."
    if not lost and undo is None:
        return  # the candidate is put back in staging next
    if outcome["restore_former"] and restore is None:
        return  # the former server is promoted again next
    if outcome["restore_former"] and succeeded(restore):
        status = "rolled_back"
        text = f"The candidate was put back in staging and {former} is active again, as before the run."
    elif succeeded(promote) and unreachable(cycle):
        status = "promoted_unconfirmed"
        text = (
            f"{candidate} was promoted and then stopped answering before its first export was confirmed, "
            f"so it is probably the active server now; {former or 'no other server'} stays in staging (promoting "
            f"it could make two active servers). When {candidate} answers again, run switch_roles again: the "
            "intent record on the servers tells it to confirm the export on every connector and take the "
            "post-switch backup."
        )
    elif former is None:
        status = "zero_active"
        text = "No server was active before the run and none is now."
    elif outcome["restore_former"]:
        status = "zero_active"
        text = (
            f"{candidate} was put back in staging, but promoting {former} again failed "
            f"({_error(restore, None)}): no server may be active now. Run switch_roles again: with no server "
            f"active it promotes the declared server after verifying it against the backup {former} took "
            f"before the switch (declare {former} active to roll back), or promote {former} in the wizard "
            "(Configure staging mode)."
        )
    else:
        status = "zero_active"
        text = (
            f"{former} was NOT promoted again because the state of {candidate} is unknown (it stopped "
            "answering or could not be put back in staging): no server may be active now. Check "
            f"{candidate} (Get-ADSyncScheduler); when it answers, run switch_roles again (it promotes the "
            f"declared server, or confirms {candidate} if it is active) or promote {former} in the wizard."
        )
    outcome.update(status=status, failed=True, message=f"{head} {text}")


def export_problems(exports: dict[str, str], info: dict[str, Any] | None) -> list[str]:
    """Why the new active server's delta cycle does not show a successful export; empty when it does.

    A delta cycle exports on every connector, the Entra connector first [SCH]: each connector the
    server has (from its server_info result) must have an Export that succeeded, and the Entra
    connector's must be among them. Without the server's connector list, every Export run found
    must have succeeded.
    """
    info = info if isinstance(info, dict) else {}
    connectors = [str(c.get("name")) for c in info.get("connectors") or [] if isinstance(c, dict)]
    entra = info.get("entra_connector_name")
    problems = []
    if not exports:
        return ["no Export run was found"]
    if entra and entra not in exports:
        problems.append(f"the Entra connector '{entra}' did not export")
    missing = [c for c in connectors if c not in exports and c != entra]
    if missing:
        problems.append(f"no Export run on {', '.join(missing)}")
    failed = [f"{c}: {r}" for c, r in sorted(exports.items()) if r != "success"]
    if failed:
        problems.append(f"Export did not succeed on {'; '.join(failed)}")
    return problems


def _confirm(outcome: dict[str, Any], candidate: str, after: dict[str, Any], exports_required: bool) -> None:
    active = servers_by_role(after)["active"]
    exports = outcome["exports"]
    problems = export_problems(exports, after.get(candidate)) if exports_required else []
    outcome["active"] = active
    if active == [candidate] and not problems:
        outcome.update(status="done", message=f"{candidate} is the only active server")
        return
    shown = ", ".join(f"{c}: {r}" for c, r in sorted(exports.items())) or "none"
    why = f" ({'; '.join(problems)})" if problems else ""
    outcome.update(
        status="failed",
        failed=True,
        message=(
            f"After the switch, active: {', '.join(active) or 'none'} (expected {candidate}); "
            f"export results of {candidate}: {shown}{why}"
        ),
    )


def switch_failure(
    plan: dict[str, Any],
    failed_result: dict[str, Any] | None,
    verdict: dict[str, Any] | None = None,
    step: str | None = None,
    lost: list[str] | None = None,
) -> dict[str, str]:
    """What the run report (``event``) and the failed job (``message``) say when a step of the switch failed.

    ``lost`` are the hosts that left the play (unreachable, or failed where no result reaches the
    others): with no failed result of its own, the switch names them.
    """
    error = str((failed_result or {}).get("msg") or "").strip()
    # The verify role's blocked message ends with its report path; the job adds it once, at the end.
    error = re.sub(r"\s*Report: \S+$", "", error)
    where = f"step '{step}'" if step else "a step"
    if (verdict or {}).get("verdict") == "blocked":
        event = f"{plan.get('candidate')} was blocked by the gates; nothing was changed on the active server"
        # the verification's own failure above says why, with its report: not a second time
        error = f"{event} (why: the verification's message above)"
    elif error:
        event = f"{where} failed: {error}"
    elif lost:
        error = (
            f"{', '.join(sorted(lost))} is not answering or failed in the middle of the switch (its error is in "
            "the job output above); read every server with hybrid_identity.entra_connect.server_info before "
            "running switch_roles again"
        )
        event = error
    else:
        event = f"{where} failed without a message"
    return {"event": event, "message": error.removesuffix(".") or f"The switch stopped at {where}"}
