# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server facade: one Python API over the helper contract. For internal collection use only.

Pure Python (no Ansible import). A backend carries the calls: ``WindowsBackend`` (win_powershell
over the Ansible connection, in ``windows.py``) or ``LabBackend`` (the emulator, ``lab/``). The
facade checks the parameters before a call and the result after it, so action plugins receive
contract-shaped data or a clear :class:`EntraConnectError`, and it refuses a write helper in check
mode: the action plugin decides, this is the last guard.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._archives import sha256_file


class HelperError(EntraConnectError):
    """A helper ran and failed on the server (the message is the server's)."""


class HostUnreachable(EntraConnectError):
    """The host stopped answering; the task is reported unreachable with what was done so far."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message, unreachable=True, **details)


class Backend(Protocol):
    def invoke(self, helper: contract.Helper, params: dict[str, Any]) -> Any:
        """Run one helper and return its raw result (a dict), or raise HelperError/HostUnreachable."""

    def fetch(self, remote_path: str, local_path: str) -> None:
        """Copy a file the server produced to the controller."""

    def put_file(self, local_path: str, remote_path: str) -> bool:
        """Copy a controller file to the server; True when it changed."""

    def download(self, url: str, remote_path: str, checksum: str | None) -> bool:
        """Download a URL on the server, verified by SHA-256 when given; True when it changed."""

    def copy_remote(self, src: str, remote_path: str) -> bool:
        """Copy a file reachable from the server (a UNC path); True when it changed."""

    def install_package(self, remote_path: str, arguments: str, version: str) -> dict[str, Any]:
        """Install an MSI silently; returns ``changed`` and ``reboot_required``."""


class Server:
    """One Entra Connect server, as the action plugins see it."""

    def __init__(self, backend: Backend, host: str, check_mode: bool = False) -> None:
        self.backend = backend
        self.host = host
        self.check_mode = check_mode
        #: every helper called, in order (for error messages that say what was done).
        self.calls: list[str] = []

    def call(self, name: str, **params: Any) -> dict[str, Any]:
        helper = contract.helper(name)
        if helper.mutates and self.check_mode:
            raise EntraConnectError(f"Internal error: write helper {helper.name} called in check mode on {self.host}")
        params = contract.validate_params(helper, params)
        try:
            raw = self.backend.invoke(helper, params)
        except HostUnreachable as err:
            done = ", ".join(self.calls) or "nothing"
            raise HostUnreachable(
                f"Host {self.host} stopped answering during {helper.name} (done before: {done}): {err.message}",
                **{k: v for k, v in err.details.items() if k != "unreachable"},
            ) from None
        self.calls.append(helper.name)
        return contract.validate_result(helper, raw)

    def _guard(self, what: str) -> None:
        if self.check_mode:
            raise EntraConnectError(f"Internal error: {what} called in check mode on {self.host}")

    def put_file(self, local_path: str, remote_path: str) -> bool:
        self._guard("put_file")
        return self._step("put_file", self.backend.put_file, local_path, remote_path)

    def download(self, url: str, remote_path: str, checksum: str | None) -> bool:
        self._guard("download")
        return self._step("download", self.backend.download, url, remote_path, checksum)

    def copy_remote(self, src: str, remote_path: str) -> bool:
        self._guard("copy_remote")
        return self._step("copy_remote", self.backend.copy_remote, src, remote_path)

    def install_package(self, remote_path: str, arguments: str, version: str) -> dict[str, Any]:
        self._guard("install_package")
        return self._step("install_package", self.backend.install_package, remote_path, arguments, version)

    def _step(self, name: str, method: Callable[..., Any], *args: Any) -> Any:
        try:
            result = method(*args)
        except HostUnreachable as err:
            done = ", ".join(self.calls) or "nothing"
            raise HostUnreachable(
                f"Host {self.host} stopped answering during {name} (done before: {done}): {err.message}"
            ) from None
        self.calls.append(name)
        return result

    def fetch_archive(self, exported: dict[str, Any], local_path: Path) -> Path:
        """Fetch the archive an Export- helper made, verify its SHA-256, always remove the remote folder.

        The file is written next to ``local_path`` under a temporary name and renamed into place
        only after the hash matches, so a failed transfer never leaves a partial archive.
        """
        partial = local_path.with_name(local_path.name + ".partial")
        try:
            local_path.parent.mkdir(parents=True, exist_ok=True)
            self.backend.fetch(exported["archive_path"], str(partial))
            digest = sha256_file(partial)
            if digest != exported["archive_sha256"]:
                raise EntraConnectError(
                    f"The archive fetched from {self.host} ({exported['archive_path']}) is corrupt: SHA-256 "
                    f"{digest} differs from {exported['archive_sha256']} computed on the server; run the task again"
                )
            os.replace(partial, local_path)
            return local_path
        finally:
            partial.unlink(missing_ok=True)
            self.call("Remove-EntraConnectTempFolder", Path=exported["temp_path"])

    def wait(
        self,
        done: Callable[[dict[str, Any]], bool],
        timeout: float,
        poll_interval: float,
        what: str,
    ) -> dict[str, Any]:
        """Poll Get-EntraConnectSyncStatus until ``done(status)``; raise a clear error on timeout."""
        deadline = clock() + timeout
        polls = 0
        while True:
            status = self.call("Get-EntraConnectSyncStatus")
            polls += 1
            if done(status):
                return status
            if clock() >= deadline:
                busy = ", ".join(status["busy_connectors"]) or "none"
                in_progress = (status["scheduler"] or {}).get("sync_cycle_in_progress")
                raise EntraConnectError(
                    f"Timed out after {timeout:g}s ({polls} polls) waiting for {what} on {self.host}: sync cycle "
                    f"in progress={in_progress}, busy connectors: {busy}. Raise the timeout or check the server.",
                    sync_status=status,
                )
            sleep(poll_interval)


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def clock() -> float:
    return time.monotonic()


def is_idle(status: dict[str, Any]) -> bool:
    scheduler = status["scheduler"] or {}
    return not scheduler.get("sync_cycle_in_progress") and not status["busy_connectors"]
