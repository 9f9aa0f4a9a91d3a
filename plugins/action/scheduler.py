# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.scheduler."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import require_configured
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._scheduler import (
    not_taken,
    override_changes,
    scheduler_changes,
    scheduler_diff,
    wanted_overrides,
)


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    _supports_diff = True
    ARGUMENT_SPEC = {
        "sync_cycle_enabled": {"type": "bool"},
        "maintenance_enabled": {"type": "bool"},
        "next_sync_cycle_policy_type": {"type": "str", "choices": ["delta", "initial"]},
        "customized_sync_cycle_interval_seconds": {"type": "int"},
        "purge_run_history_interval_seconds": {"type": "int"},
        "connector_overrides": {
            "type": "list",
            "elements": "dict",
            "default": [],
            "options": {
                "connector": {"type": "str", "required": True},
                "full_import_required": {"type": "bool"},
                "full_sync_required": {"type": "bool"},
            },
        },
        "clear_connector_overrides": {"type": "bool", "default": False},
    }
    MUTUALLY_EXCLUSIVE = [["connector_overrides", "clear_connector_overrides"]]

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        for option in ("customized_sync_cycle_interval_seconds", "purge_run_history_interval_seconds"):
            if params[option] is not None and params[option] < 1:
                raise self.invalid(option, params[option], "use a number of seconds of 1 or more")
        server = self.ec_server
        state = server.call("Get-EntraConnectServerState", RunHistoryCount=0)
        require_configured(state, server.host, "change the scheduler")
        current = state["scheduler"]
        settings = scheduler_changes(current, params)
        wanted = wanted_overrides(
            state["connectors"], params["connector_overrides"], params["clear_connector_overrides"]
        )
        overrides = override_changes(state["connectors"], wanted)
        result = {"scheduler": current, "diff": scheduler_diff(current, settings, overrides)}
        if not settings and not overrides:
            return {"changed": False, **result}
        if check_mode:
            return {"changed": True, **result}
        if settings:
            server.call("Set-EntraConnectScheduler", **settings)
        for item in overrides:
            server.call(
                "Set-EntraConnectSchedulerConnectorOverride",
                ConnectorName=item["connector"],
                FullImportRequired=item["after"]["full_import_required"],
                FullSyncRequired=item["after"]["full_sync_required"],
            )
        state = server.call("Get-EntraConnectServerState", RunHistoryCount=0)
        names = not_taken(scheduler_changes(state["scheduler"], params), override_changes(state["connectors"], wanted))
        if names:
            raise EntraConnectError(
                f"The scheduler of {server.host} did not take these settings: {', '.join(names)}; "
                "read it back with server_info and check that the Entra Connect version supports them",
                changed=True,
                **result,
            )
        return {"changed": True, **result, "scheduler": state["scheduler"]}
