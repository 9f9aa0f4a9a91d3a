"""Automation Hub's import gate on the built collection: galaxy-importer, as certification runs it.

Run with the Python of the importer venv (`make certification` makes build/venv-importer from
tools/requirements-importer.txt: galaxy-importer 0.4.x on ansible-core 2.16). Steps:

1. Build the collection tarball with that venv's ansible-galaxy from a copy of the files git
   tracks (plus new, not ignored files), so local lab state or caches never reach the tarball.
2. Run galaxy-importer on it with its default checks (ansible-doc of every plugin, ansible-lint
   --profile production, the changelog, meta/execution-environment.yml's dependency files, no
   ansible-test ignore files); ansible-lint and ansible-doc are the venv's (ansible-core 2.16).
3. Fail on any ERROR or WARNING line of its log, on a failed import, and when a module or filter
   came out of ansible-doc without documentation.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from run_sanity import tracked_files

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "importer"
BIN = Path(sys.executable).parent
DOCUMENTED = ("module", "filter")


def build_tarball() -> Path:
    source = WORK / "source"
    if WORK.exists():
        shutil.rmtree(WORK)
    for name in tracked_files():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(WORK), str(source)],
        cwd=WORK,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (tarball,) = WORK.glob("*.tar.gz")
    return tarball


def findings(log: str) -> list[str]:
    """Every warning or error galaxy-importer logged (its formatter prefixes them with the level)."""
    return [line for line in log.splitlines() if line.startswith(("WARNING:", "ERROR:", "CRITICAL:"))]


def undocumented(result: dict) -> list[str]:
    """Modules and filters whose documentation ansible-doc did not return."""
    seen: dict[tuple[str, str], bool] = {}
    for content in result.get("docs_blob", {}).get("contents", []):
        key = (content["content_type"], content["content_name"])
        if key[0] in DOCUMENTED:
            seen[key] = seen.get(key, False) or bool(content.get("doc_strings"))
    return sorted(f"{kind} {name}" for (kind, name), documented in seen.items() if not documented)


#: galaxy-importer gives ansible-lint a fixed 180 s; on a machine busy with other work that can
#: pass. A timeout alone is retried once; a second one fails (Automation Hub has the same limit).
LINT_TIMEOUT = "ERROR: Timeout on call to ansible-lint"


def run_importer(tarball: Path) -> tuple[subprocess.CompletedProcess, str]:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("ANSIBLE_CONFIG", None)  # the importer installs the tarball in a tree of its own
    done = subprocess.run(
        [str(BIN / "python"), "-m", "galaxy_importer.main", str(tarball)],
        cwd=WORK,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    log = done.stdout + done.stderr
    print(log, end="")
    return done, log


def main() -> int:
    tarball = build_tarball()
    done, log = run_importer(tarball)
    if findings(log) == [LINT_TIMEOUT]:
        print(f"run_importer: ansible-lint exceeded galaxy-importer's 180 s (load {os.getloadavg()[0]:.1f}); once more")
        done, log = run_importer(tarball)
    problems = findings(log)
    result_file = WORK / "importer_result.json"
    if done.returncode != 0 or not result_file.is_file():
        problems.append(f"galaxy-importer failed (exit {done.returncode})")
    else:
        result = json.loads(result_file.read_text())
        problems += [f"no documentation from ansible-doc: {name}" for name in undocumented(result)]
    if problems:
        print(f"run_importer: {tarball.name} is not accepted as it is:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"run_importer: {tarball.name} imported with no error and no warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
