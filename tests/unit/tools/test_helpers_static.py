"""The helper file obeys the contract and the cmdlet catalogue; each rule of the check can fail."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tools"))

import helpercheck  # noqa: E402

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract  # noqa: E402

HELPERS = helpercheck.HELPER_FILE.read_bytes().decode("utf-8")


def problems_after(old: str, new: str, count: int = 1, helpers=contract.HELPERS) -> list[helpercheck.Problem]:
    assert HELPERS.count(old) >= 1, f"test fixture text not found: {old!r}"
    return helpercheck.check(HELPERS.replace(old, new, count).encode("utf-8"), helpers=helpers)


def rules(problems) -> set[str]:
    return {p.rule for p in problems}


def test_helper_file_obeys_the_contract_and_catalogue():
    assert helpercheck.check(HELPERS.encode("utf-8")) == []


def test_every_contract_helper_has_a_snake_case_twin():
    assert contract.helper("get_server_state").name == "Get-EntraConnectServerState"
    assert contract.helper("Set-EntraConnectSchedulerConnectorOverride").snake_name == (
        "set_scheduler_connector_override"
    )


def test_check_fails_on_a_parse_error():
    problems = problems_after("$runs.Add((ConvertTo-EntraConnectRunResult -Run $run))\n        }", "$runs.Add(", 1)
    assert rules(problems) == {"parse"}


def test_check_fails_on_a_missing_and_an_unknown_function():
    problems = problems_after("function Get-EntraConnectRunHistory {", "function Get-EntraConnectRunHistories {")
    messages = [p.message for p in problems]
    assert "helper Get-EntraConnectRunHistory is in the contract but not defined" in messages
    assert "function Get-EntraConnectRunHistories is neither a contract helper nor private" in messages


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "[int]$NumberRequested",
            "[string]$NumberRequested",
            "Get-EntraConnectRunHistory $NumberRequested must be [int], not [string]",
        ),
        (
            "        [Parameter(Mandatory)]\n        [int]$NumberRequested",
            "        [int]$NumberRequested",
            "Get-EntraConnectRunHistory $NumberRequested must be Mandatory",
        ),
        (
            "[int]$NumberRequested\n",
            "[int]$NumberRequested,\n        [string]$Extra\n",
            "Get-EntraConnectRunHistory declares $extra, not in the contract",
        ),
        (
            "[ValidateSet('Enabled', 'Disabled')]",
            "[ValidateSet('Enabled', 'Disabled', 'Suspended')]",
            "Set-EntraConnectAutoUpgrade $State ValidateSet must be ['Enabled', 'Disabled']",
        ),
    ],
    ids=["type", "mandatory", "extra", "validateset"],
)
def test_check_fails_on_parameters_that_differ_from_the_contract(old, new, message):
    problems = problems_after(old, new)
    assert [p.message for p in problems] == [message]


def test_check_fails_on_a_parameter_missing_from_the_contract_helper():
    problems = problems_after(
        "[Parameter(Mandatory)]\n        [ValidateSet('Delta', 'Initial')]\n        [string]$PolicyType\n",
        "",
    )
    assert "Start-EntraConnectSyncCycle lacks parameter $PolicyType" in [p.message for p in problems]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "Get-ADSyncRunProfileResult -NumberRequested $NumberRequested",
            "Get-ADSyncRunProfileResult -NumberRequested $NumberRequested -Count $NumberRequested",
            "Get-ADSyncRunProfileResult has no parameter -count in the catalogue",
        ),
        (
            "$null = Set-ADSyncAutoUpgrade -AutoUpgradeState $State",
            "$null = Set-ADSyncAutoUpgradeState -State $State",
            "Set-ADSyncAutoUpgradeState is not in the cmdlet catalogue",
        ),
        (
            "Set-ADSyncScheduler -SyncCycleEnabled $SyncCycleEnabled",
            "Set-ADSyncScheduler -StagingModeEnabled:$true",
            "Set-ADSyncScheduler has no parameter -stagingmodeenabled in the catalogue",
        ),
    ],
    ids=["unknown-parameter", "unknown-cmdlet", "staging-on-scheduler"],
)
def test_check_fails_on_cmdlets_or_parameters_outside_the_catalogue(old, new, message):
    assert [p.message for p in problems_after(old, new)] == [message]


def test_check_fails_on_splatting():
    problems = problems_after(
        "Invoke-ADSyncRunProfile -ConnectorName $ConnectorName -RunProfileName $RunProfileName",
        "Invoke-ADSyncRunProfile @PSBoundParameters",
    )
    assert rules(problems) == {"splatting"}


def test_check_fails_on_an_undocumented_cmdlet_without_a_reason():
    anchor = "    foreach ($run in @(Get-ADSyncRunProfileResult -NumberRequested $NumberRequested))"
    problems = problems_after(anchor, "    $null = Get-ADSyncGlobalSettings\n" + anchor)
    assert [p.message for p in problems] == [
        "Get-EntraConnectRunHistory calls undocumented Get-ADSyncGlobalSettings without a reason in the contract"
    ]


def test_check_fails_on_a_contract_reason_the_helper_does_not_use():
    history = contract.helper("Get-EntraConnectRunHistory")
    stale = dataclasses.replace(history, undocumented={"Get-ADSyncRule": "no longer used"})
    helpers = [stale if h is history else h for h in contract.HELPERS]
    problems = helpercheck.check(HELPERS.encode("utf-8"), helpers=helpers)
    assert [p.message for p in problems] == [
        "Get-EntraConnectRunHistory gives a reason for Get-ADSyncRule but does not call it"
    ]


def test_check_fails_on_a_result_field_outside_the_contract():
    problems = problems_after("run_number = [int]$Run.RunNumber", "runNumber = [int]$Run.RunNumber")
    assert rules(problems) == {"results"}
    assert "builds an object with fields" in problems[0].message


def test_check_fails_when_a_helper_never_builds_its_result():
    problems = problems_after("        previous_value = $previous\n", "")
    messages = [p.message for p in problems]
    assert any(m.startswith("Set-EntraConnectStagingMode never builds its result") for m in messages)


def test_check_fails_when_a_read_helper_leaves_whatif_on():
    problems = problems_after(
        "    $WhatIfPreference = $false\n    $null = Import-EntraConnectADSync\n    $runs",
        "    $null = Import-EntraConnectADSync\n    $runs",
    )
    assert [p.message for p in problems] == [
        "read helper Get-EntraConnectRunHistory must set $WhatIfPreference = $false"
    ]


def test_check_fails_when_a_write_helper_skips_should_process():
    problems = problems_after("if ($PSCmdlet.ShouldProcess('automatic upgrade', $State)) {", "if ($true) {")
    assert [p.rule for p in problems] == ["whatif"]


def test_check_fails_when_a_helper_does_not_stop_on_errors():
    old = (
        "    $ErrorActionPreference = 'Stop'\n    $ConfirmPreference = 'None'\n    $null = Import-EntraConnectADSync\n"
        "    if ($PSCmdlet.ShouldProcess('automatic"
    )
    problems = problems_after(old, old.replace("    $ErrorActionPreference = 'Stop'\n", ""))
    assert [p.message for p in problems] == ["Set-EntraConnectAutoUpgrade must set $ErrorActionPreference = 'Stop'"]


def test_check_fails_on_formatting():
    problems = problems_after("    $null = Import-EntraConnectADSync\n    $runs", "    Write-Host 'hi'\n    $runs")
    assert rules(problems) == {"formatting"}


def test_catalogue_knows_undocumented_cmdlets_and_should_process():
    catalogue = helpercheck.load_catalogue()
    assert catalogue["set-adsyncglobalsettings"].undocumented is True
    assert catalogue["get-adsyncrunprofileresult"].should_process is True
    assert "stagingmodeenabled" not in catalogue["set-adsyncscheduler"].parameters


def test_a_write_helper_without_confirm_preference_none_fails():
    found = problems_after(
        "    $ConfirmPreference = 'None'\n    $null = Import-EntraConnectADSync\n    $removed = $false",
        "    $null = Import-EntraConnectADSync\n    $removed = $false",
    )
    assert [p.message for p in found if p.rule == "confirm"] == [
        "write helper Remove-EntraConnectSyncRule must set $ConfirmPreference = 'None'"
    ]


def test_a_rule_helper_calling_an_uncatalogued_parameter_fails():
    found = problems_after("Remove-ADSyncRule -Identifier", "Remove-ADSyncRule -Force -Identifier")
    assert "Remove-ADSyncRule has no parameter -force in the catalogue" in [p.message for p in found]


# Rules learnt from real servers (issue 16); each mutation of the real helper file must fail.
@pytest.mark.parametrize(
    ("old", "new", "rule", "message"),
    [
        (
            "    if ($NumberRequested -gt 0) {\n        foreach ($run in @(Get-ADSyncRunProfileResult -NumberRequested "
            "$NumberRequested)) {",
            "    if ($true) {\n        foreach ($run in @(Get-ADSyncRunProfileResult -NumberRequested "
            "$NumberRequested)) {",
            "runhistory",
            "Get-EntraConnectRunHistory feeds $NumberRequested to Get-ADSyncRunProfileResult -NumberRequested without "
            "an 'if ($NumberRequested -gt 0)' guard",
        ),
        (
            "Get-ADSyncRunProfileResult -NumberRequested $NumberRequested",
            "Get-ADSyncRunProfileResult -NumberRequested 0",
            "runhistory",
            "Get-EntraConnectRunHistory calls Get-ADSyncRunProfileResult -NumberRequested 0",
        ),
        (
            "Get-ADSyncRunProfileResult -NumberRequested $NumberRequested",
            "Get-ADSyncRunProfileResult",
            "runhistory",
            "Get-EntraConnectRunHistory calls Get-ADSyncRunProfileResult without -NumberRequested",
        ),
        (
            "@((Get-ADSyncGlobalSettings).Parameters | Where-Object -Property Name -EQ -Value "
            "'Microsoft.Synchronize.StagingMode') | Select-Object -First 1",
            "(Get-ADSyncGlobalSettings).Parameters['Microsoft.Synchronize.StagingMode']",
            "globalparameters",
            "Get-EntraConnectSyncStatus indexes .Parameters[...] (throws on a missing name)",
        ),
        (
            "    $ErrorActionPreference = 'Stop'\n    $ConfirmPreference = 'None'\n"
            "    $null = Import-EntraConnectADSync\n"
            "    if ($PSCmdlet.ShouldProcess('automatic upgrade', $State)) {",
            "    $ErrorActionPreference = 'Stop'\n    $null = Import-EntraConnectADSync\n"
            "    if ($PSCmdlet.ShouldProcess('automatic upgrade', $State)) {",
            "confirm",
            "write helper Set-EntraConnectAutoUpgrade must set $ConfirmPreference = 'None'",
        ),
        (
            "Get-CimInstance -ClassName Win32_Service -Filter \"Name='ADSync'\"",
            "Get-CimInstance -ClassName Win32_Service -Filter \"Name='ADSync'\" -ErrorAction SilentlyContinue",
            "silentread",
            "private function silences Get-CimInstance (-ErrorAction SilentlyContinue)",
        ),
        (
            '$lines = & $csexport $ConnectorName $xml "/f:$Filter" 2>&1',
            '$lines = & $csexport $ConnectorName $xml "/f:$Filter"',
            "native",
            "Export-EntraConnectConnectorSpace runs a native program without capturing 2>&1",
        ),
        (
            "        $ErrorActionPreference = 'Continue'\n        $lines = & $csexport",
            "        $lines = & $csexport",
            "native",
            "makes its stderr terminating before $LASTEXITCODE is read",
        ),
    ],
    ids=["unguarded-count", "literal-0", "omitted", "indexer", "confirm", "silenced-cim", "no-2>&1", "stop-on-stderr"],
)
def test_real_server_rules_fail_on_their_mutation(old, new, rule, message):
    problems = problems_after(old, new)
    assert rule in rules(problems), problems
    assert any(message in p.message for p in problems if p.rule == rule), [p.message for p in problems]
