"""Every role documents every variable it has (what ansible-doc -t role shows), and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "tasks" / "main.yml").is_file())


@pytest.mark.parametrize("role", ROLES)
def test_role_argument_spec_is_complete_and_matches_the_defaults(role):
    spec = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]
    assert spec.get("short_description") and spec.get("description")
    options = spec.get("options") or {}
    for name, option in options.items():
        assert name.startswith(f"{role}_"), f"{role}: {name} is not prefixed with the role name"
        assert option.get("description") and option.get("type"), f"{role}: {name} lacks a description or a type"
    defaults = yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text()) or {}
    assert sorted(set(defaults) - set(options)) == [], f"{role}: defaults without documentation"
    assert (ROOT / "roles" / role / "README.md").is_file()
