"""The Windows backend against what only a real server answers: recorded win_powershell replies."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ec_harness import WinPowerShellTransport, recorded, run_action

from ansible_collections.hybrid_identity.entra_connect.plugins.action.server_info import ActionModule as ServerInfo
from ansible_collections.hybrid_identity.entra_connect.plugins.action.sync_cycle import ActionModule as SyncCycle
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._windows import (
    build_script,
    error_message,
    helper_source,
)

ROOT = Path(__file__).resolve().parents[5]
sys.path.insert(0, str(ROOT / "tools"))

import pscheck  # noqa: E402

SERVER_STATE = "Get-EntraConnectServerState"


def replay(tmp_path, helper, *scenarios, args=None, action=ServerInfo, check_mode=False):
    transport = WinPowerShellTransport(tmp_path, "aadc01", {}, check_mode)
    transport.reply_with(helper, *(recorded(helper, s) for s in scenarios))
    result, _unused = run_action(
        action, args or {}, backend="windows", lab_dir=tmp_path, transport=transport, check_mode=check_mode
    )
    return result, transport


def test_a_recorded_real_reply_becomes_facts(tmp_path):
    result, _unused = replay(tmp_path, SERVER_STATE, "configured")
    assert result.get("failed") is not True, result.get("msg")
    assert (result["computer_name"], result["product_version"]) == ("AADC01", "2.6.92.0")


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (
            "staging-as-string",
            "Helper Get-EntraConnectServerState returned an unexpected result: field "
            "'scheduler.staging_mode_enabled' must be a boolean, got str 'True'.",
        ),
        (
            "truncated-depth",
            "Helper Get-EntraConnectServerState returned an unexpected result: field 'connectors[0].partitions' "
            "must be a list, got str 'System.Collections.Generic.List`1[System.Object]'.",
        ),
        (
            "skipped-in-check-mode",
            "Get-EntraConnectServerState returned no result on aadc01: skipped, running in check mode",
        ),
    ],
)
def test_an_unexpected_shape_fails_with_the_helper_and_the_field(tmp_path, scenario, message):
    result, _unused = replay(tmp_path, SERVER_STATE, scenario)
    assert result["failed"] is True
    assert result["msg"].startswith(message)
    assert "Traceback" not in result["msg"]


def test_a_server_error_is_reported_with_the_helper_and_the_server_message(tmp_path):
    result, _unused = replay(tmp_path, SERVER_STATE, "module-not-loaded")
    assert result["failed"] is True
    assert result["msg"].startswith(
        "Get-EntraConnectServerState failed on aadc01: The term 'Get-ADSyncConnector' is not recognized"
    )


def test_server_warnings_reach_the_task_result(tmp_path):
    result, _unused = replay(tmp_path, SERVER_STATE, "statistics-warning")
    assert result.get("failed") is not True
    assert result["warnings"] == [
        "Get-ADSyncConnectorStatistics failed for connector 'contoso.com': The operation has timed out."
    ]
    assert result["connectors"][0]["statistics"] is None


def test_a_connection_failure_while_polling_marks_the_host_unreachable(tmp_path):
    transport = WinPowerShellTransport(tmp_path, "aadc01", {}, False)
    transport.reply_with(
        "Get-EntraConnectSyncStatus", {"_connection_failure": "ntlm: HTTPSConnectionPool: Read timed out."}
    )
    result, _unused = run_action(SyncCycle, {}, backend="windows", lab_dir=tmp_path, transport=transport)
    assert result["unreachable"] is True
    assert result["msg"] == (
        "Host aadc01 stopped answering during Get-EntraConnectSyncStatus (done before: nothing): "
        "ntlm: HTTPSConnectionPool: Read timed out."
    )


@pytest.mark.parametrize("helper", contract.HELPERS, ids=lambda h: h.name)
def test_every_dispatch_script_parses_and_calls_one_helper_with_named_parameters(helper):
    values = {"str": "x", "int": 1, "bool": True}
    params = {p.name: (p.choices[0] if p.choices else values[p.type]) for p in helper.params}
    script = build_script(helper, params)
    assert pscheck.parse_problems(Path("dispatch.ps1"), script.encode()) == []
    assert script.startswith("[CmdletBinding(SupportsShouldProcess)]\nparam(\n")
    assert helper_source() in script
    last = script.rstrip("\n").splitlines()[-1]
    assert last == " ".join(["$Ansible.Result =", helper.name, *(f"-{n} ${n}" for n in params)])
    assert "@" not in last


def test_dispatch_declares_only_the_parameters_given():
    helper = contract.helper("Set-EntraConnectScheduler")
    script = build_script(helper, {"SyncCycleEnabled": False}, source="")
    assert script == (
        "[CmdletBinding(SupportsShouldProcess)]\nparam(\n    [Parameter(Mandatory)][bool]$SyncCycleEnabled\n)\n\n"
        "$Ansible.Changed = $false\n$Ansible.Result = Set-EntraConnectScheduler -SyncCycleEnabled $SyncCycleEnabled\n"
    )


def test_error_message_prefers_the_exception_then_the_output_then_msg():
    assert error_message({"error": [{"exception": {"message": "boom"}, "output": "x"}]}) == "boom"
    assert error_message({"error": [{"exception": None, "output": " formatted \n"}]}) == "formatted"
    assert error_message({"msg": "module failed"}) == "module failed"
    assert error_message({}) == "win_powershell failed without an error record"
