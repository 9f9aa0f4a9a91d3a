# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab backend: the helper contract, served by emulated servers. For internal collection use only.

One method per contract helper, named as the facade names it (``Get-EntraConnectServerState`` ->
``get_server_state``). Every call runs under the store's lock: it counts the call (fault
injection counts calls per host and helper since the last reset, across playbook runs), applies
a matching fault, runs the helper against the host's state and journals what changed.
"""

from __future__ import annotations

import copy
import hashlib
import os
import pathlib
import shutil
import uuid
import zipfile
from pathlib import Path
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._prerequisites import TLS_EXPECTED
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import (
    clock,
    engine,
    faults,
    files,
    wizard,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import server as lab
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import LabStateError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import (
    DEFAULT_PREREQUISITES,
    LabSettings,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import (
    HelperError,
    HostUnreachable,
)

NOT_INSTALLED = (
    "The Entra Connect sync engine is not installed on this server (no ADSync service parameters in the registry)."
)
JOURNALLED_PARAMETERS = (
    "Microsoft.OptionalFeature.PasswordWriteback",
    "Microsoft.OptionalFeature.ExportDeletionThreshold",
    "Microsoft.OptionalFeature.ExportDeletionThresholdValue",
)


def facts(server: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    """The journalled view of a server: every field whose change is worth a journal line."""
    result: dict[str, Any] = {
        "installed": server["installed"],
        "configured": server["configured"],
        "version": server["version"],
        "engine_version": server.get("engine_version"),
        "upgrade_pending": server.get("upgrade_pending"),
        "settings_file": server.get("settings_file"),
        "tenant_revision": world["tenant_revision"],
    }
    if server["configured"]:
        result["staging_mode_enabled"] = lab.staging_enabled(server)
        result.update({f"scheduler.{k}": v for k, v in server["scheduler"].items()})
        result.update({f"global_parameters.{k}": server["global_parameters"].get(k) for k in JOURNALLED_PARAMETERS})
        result["auto_upgrade_state"] = server["auto_upgrade_state"]
        result["overrides"] = server["overrides"]
        result["cycle.in_progress"] = server["cycle"]["in_progress"]
        result["busy_forever"] = server["busy_forever"]
        result["sync.ad_revision"] = server["sync"]["ad_revision"]
        result["sync.tenant_revision"] = server["sync"]["tenant_revision"]
        result["pending_export_count"] = len(server["sync"]["pending"])
        result["excluded_containers"] = server["excluded_containers"]
    return result


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


class LabBackend:
    """Serves the helper contract for one host of one lab directory."""

    def __init__(self, lab_dir: str | os.PathLike[str], settings: LabSettings) -> None:
        self.store = LabStore(lab_dir)
        self.settings = settings
        self.host = settings.host

    # -- plumbing --------------------------------------------------------------------------

    def world(self, state: dict[str, Any]) -> engine.World:
        key = self.settings.world.key()
        if state["world"] is None:
            state["world"] = engine.World.create(self.settings.world)
        elif state["world"]["key"] != key:
            raise LabStateError(
                f"The lab in {self.store.lab_dir} was created with world settings {state['world']['key']}, but "
                f"host {self.host} now has {key}; reset the lab (make lab-reset) or restore the settings"
            )
        return engine.World(self.settings.world, state["world"])

    def server(self, state: dict[str, Any], world: engine.World) -> dict[str, Any]:
        if self.host not in state["servers"]:
            state["servers"][self.host] = lab.new_server(self.settings, world)
            self.store.append_journal(
                [
                    {
                        "time": clock.now(),
                        "host": self.host,
                        "helper": "lab:create",
                        "changes": changes({}, facts(state["servers"][self.host], world.state)),
                    }
                ]
            )
        return state["servers"][self.host]

    def invoke(self, helper: contract.Helper, params: dict[str, Any]) -> Any:
        failure: Exception | None = None
        result = None
        # Who changed the state: the helper for writes; for reads, the lab actor that acted
        # meanwhile (the scheduler finishing a cycle, the emulated operator). Reads themselves
        # are never journalled.
        self._actor = helper.name if helper.mutates else None
        with self.store.transaction() as state:
            self._state_ref = state
            world = self.world(state)
            if state["unreachable"].get(self.host):
                failure = faults.unreachable(self.host)
            else:
                calls = state["calls"].setdefault(self.host, {})
                calls[helper.name] = calls.get(helper.name, 0) + 1
                server = self.server(state, world)
                before = facts(server, world.state)
                effect = faults.effect_for(self.settings.faults, helper.name, calls[helper.name])
                try:
                    result = self._run(helper, params, server, world, effect, state)
                except (HelperError, HostUnreachable) as err:
                    failure = err
                after = facts(server, world.state)
                self._journal(self._actor or f"lab:{helper.name}", before, after)
        if failure is not None:
            raise failure
        return result

    def _run(self, helper, params, server, world, effect, state) -> Any:
        if effect == faults.UNREACHABLE:
            state["unreachable"][self.host] = True
            raise faults.unreachable(self.host)
        if effect == faults.ERROR:
            raise faults.injected_error(helper)
        if effect == faults.BUSY and server["configured"]:
            server["busy_forever"] = True
        method = getattr(self, helper.snake_name)
        if effect == faults.NO_EFFECT and helper.mutates:
            scratch = copy.deepcopy(server)
            return method(scratch, world, **params)
        return method(server, world, **params)

    def _journal(self, helper: str, before: dict[str, Any], after: dict[str, Any]) -> None:
        diff = changes(before, after)
        if diff:
            self.store.append_journal([{"time": clock.now(), "host": self.host, "helper": helper, "changes": diff}])

    # -- what ansible.windows modules do on a real server (not helpers) ----------------------

    def local_path(self, windows_path: str) -> Path:
        """Where a Windows path of this lab server lives: ``C:\\a\\b`` -> ``remote/<host>/C/a/b``."""
        drive, _sep, rest = windows_path.replace("/", "\\").partition(":")
        parts = [p for p in rest.split("\\") if p]
        if not drive or len(drive) != 1 or ".." in parts:
            raise HelperError(
                f"{self.host}: the lab emulates local paths like C:\\folder\\file only, not {windows_path!r}"
            )
        return self.store.remote_dir(self.host).joinpath(drive.upper(), *parts)

    def put_file(self, local_path: str, remote_path: str) -> bool:
        target = self.local_path(remote_path)
        if target.is_file() and target.read_bytes() == Path(local_path).read_bytes():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(local_path, target)
        return True

    def download(self, url: str, remote_path: str, checksum: str | None) -> bool:
        if not url.startswith("file://"):
            raise HelperError(
                f"{self.host}: the lab has no network; give the installer as a controller path or a file:// URL"
            )
        source = Path(url.removeprefix("file://"))
        if checksum and hashlib.sha256(source.read_bytes()).hexdigest() != checksum.lower():
            raise HelperError(f"The checksum for {remote_path} did not match '{checksum}'")
        return self.put_file(str(source), remote_path)

    def copy_remote(self, src: str, remote_path: str) -> bool:
        raise HelperError(f"{self.host}: the lab does not emulate UNC shares ({src}); give a controller path")

    def install_package(self, remote_path: str, arguments: str, version: str) -> dict[str, Any]:
        """The MSI step: binaries at ``version`` (the lab cannot read an MSI, so the caller says which)."""
        if not self.local_path(remote_path).is_file():
            raise HelperError(f"The path specified '{remote_path}' does not exist")
        with self.store.transaction() as state:
            self._state_ref = state
            world = self.world(state)
            server = self.server(state, world)
            before = facts(server, world.state)
            changed = wizard.install(server, version)
            self._journal("lab:installer", before, facts(server, world.state))
        return {"changed": changed, "reboot_required": False}

    def fetch(self, remote_path: str, local_path: str) -> None:
        source = Path(remote_path)
        if self.store.lab_dir.resolve() not in source.resolve().parents or not source.is_file():
            raise HelperError(f"{self.host}: cannot fetch {remote_path}: no such file on the lab server")
        shutil.copyfile(source, local_path)

    # -- helpers: reads --------------------------------------------------------------------

    def get_prerequisites(self, server, world) -> dict[str, Any]:
        result = {**DEFAULT_PREREQUISITES, **dict(self.settings.server.prerequisites)}
        registry = dict(TLS_EXPECTED)  # a lab server has TLS 1.2 set as Microsoft's page says
        registry.update(result.get("tls12_registry") or {})
        result["tls12_registry"] = registry
        result["pending_reboot_reasons"] = list(result["pending_reboot_reasons"])
        return result

    def get_file_hash(self, server, world, Path: str) -> dict[str, Any]:
        target = self.local_path(Path)
        if not target.is_file():
            return {"path": Path, "exists": False, "sha256": None, "size": None}
        data = target.read_bytes()
        return {"path": Path, "exists": True, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    @staticmethod
    def _require_engine(server: dict[str, Any]) -> None:
        if not server["configured"]:
            raise HelperError(NOT_INSTALLED)

    def get_server_state(self, server, world, RunHistoryCount: int) -> dict[str, Any]:
        # The emulated operator acts between two reads, as a person at the console would.
        if wizard.operator_step(server, self.settings, world, wizard.import_folder(self.store.remote_dir(self.host))):
            self._actor = "lab:operator"
        configured = server["configured"]
        result = {
            "computer_name": self.host.upper(),
            "collected_at": clock.now(),
            "installed": server["installed"],
            "configured": configured,
            "product_version": server["version"],
            "engine_version": lab.engine_version(server) if configured else None,
            "install_path": lab.INSTALL_PATH if configured else None,
            "service": None,
            "database": None,
            "scheduler": None,
            "global_parameters": {},
            "connectors": [],
            "busy_connectors": [],
            "auto_upgrade_state": None,
            "runs": [],
            "adsynctools_staging_available": bool(server.get("adsynctools")),
        }
        if not configured:
            return result
        stats = self._statistics(server)
        result.update(
            service={"account": server["service_account"], "state": "Running", "start_mode": "Auto"},
            database={
                "local_db": True,
                "server": "(localdb)",
                "instance": ".\\ADSync2019",
                "name": "ADSync",
                "used_space_mb": 180.5,
            },
            scheduler=lab.scheduler_result(server),
            global_parameters=dict(server["global_parameters"]),
            connectors=[
                {**c, "statistics": stats[c["name"]], "override": server["overrides"].get(c["name"])}
                for c in lab.connectors(server)
            ],
            busy_connectors=lab.busy_connectors(server),
            auto_upgrade_state=server["auto_upgrade_state"],
            runs=[lab.public_run(r) for r in reversed(server["runs"][-RunHistoryCount:])] if RunHistoryCount else [],
        )
        return result

    @staticmethod
    def _statistics(server: dict[str, Any]) -> dict[str, dict[str, int]]:
        counts = engine.operation_counts(server["sync"]["pending"])
        stats = {}
        names = lab.connector_names(server)
        for name in names:
            entra = name == names[-1]
            stats[name] = {
                "export_add_count": counts["add"] if entra else 0,
                "export_update_count": counts["update"] if entra else 0,
                "export_delete_count": counts["delete"] if entra else 0,
                "import_add_count": 0,
                "import_update_count": 0,
                "import_delete_count": 0,
                "import_no_change_count": 0,
                "total_connector_count": server["sync"]["joined_count"] if entra else server["sync"]["ad_count"],
            }
        return stats

    def get_sync_status(self, server, world) -> dict[str, Any]:
        self._require_engine(server)
        cycle = server["cycle"]
        if cycle["in_progress"]:
            cycle["polls_left"] -= 1
            if cycle["polls_left"] <= 0:
                self._finish_cycle(server, world)
        return {
            "scheduler": lab.scheduler_result(server),
            "busy_connectors": lab.busy_connectors(server),
            "staging_mode_global_setting": server["global_parameters"]["Microsoft.Synchronize.StagingMode"],
        }

    def _finish_cycle(self, server, world) -> None:
        self._actor = self._actor or "scheduler"
        lab.run_cycle(server, world, server["cycle"]["policy"])
        server["cycle"] = {"in_progress": False, "polls_left": 0, "policy": server["cycle"]["policy"]}
        server["scheduler"]["next_sync_cycle_policy_type"] = "Delta"
        writers = sorted(h for h, s in self._servers_now(world).items() if s)
        if len(writers) > 1:
            self.store.append_journal(
                [
                    {
                        "time": clock.now(),
                        "host": self.host,
                        "helper": "lab:conflicting-writers",
                        "changes": {"active_servers": [None, writers]},
                    }
                ]
            )

    def _servers_now(self, world) -> dict[str, bool]:
        """host -> is an active (non-staging) configured server, from the state being edited."""
        state = self._state_ref
        return {h: s["configured"] and not lab.staging_enabled(s) for h, s in state["servers"].items()}

    def get_run_history(self, server, world, NumberRequested: int) -> dict[str, Any]:
        self._require_engine(server)
        return {
            "runs": [lab.public_run(r) for r in reversed(server["runs"][-NumberRequested:])] if NumberRequested else []
        }

    def get_connector_list(self, server, world) -> dict[str, Any]:
        self._require_engine(server)
        return {"connectors": lab.connectors(server)}

    # -- helpers: writes -------------------------------------------------------------------

    def set_staging_mode(self, server, world, Enabled: bool) -> dict[str, Any]:
        self._require_engine(server)
        previous = server["global_parameters"]["Microsoft.Synchronize.StagingMode"]
        server["global_parameters"]["Microsoft.Synchronize.StagingMode"] = str(bool(Enabled))
        return {"previous_value": previous, "value": str(bool(Enabled))}

    def _tools(self, server, enabled: bool) -> dict[str, Any]:
        self._require_engine(server)
        command = "Enable-ADSyncToolsStagingMode" if enabled else "Disable-ADSyncToolsStagingMode"
        if not server.get("adsynctools"):
            raise HelperError(
                f"The term '{command}' is not recognized as the name of a cmdlet, function, script file, "
                "or operable program."
            )
        server["global_parameters"]["Microsoft.Synchronize.StagingMode"] = str(enabled)
        return {"command": command}

    def enable_tools_staging_mode(self, server, world) -> dict[str, Any]:
        return self._tools(server, True)

    def disable_tools_staging_mode(self, server, world) -> dict[str, Any]:
        return self._tools(server, False)

    def start_sync_cycle(self, server, world, PolicyType: str) -> dict[str, Any]:
        self._require_engine(server)
        if server["cycle"]["in_progress"] or server["busy_forever"]:
            raise HelperError("Start-ADSyncSyncCycle : Sync is already running. Cannot start a new sync cycle.")
        server["cycle"] = {"in_progress": True, "polls_left": self.settings.world.cycle_polls, "policy": PolicyType}
        if self.settings.world.cycle_polls <= 0:
            self._finish_cycle(server, world)
        return {"result": "Success"}

    def invoke_run_profile(self, server, world, ConnectorName: str, RunProfileName: str) -> dict[str, Any]:
        self._require_engine(server)
        if ConnectorName not in lab.connector_names(server):
            raise HelperError(f"Invoke-ADSyncRunProfile : Connector '{ConnectorName}' could not be found.")
        if RunProfileName not in lab.RUN_PROFILES:
            raise HelperError(f"Invoke-ADSyncRunProfile : Run profile '{RunProfileName}' could not be found.")
        if server["cycle"]["in_progress"] or server["busy_forever"]:
            raise HelperError(
                "Invoke-ADSyncRunProfile : The connector is busy. Try again after the current run completes."
            )
        lab.run_step(server, world, ConnectorName, RunProfileName)
        return {"connector_name": ConnectorName, "run_profile_name": RunProfileName}

    def set_scheduler(self, server, world, **params: Any) -> dict[str, Any]:
        self._require_engine(server)
        names = {
            "SyncCycleEnabled": "sync_cycle_enabled",
            "MaintenanceEnabled": "maintenance_enabled",
            "NextSyncCyclePolicyType": "next_sync_cycle_policy_type",
            "CustomizedSyncCycleIntervalSeconds": "customized_sync_cycle_interval_seconds",
            "PurgeRunHistoryIntervalSeconds": "purge_run_history_interval_seconds",
        }
        fields = []
        for name, value in params.items():
            server["scheduler"][names[name]] = value
            fields.append(names[name])
        return {"fields": fields}

    def set_scheduler_connector_override(self, server, world, ConnectorName, FullImportRequired, FullSyncRequired):
        self._require_engine(server)
        if ConnectorName not in lab.connector_names(server):
            raise HelperError(f"Set-ADSyncSchedulerConnectorOverride : Connector '{ConnectorName}' could not be found.")
        if FullImportRequired or FullSyncRequired:
            server["overrides"][ConnectorName] = {
                "full_import_required": FullImportRequired,
                "full_sync_required": FullSyncRequired,
            }
        else:
            server["overrides"].pop(ConnectorName, None)
        return {
            "connector_name": ConnectorName,
            "full_import_required": FullImportRequired,
            "full_sync_required": FullSyncRequired,
        }

    def set_auto_upgrade(self, server, world, State: str) -> dict[str, Any]:
        self._require_engine(server)
        server["auto_upgrade_state"] = State
        server["global_parameters"]["Microsoft.OptionalFeature.AutoUpgradeState"] = State
        return {"state": State}

    # -- helpers: files --------------------------------------------------------------------

    def _temp(self) -> tuple[Path, Path]:
        temp = self.store.remote_dir(self.host) / ("EntraConnect-" + uuid.uuid4().hex)
        content = temp / "content"
        content.mkdir(parents=True)
        return temp, content

    @staticmethod
    def _archive(temp: Path, content: Path, name: str) -> dict[str, Any]:
        archive = temp / name
        names = sorted(str(p.relative_to(content)) for p in content.rglob("*") if p.is_file())
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for relative in names:
                bundle.write(content / relative, relative)
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        return {
            "temp_path": str(temp),
            "archive_path": str(archive),
            "archive_sha256": digest,
            "archive_size": archive.stat().st_size,
            "files": [n.replace("/", "\\") for n in names],
        }

    def export_server_configuration(self, server, world) -> dict[str, Any]:
        self._require_engine(server)
        temp, content = self._temp()
        files.write_server_configuration(server, content / "ServerConfiguration")
        if server.get("policy_applied_at"):
            name, text = files.applied_policy_file(server)
            (content / name).write_text(text, encoding="utf-8")
        result = self._archive(temp, content, "settings.zip")
        result.update(
            product_version=lab.engine_version(server),
            staging_mode_enabled=lab.staging_enabled(server),
            exported_at=clock.now(),
        )
        return result

    def export_connector_space(self, server, world, ConnectorName: str, Filter: str) -> dict[str, Any]:
        self._require_engine(server)
        names = lab.connector_names(server)
        if ConnectorName not in names:
            raise HelperError(
                f"csexport.exe failed for connector '{ConnectorName}' with exit code 1: "
                "Failed to export connector space."
            )
        temp, content = self._temp()
        xml = content / "csexport.xml"
        sync = server["sync"]
        entra = ConnectorName == names[-1]
        pending: list[dict[str, Any]] = []
        desired: dict[str, Any] = {}
        current: dict[str, Any] = {}
        section = "unapplied-export"
        if Filter == "x" and entra:
            pending = sync["pending"]
            if pending:
                scoped = engine.scoped_directory(world, sync["ad_revision"] or 0, server["excluded_containers"])
                desired = engine.project(scoped, lab.engine_version(server))
                current = world.tenant(sync["tenant_revision"])
        elif Filter == "m":
            section = "pending-import"
            if entra:
                current = world.tenant(sync["tenant_revision"])
                desired = world.tenant()
            else:
                current = engine.scoped_directory(world, sync["ad_revision"] or 0, server["excluded_containers"])
                desired = engine.scoped_directory(world, None, server["excluded_containers"])
            pending = engine.diff_objects(desired, current)
        count = files.write_csexport(xml, Filter, pending, desired, current, section)
        result = self._archive(temp, content, "csexport.zip")
        result["files"] = ["csexport.xml"]
        result["output"] = f"Successfully exported connector space to file '{xml}' ({count} objects)."
        return result

    def remove_temp_folder(self, server, world, Path: str) -> dict[str, Any]:
        target = pathlib.Path(Path)
        root = self.store.remote_dir(self.host).resolve()
        if root not in target.resolve().parents or not target.name.startswith("EntraConnect-"):
            raise HelperError(
                f"Refusing to remove '{Path}': not a temp folder created by an Export-EntraConnect helper."
            )
        removed = target.exists()
        shutil.rmtree(target, ignore_errors=True)
        return {"path": str(target), "removed": removed}
