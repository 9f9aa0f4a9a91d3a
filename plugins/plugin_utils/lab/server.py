# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One emulated Entra Connect Sync server: its state (a JSON-friendly dict) and its results.

For internal collection use only. Pure Python. The state is created from the host's lab settings
the first time the host is used (or after a reset) and then changes only through the helpers.
"""

from __future__ import annotations

import uuid
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import clock, engine
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.directory import domain_dn
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import (
    LabSettings,
    parse_version,
)

ENTRA_CONNECTOR_ID = "b891884f-051e-4a83-95af-2544101c9083"
INSTALL_PATH = "C:\\Program Files\\Microsoft Azure AD Sync\\"
RUN_PROFILES = ("Full Import", "Full Synchronization", "Delta Import", "Delta Synchronization", "Export")
RUN_HISTORY_KEPT = 200
#: Global parameters every configured lab server has (names as in MV.xml of a real export).
BASE_GLOBAL_PARAMETERS = {
    "Microsoft.Synchronize.SynchronizationPolicy": "Delta",
    "Microsoft.SynchronizationOption.JoinCriteria": "ObjectSID",
    "Microsoft.Synchronize.MaintenanceEnabled": "True",
    "Microsoft.Version.SynchronizationRuleImmutableTag": "V1",
    "Microsoft.SynchronizationOption.AnchorAttribute": "mS-DS-ConsistencyGuid",
    "Microsoft.OptionalFeature.FilterAAD": "False",
    "Microsoft.SynchronizationOption.UPNAttribute": "userPrincipalName",
    "Microsoft.Synchronize.SchedulerSuspended": "False",
    "Microsoft.Synchronize.TimeInterval": "00:30:00",
    "Microsoft.OptionalFeature.DeviceWriteBack": "False",
    "Microsoft.Synchronize.RunHistoryPurgeInterval": "7.00:00:00",
    "Microsoft.OptionalFeature.GroupFiltering": "False",
    "Microsoft.Synchronize.SynchronizationSchedule": "True",
    "Microsoft.OptionalFeature.PasswordHashSync": "True",
    "Microsoft.OptionalFeature.DeviceWriteUp": "True",
    "Microsoft.OptionalFeature.UserWriteBack": "False",
    "Microsoft.OptionalFeature.HybridExchange": "False",
    "Microsoft.OptionalFeature.GroupWriteBack": "False",
}


def connector_guid(host: str, forest: str) -> str:
    """AD connector GUIDs differ from server to server, as on real servers."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{host}/{forest}"))


def entra_connector_name(tenant: str) -> str:
    return f"{tenant} - AAD"


def new_server(settings: LabSettings, world: engine.World) -> dict[str, Any]:
    """The starting state of a server from its settings (configured servers start synchronised)."""
    s = settings.server
    server: dict[str, Any] = {
        "host": settings.host,
        "installed": s.installed,
        "configured": False,
        "version": s.version if s.installed else None,
        "settings_file": None,
        "runs": [],
        "run_number": 0,
        "calls": 0,
    }
    if s.configured:
        configure(server, settings, world, staging=s.staging)
    return server


