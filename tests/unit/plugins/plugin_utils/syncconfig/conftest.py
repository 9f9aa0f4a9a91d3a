"""Fixtures of the configuration-comparison tests (builders live in contoso_export.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from contoso_export import DATA, Export


@pytest.fixture
def make_export(tmp_path: Path) -> Callable[[str], Export]:
    def make(name: str) -> Export:
        target = tmp_path / name
        shutil.copytree(DATA, target)
        return Export(target)

    return make


@pytest.fixture
def pair(make_export: Callable[[str], Export]) -> tuple[Export, Export]:
    return make_export("reference"), make_export("candidate")
