"""Every module's documentation (its sidecar, doc fragments merged, as ansible-doc shows it) matches
the ARGUMENT_SPEC its action plugin validates: names, types, defaults, choices, aliases, suboptions."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[4]
PREFIX = "hybrid_identity.entra_connect."
MODULES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.yml"))


@pytest.fixture(scope="module")
def docs() -> dict[str, Any]:
    ansible_doc = Path(sys.executable).parent / "ansible-doc"
    command = [str(ansible_doc), "--json", "-t", "module", *(PREFIX + name for name in MODULES)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout)


def shape(options: dict[str, Any], sub: str) -> dict[str, Any]:
    """What the spec and the docs must agree on, with Ansible's defaults filled in."""
    return {
        name: {
            "type": option.get("type", "str"),
            "default": option.get("default"),
            "required": option.get("required", False),
            "choices": option.get("choices"),
            "aliases": sorted(option.get("aliases", [])),
            "elements": option.get("elements"),
            "options": shape(option[sub], sub) if sub in option else None,
        }
        for name, option in options.items()
    }


def action(name: str) -> Any:
    return importlib.import_module(f"ansible_collections.hybrid_identity.entra_connect.plugins.action.{name}")


@pytest.mark.parametrize("name", MODULES)
def test_module_docs_match_the_argument_spec(docs, name):
    documented = docs[PREFIX + name]["doc"].get("options") or {}
    assert shape(documented, "suboptions") == shape(action(name).ActionModule.ARGUMENT_SPEC, "options")


@pytest.mark.parametrize("name", MODULES)
def test_module_docs_say_when_an_alias_is_deprecated(docs, name):
    documented = docs[PREFIX + name]["doc"].get("options") or {}
    for option, spec in action(name).ActionModule.ARGUMENT_SPEC.items():
        for alias in spec.get("deprecated_aliases", []):
            text = " ".join(documented[option]["description"])
            assert f"I({alias['name']}) is deprecated and will be removed in version {alias['version']}" in text
