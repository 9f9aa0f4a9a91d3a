"""The repository as an AWX project, run by ansible-runner (the engine AWX runs jobs with).

From a git clone of the committed tree (no `make venv`, no collections path in the environment),
every shipped job template (docs/awx/job_templates.yml) runs its playbook with its survey's
answers (docs/awx/surveys/, as AWX sends them: choices are strings) and its extra_vars on a lab
inventory. The exit code, the lab state and the artifacts of the playbook_on_stats event are
checked, and every artifact docs/awx/README.md documents is published by one of the runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from lab_runs import BIN, ROOT, SMALL, Run

ansible_runner = pytest.importorskip("ansible_runner", reason="ansible-runner is in requirements-test.txt")

AWX = ROOT / "docs" / "awx"
TEMPLATES = {t["playbook"]: t for t in yaml.safe_load((AWX / "job_templates.yml").read_text())["job_templates"]}
#: The lab inventory each template runs on: the servers that exist (declared roles), or the lab as
#: shipped (aadc03 to build) for the build playbooks.
DECLARED = {
    "playbooks/verify.yml": {"aadc01": "active", "aadc02": "staging"},
    "playbooks/backup.yml": {"aadc01": "active", "aadc02": "staging"},
    "playbooks/switch_roles.yml": {"aadc01": "staging", "aadc02": "active"},
    "playbooks/upgrade.yml": {"aadc01": "active", "aadc02": "staging"},
    "playbooks/swing_migration.yml": None,
    "playbooks/add_staging_server.yml": None,
    "playbooks/sync_rules.yml": {"aadc01": "active", "aadc02": "staging"},
    "playbooks/lab_reset.yml": None,
}


def survey_answers(template: dict) -> dict:
    """The answers AWX sends for a survey left at its defaults (multiple choice as strings)."""
    if not template.get("survey_enabled"):
        return {}
    spec = json.loads((AWX / template["survey_spec"]).read_text())["spec"]
    return {question["variable"]: question["default"] for question in spec}


def documented_artifacts() -> set[str]:
    text = (AWX / "README.md").read_text().split("## Artifacts", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(entra_connect_\w+)`", text, re.M))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A clean clone of the committed tree, as AWX checks out an SCM project."""
    clone = tmp_path_factory.mktemp("awx") / "project"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "checkout", "-q", head.stdout.strip()], cwd=clone, check=True)
    assert not (clone / ".collections").exists() and not (clone / "collections" / "requirements.yml").exists()
    return clone


@pytest.fixture
def clean_environment(monkeypatch):
    """No collections path or config from the developer's environment (make exports ANSIBLE_CONFIG)."""
    for name in ("ANSIBLE_CONFIG", "ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS", "PYTHONPATH"):
        monkeypatch.delenv(name, raising=False)


def lab_inventory(tmp: Path, project: Path, playbook: str) -> Path:
    inventory = tmp / "inventories" / "lab"
    shutil.copytree(project / "inventories" / "lab", inventory)
    shutil.copytree(project / "inventories" / "installers", tmp / "inventories" / "installers")
    declared = DECLARED[playbook]
    if declared is not None:
        hosts = {h: {"entra_connect_role": r} for h, r in declared.items()}
        (inventory / "hosts.yml").write_text(yaml.safe_dump({"entra_connect": {"hosts": hosts}}))
    return inventory


def run_template(tmp: Path, project: Path, inventory: Path, playbook: str) -> tuple[int, dict, str]:
    """Run one job template as AWX would: its playbook, extra_vars and survey answers."""
    template = TEMPLATES[playbook]
    extravars = {**SMALL, **(template.get("extra_vars") or {}), **survey_answers(template)}
    data = tmp / f"runner-{len(list(tmp.glob('runner-*')))}"
    data.mkdir()
    result = ansible_runner.run(
        private_data_dir=str(data),
        project_dir=str(project),
        playbook=playbook,
        inventory=str(inventory),
        extravars=extravars,
        envvars={"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "ANSIBLE_NOCOLOR": "1"},
        quiet=True,
    )
    stats = [e for e in result.events if e.get("event") == "playbook_on_stats"]
    artifacts = (stats[-1]["event_data"].get("artifact_data") or {}) if stats else {}
    return result.rc, artifacts, result.stdout.read()


def test_the_shipped_job_templates_cover_every_playbook_and_exist():
    playbooks = {f"playbooks/{p.name}" for p in (ROOT / "playbooks").glob("*.yml")}
    assert set(TEMPLATES) == playbooks
    for template in TEMPLATES.values():
        if template.get("survey_enabled"):
            assert (AWX / template["survey_spec"]).is_file(), template["survey_spec"]


def test_every_job_template_runs_from_a_clone_with_its_survey_and_publishes_the_documented_artifacts(
    tmp_path, project, clean_environment
):
    published: set[str] = set()
    for playbook in DECLARED:
        if playbook == "playbooks/lab_reset.yml":
            continue
        tmp = tmp_path / Path(playbook).stem
        tmp.mkdir()
        inventory = lab_inventory(tmp, project, playbook)
        rc, reset_artifacts, output = run_template(tmp, project, inventory, "playbooks/lab_reset.yml")
        assert rc == 0, (reset_artifacts, output[-3000:])
        rc, artifacts, output = run_template(tmp, project, inventory, playbook)
        assert rc == 0, f"{playbook}:\n{output[-3000:]}"
        run = Run(rc, output, inventory)
        published |= set(artifacts)
        if playbook == "playbooks/verify.yml":
            assert set(artifacts["entra_connect_verdicts"]) == {"aadc02"}
            assert artifacts["verify_verdicts"] == artifacts["entra_connect_verdicts"]  # deprecated name
            assert artifacts["entra_connect_report"]["verdict"] == "ready"
        elif playbook == "playbooks/switch_roles.yml":
            assert run.active() == {"aadc02"}
            assert artifacts["entra_connect_switch_result"] == {"active": "aadc02", "former": "aadc01"}
        elif playbook == "playbooks/swing_migration.yml":
            # entra_connect_wait_for_operator=false (the template): the job ends for the wizard step,
            # then the workflow's resume node runs the same template again.
            assert artifacts["entra_connect_state"] == {"aadc03": "awaiting_operator"}
            rc, artifacts, output = run_template(tmp, project, inventory, playbook)
            assert rc == 0, f"{playbook} (resume):\n{output[-3000:]}"
            published |= set(artifacts)
            assert run.active() == {"aadc03"}
            assert artifacts["entra_connect_report"]["verdict"] == "done"
        elif playbook == "playbooks/add_staging_server.yml":
            # The template waits in the job for the (emulated) operator's wizard step.
            assert artifacts["entra_connect_state"] == {"aadc03": "configured"}
            assert "aadc03" in artifacts["entra_connect_operator_tasks"]
        elif playbook == "playbooks/sync_rules.yml":
            # the lab's staging server has the active server's rules: nothing to converge
            assert run.changed_count() == 0, output[-3000:]
        elif playbook == "playbooks/upgrade.yml":
            servers = run.state()["servers"]
            assert {h: s["engine_version"] for h, s in servers.items()} == {"aadc01": "2.6.92.0", "aadc02": "2.6.92.0"}
            assert run.active() == {"aadc01"}
    assert documented_artifacts() - published == set()
