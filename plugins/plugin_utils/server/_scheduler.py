# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scheduler rules of the scheduler module. For internal collection use only.

Pure Python. Which ``Set-ADSyncScheduler`` fields are settable, what differs from the scheduler
as read, which connector overrides to write, the diff, and what a read-back shows did not take.
"""

from __future__ import annotations

from typing import Any

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
#: Set-EntraConnectScheduler parameter -> scheduler field
SETTABLE_FIELD = {parameter: field for field, parameter in SETTABLE.values()}
#: A connector without an override requires neither a full import nor a full sync.
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


def wanted_overrides(
    connectors: list[dict[str, Any]], overrides: list[dict[str, Any]], clear: bool
) -> list[dict[str, Any]]:
    """The connector overrides asked for; with ``clear``, every present override set to all False."""
    if not clear:
        return overrides
    return [{"connector": c["name"], **NO_OVERRIDE} for c in connectors if c["override"]]


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
        want = {flag: have[flag] if item.get(flag) is None else item[flag] for flag in NO_OVERRIDE}
        if want != {k: have[k] for k in want}:
            writes.append({"connector": item["connector"], "before": dict(have), "after": want})
    return writes


def scheduler_diff(
    current: dict[str, Any], settings: dict[str, Any], overrides: list[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Ansible's diff: the fields and overrides that change, before and after."""
    return {
        "before": {
            "scheduler": {SETTABLE_FIELD[p]: current[SETTABLE_FIELD[p]] for p in settings},
            "connector_overrides": {o["connector"]: o["before"] for o in overrides},
        },
        "after": {
            "scheduler": {SETTABLE_FIELD[p]: v for p, v in settings.items()},
            "connector_overrides": {o["connector"]: o["after"] for o in overrides},
        },
    }


def not_taken(settings_left: dict[str, Any], overrides_left: list[dict[str, Any]]) -> list[str]:
    """What a read-back still shows as different: field names (sorted), then connector names."""
    return sorted(SETTABLE_FIELD[p] for p in settings_left) + [o["connector"] for o in overrides_left]
