"""Fixtures shared by the action plugin tests (helpers are in ec_harness.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["lab", "windows"])
def backend(request):
    """Every test that takes ``backend`` runs twice: on the lab backend and on the Windows backend."""
    return request.param


@pytest.fixture
def lab(tmp_path):
    return tmp_path / "lab"


@pytest.fixture
def msi(tmp_path):
    path = tmp_path / "AzureADConnect.msi"
    path.write_bytes(b"stand-in installer 2.6.92.0")
    return path
