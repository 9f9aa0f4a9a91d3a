"""The execution environments carry what the controller needs, and the collection's EE metadata resolves."""

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


def test_the_collection_metadata_names_its_dependency_files_from_the_collection_root():
    # ansible-builder's introspection (inside any EE build that installs this collection) and
    # galaxy-importer resolve these paths from the collection root, not from meta/.
    metadata = yaml.safe_load((ROOT / "meta" / "execution-environment.yml").read_text())
    assert sorted(metadata["dependencies"]) == ["python", "system"]
    for path in metadata["dependencies"].values():
        assert (ROOT / path).is_file(), path
    ignored = yaml.safe_load((ROOT / "galaxy.yml").read_text())["build_ignore"]
    assert not any(Path(path).match(pattern) for path in metadata["dependencies"].values() for pattern in ignored)


def definitions() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted((ROOT / "meta").glob("ee-definition-*.yml"))}


def test_there_is_an_ee_for_aap_on_ansible_core_216_and_one_on_the_newest():
    found = definitions()
    assert sorted(found) == ["ee-definition-aap-core216", "ee-definition-core221"]
    aap = found["ee-definition-aap-core216"]
    # The AAP 2.5 minimal image brings ansible-core 2.16 and ansible-runner: nothing installed over them.
    assert aap["images"]["base_image"]["name"].startswith("registry.redhat.io/ansible-automation-platform-25/")
    assert "ansible_core" not in aap["dependencies"] and "ansible_runner" not in aap["dependencies"]
    newest = found["ee-definition-core221"]["dependencies"]
    assert newest["ansible_core"]["package_pip"] == "ansible-core>=2.21,<2.22"


def test_every_controller_requirement_is_in_each_execution_environment():
    for name, definition in definitions().items():
        # ansible-builder resolves a definition's files from the definition's folder.
        python = (ROOT / "meta" / definition["dependencies"]["python"]).resolve()
        system = (ROOT / "meta" / definition["dependencies"]["system"]).resolve()
        galaxy = (ROOT / "meta" / definition["dependencies"]["galaxy"]).resolve()
        assert python.is_file() and system.is_file() and galaxy.is_file(), name
        controller, ee = packages(ROOT / "requirements.txt"), packages(python)
        assert sorted(set(controller) - set(ee)) == [], name
        # The same version ranges, so the EE runs what the tests ran.
        for package, line in controller.items():
            assert ee[package].replace("[kerberos]", "") == line, (name, package)
        assert "[kerberos]" in ee["pywinrm"] and "[kerberos]" in ee["pypsrp"]
        assert "krb5-devel" in system.read_text()
