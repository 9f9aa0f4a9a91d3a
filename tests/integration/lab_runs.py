"""Run the collection's playbooks on a private copy of a lab inventory and read the outcome.

Every run gets its own inventory copy and lab directory, so runs are independent; faults are
written as host_vars of that copy (entra_connect_lab_faults), exactly as a user would set them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
#: The virtual environment whose ansible-playbook runs the playbooks: .venv by default, another
#: one (a path, relative to the repository root or absolute) for the ansible-core version legs
#: of `make test` (tools/legs.py). The tests themselves may run in a different Python.
VENV = ROOT / os.environ.get("ENTRA_CONNECT_VENV", ".venv")
BIN = VENV / "bin"
SMALL = {
    "entra_connect_lab_size": {"users": 200, "groups": 20, "contacts": 10},
    "entra_connect_poll_interval": 1,
    "entra_connect_timeout": 6,
    "staging_server_operator_poll_interval": 1,
    "staging_server_operator_timeout": 6,
}
MUTATING = None  # filled lazily from the contract


@dataclass
class Run:
    rc: int
    output: str
    inventory: Path

    @property
    def lab(self) -> Path:
        return self.inventory / ".lab"

    def state(self) -> dict:
        return json.loads((self.lab / "state.json").read_text())

    def journal(self) -> list[dict]:
        path = self.lab / "journal.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def active(self) -> set[str]:
        servers = self.state()["servers"]
        return {
            h
            for h, s in servers.items()
            if s["configured"] and s["global_parameters"]["Microsoft.Synchronize.StagingMode"] == "False"
        }

    def says(self, text: str) -> bool:
        """Whether the output holds the text, line breaks and runs of spaces folded: ansible-core 2.16
        wraps warnings at the terminal width, later versions do not."""
        return " ".join(text.split()) in " ".join(self.output.split())

    def changed_count(self) -> int:
        total = 0
        for line in self.output.splitlines():
            if " : ok=" in line and "changed=" in line:
                total += int(line.split("changed=")[1].split()[0])
        return total


def make_inventory(tmp: Path, source: str = "lab", declared: dict[str, str] | None = None) -> Path:
    """A private copy of inventories/<source> (and the installers), optionally with other roles."""
    inventory = tmp / "inventories" / source
    shutil.copytree(
        ROOT / "inventories" / source, inventory, ignore=shutil.ignore_patterns(".lab", ".reports", ".backups")
    )
    if not (tmp / "inventories" / "installers").exists():
        shutil.copytree(ROOT / "inventories" / "installers", tmp / "inventories" / "installers")
    if declared is not None:
        hosts = {h: ({"entra_connect_role": r} if r is not None else {}) for h, r in declared.items()}
        (inventory / "hosts.yml").write_text(yaml.safe_dump({"entra_connect": {"hosts": hosts}}))
    return inventory


def add_faults(inventory: Path, host: str, faults: list[dict]) -> None:
    path = inventory / "host_vars" / f"{host}.yml"
    data = yaml.safe_load(path.read_text()) if path.exists() else {}
    data["entra_connect_lab_faults"] = faults
    path.write_text(yaml.safe_dump(data))


def playbook_command(inventory: Path, playbook: str | Path, *args: str, extra: dict | None = None, env=None):
    """(command, environment) of an ansible-playbook run of one of the collection's playbooks."""
    environment = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    environment.update(ANSIBLE_FORCE_COLOR="0", **(env or {}))
    # whatever the caller's environment says: deprecations() reads them
    environment["ANSIBLE_DEPRECATION_WARNINGS"] = "1"
    environment["PATH"] = f"{BIN}{os.pathsep}{environment.get('PATH', '')}"
    command = [
        str(BIN / "ansible-playbook"),
        "-i",
        str(inventory),
        str(playbook if isinstance(playbook, Path) else ROOT / "playbooks" / f"{playbook}.yml"),
        "-e",
        json.dumps({**SMALL, **(extra or {})}),
        *args,
    ]
    return command, environment


def run_playbook(
    inventory: Path, playbook: str | Path, *args: str, extra: dict | None = None, env: dict | None = None
) -> Run:
    """Run one of the collection's playbooks by name, or a playbook file given as a Path.

    The playbook runs in a session of its own, so that the lab's kill control (a SIGKILL of its
    process group) kills ansible-playbook and its forks and nothing else.
    """
    command, environment = playbook_command(inventory, playbook, *args, extra=extra, env=env)
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
        start_new_session=True,
    )
    return Run(done.returncode, done.stdout + done.stderr, inventory)


DEPRECATION = re.compile(r"^\[DEPRECATION WARNING\]: .*?(?=^\s*$|^\[|^TASK |^PLAY |\Z)", re.M | re.S)


def deprecations(run: Run) -> list[str]:
    """Every deprecation warning of a run (ansible-core prints them on stderr, message and detail)."""
    return [" ".join(found.split()) for found in DEPRECATION.findall(run.output)]


FATAL = re.compile(r"^fatal: \[([^\]]+)\]: (?:FAILED|UNREACHABLE)! => (\{.*\})\s*$", re.M)


def final_failure(run: Run) -> tuple[str, str] | None:
    """(host, msg) of the last failed task of a run: what the job's operator reads last."""
    found = FATAL.findall(run.output)
    if not found:
        return None
    host, text = found[-1]
    try:
        return host, str(json.loads(text).get("msg") or "")
    except json.JSONDecodeError:
        return host, ""


def reset(inventory: Path) -> Run:
    return run_playbook(inventory, "lab_reset")


def never_two_active(run: Run) -> list[str]:
    """Replay the journal's staging-flag changes; every moment with two active servers."""
    staging: dict[str, bool | None] = {}
    moments = []
    for index, line in enumerate(run.journal()):
        change = line["changes"].get("staging_mode_enabled")
        if change is None:
            continue
        staging[line["host"]] = change[1]
        active = sorted(h for h, s in staging.items() if s is False)
        if len(active) > 1:
            moments.append(f"journal line {index + 1} ({line['helper']} on {line['host']}): active {active}")
    return moments


def mutating_steps(run: Run) -> list[tuple[str, str, int]]:
    """(host, helper, call number) for every mutating helper call of a recorded run."""
    import sys

    sys.path.insert(0, str(ROOT / ".collections"))
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract

    steps = []
    for host, calls in sorted(run.state()["calls"].items()):
        for helper, count in sorted(calls.items()):
            if contract.helper(helper).mutates:
                steps.extend((host, helper, n) for n in range(1, count + 1))
    return steps


SCHEMAS = {
    "*/summary.json": "run-summary.schema.json",
    "*/verify/*/summary.json": "verify-summary.schema.json",
    "*/verify/*/config/summary.json": "config-compare-summary.schema.json",
    "*/verify/*/csexport/summary.json": "csexport-summary.schema.json",
}


def validate_summaries(inventory: Path) -> dict[str, int]:
    """Validate every summary.json the runs wrote against the collection's schema; count them per schema."""
    import jsonschema

    counts = {}
    for pattern, name in SCHEMAS.items():
        schema = json.loads((ROOT / "docs" / "schemas" / name).read_text())
        paths = list((inventory / ".reports").glob(pattern))
        for path in paths:
            try:
                jsonschema.validate(json.loads(path.read_text()), schema)
            except jsonschema.ValidationError as err:
                raise AssertionError(
                    f"{path} does not match {name}: {err.message} at {list(err.absolute_path)}"
                ) from None
        counts[name] = len(paths)
    return counts
