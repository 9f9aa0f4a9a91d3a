"""Drive the collection's action plugins as Ansible does, against a lab, over either backend.

``backend="lab"``: the action builds the real LabBackend (entra_connect_backend: lab).
``backend="windows"``: the action builds the real WindowsBackend; only the transport is replaced:
``_execute_module`` receives exactly what would go to ansible.windows.win_powershell, and answers
as win_powershell answers, with the lab serving the helper named in the script. Recorded replies
(tests/data/helpers/<helper>/<scenario>.json) replace the lab for errors, warnings and shapes
that only a real server produces.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from unittest.mock import MagicMock

from ansible.errors import AnsibleConnectionFailure
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.hybrid_identity.entra_connect.plugins.action.server_info import ActionModule as ServerInfo
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import LabBackend
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import read_settings
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _facade as server_module
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import (
    HelperError,
    HostUnreachable,
)

DATA = Path(__file__).resolve().parents[3] / "data"
#: The lab's server as the tests declare it: active, staging, or Entra Connect not installed yet.
ACTIVE = {"entra_connect_lab_server": {"version": "2.6.92.0", "staging": False}}
STAGING = {"entra_connect_lab_server": {"version": "2.6.92.0", "staging": True}}
NEW = {"entra_connect_lab_server": {"installed": False}}
#: The lab's Entra ID connector.
ENTRA = "contoso.onmicrosoft.com - AAD"
CALL_LINE = re.compile(r"^\$Ansible\.Result = (?P<helper>[A-Za-z]+-EntraConnect[A-Za-z]+)(?P<args>.*)$", re.MULTILINE)


def recorded(helper: str, scenario: str) -> dict:
    return json.loads((DATA / "helpers" / helper / f"{scenario}.json").read_text(encoding="utf-8"))


class VirtualTime:
    """Sleeping advances a clock instead of waiting, so timeouts are tested in no time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


class WinPowerShellTransport:
    """Stands where ansible.windows.win_powershell runs; the lab answers the helper it is sent."""

    def __init__(self, lab_dir: Path, host: str, host_vars: dict, check_mode: bool) -> None:
        self.lab = LabBackend(lab_dir, read_settings(host, host_vars))
        self.check_mode = check_mode
        self.sent: list[tuple[str, dict]] = []
        self.replies: dict[str, list[dict]] = {}
        #: The version the lab installs when win_package runs (a real MSI carries its own).
        self.package_version = "2.6.92.0"

    def reply_with(self, helper: str, *replies: dict) -> None:
        """Answer the next calls of ``helper`` with these win_powershell results, in order."""
        self.replies.setdefault(helper, []).extend(replies)

    def execute_module(self, module_name=None, module_args=None, task_vars=None, **kwargs):
        if module_name != "ansible.windows.win_powershell":
            assert not self.check_mode, f"{module_name} sent in check mode"
            return self.module(module_name, module_args)
        script = module_args["script"]
        assert script.startswith("[CmdletBinding(SupportsShouldProcess)]\nparam(")
        match = CALL_LINE.search(script)
        helper = contract.helper(match.group("helper"))
        params = module_args["parameters"]
        assert match.group("args").split() == [t for name in params for t in (f"-{name}", f"${name}")]
        assert module_args["depth"] == helper.depth + 2
        assert module_args["error_action"] == "stop"
        assert not (helper.mutates and self.check_mode), f"write helper {helper.name} sent in check mode"
        self.sent.append((helper.name, dict(params)))
        if self.replies.get(helper.name):
            reply = self.replies[helper.name].pop(0)
            if reply.get("_connection_failure"):
                raise AnsibleConnectionFailure(reply["_connection_failure"])
            return reply
        try:
            result = self.lab.invoke(helper, dict(params))
        except HostUnreachable as err:
            raise AnsibleConnectionFailure(f"winrm connection error: {err.message}") from None
        except HelperError as err:
            return failed_reply(err.message)
        return {
            "changed": False,
            "result": result,
            "output": [],
            "error": [],
            "warning": [],
            "host_out": "",
            "host_err": "",
        }

    def fetch_file(self, remote, local):
        self.lab.fetch(remote, local)

    def module(self, helper_name: str, module_args: dict) -> dict:
        """win_copy, win_get_url and win_package, answered by the lab's emulation of them."""
        self.sent.append((helper_name, dict(module_args)))
        try:
            if helper_name == "ansible.windows.win_copy":
                assert module_args["remote_src"] is True
                if module_args["src"].startswith("\\\\"):
                    changed = self.lab.copy_remote(module_args["src"], module_args["dest"])
                else:
                    changed = self.lab.put_file(module_args["src"], module_args["dest"])
                return {"changed": changed}
            if helper_name == "ansible.windows.win_get_url":
                changed = self.lab.download(module_args["url"], module_args["dest"], module_args.get("checksum"))
                return {"changed": changed}
            if helper_name == "ansible.windows.win_package":
                assert module_args["expected_return_code"] == [0, 3010, 1641]
                return self.lab.install_package(
                    module_args["path"], module_args.get("arguments", ""), self.package_version
                )
        except HelperError as err:
            return {"failed": True, "msg": err.message}
        raise AssertionError(f"unexpected module {helper_name}")


