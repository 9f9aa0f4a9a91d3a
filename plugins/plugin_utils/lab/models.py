# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's resources as dataclasses: a server, its scheduler, connectors and runs.

For internal collection use only. Pure Python. Each model turns into the helper contract's result
shape with ``to_result()`` and into its record in ``state.json`` with ``to_dict()``
(``from_dict()`` reads it back). The state file keeps the flat layout it always had: a server that
is installed but not configured has only the keys of :data:`BASE_KEYS`.

The engine's own data (pending export changes, directory objects) stays plain dicts: it is large,
written once per run and only ever compared, so a model per object would cost without helping.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.directory import domain_dn
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.engine import operation_counts
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import require

INSTALL_PATH = "C:\\Program Files\\Microsoft Azure AD Sync\\"
ENTRA_CONNECTOR_ID = "b891884f-051e-4a83-95af-2544101c9083"
RUN_PROFILES = ("Full Import", "Full Synchronization", "Delta Import", "Delta Synchronization", "Export")
#: The interval the product allows and runs unless a customised one is set.
DEFAULT_SYNC_INTERVAL_SECONDS = 1800
STAGING_MODE = "Microsoft.Synchronize.StagingMode"


@dataclass
class Run:
    """One run profile result; ``counters`` are the lab's own and never leave the lab."""

    run_history_id: str
    connector_name: str
    run_profile_name: str
    run_number: int
    result: str
    is_run_complete: bool
    started_at: str
    ended_at: str
    counters: dict[str, int] = field(default_factory=dict)

    def to_result(self) -> dict[str, Any]:
        return {
            "run_history_id": self.run_history_id,
            "connector_name": self.connector_name,
            "run_profile_name": self.run_profile_name,
            "run_number": self.run_number,
            "result": self.result,
            "is_run_complete": self.is_run_complete,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.to_result(), "counters": self.counters}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Run:
        return cls(**data)


@dataclass(frozen=True)
class Connector:
    """A connector as ``Get-ADSyncConnector`` lists it (derived from the server, never stored)."""

    name: str
    identifier: str
    type: str
    subtype: str
    partitions: tuple[str, ...]

    @classmethod
    def active_directory(cls, forest: str, identifier: str) -> Connector:
        return cls(forest, identifier, "AD", "", (domain_dn(forest),))

    @classmethod
    def entra(cls, tenant: str) -> Connector:
        return cls(entra_connector_name(tenant), ENTRA_CONNECTOR_ID, "Extensible2", ENTRA_SUBTYPE, ("default",))

    def to_result(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "identifier": self.identifier,
            "type": self.type,
            "subtype": self.subtype,
            "partitions": [{"name": name, "selected": True} for name in self.partitions],
            "run_profiles": list(RUN_PROFILES),
        }


ENTRA_SUBTYPE = "Windows Azure Active Directory (Microsoft)"


def entra_connector_name(tenant: str) -> str:
    return f"{tenant} - AAD"


