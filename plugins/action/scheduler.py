# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.scheduler."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError

#: option -> (scheduler field, Set-EntraConnectScheduler parameter)
SETTABLE = {
    "sync_cycle_enabled": ("sync_cycle_enabled", "SyncCycleEnabled"),
    "maintenance_enabled": ("maintenance_enabled", "MaintenanceEnabled"),
    "next_sync_cycle_policy_type": ("next_sync_cycle_policy_type", "NextSyncCyclePolicyType"),
    "customized_sync_cycle_interval_seconds": (
        "customized_sync_cycle_interval_seconds",
        "CustomizedSyncCycleIntervalSeconds",
    ),
    "purge_run_history_interval_seconds": ("purge_run_history_interval_seconds", "PurgeRunHistoryIntervalSeconds"),
}
NO_OVERRIDE = {"full_import_required": False, "full_sync_required": False}


def scheduler_changes(current: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """Helper parameters for the settable fields that differ from the current scheduler."""
    wanted = {}
    for option, (field, parameter) in SETTABLE.items():
        value = params.get(option)
        if value is None:
            continue
        if option == "next_sync_cycle_policy_type":
            value = value.capitalize()
        if current.get(field) != value:
            wanted[parameter] = value
    return wanted


def override_changes(connectors: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Overrides to write: each wanted connector whose flags differ (a missing override is all False)."""
    by_name = {c["name"]: c for c in connectors}
    writes = []
    for item in wanted:
        connector = by_name.get(item["connector"])
        if connector is None:
            raise EntraConnectError(
                f"connector_overrides names '{item['connector']}', which is not a connector of this server "
                f"(connectors: {', '.join(sorted(by_name))})"
            )
        have = connector.get("override") or NO_OVERRIDE
        want = {
            "full_import_required": have["full_import_required"]
            if item.get("full_import_required") is None
            else item["full_import_required"],
            "full_sync_required": have["full_sync_required"]
            if item.get("full_sync_required") is None
            else item["full_sync_required"],
        }
        if want != {k: have[k] for k in want}:
            writes.append({"connector": item["connector"], "before": dict(have), "after": want})
    return writes


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
        if not state["configured"]:
            raise EntraConnectError(f"{server.host} has no configured Entra Connect sync engine; nothing to schedule")
        current = state["scheduler"]
        settings = scheduler_changes(current, params)
        wanted = params["connector_overrides"]
        if params["clear_connector_overrides"]:
            wanted = [
                {"connector": c["name"], "full_import_required": False, "full_sync_required": False}
                for c in state["connectors"]
                if c["override"]
            ]
        params = {**params, "connector_overrides": wanted}
        overrides = override_changes(state["connectors"], wanted)
        before = {"scheduler": {SETTABLE_FIELD[p]: current[SETTABLE_FIELD[p]] for p in settings}}
        after = {"scheduler": {SETTABLE_FIELD[p]: v for p, v in settings.items()}}
        before["connector_overrides"] = {o["connector"]: o["before"] for o in overrides}
        after["connector_overrides"] = {o["connector"]: o["after"] for o in overrides}
        result = {"scheduler": current, "diff": {"before": before, "after": after}}
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
        left = scheduler_changes(state["scheduler"], params)
        left_overrides = override_changes(state["connectors"], params["connector_overrides"])
        if left or left_overrides:
            names = sorted(SETTABLE_FIELD[p] for p in left) + [o["connector"] for o in left_overrides]
            raise EntraConnectError(
                f"The scheduler of {server.host} did not take these settings: {', '.join(names)}; "
                "read it back with server_info and check that the Entra Connect version supports them",
                changed=True,
                **result,
            )
        return {"changed": True, **result, "scheduler": state["scheduler"]}


SETTABLE_FIELD = {parameter: field for field, parameter in SETTABLE.values()}
