"""Check the execution-environment files the way ansible-builder reads them (`make ee`).

1. Each EE definition (meta/ee-definition-*.yml) builds its context with `ansible-builder create`
   (build/ee-context/<name>/); the Containerfile starts from the declared base image, installs
   the declared ansible-core (or, on an AAP base, the image's own), and carries every controller
   requirement. The image build itself needs a container engine and is not run here.
2. meta/execution-environment.yml is this collection's own metadata: when any EE installs the
   collection, ansible-builder's introspection reads its dependency files relative to the
   collection root (galaxy-importer checks the same). The built collection is installed into a
   temporary ansible_collections tree and introspected; every package of requirements.txt must
   come out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CONTEXTS = ROOT / "build" / "ee-context"
#: definition file stem: (base image, ansible-core requirement or None when the base image brings it)
DEFINITIONS = {
    "ee-definition-aap-core216": ("registry.redhat.io/ansible-automation-platform-25/ee-minimal-rhel9:latest", None),
    "ee-definition-core221": ("quay.io/centos/centos:stream10", "ansible-core>=2.21,<2.22"),
}


def requirement_names(lines: list[str]) -> set[str]:
    """Package names (lower case, extras and versions dropped) of requirement lines."""
    names = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(re.split(r"[\[<>=!~ ;]", line, maxsplit=1)[0].lower())
    return names


def controller_requirements() -> set[str]:
    return requirement_names((ROOT / "requirements.txt").read_text().splitlines())


def check_definition(stem: str, base: str, core: str | None) -> list[str]:
    context = CONTEXTS / stem.removeprefix("ee-definition-")
    shutil.rmtree(context, ignore_errors=True)
    done = subprocess.run(
        [
            str(BIN / "ansible-builder"),
            "create",
            "--file",
            str(ROOT / "meta" / f"{stem}.yml"),
            "--context",
            str(context),
            "--output-filename",
            "Containerfile",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return [f"{stem}: ansible-builder create failed: {(done.stdout + done.stderr).strip()}"]
    problems = []
    containerfile = (context / "Containerfile").read_text()
    if f'ARG EE_BASE_IMAGE="{base}"' not in containerfile:
        problems.append(f"{stem}: the Containerfile does not start from {base}")
    installs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="([^"]*)"', containerfile, re.M)
    if core is None and installs:
        problems.append(f"{stem}: installs {installs.group(1)} over the base image's own ansible-core")
    if core is not None and (installs is None or core not in installs.group(1)):
        problems.append(f"{stem}: does not install {core}")
    python = requirement_names((context / "_build" / "requirements.txt").read_text().splitlines())
    missing = sorted(controller_requirements() - python)
    if missing:
        problems.append(f"{stem}: the context lacks the controller requirement(s) {', '.join(missing)}")
    return problems


def check_collection_metadata() -> list[str]:
    """Introspect the built, installed collection as ansible-builder does inside an EE build."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env.pop("ANSIBLE_CONFIG", None)  # its collections_path would make the install a no-op
        env["ANSIBLE_COLLECTIONS_PATH"] = f"{tmp}/tree"
        galaxy = [str(BIN / "ansible-galaxy"), "collection"]
        subprocess.run(
            [*galaxy, "build", "--output-path", tmp, str(ROOT)], cwd=tmp, env=env, check=True, stdout=subprocess.DEVNULL
        )
        (tarball,) = Path(tmp).glob("*.tar.gz")
        subprocess.run(
            [*galaxy, "install", "--no-deps", "--force", "-p", f"{tmp}/tree", str(tarball)],
            cwd=tmp,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        done = subprocess.run(
            [str(BIN / "ansible-builder"), "introspect", f"{tmp}/tree"], capture_output=True, text=True, check=False
        )
    if done.returncode != 0 or "Expected requirements file not present" in done.stdout:
        return [f"meta/execution-environment.yml: introspection failed: {(done.stdout + done.stderr).strip()}"]
    found = yaml.safe_load(done.stdout.split("---", 1)[-1]) or {}
    missing = sorted(controller_requirements() - requirement_names(found.get("python") or []))
    if missing:
        return [f"meta/execution-environment.yml: an EE installing this collection would lack {', '.join(missing)}"]
    if not found.get("system"):
        return ["meta/execution-environment.yml: an EE installing this collection gets no system packages"]
    return []


def main() -> int:
    problems = []
    found = sorted(p.stem for p in (ROOT / "meta").glob("ee-definition-*.yml"))
    if found != sorted(DEFINITIONS):
        problems.append(f"meta/ee-definition-*.yml are {found}; tools/check_ee.py checks {sorted(DEFINITIONS)}")
    for stem, (base, core) in DEFINITIONS.items():
        problems += check_definition(stem, base, core)
        context = CONTEXTS / stem.removeprefix("ee-definition-")
        print(f"check_ee: {stem}: build context in {context.relative_to(ROOT)}")
    problems += check_collection_metadata()
    if problems:
        print("check_ee:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print("check_ee: both build contexts generated; the collection's EE metadata resolves from its root")
    return 0


if __name__ == "__main__":
    sys.exit(main())
