"""The config_compare action plugin, driven through the base class as Ansible runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ec_harness import run_controller_action

from ansible_collections.hybrid_identity.entra_connect.plugins.action.config_compare import ActionModule
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import (
    EntraConnectAction,
    resolve_backend_name,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError

# The Contoso export is stored once, as the lab's runtime template (MIT; SOURCE.md and LICENSE.txt there).
CONTOSO = (
    Path(__file__).resolve().parents[4] / "plugins" / "plugin_utils" / "lab" / "templates" / "server-configuration"
)


def test_identical_configurations_pass_and_change_nothing():
    result = run_controller_action(ActionModule, {"reference": str(CONTOSO), "candidate": str(CONTOSO)})
    assert result.get("failed") is not True
    assert result["changed"] is False
    assert result["gate"] == {"passed": True, "violations": []}
    assert set(result) >= {"differences", "findings", "summary", "gate"}


def test_relative_paths_resolve_from_the_playbook_directory(tmp_path):
    result = run_controller_action(
        ActionModule, {"reference": CONTOSO.name, "candidate": CONTOSO.name, "dest": "report"}, basedir=CONTOSO.parent
    )
    assert result["summary"]["reference"]["source"] == str(CONTOSO)
    assert result["report_files"][0] == str(CONTOSO.parent / "report" / "summary.json")
    for name in result["report_files"]:
        Path(name).unlink()
    (CONTOSO.parent / "report").rmdir()


def test_check_mode_still_writes_the_report_and_is_not_changed(tmp_path):
    dest = tmp_path / "report"
    result = run_controller_action(
        ActionModule, {"reference": str(CONTOSO), "candidate": str(CONTOSO), "dest": str(dest)}, check_mode=True
    )
    assert result["changed"] is False
    summary = json.loads((dest / "summary.json").read_text())
    assert summary["gate"]["passed"] is True
    assert (dest / "differences.csv").read_text(encoding="utf-8-sig").startswith("category,severity,object")


def test_failed_gate_fails_the_task_with_the_reason_and_keeps_the_results(tmp_path):
    candidate = tmp_path / "candidate"
    candidate.mkdir()
    # A settings JSON without the OU: the partition difference is an error.
    json_file = candidate / "Applied-SynchronizationPolicy-1.json"
    json_file.write_text(
        json.dumps(
            {
                "onpremisesDirectoryPolicy": [
                    {
                        "fullyQualifiedDomainName": "contoso.com",
                        "partitionFilters": [{"distinguishedName": "DC=contoso,DC=com", "containerInclusions": []}],
                    }
                ],
                "azureDirectoryPolicy": {"customSynchronizationRules": []},
            }
        )
    )
    result = run_controller_action(
        ActionModule, {"reference": str(CONTOSO), "candidate": str(json_file), "ignore": ["sync_rule.*"]}
    )
    assert result["failed"] is True
    assert result["msg"].startswith(
        "Configuration gate failed: 2 configuration difference(s) of category connector.partitions"
    )
    assert result["summary"]["categories"] == {"connector.partitions": 2}


def test_bad_input_is_a_clear_failure_not_a_traceback(tmp_path):
    result = run_controller_action(ActionModule, {"reference": str(tmp_path / "missing"), "candidate": str(CONTOSO)})
    assert result["failed"] is True
    assert result["msg"] == f"{tmp_path / 'missing'}: no such file or folder"


def test_unknown_and_missing_arguments_are_all_reported():
    result = run_controller_action(ActionModule, {"reference": str(CONTOSO), "bogus": 1})
    assert result["failed"] is True
    assert "bogus. Supported parameters include: candidate" in result["msg"]
    assert "missing required arguments: candidate" in result["msg"]


class _ServerAction(EntraConnectAction):
    USES_SERVER = True

    def _ec_run(self, params, task_vars, check_mode):
        return {"backend": self.ec_backend}


@pytest.mark.parametrize(("value", "expected"), [(None, "windows"), ("lab", "lab"), ("windows", "windows")])
def test_backend_is_resolved_from_the_host_variable(value, expected):
    task_vars = {"inventory_hostname": "aadc01"}
    if value is not None:
        task_vars["entra_connect_backend"] = value
    assert run_controller_action(_ServerAction, {}, task_vars=task_vars)["backend"] == expected


def test_unknown_backend_names_the_host_and_the_choices():
    result = run_controller_action(
        _ServerAction, {}, task_vars={"inventory_hostname": "aadc02", "entra_connect_backend": "docker"}
    )
    assert result["failed"] is True
    assert (
        result["msg"]
        == "Invalid value given for 'entra_connect_backend' on host 'aadc02': 'docker'; use one of: windows, lab"
    )


def test_resolve_backend_name_rejects_non_strings():
    with pytest.raises(EntraConnectError, match=r"on host 'h': \['lab'\]"):
        resolve_backend_name(["lab"], "h")
