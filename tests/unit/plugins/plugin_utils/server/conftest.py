"""test_windows.py drives the Windows backend through the action harness of tests/unit/plugins/action."""

from __future__ import annotations

import sys
from pathlib import Path

HARNESS = str(Path(__file__).resolve().parents[2] / "action")  # ec_harness.py
if HARNESS not in sys.path:
    sys.path.insert(0, HARNESS)
