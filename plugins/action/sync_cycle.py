# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.sync_cycle."""

from __future__ import annotations

import time
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._cycles import (
    HISTORY_WINDOW,
    POLICY_TYPES,
    CycleWatch,
    failed_runs,
    failure_message,
    new_runs,
    run_summary,
    stops_verification,
    verification_plan,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import Server, is_idle


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
        known = {r["run_history_id"] for r in self._history(server)}
        if params["mode"] == "import_and_sync":
            runs = self._import_and_sync(server, result["plan"], known, params["fail_on_error"])
        else:
            policy = POLICY_TYPES[params["policy"]]
            server.call("Start-EntraConnectSyncCycle", PolicyType=policy)
            if not params["wait"]:
                return {"changed": True, **result, "msg": f"{policy} sync cycle started; not waiting"}
            watch = CycleWatch()
            server.wait(
                lambda status: watch.finished(status, lambda: bool(new_runs(self._history(server), known))),
                params["timeout"],
                params["poll_interval"],
                "the sync cycle to finish",
            )
            runs = new_runs(self._history(server), known)
        result.update(runs=runs, results=run_summary(runs), elapsed_seconds=round(time.monotonic() - started, 1))
        failed = failed_runs(runs)
        if failed and params["fail_on_error"]:
            raise EntraConnectError(failure_message(server.host, failed), changed=True, **result)
        return {"changed": True, **result}

    @staticmethod
    def _history(server: Server) -> list[dict[str, Any]]:
        return server.call("Get-EntraConnectRunHistory", NumberRequested=HISTORY_WINDOW)["runs"]

    def _import_and_sync(
        self, server: Server, plan: list[dict[str, str]], known: set[str], fail_on_error: bool
    ) -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = []
        for step in plan:
            server.call(
                "Invoke-EntraConnectRunProfile", ConnectorName=step["connector"], RunProfileName=step["run_profile"]
            )
            new = new_runs(self._history(server), known)
            known.update(r["run_history_id"] for r in new)
            runs.extend(new)
            if stops_verification(new, fail_on_error):
                break
        return runs
