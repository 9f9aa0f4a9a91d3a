# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts about a server, derived from the raw Get-EntraConnectServerState result.

For internal collection use only. Pure Python. The helper reports what the server says; the
decisions about what that means (staging from two sources, the deletion threshold from the global
parameters, the last run per connector and run profile) are made here, where they are tested.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._common import version_tuple
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError

__all__ = ["ROLES", "require_configured", "server_facts", "server_role", "version_tuple"]

STAGING_PARAMETER = "Microsoft.Synchronize.StagingMode"
THRESHOLD_PARAMETER = "Microsoft.OptionalFeature.ExportDeletionThreshold"
THRESHOLD_VALUE_PARAMETER = "Microsoft.OptionalFeature.ExportDeletionThresholdValue"
WRITEBACK_PARAMETER = "Microsoft.OptionalFeature.PasswordWriteback"
PHS_PARAMETER = "Microsoft.OptionalFeature.PasswordHashSync"
CONFIG_VERSION_PARAMETER = "Microsoft.Synchronize.ServerConfigurationVersion"
ENTRA_CONNECTOR_ID = "b891884f-051e-4a83-95af-2544101c9083"
#: A server's actual role as server_info reports it (``role``).
ROLES = ("active", "staging", "not_configured", "not_installed")


def flag(value: str | None) -> bool | None:
    """A global parameter's 'True'/'False' string as a boolean (None when absent or unreadable)."""
    if value is None:
        return None
    lowered = str(value).strip().lower()
    return True if lowered == "true" else False if lowered == "false" else None


def integer(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def last_runs(runs: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """connector -> run profile -> the newest run (runs come newest first, but sort to be sure)."""
    newest: dict[str, dict[str, dict[str, Any]]] = {}
    for run in sorted(runs, key=lambda r: (r["started_at"] or "", r["run_number"]), reverse=True):
        per_connector = newest.setdefault(run["connector_name"], {})
        per_connector.setdefault(
            run["run_profile_name"],
            {"result": run["result"], "started_at": run["started_at"], "ended_at": run["ended_at"]},
        )
    return newest


def is_entra_connector(connector: dict[str, Any]) -> bool:
    return str(connector["identifier"]).strip("{}").lower() == ENTRA_CONNECTOR_ID or (
        connector.get("subtype") or ""
    ).startswith("Windows Azure Active Directory")


def server_role(info: dict[str, Any]) -> str | None:
    """``active``, ``staging``, ``not_configured`` or ``not_installed``; None for a result that is no server read.

    Only an explicit ``staging_mode_enabled: false`` is active: a configured server whose staging
    flag could not be read is never taken for an exporting one. server_info computes ``role``
    with this; callers given a result read ``role`` and fall back to this for older shapes.
    """
    if not isinstance(info, dict) or info.get("failed") or info.get("unreachable"):
        return None
    if info.get("role") in ROLES:
        return info["role"]
    if "installed" not in info and "configured" not in info:
        return None
    if not info.get("installed", info.get("configured")):
        return "not_installed"
    if not info.get("configured"):
        return "not_configured"
    return "active" if info.get("staging_mode_enabled") is False else "staging"


def server_facts(state: dict[str, Any]) -> dict[str, Any]:
    """server_info's result from a Get-EntraConnectServerState result."""
    params = state["global_parameters"] or {}
    scheduler = state["scheduler"]
    runs = last_runs(state["runs"])
    connectors = []
    for connector in state["connectors"]:
        connectors.append(
            {
                **connector,
                "kind": "entra" if is_entra_connector(connector) else "ad" if connector["type"] == "AD" else "other",
                "last_runs": runs.get(connector["name"], {}),
            }
        )
    entra = next((c for c in connectors if c["kind"] == "entra"), None)
    staging_scheduler = scheduler["staging_mode_enabled"] if scheduler else None
    staging_setting = flag(params.get(STAGING_PARAMETER))
    threshold_enabled = flag(params.get(THRESHOLD_PARAMETER))
    facts = {
        "computer_name": state["computer_name"],
        "collected_at": state["collected_at"],
        "installed": state["installed"],
        "configured": state["configured"],
        "product_version": state["product_version"],
        "engine_version": state["engine_version"],
        "server_configuration_version": params.get(CONFIG_VERSION_PARAMETER),
        "install_path": state["install_path"],
        "service": state["service"],
        "database": state["database"],
        "staging_mode_enabled": staging_scheduler,
        "staging_mode_global_setting": staging_setting,
        "staging_mode_sources_agree": staging_scheduler == staging_setting if state["configured"] else None,
        "scheduler": scheduler,
        "sync_cycle_in_progress": bool(scheduler and scheduler["sync_cycle_in_progress"]),
        "busy_connectors": state["busy_connectors"],
        "idle": state["configured"]
        and not state["busy_connectors"]
        and not (scheduler or {}).get("sync_cycle_in_progress"),
        "connectors": connectors,
        "export_deletion_threshold": {
            "enabled": threshold_enabled,
            "count": integer(params.get(THRESHOLD_VALUE_PARAMETER)),
        },
        "auto_upgrade_state": state["auto_upgrade_state"],
        "password_writeback_enabled": flag(params.get(WRITEBACK_PARAMETER)),
        "password_hash_sync_enabled": flag(params.get(PHS_PARAMETER)),
        "optional_features": {
            name.removeprefix("Microsoft.OptionalFeature."): value
            for name, value in sorted(params.items())
            if name.startswith("Microsoft.OptionalFeature.")
        },
        "runs": state["runs"],
        "adsynctools_staging_available": state["adsynctools_staging_available"],
        "entra_connector_id": str(entra["identifier"]).strip("{}").lower() if entra else None,
        "entra_connector_name": entra["name"] if entra else None,
    }
    facts["role"] = server_role({**facts, "role": None})
    return facts


def require_configured(state: dict[str, Any], host: str, what: str) -> None:
    """Refuse, in one wording for every module, to act on a server whose sync engine is not configured.

    Args:
        state: a Get-EntraConnectServerState result (or server_facts of one).
        host: the host, as the message names it.
        what: what the module would do, as a verb phrase ("switch staging mode").
    """
    if state["configured"]:
        return
    raise EntraConnectError(
        f"Cannot {what} on {host}: it has no configured Entra Connect sync engine "
        f"(installed: {str(bool(state['installed'])).lower()}); configure it first (see the staging_server role)"
    )
