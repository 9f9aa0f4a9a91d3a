"""The lab's models: results in the contract's shape, records that round-trip through state.json."""

from __future__ import annotations

import json

import pytest
from lab_helpers import ENTRA, lab_server

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.models import (
    BASE_KEYS,
    Connector,
    LabServer,
    Run,
    Scheduler,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract


def validate(shape: contract.Field, value):
    """Validate one nested shape of the contract (wrapped as the only field of a helper result)."""
    probe = contract.Helper(name="Test-Shape", description="", mutates=False, result=(shape,))
    return contract.validate_result(probe, {shape.name: value})


def stored(lab_dir, host="aadc01") -> LabServer:
    return LabServer.from_dict(LabStore(lab_dir).read()["servers"][host])


def test_run_to_result_is_the_contract_run_and_keeps_its_counters_in_the_state_file():
    run = Run("id-1", ENTRA, "Export", 7, "success", True, "2026-01-02T03:04:05.678Z", "2026-01-02T03:04:06.000Z")
    run.counters["add"] = 2
    validate(contract.RUN, run.to_result())
    assert "counters" not in run.to_result()
    assert Run.from_dict(json.loads(json.dumps(run.to_dict()))) == run


@pytest.mark.parametrize(("staging", "busy"), [(False, False), (True, True)])
def test_scheduler_to_result_is_the_contract_scheduler(staging, busy):
    result = Scheduler(customized_sync_cycle_interval_seconds=3600).to_result(staging, busy)
    validate(contract.SCHEDULER, result)
    assert (result["staging_mode_enabled"], result["sync_cycle_in_progress"]) == (staging, busy)
    assert result["currently_effective_sync_cycle_interval_seconds"] == 3600
    assert Scheduler().to_result(False, False)["currently_effective_sync_cycle_interval_seconds"] == 1800


def test_connectors_to_result_are_the_contract_connectors():
    for connector in (Connector.active_directory("contoso.com", "guid"), Connector.entra("contoso.onmicrosoft.com")):
        validate(contract.CONNECTOR, connector.to_result())
    assert Connector.entra("contoso.onmicrosoft.com").to_result()["name"] == ENTRA


def test_a_configured_server_validates_as_server_state_and_round_trips(tmp_path):
    lab_server(tmp_path, staging=True).call("Get-EntraConnectSyncStatus")
    server = stored(tmp_path)
    helper = contract.helper("Get-EntraConnectServerState")
    result = contract.validate_result(helper, server.to_result("2026-01-02T03:04:05.678Z", 3))
    assert (result["configured"], result["scheduler"]["staging_mode_enabled"], len(result["runs"])) == (True, True, 3)
    assert [c["name"] for c in result["connectors"]] == ["contoso.com", ENTRA]
    record = LabStore(tmp_path).read()["servers"]["aadc01"]
    assert server.to_dict() == record
    assert (server.active, server.staging_enabled, server.busy) == (False, True, False)


def test_an_unconfigured_server_keeps_only_the_base_keys(tmp_path):
    lab_server(tmp_path, installed=True, configured=False, version="2.6.92.0").call(
        "Get-EntraConnectServerState", RunHistoryCount=1
    )
    server = stored(tmp_path)
    assert sorted(server.to_dict()) == sorted(BASE_KEYS)
    result = contract.validate_result(
        contract.helper("Get-EntraConnectServerState"), server.to_result("2026-01-02T03:04:05Z", 1)
    )
    assert (result["configured"], result["scheduler"], result["connectors"]) == (False, None, [])
    assert not server.active
