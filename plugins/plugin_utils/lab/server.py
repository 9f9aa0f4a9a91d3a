# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One emulated Entra Connect Sync server: how it starts, is configured and runs its run profiles.

For internal collection use only. Pure Python. A :class:`~.models.LabServer` is created from the
host's lab settings the first time the host is used (or after a reset) and then changes only
through the helpers.
"""

from __future__ import annotations

import uuid
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import clock, engine, writeback
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import rules as lab_rules
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import require
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.models import (
    STAGING_MODE,
    Cycle,
    LabServer,
    Run,
    Scheduler,
    SyncState,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import (
    LabSettings,
    parse_version,
)

RUN_HISTORY_KEPT = 200
#: Application-based authentication: the default of new installs since 2.5.3.0; from 2.5.74.0
#: existing servers are switched to it automatically (within six hours; the lab: at once) [ABA].
APPLICATION_AUTH_SINCE = (2, 5, 3, 0)
APPLICATION_AUTH_AUTOMATIC_SINCE = (2, 5, 74, 0)
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


def new_server(settings: LabSettings, world: engine.World) -> LabServer:
    """The starting state of a server from its settings (configured servers start synchronised)."""
    s = settings.server
    server = LabServer(host=settings.host, installed=s.installed, version=s.version if s.installed else None)
    if s.configured:
        configure(server, settings, world, staging=s.staging)
        server.service_state = s.service
    return server


def entra_credential_type(version: str, declared: str = "") -> str | None:
    """The Entra connector's credential type of a server configured at ``version`` [ABA]."""
    if parse_version(version) < APPLICATION_AUTH_SINCE:
        return None  # no Get-ADSyncEntraConnectorCredential before 2.5.3.0
    return declared or "Application"


def entra_credential_after_upgrade(current: str | None, version: str) -> str | None:
    """The credential type after an in-place upgrade to ``version`` [ABA]."""
    if parse_version(version) < APPLICATION_AUTH_SINCE:
        return current
    if parse_version(version) >= APPLICATION_AUTH_AUTOMATIC_SINCE:
        return "Application"
    return current or "ServiceAccount"


def configure(
    server: LabServer,
    settings: LabSettings,
    world: engine.World,
    staging: bool,
    excluded: tuple[str, ...] | None = None,
    custom_rules: tuple[dict[str, Any], ...] | None = None,
    first_sync: bool = True,
) -> None:
    """Configure the sync engine (the lab's stand-in for the wizard) and, with ``first_sync``, run a
    first sync: a lab server that starts configured has run. The wizard's build passes False: its
    operator unticks "Start the synchronization process when configuration completes" (the
    collection's instructions; "for manual verification use staging on, start-sync off" [STG][CUS]),
    so no run profile runs until someone runs one or enables the scheduler."""
    s = settings.server
    server.configured = True
    server.engine_version = server.version
    server.upgrade_pending = False
    server.forests = list(s.forests) or [settings.world.domain]
    server.tenant = settings.world.tenant
    server.excluded_containers = list(s.excluded_containers if excluded is None else excluded)
    entries = s.custom_rules if custom_rules is None else custom_rules
    server.custom_rules = [
        lab_rules.stored(rule, lab_rules.rule_identifier(server.host, rule.name))
        for rule in lab_rules.normalise(entries, server.forests[0], f"custom rules of {server.host}")
    ]
    server.disabled_standard_rules = sorted(s.disabled_standard_rules) if custom_rules is None else []
    server.service_account = "NT SERVICE\\ADSync"
    server.scheduler = Scheduler()
    server.cycle = Cycle()
    server.busy_forever = False
    server.auto_upgrade_state = s.auto_upgrade
    server.adsynctools = s.adsynctools
    server.overrides = {}
    server.global_parameters = {
        **BASE_GLOBAL_PARAMETERS,
        STAGING_MODE: str(bool(staging)),
        "Microsoft.Synchronize.ServerConfigurationVersion": str(server.version),
        "Microsoft.OptionalFeature.ExportDeletionThreshold": "True",
        "Microsoft.OptionalFeature.ExportDeletionThresholdValue": str(s.deletion_threshold),
        "Microsoft.OptionalFeature.PasswordWriteback": str(bool(s.password_writeback)),
        writeback.GROUP_WRITEBACK: str(bool(s.group_writeback)),
        "Microsoft.OptionalFeature.AutoUpgradeState": s.auto_upgrade,
    }
    server.policy_applied_at = clock.now()
    server.service_state = "Running"
    server.database_used_mb = s.database_used_mb
    server.entra_credential_type = entra_credential_type(str(server.version), s.entra_credential)
    server.sync = SyncState()
    # A configured server has run: import both sides and synchronise (never export).
    server.failing_imports = []
    if not first_sync:
        return
    first = len(server.runs)
    for connector in server.connector_names():
        run_step(server, world, connector, "Full Import")
    for connector in server.connector_names():
        run_step(server, world, connector, "Full Synchronization")
    if s.sync_age_hours:
        for run in server.runs[first:]:
            run.started_at = clock.shift(run.started_at, -s.sync_age_hours)
            run.ended_at = clock.shift(run.ended_at, -s.sync_age_hours)
    if s.failing_imports:
        # The scheduler's latest cycle failed its imports there (an unreachable tenant, an expired credential).
        server.failing_imports = list(s.failing_imports)
        for connector in server.connector_names():
            if _kind(server, connector) in server.failing_imports:
                run_step(server, world, connector, "Delta Import")


