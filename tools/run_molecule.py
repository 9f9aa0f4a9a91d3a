"""Run every molecule scenario of the collection, offline, with no Docker.

Scenarios live in extensions/molecule/<name>/ (molecule's collection layout). They use the
default driver, unmanaged, against localhost or the lab backend, so no container engine is
needed; Galaxy dependency installation is disabled in each scenario (Galaxy is not reachable).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def scenarios() -> list[str]:
    base = ROOT / "extensions" / "molecule"
    return sorted(p.parent.name for p in base.glob("*/molecule.yml"))


def main() -> int:
    # `tools/run_molecule.py NAME ...` runs those scenarios only.
    names = [n for n in scenarios() if n in sys.argv[1:]] if sys.argv[1:] else scenarios()
    if not names:
        print("run_molecule: no molecule scenarios yet")
        return 0
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.setdefault("ANSIBLE_CONFIG", str(ROOT / "ansible.cfg"))
    # Molecule overrides ansible.cfg's collections_path; point it at the working tree (the
    # scenarios set prerun: false, so nothing is installed into ~/.ansible/collections, where a
    # stale copy would later shadow the working tree for ansible-lint).
    env["ANSIBLE_COLLECTIONS_PATH"] = str(ROOT / ".collections")
    failed = []
    for name in names:
        print(f"run_molecule: scenario {name}", flush=True)
        # A fresh ephemeral directory (lab state, backups) and molecule state every time: the
        # scenarios' prepare step runs only once per molecule state.
        subprocess.run(
            [str(BIN / "molecule"), "reset", "--scenario-name", name],
            cwd=ROOT,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        result = subprocess.run(
            [str(BIN / "molecule"), "test", "--scenario-name", name], cwd=ROOT, env=env, check=False
        )
        if result.returncode:
            failed.append(name)
    print(f"run_molecule: {len(names) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
