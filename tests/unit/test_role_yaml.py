"""Role and playbook YAML only moves data: the bars of the architecture issue, kept by a test.

- at most 2 values with Jinja longer than 200 characters (whitespace folded; messages excluded),
- at most 2 ``map('extract', hostvars, ...)`` (the ``by_host`` filter replaces them),
- no role or playbook reads another role's private variable (``_<role>_...``): roles publish
  documented facts instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("roles/*/tasks/*.yml"), *ROOT.glob("playbooks/**/*.yml")])
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "tasks").is_dir())
MESSAGE_KEYS = {"msg", "fail_msg", "success_msg", "message"}
EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def strings(node, key=None):
    """(key, text) of every string in a YAML document."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from strings(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item, key)
    elif isinstance(node, str):
        yield key, node


def owner(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    return parts[1] if parts[0] == "roles" else None


def test_the_files_are_found():
    assert len(FILES) > 10 and "switch" in ROLES


def test_few_long_jinja_expressions():
    long = []
    for path in FILES:
        for key, text in strings(yaml.safe_load(path.read_text())):
            if key in MESSAGE_KEYS:
                continue
            folded = " ".join(text.split())
            if EXPRESSION.search(text) and len(folded) > 200:
                long.append(f"{path.relative_to(ROOT)}: {key}: {folded[:80]}...")
    assert len(long) <= 2, "\n".join(long)


def test_few_extracts_from_hostvars():
    found = [
        str(p.relative_to(ROOT))
        for p in FILES
        for _match in re.finditer(r"map\(\s*'extract'\s*,\s*hostvars", p.read_text())
    ]
    assert len(found) <= 2, found


def test_no_role_or_playbook_reads_another_roles_private_variables():
    reads = []
    for path in FILES:
        text = path.read_text()
        for role in ROLES:
            if role == owner(path):
                continue
            for match in re.finditer(rf"\b_{role}_\w+", text):
                reads.append(f"{path.relative_to(ROOT)} reads {match.group()}")
    assert not reads, "\n".join(reads)
