"""docs/lab.md: every real-server behaviour of issue 16 is in the lab's fidelity table, with a source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = (Path(__file__).resolve().parents[2] / "docs" / "lab.md").read_text(encoding="utf-8")
MODELLED = DOC.split("## Real behaviours the lab models", 1)[1].split("## Simplifications", 1)[0]

BEHAVIOURS = (
    "exports on **every** connector",
    "-NumberRequested 0` returns the **whole** run history",
    "ADSync cmdlets throw while the ADSync service is stopped",
    "stops the sync service until the wizard's upgrade page",
    'unticks "Start the synchronization process"',
    "`Get-ADSyncEntraConnectorCredential`",
    "automatic upgrade blocked from 8 GB",
    "Product version of `AzureADConnect.exe`",
    "ADSyncTools staging workaround was withdrawn",
    "an open wizard suspends the scheduler",
)


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_each_behaviour_is_a_row_with_a_source(behaviour):
    row = next((line for line in MODELLED.splitlines() if behaviour in line), None)
    assert row is not None, f"docs/lab.md does not list: {behaviour}"
    assert re.search(r"\[[A-Z0-9-]+\]", row.rsplit("|", 2)[-2]), f"no source for: {behaviour}"


@pytest.mark.parametrize(
    "simplification", ["never prompt in the lab", "csexport.exe's stderr", "Exported-SynchronizationPolicy"]
)
def test_what_the_lab_cannot_show_is_listed(simplification):
    assert simplification in DOC.split("## Simplifications", 1)[1]
