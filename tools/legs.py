"""Run checks on every ansible-core leg at once: `python tools/legs.py [--quiet] CHECK[,CHECK] [LEG ...]`.

A leg is an ansible-core version with its own controller Python and virtual environment:

    core216  ansible-core 2.16, Python 3.11  (what AAP 2.5/2.6 and Red Hat's certification run)
    core221  ansible-core 2.21, Python 3.13  (the newest release)

Each leg's venv (.venv-<leg>) is made from tests/integration/requirements-<leg>.txt with that
leg's Python, and remade when a requirements file changes (the stamp holds their hash). The
Python of a leg is PYTHON_<leg> from the environment, else the default below; a leg whose Python
is missing is SKIPPED with a message, never silently. The legs run concurrently (most of a
playbook run is one Python process, and the machine has more than one core): each line of
output is prefixed with the leg's name and kept in tests/output/legs/<leg>-<check>.log, and a
summary closes the run. With --quiet, a check's output stays in its log and only its result is
printed (with the end of the log when it fails): `make test` runs the legs that way while the
other gates print. The checks of a leg run one after the other, every one even if one fails. The
exit code is non-zero when a check that ran failed.

    integration  the lab integration suite (tests/integration, the browser test included),
                 shared between the legs that run (ONE_LEG, the fault matrix's share);
                 tests/integration/lab_runs.py takes ansible-playbook from ENTRA_CONNECT_VENV
    sanity       ansible-test sanity of the leg's ansible-core (tools/run_sanity.py)
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "tests" / "output" / "legs"


def _newest_pyenv(version: str) -> str:
    found = sorted(glob.glob(str(Path.home() / ".pyenv" / "versions" / f"{version}*" / "bin" / f"python{version}")))
    return found[-1] if found else f"python{version}"


#: leg name: the Python it runs on when PYTHON_<leg> is not set.
LEGS = {"core216": lambda: "python3.11", "core221": lambda: _newest_pyenv("3.13")}
#: Every leg runs what proves the collection on its ansible-core: the swing migration story with
#: reruns, check mode and bad inventories (test_playbooks), its share of the fault matrix
#: (ENTRA_CONNECT_MATRIX_SHARE: each leg faults every step with error and unreachable alike, and
#: the legs together run every case once), the browser check of the report, and the module
#: arguments against the leg's own ansible.windows. The other tests prove the docs, the lab or a
#: product behaviour rather than an ansible-core version: each file runs on one leg, the shares
#: balanced so that make test keeps within its time budget. A leg that cannot run hands its
#: files to the first leg that does (nothing is dropped because a Python is missing).
ONE_LEG = {
    "core221": (
        "test_admin_paths.py",
        "test_documented_examples.py",
        "test_real_server_behaviours.py",
        "test_sync_rules_playbook.py",
    ),
    # AWX and AAP 2.5/2.6 run jobs with ansible-runner on ansible-core 2.16.
    "core216": ("test_awx_project.py", "test_interruptions.py", "test_lifecycle_gates.py", "test_playbook_paths.py"),
}
CHECKS = {
    "integration": lambda leg: [
        str(leg.venv / "bin" / "pytest"),
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=-ra",
        "-s",
        # The slowest tests, so that the log shows where the time budget goes.
        "--durations=30",
        f"--basetemp={ROOT / 'build' / 'pytest' / leg.name}",
        *[f"--ignore=tests/integration/{name}" for name in leg.ignored],
        "tests/integration",
    ],
    "sanity": lambda leg: [str(leg.venv / "bin" / "python"), "tools/run_sanity.py"],
}


@dataclass
class Leg:
    name: str
    python: str
    venv: Path = field(init=False)
    requirements: Path = field(init=False)
    detail: str = ""
    #: Integration test files this leg leaves to another (ONE_LEG).
    ignored: list[str] = field(default_factory=list)
    #: This leg's share of the fault matrix, "i/n".
    matrix_share: str = "0/1"
    #: check name: (status, seconds); status is passed, FAILED ..., or SKIPPED.
    results: dict[str, tuple[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.venv = ROOT / f".venv-{self.name}"
        self.requirements = ROOT / "tests" / "integration" / f"requirements-{self.name}.txt"


def say(leg: Leg, line: str) -> None:
    sys.stdout.write(f"[{leg.name}] {line.rstrip()}\n")
    sys.stdout.flush()


def requirements_hash(leg: Leg) -> str:
    """A hash of the requirement lines (comments and blank lines do not count)."""
    digest = hashlib.sha256()
    for path in (leg.requirements, ROOT / "requirements.txt"):
        for line in path.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def run_logged(leg: Leg, command: list[str], log: Path, env: dict[str, str] | None = None, stream: bool = True) -> int:
    """Run a command, appending its output to the log and, if stream, printing it prefixed with the leg's name."""
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(command)}\n")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        for line in process.stdout or ():
            out.write(line)
            if stream:
                say(leg, line)
        return process.wait()


