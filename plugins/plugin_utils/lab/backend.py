# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab backend: the helper contract, served by emulated servers. For internal collection use only.

A thin dispatcher. Every call runs under the store's lock: it counts the call (fault injection
counts calls per host and helper since the last reset, across playbook runs), applies a matching
fault (``faults.py``), runs the helper (``helpers.py``) against the host's server model
(``models.py``) and journals what changed (``journal.py``). The steps ansible.windows modules do
on a real server (copy a file, download, run the MSI, fetch) are here too, on the lab server's
file system (``remote.py``).
"""

from __future__ import annotations

import copy
import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import (
    engine,
    faults,
    journal,
    remote,
    wizard,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import server as lab
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import LabStateError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.helpers import LabHelpers
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.models import LabServer
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import LabSettings
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import (
    HelperError,
    HostUnreachable,
)


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

    def server(self, state: dict[str, Any], world: engine.World) -> LabServer:
        """The host's server (created from its settings on first use); save it with :meth:`save`."""
        record = state["servers"].get(self.host)
        if record is not None:
            return LabServer.from_dict(record)
        server = lab.new_server(self.settings, world)
        self.save(state, server)
        created = journal.changes({}, journal.facts(server, world.state))
        self.store.append_journal([journal.entry(self.host, "lab:create", created)])
        return server

    def save(self, state: dict[str, Any], server: LabServer) -> None:
        state["servers"][self.host] = server.to_dict()

    def invoke(self, helper: contract.Helper, params: dict[str, Any]) -> Any:
        failure: Exception | None = None
        result = None
        kill_at, writes = faults.kill_point(), None
        with self.store.transaction() as state:
            world = self.world(state)
            if state["unreachable"].get(self.host):
                failure = faults.unreachable(self.host)
            else:
                calls = state["calls"].setdefault(self.host, {})
                calls[helper.name] = calls.get(helper.name, 0) + 1
                server = self.server(state, world)
                before = journal.facts(server, world.state)
                effect = faults.effect_for(self.settings.faults, helper.name, calls[helper.name])
                # Who changed the state: the helper for writes; for reads, the lab actor that acted
                # meanwhile (the scheduler finishing a cycle, the emulated operator). Reads themselves
                # are never journalled.
                helpers = LabHelpers(
                    self.host, self.settings, self.store, state, world, server, helper.name if helper.mutates else None
                )
                try:
                    result = self._run(helper, params, helpers, effect, state)
                except (HelperError, HostUnreachable) as err:
                    failure = err
                self.save(state, server)
                self._journal(helpers.actor or f"lab:{helper.name}", before, journal.facts(server, world.state))
                if helper.mutates:
                    # The order of write calls since the reset: the kill sweep names its kill points by it.
                    writes = state["writes"] = state.get("writes", 0) + 1
                    state.setdefault("write_log", []).append(f"{self.host} {helper.name}")
        if kill_at is not None and writes == kill_at:
            faults.kill_playbook()
        if failure is not None:
            raise failure
        return result

    def _run(
        self, helper: contract.Helper, params: dict[str, Any], helpers: LabHelpers, effect: str | None, state: dict
    ) -> Any:
        server = helpers.server
        if effect == faults.UNREACHABLE:
            state["unreachable"][self.host] = True
            raise faults.unreachable(self.host)
        if effect == faults.ERROR:
            raise faults.injected_error(helper)
        if effect == faults.BUSY and server.configured:
            server.busy_forever = True
        method = getattr(helpers, helper.snake_name)
        if effect == faults.NO_EFFECT and helper.mutates:
            return method(copy.deepcopy(server), **params)
        return method(server, **params)

    def _journal(self, helper: str, before: dict[str, Any], after: dict[str, Any]) -> None:
        diff = journal.changes(before, after)
        if diff:
            self.store.append_journal([journal.entry(self.host, helper, diff)])

    # -- what ansible.windows modules do on a real server (not helpers) ----------------------

    def local_path(self, windows_path: str) -> Path:
        """Where a Windows path of this lab server lives: ``C:\\a\\b`` -> ``remote/<host>/C/a/b``."""
        return remote.local_path(self.store.remote_dir(self.host), self.host, windows_path)

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
            world = self.world(state)
            server = self.server(state, world)
            before = journal.facts(server, world.state)
            changed = wizard.install(server, version)
            self.save(state, server)
            self._journal("lab:installer", before, journal.facts(server, world.state))
        return {"changed": changed, "reboot_required": False}

    def fetch(self, remote_path: str, local_path: str) -> None:
        source = Path(remote_path)
        if self.store.lab_dir.resolve() not in source.resolve().parents or not source.is_file():
            raise HelperError(f"{self.host}: cannot fetch {remote_path}: no such file on the lab server")
        shutil.copyfile(source, local_path)
