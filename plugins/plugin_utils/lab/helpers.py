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
import json
import pathlib
import shutil
import uuid
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
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import rules as lab_rules
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
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _records as records
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import HelperError

NOT_INSTALLED = (
    "The Entra Connect sync engine is not installed on this server (no ADSync service parameters in the registry)."
)
#: What Import-EntraConnectADSync throws while the ADSync service is not running.
SERVICE_STOPPED = (
    "The ADSync service is {state} on this server; ADSync cmdlets need it running. An upgrade or the wizard "
    "may be in progress: wait for it to finish, or start the service (Start-Service ADSync)."
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
        if not server.service_running:
            raise HelperError(SERVICE_STOPPED.format(state=server.service_state))
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
        # A cycle runs on the server whether or not anyone waits for it (the controller that started
        # it may be gone): any read of the engine counts as time passing, like a status poll.
        self._advance_cycle(server)
        return server.to_result(clock.now(), RunHistoryCount)

    def _advance_cycle(self, server: LabServer) -> None:
        cycle = server.cycle
        if server.configured and cycle is not None and cycle.in_progress:
            cycle.polls_left -= 1
            if cycle.polls_left <= 0:
                self._finish_cycle(server)

    def get_sync_status(self, server: LabServer) -> dict[str, Any]:
        _scheduler, _cycle, _sync, parameters = self._require_engine(server)
        self._advance_cycle(server)
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
        # The helper asks Get-ADSyncRunProfileResult only for a positive count (0 = whole history).
        return {"runs": server.run_results(NumberRequested) if NumberRequested > 0 else []}

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
        stale = remote.remove_stale_temp(self.remote_dir)
        temp, content = remote.new_temp(self.remote_dir)
        files.write_server_configuration(server, content / "ServerConfiguration")
        if server.policy_applied_at:
            name, text = files.applied_policy_file(server)
            (content / name).write_text(text, encoding="utf-8")
        result = remote.archive(temp, content, "settings.zip")
        result.update(
            removed_stale_temp=stale,
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
        stale = remote.remove_stale_temp(self.remote_dir)
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
        result["removed_stale_temp"] = stale
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

    # -- sync rules (lab/rules.py) -----------------------------------------------------------

    def get_sync_rules(self, server: LabServer) -> dict[str, Any]:
        self._require_engine(server)
        ids = lab_rules.connector_ids(server)
        result = [lab_rules.to_result(i, r, ids[r.connector], True) for i, r in lab_rules.standard(server)]
        result += [lab_rules.to_result(i, r, ids[r.connector], False) for i, r in lab_rules.custom(server)]
        return {"rules": result}

    def _connector_name(self, server: LabServer, connector_id: str) -> str:
        wanted = connector_id.strip("{}").lower()
        for name, identifier in lab_rules.connector_ids(server).items():
            if identifier.lower() == wanted:
                return name
        raise HelperError(f"Add-ADSyncRule : The connector '{connector_id}' could not be found.")

    def set_sync_rule(
        self, server: LabServer, RuleJson: str, ConnectorId: str, Identifier: str | None = None
    ) -> dict[str, Any]:
        self._require_engine(server)
        connector = self._connector_name(server, ConnectorId)
        rule = lab_rules.rule_from_wire({**json.loads(RuleJson), "connector": connector}, "RuleJson")
        identifier = Identifier or str(uuid.uuid4())
        require(
            identifier not in {i for i, _r in lab_rules.standard(server)},
            "the lab does not model modified standard rules (the collection never rewrites one)",
        )
        entries = [e for e in server.custom_rules or [] if e["identifier"] != identifier]
        entries.append(lab_rules.stored(rule, identifier))
        server.custom_rules = entries
        warning = lab_rules.flag_full_sync(server, connector)
        return {"identifier": identifier, "name": rule.name, "connector_id": ConnectorId, "warnings": [warning]}

    def set_sync_rule_state(
        self, server: LabServer, Identifier: str, Disabled: bool | None = None, Precedence: int | None = None
    ) -> dict[str, Any]:
        self._require_engine(server)
        for entry in server.custom_rules or []:
            if entry["identifier"] == Identifier:
                if Disabled is not None:
                    entry["disabled"] = Disabled
                if Precedence is not None:
                    entry["precedence"] = Precedence
                warning = lab_rules.flag_full_sync(server, entry["connector"])
                return {
                    "identifier": Identifier,
                    "name": entry["name"],
                    "disabled": entry["disabled"],
                    "precedence": entry["precedence"],
                    "warnings": [warning],
                }
        for identifier, rule in lab_rules.standard(server):
            if identifier == Identifier:
                require(Precedence is None, "the lab does not model a changed standard rule precedence")
                names = set(server.disabled_standard_rules or [])
                if Disabled is not None:
                    names = names | {rule.name} if Disabled else names - {rule.name}
                server.disabled_standard_rules = sorted(names)
                warning = lab_rules.flag_full_sync(server, rule.connector)
                return {
                    "identifier": Identifier,
                    "name": rule.name,
                    "disabled": rule.name in names,
                    "precedence": rule.precedence,
                    "warnings": [warning],
                }
        raise HelperError(f"No sync rule with Identifier {Identifier} on this server; read the rules again.")

    def remove_sync_rule(self, server: LabServer, Identifier: str) -> dict[str, Any]:
        self._require_engine(server)
        entries = server.custom_rules or []
        kept = [e for e in entries if e["identifier"] != Identifier]
        if len(kept) == len(entries):
            require(
                Identifier not in {i for i, _r in lab_rules.standard(server)},
                "the collection never removes a standard rule",
            )
            raise HelperError(f"Remove-ADSyncRule : The synchronization rule '{Identifier}' could not be found.")
        server.custom_rules = kept
        return {"identifier": Identifier, "removed": True}

    # -- the collection's own records (C:\ProgramData\hybrid_identity.entra_connect\<name>.json) ---------
    # Plain files on the lab server's file system; the store's lock makes each compare-and-swap
    # atomic, as the helper's exclusive file lock does on Windows. A write under the fault
    # no_effect (the helper runs on a scratch copy of the server) reports success and writes nothing.

    def _record_file(self, Name: str) -> pathlib.Path:
        return remote.local_path(self.remote_dir, self.host, records.record_path(Name))

    def get_record(self, server: LabServer, Name: str) -> dict[str, Any]:
        target = self._record_file(Name)
        exists = target.is_file()
        return {
            "path": records.record_path(Name),
            "exists": exists,
            "content": target.read_text(encoding="utf-8") if exists else None,
        }

    def set_record(self, server: LabServer, Name: str, Content: str, ExpectedContent: str = "") -> dict[str, Any]:
        target = self._record_file(Name)
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        written = current == ExpectedContent
        if written:
            current = Content
            if server is self.server:
                target.parent.mkdir(parents=True, exist_ok=True)
                temporary = target.with_name(target.name + ".tmp")
                temporary.write_text(Content, encoding="utf-8")
                temporary.replace(target)
        return {"path": records.record_path(Name), "written": written, "content": current or None}

    def remove_record(self, server: LabServer, Name: str, ExpectedContent: str) -> dict[str, Any]:
        target = self._record_file(Name)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        removed = current is not None and current == ExpectedContent
        if removed:
            current = None
            if server is self.server:
                target.unlink()
        return {"path": records.record_path(Name), "removed": removed, "content": current}
