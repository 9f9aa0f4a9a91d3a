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
#: A server's actual role as server_info reports it (``role``). ``service_stopped``: the ADSync
#: service exists but is not running, so the engine could not be read - never a server to build.
ROLES = ("active", "staging", "not_configured", "not_installed", "service_stopped")
SERVICE_STOPPED = "service_stopped"
#: LocalDB (SQL Server Express): automatic upgrade is blocked from 8 GB
#: (UpgradeNotSupportedLocalDbSizeExceeded) [AUP]; the database stops at its 10-GB limit [PRE].
LOCAL_DB_AUTO_UPGRADE_BLOCKED_MB = 8 * 1024
LOCAL_DB_LIMIT_MB = 10 * 1024
#: "Near" the limit: the collection refuses to change a server from here on.
LOCAL_DB_REFUSE_MB = 9.5 * 1024


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
    """``active``, ``staging``, ``not_configured``, ``not_installed`` or ``service_stopped``; None for a
    result that is no server read.

    ``service_stopped`` (configured unknown: the ADSync service is not running) is neither a server
    to build nor one that can be promoted; the callers treat it as unknown.

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
    if info.get("engine_state") == SERVICE_STOPPED or ("configured" in info and info["configured"] is None):
        return SERVICE_STOPPED
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
        "idle": bool(state["configured"])
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
        "engine_state": state["engine_state"],
        "entra_credential_type": state["entra_credential_type"],
        "wizard_running": state["wizard_running"],
    }
    facts["version_mismatch"] = version_mismatch(facts["product_version"], facts["server_configuration_version"])
    facts["local_db"] = local_db_status(state["database"])
    facts["local_db_refusal"] = (
        f"the LocalDB uses {facts['local_db']['used_space_mb']:.0f} MB, near its 10-GB limit where synchronization "
        "stops; move the database to SQL Server first. Nothing was changed."
        if facts["local_db"] and facts["local_db"]["status"] == "near_limit"
        else None
    )
    facts["role"] = server_role({**facts, "role": None})
    facts["server_warnings"] = server_warnings(facts)
    return facts


def version_mismatch(product_version: str | None, configuration_version: str | None) -> bool | None:
    """Whether AzureADConnect.exe's Product version (Microsoft's documented check) and the engine's
    ServerConfigurationVersion differ (None when either is unknown): an upgrade has not finished."""
    product, configuration = version_tuple(product_version), version_tuple(configuration_version)
    if product is None or configuration is None:
        return None
    return product != configuration


def local_db_status(database: dict[str, Any] | None) -> dict[str, Any] | None:
    """The LocalDB size and what it means: ``ok``, ``auto_upgrade_blocked`` (8 GB) or ``near_limit``."""
    if not database or not database.get("local_db") or database.get("used_space_mb") is None:
        return None
    used = float(database["used_space_mb"])
    status = (
        "near_limit"
        if used >= LOCAL_DB_REFUSE_MB
        else "auto_upgrade_blocked"
        if used >= LOCAL_DB_AUTO_UPGRADE_BLOCKED_MB
        else "ok"
    )
    return {"used_space_mb": used, "limit_mb": LOCAL_DB_LIMIT_MB, "status": status}


def server_warnings(facts: dict[str, Any]) -> list[str]:
    """What the person running the playbook should know about a server, each with what to do."""
    name = facts.get("computer_name") or "the server"
    warnings = []
    if facts["role"] == SERVICE_STOPPED:
        state = (facts.get("service") or {}).get("state") or "not running"
        warnings.append(
            f"The ADSync service on {name} is {state}: its sync engine could not be read (configured: unknown). "
            "An upgrade or the wizard may be in progress; otherwise start the service (Start-Service ADSync)."
        )
    if facts.get("version_mismatch"):
        warnings.append(
            f"{name}: AzureADConnect.exe has product version {facts['product_version']} but the sync engine's "
            f"ServerConfigurationVersion is {facts['server_configuration_version']}: an upgrade has not finished; "
            "run the Entra Connect wizard on the server to complete it."
        )
    if facts.get("entra_credential_type") == "ServiceAccount":
        warnings.append(
            f"The Entra connector of {name} still signs in with a service account: Microsoft makes application-based "
            "authentication the default (since 2.5.3.0); switch to it with the wizard's task or "
            "Add-ADSyncApplicationRegistration "
            "(https://learn.microsoft.com/entra/identity/hybrid/connect/authenticate-application-id)."
        )
    if facts.get("wizard_running"):
        warnings.append(
            f"The Entra Connect wizard is open on {name}: an open wizard suspends the scheduler; finish or close it."
        )
    local_db = facts.get("local_db") or {}
    if local_db.get("status") == "auto_upgrade_blocked":
        warnings.append(
            f"The LocalDB of {name} uses {local_db['used_space_mb']:.0f} MB: automatic upgrade is blocked from 8 GB "
            "and the database stops at 10 GB; plan a move to SQL Server."
        )
    elif local_db.get("status") == "near_limit":
        warnings.append(
            f"The LocalDB of {name} uses {local_db['used_space_mb']:.0f} MB, near its 10-GB limit: synchronization "
            "stops there; move the database to SQL Server before any change."
        )
    return warnings


def require_configured(state: dict[str, Any], host: str, what: str) -> None:
    """Refuse, in one wording for every module, to act on a server whose sync engine is not configured.

    Args:
        state: a Get-EntraConnectServerState result (or server_facts of one).
        host: the host, as the message names it.
        what: what the module would do, as a verb phrase ("switch staging mode").
    """
    if state["configured"]:
        return
    if state["configured"] is None or state.get("engine_state") == SERVICE_STOPPED:
        raise EntraConnectError(
            f"Cannot {what} on {host}: its ADSync service is not running, so its sync engine cannot be read or "
            "changed; wait for the upgrade or wizard to finish, or start the service (Start-Service ADSync)"
        )
    raise EntraConnectError(
        f"Cannot {what} on {host}: it has no configured Entra Connect sync engine "
        f"(installed: {str(bool(state['installed'])).lower()}); configure it first (see the staging_server role)"
    )
