"""Integration tests: real ansible-playbook runs on private copies of the lab inventories."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def lab(tmp_path):
    """A private copy of inventories/lab, reset to its starting state."""
    from lab_runs import make_inventory, reset  # found through the path above

    inventory = make_inventory(tmp_path)
    assert reset(inventory).rc == 0
    return inventory
