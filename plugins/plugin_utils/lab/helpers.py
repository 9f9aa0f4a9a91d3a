# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The contract helpers as a lab server runs them. For internal collection use only.

One method per contract helper, named as the facade names it (``Get-EntraConnectServerState`` ->
``get_server_state``), taking the server model and the helper's parameters (PascalCase, as
PowerShell declares them) and returning the contract's result. The backend builds one
:class:`LabHelpers` per call, inside the store's lock; it counts the call, applies faults and
journals what changed, so the methods here only emulate the server.
"""

from __future__ import annotations

import hashlib
import pathlib
import shutil
from pathlib import Path
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._prerequisites import TLS_EXPECTED
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import (
    clock,
    engine,
    files,
    journal,
    remote,
    wizard,
    writeback,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import server as lab
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import require
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.models import (
    RUN_PROFILES,
    STAGING_MODE,
    Cycle,
    LabServer,
    Scheduler,
    SyncState,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import (
    DEFAULT_PREREQUISITES,
    LabSettings,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import HelperError

NOT_INSTALLED = (
    "The Entra Connect sync engine is not installed on this server (no ADSync service parameters in the registry)."
)
#: Set-EntraConnectScheduler parameter -> scheduler field.
SCHEDULER_FIELDS = {
    "SyncCycleEnabled": "sync_cycle_enabled",
    "MaintenanceEnabled": "maintenance_enabled",
    "NextSyncCyclePolicyType": "next_sync_cycle_policy_type",
    "CustomizedSyncCycleIntervalSeconds": "customized_sync_cycle_interval_seconds",
    "PurgeRunHistoryIntervalSeconds": "purge_run_history_interval_seconds",
}


class LabHelpers:
    """The helpers of one call on one host; ``actor`` names who changed the state, for the journal."""

    def __init__(
        self,
        host: str,
        settings: LabSettings,
        store: LabStore,
        state: dict[str, Any],
        world: engine.World,
        server: LabServer,
        actor: str | None,
    ) -> None:
        self.host = host
        self.settings = settings
        self.store = store
        self.state = state
        self.world = world
        #: The host's server as stored; a helper may run on a scratch copy (fault no_effect).
        self.server = server
        self.actor = actor

    @property
    def remote_dir(self) -> Path:
        return self.store.remote_dir(self.host)

    @staticmethod
    def _require_engine(server: LabServer) -> tuple[Scheduler, Cycle, SyncState, dict[str, str]]:
        if not server.configured:
            raise HelperError(NOT_INSTALLED)
        require(
            server.scheduler and server.cycle and server.sync and server.global_parameters is not None,
            "server.scheduler and server.cycle and server.sync and server.global_parameters is not None",
        )
        return server.scheduler, server.cycle, server.sync, server.global_parameters

    # -- reads -------------------------------------------------------------------------------

    def get_prerequisites(self, server: LabServer) -> dict[str, Any]:
        result = {**DEFAULT_PREREQUISITES, **dict(self.settings.server.prerequisites)}
        registry = dict(TLS_EXPECTED)  # a lab server has TLS 1.2 set as Microsoft's page says
        registry.update(result.get("tls12_registry") or {})
        result["tls12_registry"] = registry
        result["pending_reboot_reasons"] = list(result["pending_reboot_reasons"])
        return result

    def get_file_hash(self, server: LabServer, Path: str) -> dict[str, Any]:
        target = remote.local_path(self.remote_dir, self.host, Path)
        if not target.is_file():
            return {"path": Path, "exists": False, "sha256": None, "size": None}
        data = target.read_bytes()
        return {"path": Path, "exists": True, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    def get_server_state(self, server: LabServer, RunHistoryCount: int) -> dict[str, Any]:
        # The emulated operator acts between two reads, as a person at the console would.
        if wizard.operator_step(server, self.settings, self.world, wizard.import_folder(self.remote_dir)):
            self.actor = "lab:operator"
        return server.to_result(clock.now(), RunHistoryCount)

    def get_sync_status(self, server: LabServer) -> dict[str, Any]:
        _scheduler, cycle, _sync, parameters = self._require_engine(server)
        if cycle.in_progress:
            cycle.polls_left -= 1
            if cycle.polls_left <= 0:
                self._finish_cycle(server)
        return {
            "scheduler": server.scheduler_result(),
            "busy_connectors": server.busy_connectors(),
            "staging_mode_global_setting": parameters[STAGING_MODE],
        }

    def _finish_cycle(self, server: LabServer) -> None:
        require(
            server.cycle is not None and server.scheduler is not None,
            "server.cycle is not None and server.scheduler is not None",
        )
        self.actor = self.actor or "scheduler"
        lab.run_cycle(server, self.world, server.cycle.policy)
        server.cycle = Cycle(in_progress=False, polls_left=0, policy=server.cycle.policy)
        server.scheduler.next_sync_cycle_policy_type = "Delta"
        writers = sorted(h for h, active in self._active_servers().items() if active)
        if len(writers) > 1:
            changed = {"active_servers": [None, writers]}
            self.store.append_journal([journal.entry(self.host, "lab:conflicting-writers", changed)])

    def _active_servers(self) -> dict[str, bool]:
        """host -> is an active (non-staging) configured server, from the state being edited."""
        return {
            host: (self.server if host == self.host else LabServer.from_dict(record)).active
            for host, record in self.state["servers"].items()
        }

    def get_run_history(self, server: LabServer, NumberRequested: int) -> dict[str, Any]:
        self._require_engine(server)
        return {"runs": server.run_results(NumberRequested)}

    def get_connector_list(self, server: LabServer) -> dict[str, Any]:
        self._require_engine(server)
        return {"connectors": [c.to_result() for c in server.connectors()]}

    # -- writes ------------------------------------------------------------------------------

    def set_staging_mode(self, server: LabServer, Enabled: bool) -> dict[str, Any]:
        parameters = self._require_engine(server)[3]
        previous = parameters[STAGING_MODE]
        parameters[STAGING_MODE] = str(bool(Enabled))
        return {"previous_value": previous, "value": str(bool(Enabled))}

    def _tools(self, server: LabServer, enabled: bool) -> dict[str, Any]:
        parameters = self._require_engine(server)[3]
        command = "Enable-ADSyncToolsStagingMode" if enabled else "Disable-ADSyncToolsStagingMode"
        if not server.adsynctools:
            raise HelperError(
                f"The term '{command}' is not recognized as the name of a cmdlet, function, script file, "
                "or operable program."
            )
        parameters[STAGING_MODE] = str(enabled)
        return {"command": command}

    def enable_tools_staging_mode(self, server: LabServer) -> dict[str, Any]:
        return self._tools(server, True)

    def disable_tools_staging_mode(self, server: LabServer) -> dict[str, Any]:
        return self._tools(server, False)

    def start_sync_cycle(self, server: LabServer, PolicyType: str) -> dict[str, Any]:
        self._require_engine(server)
        if server.busy:
            raise HelperError("Start-ADSyncSyncCycle : Sync is already running. Cannot start a new sync cycle.")
        server.cycle = Cycle(in_progress=True, polls_left=self.settings.world.cycle_polls, policy=PolicyType)
        if self.settings.world.cycle_polls <= 0:
            self._finish_cycle(server)
        return {"result": "Success"}

    def invoke_run_profile(self, server: LabServer, ConnectorName: str, RunProfileName: str) -> dict[str, Any]:
        self._require_engine(server)
        if ConnectorName not in server.connector_names():
            raise HelperError(f"Invoke-ADSyncRunProfile : Connector '{ConnectorName}' could not be found.")
        if RunProfileName not in RUN_PROFILES:
            raise HelperError(f"Invoke-ADSyncRunProfile : Run profile '{RunProfileName}' could not be found.")
        if server.busy:
            raise HelperError(
                "Invoke-ADSyncRunProfile : The connector is busy. Try again after the current run completes."
            )
        lab.run_step(server, self.world, ConnectorName, RunProfileName)
        return {"connector_name": ConnectorName, "run_profile_name": RunProfileName}

    def set_scheduler(self, server: LabServer, **params: Any) -> dict[str, Any]:
        scheduler = self._require_engine(server)[0]
        fields = []
        for name, value in params.items():
            setattr(scheduler, SCHEDULER_FIELDS[name], value)
            fields.append(SCHEDULER_FIELDS[name])
        return {"fields": fields}

    def set_scheduler_connector_override(
        self, server: LabServer, ConnectorName: str, FullImportRequired: bool, FullSyncRequired: bool
    ) -> dict[str, Any]:
        self._require_engine(server)
        require(server.overrides is not None, "server.overrides is not None")
        if ConnectorName not in server.connector_names():
            raise HelperError(f"Set-ADSyncSchedulerConnectorOverride : Connector '{ConnectorName}' could not be found.")
        if FullImportRequired or FullSyncRequired:
            server.overrides[ConnectorName] = {
                "full_import_required": FullImportRequired,
                "full_sync_required": FullSyncRequired,
            }
        else:
            server.overrides.pop(ConnectorName, None)
        return {
            "connector_name": ConnectorName,
            "full_import_required": FullImportRequired,
            "full_sync_required": FullSyncRequired,
        }

    def set_auto_upgrade(self, server: LabServer, State: str) -> dict[str, Any]:
        parameters = self._require_engine(server)[3]
        server.auto_upgrade_state = State
        parameters["Microsoft.OptionalFeature.AutoUpgradeState"] = State
        return {"state": State}

    # -- files -------------------------------------------------------------------------------

    def export_server_configuration(self, server: LabServer) -> dict[str, Any]:
        self._require_engine(server)
        temp, content = remote.new_temp(self.remote_dir)
        files.write_server_configuration(server, content / "ServerConfiguration")
        if server.policy_applied_at:
            name, text = files.applied_policy_file(server)
            (content / name).write_text(text, encoding="utf-8")
        result = remote.archive(temp, content, "settings.zip")
        result.update(
            product_version=server.running_version,
            staging_mode_enabled=server.staging_enabled,
            exported_at=clock.now(),
        )
        return result

    def export_connector_space(self, server: LabServer, ConnectorName: str, Filter: str) -> dict[str, Any]:
        sync = self._require_engine(server)[2]
        names = server.connector_names()
        if ConnectorName not in names:
            raise HelperError(
                f"csexport.exe failed for connector '{ConnectorName}' with exit code 1: "
                "Failed to export connector space."
            )
        temp, content = remote.new_temp(self.remote_dir)
        xml = content / "csexport.xml"
        excluded = server.excluded_containers or []
        world = self.world
        entra = ConnectorName == names[-1]
        pending: list[dict[str, Any]] = []
        desired: dict[str, Any] = {}
        current: dict[str, Any] = {}
        section = "unapplied-export"
        if Filter == "x" and entra:
            pending = sync.pending
            if pending:
                scoped = engine.scoped_directory(world, sync.ad_revision or 0, excluded)
                desired = engine.project(scoped, str(server.running_version))
                current = world.tenant(sync.tenant_revision)
        elif Filter == "x":
            pending = server.pending_on(ConnectorName)
            if pending:
                current = writeback.written_back_groups(world.settings.writeback_groups, world.settings.domain)
        elif Filter == "m":
            section = "pending-import"
            if entra:
                current = world.tenant(sync.tenant_revision)
                desired = world.tenant()
            else:
                current = engine.scoped_directory(world, sync.ad_revision or 0, excluded)
                desired = engine.scoped_directory(world, None, excluded)
            pending = engine.diff_objects(desired, current)
        count = files.write_csexport(xml, Filter, pending, desired, current, section)
        result = remote.archive(temp, content, "csexport.zip")
        result["files"] = ["csexport.xml"]
        result["output"] = f"Successfully exported connector space to file '{xml}' ({count} objects)."
        return result

    def remove_temp_folder(self, server: LabServer, Path: str) -> dict[str, Any]:
        target = pathlib.Path(Path)
        if not remote.is_temp(self.remote_dir, target):
            raise HelperError(
                f"Refusing to remove '{Path}': not a temp folder created by an Export-EntraConnect helper."
            )
        removed = target.exists()
        shutil.rmtree(target, ignore_errors=True)
        return {"path": str(target), "removed": removed}
