"""The execution environment carries what the controller needs, and its build files exist."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def packages(path: Path) -> dict[str, str]:
    """Package name (lower case, extras dropped) to its full requirement line."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            found[re.split(r"[\[<>=!~ ]", line, maxsplit=1)[0].lower()] = line
    return found


def test_every_controller_requirement_is_in_the_execution_environment():
    definition = yaml.safe_load((ROOT / "meta" / "execution-environment.yml").read_text())
    python = (ROOT / "meta" / definition["dependencies"]["python"]).resolve()
    system = (ROOT / "meta" / definition["dependencies"]["system"]).resolve()
    assert python.is_file() and system.is_file()
    controller, ee = packages(ROOT / "requirements.txt"), packages(python)
    assert sorted(set(controller) - set(ee)) == []
    # The same version ranges, so the EE runs what the tests ran.
    for name, line in controller.items():
        assert ee[name].replace("[kerberos]", "") == line, name
    assert "[kerberos]" in ee["pywinrm"] and "[kerberos]" in ee["pypsrp"]
    assert "krb5-devel" in system.read_text()
