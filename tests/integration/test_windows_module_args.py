"""What the Windows backend sends to ansible.windows modules is valid for the installed ansible.windows.

The lab never calls ansible.windows (its hosts run on the controller), so this test records the
module calls of the real WindowsBackend (a fake action stands for the connection) and checks every
argument against the options that `ansible-doc` of the venv under test reports for that module:
each leg checks the ansible.windows its `ansible` package bundles (2.5.0 with ansible-core 2.16,
3.8.0 with 2.21).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from lab_runs import BIN, ROOT

sys.path.insert(0, str(ROOT / ".collections"))

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _windows as windows

#: Python types an argument of each documented option type may have.
TYPES = {
    "str": (str,),
    "path": (str,),
    "bool": (bool,),
    "int": (int,),
    "list": (list,),
    "dict": (dict,),
    "raw": (object,),
}


class Shell:
    @staticmethod
    def join_path(*parts: str) -> str:
        return "\\".join(parts)


class Connection:
    _shell = Shell()


class RecordingAction:
    """Stands where the action plugin is: records each module call and answers like a success."""

    _connection = Connection()

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def _execute_module(self, module_name=None, module_args=None, task_vars=None):
        self.calls.append((module_name, module_args))
        return {"changed": False, "result": {}, "reboot_required": False}

    def _make_tmp_path(self):
        return "C:\\Windows\\Temp\\ansible-tmp"

    def _transfer_file(self, local, remote):
        return remote

    def _remove_tmp_path(self, path):
        return None


def recorded_calls() -> list[tuple[str, dict]]:
    """Every kind of module call the backend makes, with every optional argument set."""
    action = RecordingAction()
    backend = windows.WindowsBackend(action, {}, "aadc01")
    samples = {"str": "x", "int": 1, "bool": True}
    for helper in contract.HELPERS:
        backend.invoke(helper, {p.name: p.choices[0] if p.choices else samples[p.type] for p in helper.params})
    backend.put_file(str(ROOT / "README.md"), "C:\\Install\\README.md")
    backend.download("https://download.example/AzureADConnect.msi", "C:\\Install\\a.msi", "ab" * 32)
    backend.copy_remote("\\\\files\\share\\AzureADConnect.msi", "C:\\Install\\a.msi")
    backend.install_package("C:\\Install\\a.msi", "/quiet", "2.5.190.0")
    return action.calls


@pytest.fixture(scope="module")
def documented_options() -> dict[str, dict]:
    modules = sorted({windows.TRANSPORT_MODULE, windows.COPY_MODULE, windows.DOWNLOAD_MODULE, windows.PACKAGE_MODULE})
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))
    done = subprocess.run(
        [str(BIN / "ansible-doc"), "-j", "-t", "module", *modules],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    docs = json.loads(done.stdout)
    assert sorted(docs) == modules, f"ansible-doc did not find {sorted(set(modules) - set(docs))}"
    return {name: docs[name]["doc"]["options"] for name in modules}


def test_every_argument_sent_to_ansible_windows_is_a_documented_option_of_its_type(documented_options):
    calls = recorded_calls()
    assert {name for name, _args in calls} == set(documented_options)
    problems = []
    for module, args in calls:
        options = documented_options[module]
        names = {alias: name for name, spec in options.items() for alias in [name, *(spec.get("aliases") or [])]}
        for key, value in args.items():
            if key not in names:
                problems.append(f"{module}: no option {key!r}")
                continue
            spec = options[names[key]]
            kind = spec.get("type", "str")
            if not isinstance(value, TYPES.get(kind, (object,))):
                problems.append(f"{module}: {key}={value!r} is not of type {kind}")
            elif spec.get("choices") and kind != "list" and value not in spec["choices"]:
                problems.append(f"{module}: {key}={value!r} is not one of {spec['choices']}")
    assert problems == [], "\n".join(problems)