def _kind(server: LabServer, connector: str) -> str:
    return "entra" if server.is_entra(connector) else "ad"


# ---------------------------------------------------------------------------------------------
# Run profiles
# ---------------------------------------------------------------------------------------------


def run_step(server: LabServer, world: engine.World, connector: str, profile: str) -> Run:
    """Run one run profile on one connector, synchronously; append and return its run record."""
    started = clock.now()
    sync = _sync(server)
    excluded = server.excluded_containers or []
    version = str(server.running_version)
    counters: dict[str, int] = {}
    result = engine.SUCCESS
    entra = server.is_entra(connector)
    if profile in ("Full Import", "Delta Import") and _kind(server, connector) in (server.failing_imports or []):
        result = engine.IMPORT_FAILED
    elif profile in ("Full Import", "Delta Import"):
        if entra:
            sync.tenant_revision = world.state["tenant_revision"]
        else:
            sync.ad_revision = world.state["directory_revision"]
            sync.ad_count = len(engine.scoped_directory(world, sync.ad_revision, excluded))
        counters["import_count"] = sync.ad_count
    elif profile in ("Full Synchronization", "Delta Synchronization"):
        desired = engine.project(
            engine.scoped_directory(world, sync.ad_revision or 0, excluded) if sync.ad_revision is not None else {},
            version,
        )
        current = world.tenant(sync.tenant_revision) if sync.tenant_revision is not None else {}
        sync.pending = engine.pending_exports(desired, current, version)
        sync.ad_pending = writeback.ad_pending(
            (server.global_parameters or {}).get(writeback.GROUP_WRITEBACK) == "True",
            world.settings.writeback_groups,
            world.settings.domain,
        )
        sync.joined_count = len(set(desired) & set(current))
        counters.update(engine.operation_counts(sync.pending))
    elif profile == "Export":
        if entra:
            result, counters = export(server, world)
    else:
        raise ValueError(profile)
    server.run_number += 1
    run = Run(
        run_history_id=str(uuid.uuid4()),
        connector_name=connector,
        run_profile_name=profile,
        run_number=server.run_number,
        result=result,
        is_run_complete=True,
        started_at=started,
        ended_at=clock.now(),
        counters=counters,
    )
    server.runs.append(run)
    del server.runs[:-RUN_HISTORY_KEPT]
    return run


def _sync(server: LabServer) -> SyncState:
    require(server.sync is not None, "run profiles exist on configured servers only")
    return server.sync


def export(server: LabServer, world: engine.World) -> tuple[str, dict[str, int]]:
    sync = _sync(server)
    pending = sync.pending
    counts = engine.operation_counts(pending)
    params = server.global_parameters or {}
    threshold = int(params.get("Microsoft.OptionalFeature.ExportDeletionThresholdValue") or 0)
    if params.get("Microsoft.OptionalFeature.ExportDeletionThreshold") == "True" and counts["delete"] > threshold:
        return engine.THRESHOLD_EXCEEDED, counts
    if pending:
        revision = world.apply_exports(pending, server.host)
        world.state["exports"].append(
            {"rev": revision, "host": server.host, "at": clock.now(), "staging": server.staging_enabled, **counts}
        )
        sync.tenant_revision = revision
        sync.pending = []
    return engine.SUCCESS, counts


def run_cycle(server: LabServer, world: engine.World, policy: str) -> list[Run]:
    """A scheduler cycle in the built-in order; a staging server never exports.

    An active server's cycle exports on every connector, the Entra connector first, then the AD
    connectors [SCH]; the lab's AD exports carry nothing (it models no writeback) but are recorded,
    as the real ones are.
    """
    imports = "Full Import" if policy == "Initial" else "Delta Import"
    syncs = "Full Synchronization" if policy == "Initial" else "Delta Synchronization"
    names = server.connector_names()
    runs = [run_step(server, world, c, imports) for c in names]
    runs += [run_step(server, world, c, syncs) for c in names]
    if not server.staging_enabled:
        # Microsoft's built-in order: export Entra, then export AD [SCH].
        runs += [run_step(server, world, c, "Export") for c in [names[-1], *names[:-1]]]
    server.overrides = {}
    return runs


def version_at_least(server: LabServer, version: str) -> bool:
    """Whether the sync engine runs ``version`` or later."""
    return server.version is not None and parse_version(str(server.running_version)) >= parse_version(version)
