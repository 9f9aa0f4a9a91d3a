# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.sync_cycle."""

from __future__ import annotations

import time
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import Server, is_idle
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import is_entra_connector

SUCCESS = "success"
HISTORY_WINDOW = 100


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


def run_summary(runs: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    summary: dict[str, dict[str, str]] = {}
    for run in runs:
        summary.setdefault(run["connector_name"], {})[run["run_profile_name"]] = run["result"]
    return summary


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    ARGUMENT_SPEC = {
        "mode": {"type": "str", "choices": ["cycle", "import_and_sync"], "default": "cycle"},
        "policy": {"type": "str", "choices": ["delta", "initial"], "default": "delta"},
        "wait": {"type": "bool", "default": True},
        "timeout": {"type": "int", "default": 3600},
        "poll_interval": {"type": "int", "default": 15},
        "fail_on_error": {"type": "bool", "default": True},
    }

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        if params["timeout"] < 0:
            raise self.invalid("timeout", params["timeout"], "use 0 or more seconds")
        if params["poll_interval"] < 1:
            raise self.invalid("poll_interval", params["poll_interval"], "use 1 or more seconds")
        if params["mode"] == "import_and_sync" and not params["wait"]:
            raise EntraConnectError("mode=import_and_sync runs step by step and always waits; remove wait: false")
        server = self.ec_server
        result: dict[str, Any] = {"mode": params["mode"], "policy": params["policy"], "runs": [], "results": {}}
        if params["mode"] == "import_and_sync":
            result["plan"] = [
                {"connector": c, "run_profile": p}
                for c, p in verification_plan(server.call("Get-EntraConnectConnectorList")["connectors"])
            ]
        if check_mode:
            return {"changed": True, **result, "msg": "check mode: no run profile was started"}
        started = time.monotonic()
        server.wait(
            is_idle, params["timeout"], params["poll_interval"], "the sync engine to become idle before starting"
        )
        known = {
            r["run_history_id"]
            for r in server.call("Get-EntraConnectRunHistory", NumberRequested=HISTORY_WINDOW)["runs"]
        }
        if params["mode"] == "import_and_sync":
            runs = self._import_and_sync(server, result["plan"], known, params["fail_on_error"])
        else:
            policy = "Initial" if params["policy"] == "initial" else "Delta"
            server.call("Start-EntraConnectSyncCycle", PolicyType=policy)
            if not params["wait"]:
                return {"changed": True, **result, "msg": f"{policy} sync cycle started; not waiting"}
            self._wait_for_cycle(server, params, known)
            runs = self._new_runs(server, known)
        result.update(runs=runs, results=run_summary(runs), elapsed_seconds=round(time.monotonic() - started, 1))
        failed = [r for r in runs if r["result"] != SUCCESS]
        if failed and params["fail_on_error"]:
            first = failed[0]
            raise EntraConnectError(
                f"{len(failed)} run(s) did not succeed on {server.host}; first: {first['run_profile_name']} on "
                f"'{first['connector_name']}' returned '{first['result']}'. Look at the run history in the "
                "Synchronization Service, or set fail_on_error: false to continue.",
                changed=True,
                **result,
            )
        return {"changed": True, **result}

    def _wait_for_cycle(self, server: Server, params: dict[str, Any], known: set[str]) -> None:
        # A cycle may not show as running at once; wait until it was seen running (or its runs
        # appeared) and the engine is idle again.
        seen = {"busy": False}

        def finished(status: dict[str, Any]) -> bool:
            if not is_idle(status):
                seen["busy"] = True
                return False
            return seen["busy"] or bool(self._new_runs(server, known))

        server.wait(finished, params["timeout"], params["poll_interval"], "the sync cycle to finish")

    @staticmethod
    def _new_runs(server: Server, known: set[str]) -> list[dict[str, Any]]:
        runs = server.call("Get-EntraConnectRunHistory", NumberRequested=HISTORY_WINDOW)["runs"]
        return [r for r in reversed(runs) if r["run_history_id"] not in known]

    def _import_and_sync(
        self, server: Server, plan: list[dict[str, str]], known: set[str], fail_on_error: bool
    ) -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = []
        for step in plan:
            server.call(
                "Invoke-EntraConnectRunProfile", ConnectorName=step["connector"], RunProfileName=step["run_profile"]
            )
            new = self._new_runs(server, known)
            known.update(r["run_history_id"] for r in new)
            runs.extend(new)
            if fail_on_error and any(r["result"] != SUCCESS for r in new):
                break
        return runs