def ensure_venv(leg: Leg, log: Path) -> str | None:
    """The leg's venv, (re)made from its requirements when they changed; a failure message or None."""
    stamp = leg.venv / ".installed"
    wanted = requirements_hash(leg)
    if stamp.is_file() and stamp.read_text().strip() == wanted:
        return None
    say(leg, f"creating {leg.venv.name} with {leg.python} from {leg.requirements.relative_to(ROOT)}")
    if leg.venv.is_symlink():
        leg.venv.unlink()
    elif leg.venv.exists():
        shutil.rmtree(leg.venv)
    pip = [str(leg.venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for command in (
        [leg.python, "-m", "venv", str(leg.venv)],
        [*pip, "--upgrade", "pip"],
        [*pip, "-r", str(leg.requirements)],
    ):
        # pip's output stays in the log unless it fails.
        if run_logged(leg, command, log, stream=False) != 0:
            tail(leg, log)
            return f"FAILED: could not create {leg.venv.name} (log {log.relative_to(ROOT)})"
    stamp.write_text(wanted + "\n")
    say(leg, f"{leg.venv.name} ready")
    return None


def tail(leg: Leg, log: Path, lines: int = 40) -> None:
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]:
        say(leg, line)


def versions(leg: Leg) -> str:
    """'ansible-core X, Python Y' of the leg's venv."""
    code = "import ansible.release, platform; print(ansible.release.__version__, platform.python_version())"
    out = subprocess.run(
        [str(leg.venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=False
    ).stdout.split()
    return f"ansible-core {out[0]}, Python {out[1]}" if len(out) == 2 else "versions unknown"


def run_leg(leg: Leg, checks: list[str], quiet: bool) -> None:
    LOGS.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    log = LOGS / f"{leg.name}-venv.log"
    log.write_text("")
    failure = ensure_venv(leg, log)
    if failure:
        leg.results = {check: (failure, time.monotonic() - start) for check in checks}
        return
    leg.detail = versions(leg)
    (ROOT / "build" / "pytest").mkdir(parents=True, exist_ok=True)  # pytest makes only --basetemp itself
    env = dict(os.environ, ENTRA_CONNECT_VENV=str(leg.venv), ENTRA_CONNECT_LEG=leg.name)
    env.setdefault("ENTRA_CONNECT_MATRIX_SHARE", leg.matrix_share)
    env["PATH"] = f"{leg.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    for check in checks:
        start = time.monotonic()
        log = LOGS / f"{leg.name}-{check}.log"
        log.write_text("")
        say(leg, f"{check} on {leg.detail}" + (f" (output in {log.relative_to(ROOT)})" if quiet else ""))
        rc = run_logged(leg, CHECKS[check](leg), log, env, stream=not quiet)
        seconds = time.monotonic() - start
        if rc == 0:
            leg.results[check] = ("passed", seconds)
        else:
            if quiet:
                tail(leg, log)
            leg.results[check] = (f"FAILED (exit {rc}, log {log.relative_to(ROOT)})", seconds)
        say(leg, f"{check} {leg.results[check][0]} in {seconds:.0f} s")


def find_python(name: str) -> str | None:
    python = os.environ.get(f"PYTHON_{name}") or LEGS[name]()
    return shutil.which(python) or (python if Path(python).is_file() and os.access(python, os.X_OK) else None)


def share_out(legs: list[Leg]) -> None:
    """Give each leg that runs its one-leg files, its matrix share, and the files of the legs that cannot run."""
    running = [leg for leg in legs if not leg.results]
    owner = {}
    for name, files in ONE_LEG.items():
        runs = next((leg for leg in running if leg.name == name), running[0] if running else None)
        for file in files:
            owner[file] = runs
    for index, leg in enumerate(running):
        leg.ignored = sorted(file for file, runs in owner.items() if runs is not leg)
        leg.matrix_share = f"{index}/{len(running)}"
        if leg.ignored:
            say(leg, f"integration leaves to the other legs: {', '.join(leg.ignored)}")


def main(argv: list[str]) -> int:
    quiet = "--quiet" in argv
    argv = [a for a in argv if a != "--quiet"]
    checks = argv[0].split(",") if argv else []
    if not checks or any(c not in CHECKS for c in checks) or any(name not in LEGS for name in argv[1:]):
        print(f"usage: legs.py [--quiet] {{{','.join(CHECKS)}}}[,...] [{' '.join(LEGS)}]", file=sys.stderr)
        return 2
    names = argv[1:] or list(LEGS)
    legs, threads = [], []
    for name in names:
        python = find_python(name)
        leg = Leg(name, python or os.environ.get(f"PYTHON_{name}") or LEGS[name]())
        legs.append(leg)
        if python is None:
            leg.detail = f"{leg.python} not found: set PYTHON_{name}=/path/to/python to run this leg"
            leg.results = dict.fromkeys(checks, ("SKIPPED", 0.0))
            say(leg, f"{','.join(checks)}: SKIPPED - {leg.detail}")
    share_out(legs)
    for leg in legs:
        if leg.results:
            continue
        thread = threading.Thread(target=run_leg, args=(leg, checks, quiet), name=leg.name)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    print(f"\nlegs {','.join(checks)}:")
    failed = False
    for leg in legs:
        for check in checks:
            status, seconds = leg.results.get(check, ("FAILED (did not run)", 0.0))
            failed = failed or status not in ("passed", "SKIPPED")
            print(f"  {leg.name:8} {check:12} {status:8} {seconds:6.0f} s  {leg.detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