def configure(
    server: dict[str, Any],
    settings: LabSettings,
    world: engine.World,
    staging: bool,
    excluded: tuple[str, ...] | None = None,
    custom_rules: tuple[dict[str, Any], ...] | None = None,
) -> None:
    """Configure the sync engine (the lab's stand-in for the wizard) and run a first sync."""
    s = settings.server
    forests = list(s.forests) or [settings.world.domain]
    server.update(
        {
            "configured": True,
            "engine_version": server["version"],
            "upgrade_pending": False,
            "forests": forests,
            "tenant": settings.world.tenant,
            "excluded_containers": list(s.excluded_containers if excluded is None else excluded),
            "custom_rules": [dict(r) for r in (s.custom_rules if custom_rules is None else custom_rules)],
            "service_account": "NT SERVICE\\ADSync",
            "scheduler": {
                "customized_sync_cycle_interval_seconds": None,
                "next_sync_cycle_policy_type": "Delta",
                "purge_run_history_interval_seconds": 604800,
                "sync_cycle_enabled": True,
                "maintenance_enabled": True,
                "scheduler_suspended": False,
            },
            "cycle": {"in_progress": False, "polls_left": 0, "policy": "Delta"},
            "busy_forever": False,
            "auto_upgrade_state": s.auto_upgrade,
            "adsynctools": s.adsynctools,
            "overrides": {},
            "global_parameters": {
                **BASE_GLOBAL_PARAMETERS,
                "Microsoft.Synchronize.StagingMode": str(bool(staging)),
                "Microsoft.Synchronize.ServerConfigurationVersion": server["version"],
                "Microsoft.OptionalFeature.ExportDeletionThreshold": "True",
                "Microsoft.OptionalFeature.ExportDeletionThresholdValue": str(s.deletion_threshold),
                "Microsoft.OptionalFeature.PasswordWriteback": str(bool(s.password_writeback)),
                "Microsoft.OptionalFeature.AutoUpgradeState": s.auto_upgrade,
            },
            "policy_applied_at": clock.now(),
            "sync": {"ad_revision": None, "tenant_revision": None, "pending": [], "ad_count": 0, "joined_count": 0},
        }
    )
    # A configured server has run: import both sides and synchronise (never export).
    for connector in connector_names(server):
        run_step(server, world, connector, "Full Import")
    for connector in connector_names(server):
        run_step(server, world, connector, "Full Synchronization")


def engine_version(server: dict[str, Any]) -> str:
    """The version the sync engine runs (behind the binaries until an upgrade completes)."""
    return server.get("engine_version") or server["version"]


def staging_enabled(server: dict[str, Any]) -> bool:
    return server["global_parameters"].get("Microsoft.Synchronize.StagingMode") == "True"


def connector_names(server: dict[str, Any]) -> list[str]:
    """AD connectors first, then the Entra connector: the order the scheduler runs them."""
    return [*server["forests"], entra_connector_name(server["tenant"])]


