# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sync-cycle rules of the sync_cycle module. For internal collection use only.

Pure Python. Microsoft's staging verification order, which runs a task caused, when a started
cycle is over, when a step-by-step verification stops, and the summary and failure of the runs.
The action only calls the helpers and polls (DESIGN: long waits are Python loops over short reads).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import is_idle
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import is_entra_connector

SUCCESS = "success"
#: How many runs of the history to read to find the runs a task caused.
HISTORY_WINDOW = 100
#: sync_cycle's policy option -> Start-ADSyncSyncCycle -PolicyType
POLICY_TYPES = {"delta": "Delta", "initial": "Initial"}


def verification_plan(connectors: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Microsoft's staging verification: Full Import on every AD connector then the Entra
    connector, then Delta Synchronization in the same order. Never an export."""
    ordered = [c for c in connectors if not is_entra_connector(c)] + [c for c in connectors if is_entra_connector(c)]
    if not any(is_entra_connector(c) for c in connectors):
        raise EntraConnectError("No Microsoft Entra connector found on the server; is the sync engine configured?")
    plan = []
    for profile in ("Full Import", "Delta Synchronization"):
        for connector in ordered:
            if profile not in connector["run_profiles"]:
                raise EntraConnectError(
                    f"Connector '{connector['name']}' has no run profile '{profile}' (it has: "
                    f"{', '.join(connector['run_profiles']) or 'none'}); create it in the Synchronization Service"
                )
            plan.append((connector["name"], profile))
    return plan


def new_runs(runs: list[dict[str, Any]], known: set[str]) -> list[dict[str, Any]]:
    """The runs of a history read (newest first) that are not in ``known``, oldest first."""
    return [r for r in reversed(runs) if r["run_history_id"] not in known]


def run_summary(runs: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """connector name -> run profile name -> result."""
    summary: dict[str, dict[str, str]] = {}
    for run in runs:
        summary.setdefault(run["connector_name"], {})[run["run_profile_name"]] = run["result"]
    return summary


def failed_runs(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in runs if r["result"] != SUCCESS]


def stops_verification(runs: list[dict[str, Any]], fail_on_error: bool) -> bool:
    """Whether import_and_sync stops after a step: a run did not succeed and errors fail the task."""
    return fail_on_error and bool(failed_runs(runs))


def failure_message(host: str, failed: list[dict[str, Any]]) -> str:
    first = failed[0]
    return (
        f"{len(failed)} run(s) did not succeed on {host}; first: {first['run_profile_name']} on "
        f"'{first['connector_name']}' returned '{first['result']}'. Look at the run history in the "
        "Synchronization Service, or set fail_on_error: false to continue."
    )


class CycleWatch:
    """Decides, poll by poll, when a started cycle is over.

    A cycle may not show as running at once: it is over when the engine is idle again after it
    was seen running, or once its runs appeared in the history.
    """

    def __init__(self) -> None:
        self.seen_busy = False

    def finished(self, status: dict[str, Any], runs_appeared: Callable[[], bool]) -> bool:
        """``status`` is a Get-EntraConnectSyncStatus result; ``runs_appeared`` reads the history only when needed."""
        if not is_idle(status):
            self.seen_busy = True
            return False
        return self.seen_busy or runs_appeared()