def failed_reply(message: str) -> dict:
    """A win_powershell result for a script that threw (error_action: stop)."""
    return {
        "changed": False,
        "failed": True,
        "result": {},
        "output": [],
        "warning": [],
        "host_out": "",
        "host_err": "",
        "error": [
            {
                "output": f"{message}\n    + CategoryInfo          : NotSpecified: (:) [], RuntimeException",
                "error_details": None,
                "exception": {"message": message, "type": "System.Management.Automation.RuntimeException"},
                "fully_qualified_error_id": message,
            }
        ],
    }


def run_action(
    action_class,
    args: dict,
    *,
    backend: str = "lab",
    lab_dir: Path,
    host: str = "aadc01",
    host_vars: dict | None = None,
    check_mode: bool = False,
    diff: bool = False,
    transport: WinPowerShellTransport | None = None,
    basedir: Path | None = None,
):
    """Run ``action_class`` once for ``host``; returns (result, transport or None)."""
    host_vars = dict(host_vars or {})
    task = MagicMock()
    task.args = args
    task.check_mode = check_mode
    task.diff = diff
    task.async_val = 0
    task.action = f"hybrid_identity.entra_connect.{action_class.__module__.rsplit('.', 1)[-1]}"
    loader = DataLoader()
    if basedir:
        loader.set_basedir(str(basedir))
    connection = MagicMock()
    action = action_class(
        task=task,
        connection=connection,
        play_context=MagicMock(),
        loader=loader,
        templar=Templar(loader=loader),
        shared_loader_obj=None,
    )
    task_vars = {"inventory_hostname": host, "entra_connect_backend": backend, **host_vars}
    task_vars["entra_connect_lab_dir"] = str(lab_dir)
    if backend == "windows":
        transport = transport or WinPowerShellTransport(lab_dir, host, host_vars, check_mode)
        action._execute_module = transport.execute_module
        connection.fetch_file.side_effect = transport.fetch_file
        staging = Path(lab_dir).parent / "winrm-tmp"
        action._make_tmp_path = lambda *a, **k: str(staging)
        connection._shell.join_path.side_effect = lambda *parts: str(Path(*parts))

        def transfer(local, remote):
            Path(remote).parent.mkdir(parents=True, exist_ok=True)
            Path(remote).write_bytes(Path(local).read_bytes())
            return remote

        action._transfer_file = transfer
        action._remove_tmp_path = lambda path, **k: None
    return action.run(task_vars=task_vars), transport


def use_virtual_time(monkeypatch) -> VirtualTime:
    virtual = VirtualTime()
    monkeypatch.setattr(server_module, "sleep", virtual.sleep)
    monkeypatch.setattr(server_module, "clock", virtual.clock)
    return virtual


def run_controller_action(action_class, args, *, check_mode=False, task_vars=None, basedir=None):
    """Run an action plugin that works on the controller only (no backend, no lab); returns its result."""
    task = MagicMock()
    task.args = args
    task.check_mode = check_mode
    task.async_val = 0
    task.diff = False
    task.action = "hybrid_identity.entra_connect.config_compare"
    loader = DataLoader()
    if basedir:
        loader.set_basedir(str(basedir))
    action = action_class(
        task=task,
        connection=MagicMock(),
        play_context=MagicMock(),
        loader=loader,
        templar=Templar(loader=loader),
        shared_loader_obj=None,
    )
    return action.run(task_vars=task_vars or {"inventory_hostname": "aadc01"})


def journal(lab):
    return LabStore(lab).journal()


def staging_lines(lab, host="aadc01"):
    return [
        line["changes"]["staging_mode_enabled"]
        for line in journal(lab)
        if line["host"] == host and "staging_mode_enabled" in line["changes"] and line["helper"] != "lab:create"
    ]


def with_faults(host_vars, *faults):
    return {
        **host_vars,
        "entra_connect_lab_faults": [dict(zip(("helper", "on_call", "effect"), f, strict=True)) for f in faults],
    }


def remote_leftovers(lab: Path) -> list[Path]:
    """Files an export left on the (lab's) server."""
    remote = lab / "remote"
    return sorted(remote.rglob("EntraConnect-*")) if remote.exists() else []


def server_info(backend, lab, host_vars=None) -> dict:
    """What server_info answers now (for a server without Entra Connect unless ``host_vars`` say otherwise)."""
    return run_action(ServerInfo, {}, backend=backend, lab_dir=lab, host_vars=host_vars or NEW)[0]


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
