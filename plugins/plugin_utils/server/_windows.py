# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Windows backend: helpers through ansible.windows.win_powershell. For internal collection use only.

Every call sends the helper file as the ``script`` of win_powershell, after a generated param
block and before one line that calls one helper with named parameters (never splatted). The
script declares ``[CmdletBinding(SupportsShouldProcess)]`` so win_powershell runs it in check mode
(read helpers switch WhatIf off themselves; write helpers are never sent in check mode). The
``depth`` comes from the contract, so nested results are never truncated. This reuses a
maintained module for encoding, errors, become and check mode over winrm, psrp and ssh.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ansible.errors import AnsibleConnectionFailure

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import (
    HelperError,
    HostUnreachable,
)

HELPER_FILE = Path(__file__).resolve().parents[2] / "module_utils" / "_EntraConnect.psm1"
TRANSPORT_MODULE = "ansible.windows.win_powershell"
COPY_MODULE = "ansible.windows.win_copy"
DOWNLOAD_MODULE = "ansible.windows.win_get_url"
PACKAGE_MODULE = "ansible.windows.win_package"


def helper_source() -> str:
    return HELPER_FILE.read_text(encoding="utf-8-sig")


def build_script(helper: contract.Helper, params: dict[str, Any], source: str | None = None) -> str:
    """The win_powershell script that calls ``helper`` with exactly ``params`` (given names only)."""
    declared = [helper.param(name) for name in params]
    lines = ["[CmdletBinding(SupportsShouldProcess)]", "param("]
    lines.append(",\n".join(f"    [Parameter(Mandatory)][{contract.PARAM_TYPES[p.type]}]${p.name}" for p in declared))
    lines.append(")")
    lines.append(source if source is not None else helper_source())
    call = " ".join([helper.name, *(f"-{p.name} ${p.name}" for p in declared)])
    lines.append("$Ansible.Changed = $false")
    lines.append(f"$Ansible.Result = {call}")
    return "\n".join(lines) + "\n"


def error_message(raw: dict[str, Any]) -> str:
    """The clearest message in a failed win_powershell result."""
    for record in raw.get("error") or []:
        exception = record.get("exception") or {}
        message = exception.get("message") or (record.get("error_details") or {}).get("message")
        if not message:
            message = (record.get("output") or "").strip()
        if message:
            return message
    return str(raw.get("msg") or "win_powershell failed without an error record")


class WindowsBackend:
    """Runs helpers on a Windows host through the action plugin's connection."""

    def __init__(self, action: Any, task_vars: dict[str, Any], host: str) -> None:
        self._action = action
        self._task_vars = task_vars
        self.host = host
        self.warnings: list[str] = []

    def invoke(self, helper: contract.Helper, params: dict[str, Any]) -> Any:
        module_args = {
            "script": build_script(helper, params),
            "parameters": params,
            "depth": helper.depth + 2,
            "error_action": "stop",
        }
        try:
            raw = self._action._execute_module(
                module_name=TRANSPORT_MODULE, module_args=module_args, task_vars=self._task_vars
            )
        except AnsibleConnectionFailure as err:
            raise HostUnreachable(str(err)) from None
        if raw.get("unreachable"):
            raise HostUnreachable(str(raw.get("msg") or "unreachable"))
        self.warnings.extend(str(w) for w in raw.get("warning") or [])
        self.warnings.extend(str(w) for w in raw.get("warnings") or [])
        if raw.get("failed"):
            raise HelperError(f"{helper.name} failed on {self.host}: {error_message(raw)}", helper=helper.name)
        if "result" not in raw:
            raise HelperError(
                f"{helper.name} returned no result on {self.host}: {raw.get('msg') or 'empty win_powershell result'}",
                helper=helper.name,
            )
        return raw["result"]

    # -- file and package steps: maintained ansible.windows modules, never hand-written ----------

    def _module(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        try:
            raw = self._action._execute_module(module_name=name, module_args=args, task_vars=self._task_vars)
        except AnsibleConnectionFailure as err:
            raise HostUnreachable(str(err)) from None
        if raw.get("unreachable"):
            raise HostUnreachable(str(raw.get("msg") or "unreachable"))
        self.warnings.extend(str(w) for w in raw.get("warnings") or [])
        if raw.get("failed"):
            raise HelperError(f"{name} failed on {self.host}: {raw.get('msg') or error_message(raw)}")
        return raw

    def put_file(self, local_path: str, remote_path: str) -> bool:
        """Copy a controller file to the server: transfer it, then win_copy (idempotent by checksum)."""
        tmp = self._action._make_tmp_path()
        try:
            staged = self._action._connection._shell.join_path(tmp, "upload")
            self._action._transfer_file(local_path, staged)
            return bool(self._module(COPY_MODULE, {"src": staged, "dest": remote_path, "remote_src": True})["changed"])
        finally:
            self._action._remove_tmp_path(tmp)

    def download(self, url: str, remote_path: str, checksum: str | None) -> bool:
        args: dict[str, Any] = {"url": url, "dest": remote_path}
        if checksum:
            args.update(checksum=checksum, checksum_algorithm="sha256")
        return bool(self._module(DOWNLOAD_MODULE, args)["changed"])

    def copy_remote(self, src: str, remote_path: str) -> bool:
        """Copy from a UNC path on the server side (needs credential delegation: Kerberos or CredSSP)."""
        return bool(self._module(COPY_MODULE, {"src": src, "dest": remote_path, "remote_src": True})["changed"])

    def install_package(self, remote_path: str, arguments: str, version: str) -> dict[str, Any]:
        """Install an MSI silently; win_package adds /qn /norestart /log and checks the product code."""
        args: dict[str, Any] = {"path": remote_path, "state": "present", "expected_return_code": [0, 3010, 1641]}
        if arguments:
            args["arguments"] = arguments
        raw = self._module(PACKAGE_MODULE, args)
        return {"changed": bool(raw.get("changed")), "reboot_required": bool(raw.get("reboot_required"))}

    def fetch(self, remote_path: str, local_path: str) -> None:
        try:
            self._action._connection.fetch_file(remote_path, local_path)
        except AnsibleConnectionFailure as err:
            raise HostUnreachable(f"fetching {remote_path}: {err}") from None
