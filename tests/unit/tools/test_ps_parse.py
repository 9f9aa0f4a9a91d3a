"""Every PowerShell file of the collection parses cleanly; the check itself fails on broken code."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tools"))

import pscheck  # noqa: E402

VALID = b"""function Get-EntraConnectExample {
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [string]$ConnectorName
    )
    $ErrorActionPreference = 'Stop'
    $WhatIfPreference = $false
    $items = @('A', 'B')
    [PSCustomObject]@{
        connector_name = $ConnectorName
        item_count = $items.Count
    }
}
"""


@pytest.mark.parametrize("path", pscheck.helper_files(ROOT), ids=lambda p: p.name)
def test_helper_file_parses_cleanly(path):
    assert pscheck.parse_problems(path) == []


def test_check_accepts_the_helper_style(tmp_path):
    assert pscheck.parse_problems(tmp_path / "ok.ps1", VALID) == []


@pytest.mark.parametrize(
    "broken",
    [
        VALID.replace(b"    )\n    $Error", b"\n    $Error"),  # unclosed param block
        VALID.replace(b"item_count = $items.Count\n    }", b"item_count = $items.Count\n"),  # unclosed hashtable
        b"function Get-X {\n    if ($a {\n    }\n}\n",
    ],
    ids=["unclosed-param", "unclosed-hashtable", "broken-if"],
)
def test_check_fails_on_a_broken_file(tmp_path, broken):
    problems = pscheck.parse_problems(tmp_path / "broken.ps1", broken)
    assert problems, "a broken file must produce a parse problem"
    assert str(problems[0]).startswith(f"{tmp_path / 'broken.ps1'}:")