def connector_guid(host: str, forest: str) -> str:
    """AD connector GUIDs differ from server to server, as on real servers."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{host}/{forest}"))


@dataclass
class Scheduler:
    """The settable scheduler fields (``Set-ADSyncScheduler``); the rest is derived in ``to_result``."""

    customized_sync_cycle_interval_seconds: int | None = None
    next_sync_cycle_policy_type: str = "Delta"
    purge_run_history_interval_seconds: int = 604800
    sync_cycle_enabled: bool = True
    maintenance_enabled: bool = True
    scheduler_suspended: bool = False

    def to_result(self, staging_mode_enabled: bool, in_progress: bool) -> dict[str, Any]:
        return {
            "allowed_sync_cycle_interval_seconds": DEFAULT_SYNC_INTERVAL_SECONDS,
            "currently_effective_sync_cycle_interval_seconds": self.customized_sync_cycle_interval_seconds
            or DEFAULT_SYNC_INTERVAL_SECONDS,
            "customized_sync_cycle_interval_seconds": self.customized_sync_cycle_interval_seconds,
            "next_sync_cycle_policy_type": self.next_sync_cycle_policy_type,
            "next_sync_cycle_start_at": None,
            "purge_run_history_interval_seconds": self.purge_run_history_interval_seconds,
            "sync_cycle_enabled": self.sync_cycle_enabled,
            "maintenance_enabled": self.maintenance_enabled,
            "staging_mode_enabled": staging_mode_enabled,
            "scheduler_suspended": self.scheduler_suspended,
            "sync_cycle_in_progress": bool(in_progress),
        }

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scheduler:
        return cls(**data)


@dataclass
class Cycle:
    """A scheduler cycle: it ends after ``polls_left`` status reads (moto's "after N reads")."""

    in_progress: bool = False
    polls_left: int = 0
    policy: str = "Delta"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cycle:
        return cls(**data)


@dataclass
class SyncState:
    """What the connector spaces hold: the revisions last imported and the pending exports."""

    ad_revision: int | None = None
    tenant_revision: int | None = None
    pending: list[dict[str, Any]] = field(default_factory=list)
    #: The pending exports on the writeback forest's AD connector (lab/writeback.py).
    ad_pending: list[dict[str, Any]] = field(default_factory=list)
    ad_count: int = 0
    joined_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        # Not asdict: it would deep-copy every pending change.
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SyncState:
        return cls(**data)


#: Keys every server record has; the others exist once the sync engine is configured.
BASE_KEYS = ("host", "installed", "configured", "version", "settings_file", "runs", "run_number", "calls")
_RECORDS = {"scheduler": Scheduler, "cycle": Cycle, "sync": SyncState}


@dataclass
class LabServer:
    """One emulated server. Fields after ``calls`` are None until the sync engine is configured."""

    host: str
    installed: bool
    configured: bool = False
    version: str | None = None
    settings_file: str | None = None
    runs: list[Run] = field(default_factory=list)
    run_number: int = 0
    calls: int = 0
    engine_version: str | None = None
    upgrade_pending: bool | None = None
    forests: list[str] | None = None
    tenant: str | None = None
    excluded_containers: list[str] | None = None
    custom_rules: list[dict[str, Any]] | None = None
    service_account: str | None = None
    scheduler: Scheduler | None = None
    cycle: Cycle | None = None
    busy_forever: bool | None = None
    auto_upgrade_state: str | None = None
    adsynctools: bool | None = None
    overrides: dict[str, dict[str, bool]] | None = None
    global_parameters: dict[str, str] | None = None
    policy_applied_at: str | None = None
    sync: SyncState | None = None
    #: Connector kinds ("entra", "ad") whose imports fail from now on (a lab setting).
    failing_imports: list[str] | None = None
    #: names of the standard rules disabled on this server (lab/rules.py)
    disabled_standard_rules: list[str] | None = None
    #: The ADSync service's state (None: Running). Stopped from the MSI of an in-place upgrade
    #: until the wizard's upgrade page is done, or when the lab settings say so (a crash).
    service_state: str | None = None
    #: The MSI starts the wizard when it finishes; it stays open until the operator's step.
    wizard_open: bool | None = None
    #: Get-ADSyncEntraConnectorCredential's ConnectorIdentityType (None: no such cmdlet, before 2.5.3.0).
    entra_credential_type: str | None = None
    #: Server reads left before the operator's wizard step is done (None: not started).
    wizard_reads_left: int | None = None
    #: Get-ADSyncDatabaseConfiguration UsedSpaceInMb of the LocalDB.
    database_used_mb: float | None = None

    # -- the state file ----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name not in BASE_KEYS and not self.configured and value is None:
                continue
            if f.name == "runs":
                value = [run.to_dict() for run in value]
            elif f.name in _RECORDS and value is not None:
                value = value.to_dict()
            data[f.name] = value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LabServer:
        values = dict(data)
        values["runs"] = [Run.from_dict(run) for run in data.get("runs", [])]
        for name, record in _RECORDS.items():
            if values.get(name) is not None:
                values[name] = record.from_dict(values[name])
        return cls(**values)

    # -- derived facts -----------------------------------------------------------------------

    @property
    def running_version(self) -> str | None:
        """The version the sync engine runs (behind the binaries until an upgrade completes)."""
        return self.engine_version or self.version

    @property
    def staging_enabled(self) -> bool:
        return (self.global_parameters or {}).get(STAGING_MODE) == "True"

    @property
    def active(self) -> bool:
        """A configured server out of staging mode: one that exports to the tenant."""
        return self.configured and not self.staging_enabled

    @property
    def service_running(self) -> bool:
        return self.service_state in (None, "Running")

    @property
    def busy(self) -> bool:
        return bool(self.busy_forever or (self.cycle and self.cycle.in_progress))

    def connector_names(self) -> list[str]:
        """AD connectors first, then the Entra connector: the order the scheduler runs them."""
        return [*(self.forests or []), entra_connector_name(str(self.tenant))]

    def is_entra(self, connector: str) -> bool:
        return connector == entra_connector_name(str(self.tenant))

    def busy_connectors(self) -> list[str]:
        return [self.connector_names()[0]] if self.busy else []

    def scheduler_result(self) -> dict[str, Any]:
        require(self.scheduler is not None, "only asked of configured servers")
        return self.scheduler.to_result(self.staging_enabled, self.busy)

    def run_results(self, count: int) -> list[dict[str, Any]]:
        """The newest ``count`` runs, newest first, as Get-ADSyncRunProfileResult -NumberRequested
        returns them: 0 (or less) returns the whole history [BIN]."""
        runs = self.runs[-count:] if count > 0 else self.runs
        return [run.to_result() for run in reversed(runs)]

    def connectors(self) -> list[Connector]:
        ad = [Connector.active_directory(f, connector_guid(self.host, f)) for f in self.forests or []]
        return [*ad, Connector.entra(str(self.tenant))]

    def pending_on(self, connector: str) -> list[dict[str, Any]]:
        """The pending exports of one connector: the Entra connector's, or the writeback forest's (the first)."""
        require(self.sync is not None, "self.sync is not None")
        names = self.connector_names()
        if connector == names[-1]:
            return self.sync.pending
        return self.sync.ad_pending if connector == names[0] else []

    def statistics(self) -> dict[str, dict[str, int]]:
        """Per connector, as Get-ADSyncConnectorStatistics: the pending exports of each connector."""
        require(self.sync is not None, "self.sync is not None")
        names = self.connector_names()
        stats = {}
        for name in names:
            entra = name == names[-1]
            counts = operation_counts(self.pending_on(name))
            stats[name] = {
                "export_add_count": counts["add"],
                "export_update_count": counts["update"],
                "export_delete_count": counts["delete"],
                "import_add_count": 0,
                "import_update_count": 0,
                "import_delete_count": 0,
                "import_no_change_count": 0,
                "total_connector_count": self.sync.joined_count if entra else self.sync.ad_count,
            }
        return stats

    def to_result(self, collected_at: str, run_history_count: int) -> dict[str, Any]:
        """The ``Get-EntraConnectServerState`` result."""
        result: dict[str, Any] = {
            "computer_name": self.host.upper(),
            "collected_at": collected_at,
            "installed": self.installed,
            "configured": self.configured,
            "engine_state": "read" if self.configured else "absent",
            "product_version": self.version,
            "engine_version": self.running_version if self.configured else None,
            "install_path": INSTALL_PATH if self.configured else None,
            "service": None,
            "database": None,
            "scheduler": None,
            "global_parameters": {},
            "connectors": [],
            "busy_connectors": [],
            "auto_upgrade_state": None,
            "entra_credential_type": None,
            "wizard_running": bool(self.wizard_open),
            "runs": [],
            "adsynctools_staging_available": bool(self.adsynctools),
        }
        if not self.configured:
            return result
        if not self.service_running:
            # ADSync cmdlets throw while the service is stopped: the helper reads no further.
            result.update(
                configured=None,
                engine_state="service_stopped",
                service={"account": self.service_account, "state": self.service_state, "start_mode": "Auto"},
            )
            return result
        stats = self.statistics()
        overrides = self.overrides or {}
        result.update(
            service={"account": self.service_account, "state": "Running", "start_mode": "Auto"},
            database={
                "local_db": True,
                "server": "(localdb)",
                "instance": ".\\ADSync2019",
                "name": "ADSync",
                "used_space_mb": self.database_used_mb if self.database_used_mb is not None else 180.5,
            },
            scheduler=self.scheduler_result(),
            global_parameters=dict(self.global_parameters or {}),
            connectors=[
                {**c.to_result(), "statistics": stats[c.name], "override": overrides.get(c.name)}
                for c in self.connectors()
            ],
            busy_connectors=self.busy_connectors(),
            auto_upgrade_state=self.auto_upgrade_state,
            entra_credential_type=self.entra_credential_type,
            # The helper asks Get-ADSyncRunProfileResult only for a positive count (0 = whole history).
            runs=self.run_results(run_history_count) if run_history_count > 0 else [],
        )
        return result
