"""The helper contract validates what crosses the wire, in both directions."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._contract import ContractError

HISTORY = contract.helper("Get-EntraConnectRunHistory")
RUN = {
    "run_history_id": "4d4d0f3c-3c6e-4f3e-9a55-5f2f0a1c2b11",
    "connector_name": "contoso.com",
    "run_profile_name": "Delta Import",
    "run_number": 1,
    "result": "success",
    "is_run_complete": True,
    "started_at": "2026-11-24T05:00:00.000Z",
    "ended_at": None,
}


def test_contract_names_are_approved_verb_noun_and_unique():
    approved = {"Get", "Set", "Start", "Stop", "Export", "Test", "Enable", "Disable", "Remove", "Invoke"}
    names = [h.name for h in contract.HELPERS]
    assert len(names) == len(set(names))
    for name in names:
        verb, noun = name.split("-", 1)
        assert verb in approved and noun.startswith("EntraConnect"), name


def test_depth_covers_the_deepest_result():
    # result > connectors (list) > connector > partitions (list) > partition: lists count as levels
    assert contract.helper("Get-EntraConnectServerState").depth == 5
    assert contract.helper("Set-EntraConnectAutoUpgrade").depth == 1


def test_a_valid_result_passes():
    assert contract.validate_result(HISTORY, {"runs": [RUN]}) == {"runs": [RUN]}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({}, "field 'runs' is missing"),
        ({"runs": [RUN], "extra": 1}, "field 'extra' is not in the contract"),
        ({"runs": "x"}, "field 'runs' must be a list, got str 'x'"),
        ({"runs": [{**RUN, "run_number": True}]}, "field 'runs[0].run_number' must be an integer, got bool True"),
        (
            {"runs": [{**RUN, "started_at": "24/11/2026 05:00"}]},
            "field 'runs[0].started_at' must be an ISO 8601 UTC time",
        ),
        ({"runs": [{**RUN, "result": None}]}, "field 'runs[0].result' must not be null"),
        ([], "the result must be an object, got list []"),
    ],
)
def test_an_unexpected_result_names_the_helper_and_the_field(value, problem):
    with pytest.raises(ContractError) as caught:
        contract.validate_result(HISTORY, value)
    assert caught.value.message.startswith(
        f"Helper Get-EntraConnectRunHistory returned an unexpected result: {problem}"
    )


def test_enum_and_map_fields_are_checked():
    state = contract.helper("Get-EntraConnectServerState")
    field = next(f for f in state.result if f.name == "auto_upgrade_state")
    assert contract._scalar_problem(field, "Paused") == "must be one of Enabled, Suspended, Disabled, got 'Paused'"
    params = next(f for f in state.result if f.name == "global_parameters")
    with pytest.raises(ContractError, match=r"field 'x\['a'\]' must be a string, got int 1"):
        contract._check_field("H", "x", params, {"a": 1})


def test_parameters_are_checked_before_a_call():
    scheduler = contract.helper("Set-EntraConnectScheduler")
    assert contract.validate_params(scheduler, {"SyncCycleEnabled": False, "MaintenanceEnabled": None}) == {
        "SyncCycleEnabled": False
    }
    with pytest.raises(ContractError) as caught:
        contract.validate_params(
            contract.helper("Start-EntraConnectSyncCycle"), {"PolicyType": "Weekly", "Force": True}
        )
    assert caught.value.message == (
        "Call of helper Start-EntraConnectSyncCycle: unknown parameter Force; parameter PolicyType must be one of "
        "Delta, Initial, got 'Weekly'"
    )
    with pytest.raises(ContractError, match="missing parameter ConnectorName; parameter RunProfileName must be str"):
        contract.validate_params(contract.helper("Invoke-EntraConnectRunProfile"), {"RunProfileName": 1})
    with pytest.raises(ContractError, match="No helper named 'Get-Nothing'"):
        contract.helper("Get-Nothing")