def connectors(server: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for forest in server["forests"]:
        result.append(
            {
                "name": forest,
                "identifier": connector_guid(server["host"], forest),
                "type": "AD",
                "subtype": "",
                "partitions": [{"name": domain_dn(forest), "selected": True}],
                "run_profiles": list(RUN_PROFILES),
            }
        )
    result.append(
        {
            "name": entra_connector_name(server["tenant"]),
            "identifier": ENTRA_CONNECTOR_ID,
            "type": "Extensible2",
            "subtype": "Windows Azure Active Directory (Microsoft)",
            "partitions": [{"name": "default", "selected": True}],
            "run_profiles": list(RUN_PROFILES),
        }
    )
    return result


def scheduler_result(server: dict[str, Any]) -> dict[str, Any]:
    sched = server["scheduler"]
    interval = sched["customized_sync_cycle_interval_seconds"] or 1800
    in_progress = server["cycle"]["in_progress"] or server["busy_forever"]
    return {
        "allowed_sync_cycle_interval_seconds": 1800,
        "currently_effective_sync_cycle_interval_seconds": interval,
        "customized_sync_cycle_interval_seconds": sched["customized_sync_cycle_interval_seconds"],
        "next_sync_cycle_policy_type": sched["next_sync_cycle_policy_type"],
        "next_sync_cycle_start_at": None,
        "purge_run_history_interval_seconds": sched["purge_run_history_interval_seconds"],
        "sync_cycle_enabled": sched["sync_cycle_enabled"],
        "maintenance_enabled": sched["maintenance_enabled"],
        "staging_mode_enabled": staging_enabled(server),
        "scheduler_suspended": sched["scheduler_suspended"],
        "sync_cycle_in_progress": bool(in_progress),
    }


def busy_connectors(server: dict[str, Any]) -> list[str]:
    if server["busy_forever"] or server["cycle"]["in_progress"]:
        return [connector_names(server)[0]]
    return []


def public_run(run: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in run.items() if k != "counters"}


# ---------------------------------------------------------------------------------------------
# Run profiles
# ---------------------------------------------------------------------------------------------


def run_step(server: dict[str, Any], world: engine.World, connector: str, profile: str) -> dict[str, Any]:
    """Run one run profile on one connector, synchronously; append and return its run record."""
    started = clock.now()
    sync = server["sync"]
    counters: dict[str, int] = {}
    result = engine.SUCCESS
    entra = connector == entra_connector_name(server["tenant"])
    if profile in ("Full Import", "Delta Import"):
        if entra:
            sync["tenant_revision"] = world.state["tenant_revision"]
        else:
            sync["ad_revision"] = world.state["directory_revision"]
            sync["ad_count"] = len(engine.scoped_directory(world, sync["ad_revision"], server["excluded_containers"]))
        counters["import_count"] = sync["ad_count"]
    elif profile in ("Full Synchronization", "Delta Synchronization"):
        desired = engine.project(
            engine.scoped_directory(world, sync["ad_revision"] or 0, server["excluded_containers"])
            if sync["ad_revision"] is not None
            else {},
            engine_version(server),
        )
        current = world.tenant(sync["tenant_revision"]) if sync["tenant_revision"] is not None else {}
        sync["pending"] = engine.pending_exports(desired, current, engine_version(server))
        sync["joined_count"] = len(set(desired) & set(current))
        counters.update(engine.operation_counts(sync["pending"]))
    elif profile == "Export":
        if entra:
            result, counters = export(server, world)
    else:
        raise ValueError(profile)
    server["run_number"] += 1
    run = {
        "run_history_id": str(uuid.uuid4()),
        "connector_name": connector,
        "run_profile_name": profile,
        "run_number": server["run_number"],
        "result": result,
        "is_run_complete": True,
        "started_at": started,
        "ended_at": clock.now(),
        "counters": counters,
    }
    server["runs"].append(run)
    del server["runs"][:-RUN_HISTORY_KEPT]
    return run


def export(server: dict[str, Any], world: engine.World) -> tuple[str, dict[str, int]]:
    pending = server["sync"]["pending"]
    counts = engine.operation_counts(pending)
    params = server["global_parameters"]
    threshold = int(params.get("Microsoft.OptionalFeature.ExportDeletionThresholdValue") or 0)
    if params.get("Microsoft.OptionalFeature.ExportDeletionThreshold") == "True" and counts["delete"] > threshold:
        return engine.THRESHOLD_EXCEEDED, counts
    if pending:
        revision = world.apply_exports(pending, server["host"])
        world.state["exports"].append(
            {"rev": revision, "host": server["host"], "at": clock.now(), "staging": staging_enabled(server), **counts}
        )
        server["sync"]["tenant_revision"] = revision
        server["sync"]["pending"] = []
    return engine.SUCCESS, counts


def run_cycle(server: dict[str, Any], world: engine.World, policy: str) -> list[dict[str, Any]]:
    """A scheduler cycle in the built-in order; a staging server never exports."""
    imports = "Full Import" if policy == "Initial" else "Delta Import"
    syncs = "Full Synchronization" if policy == "Initial" else "Delta Synchronization"
    names = connector_names(server)
    runs = [run_step(server, world, c, imports) for c in names]
    runs += [run_step(server, world, c, syncs) for c in names]
    if not staging_enabled(server):
        runs.append(run_step(server, world, names[-1], "Export"))
    server["overrides"] = {}
    return runs


def version_at_least(server: dict[str, Any], version: str) -> bool:
    """Whether the sync engine runs ``version`` or later."""
    return server["version"] is not None and parse_version(engine_version(server)) >= parse_version(version)
