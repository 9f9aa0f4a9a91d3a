"""Fault injection and the lab's clock: which call a fault hits, and what each effect does."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from lab_helpers import lab_server

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import clock, faults
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.faults import Fault
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import (
    HelperError,
    HostUnreachable,
)

STAGING = "Set-EntraConnectStagingMode"


@pytest.mark.parametrize(
    ("fault", "calls"),
    [
        (Fault(STAGING, 2, "error"), [False, True, False, False]),
        (Fault(STAGING, 2, "no_effect"), [False, True, False, False]),
        (Fault(STAGING, 2, "busy"), [False, True, False, False]),
        (Fault(STAGING, 2, "unreachable"), [False, True, True, True]),
    ],
)
def test_a_fault_matches_its_call_and_an_unreachable_host_stays_unreachable(fault, calls):
    assert [fault.matches(STAGING, call) for call in range(1, 5)] == calls
    assert not fault.matches("Set-EntraConnectScheduler", 2)


def test_the_first_matching_fault_wins():
    listed = (Fault(STAGING, 1, "error"), Fault(STAGING, 1, "busy"), Fault(STAGING, 3, "no_effect"))
    assert [faults.effect_for(listed, STAGING, call) for call in (1, 2, 3)] == ["error", None, "no_effect"]
    assert faults.effect_for((), STAGING, 1) is None


def test_injected_errors_name_the_cmdlet_behind_the_helper():
    write = faults.injected_error(contract.helper(STAGING))
    read = faults.injected_error(contract.helper("Get-EntraConnectRunHistory"))
    assert isinstance(write, HelperError)
    assert write.message == "Set-ADSyncGlobalSettings : Access is denied."
    assert read.message == (
        "Get-ADSyncRunProfileResult : The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)"
    )
    assert set(faults.CMDLETS) <= set(contract.BY_NAME)
    assert faults.unreachable("aadc02").message == "aadc02: the host is not answering (WinRM connection refused)"


def staging_flag(lab_dir, host="aadc01"):
    return LabStore(lab_dir).read()["servers"][host]["global_parameters"]["Microsoft.Synchronize.StagingMode"]


def test_no_effect_reports_success_and_changes_nothing(tmp_path):
    server = lab_server(tmp_path)
    server.backend.settings = _with_faults(server, [Fault(STAGING, 1, "no_effect")])
    assert server.call(STAGING, Enabled=True) == {"previous_value": "False", "value": "True"}
    assert staging_flag(tmp_path) == "False"
    server.call(STAGING, Enabled=True)
    assert staging_flag(tmp_path) == "True"


def test_busy_keeps_the_engine_busy_and_unreachable_lasts_until_reset(tmp_path):
    server = lab_server(tmp_path)
    server.backend.settings = _with_faults(
        server, [Fault("Get-EntraConnectSyncStatus", 1, "busy"), Fault("Get-EntraConnectRunHistory", 1, "unreachable")]
    )
    status = server.call("Get-EntraConnectSyncStatus")
    assert (status["scheduler"]["sync_cycle_in_progress"], status["busy_connectors"]) == (True, ["contoso.com"])
    with pytest.raises(HelperError, match="Sync is already running"):
        server.call("Start-EntraConnectSyncCycle", PolicyType="Delta")
    for _attempt in range(2):
        with pytest.raises(HostUnreachable, match="aadc01: the host is not answering"):
            server.call("Get-EntraConnectRunHistory", NumberRequested=1)
    with pytest.raises(HostUnreachable):
        server.call("Get-EntraConnectSyncStatus")  # every helper, not only the faulty one
    assert LabStore(tmp_path).read()["unreachable"] == {"aadc01": True}


def _with_faults(server, listed):
    return replace(server.backend.settings, faults=tuple(listed))


def test_the_clock_writes_times_as_the_product_does():
    stamp = clock.now()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamp)
    assert clock.export_date("2026-01-02T03:04:05.678Z") == "2026-01-02 03:04:05.678"
    assert clock.file_stamp("2026-01-02T03:04:05.678Z") == "20260102-030405"
