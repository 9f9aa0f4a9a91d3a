"""The lifecycle and the candidate's health gates on the lab, through the playbooks users run."""

from __future__ import annotations

import json

import yaml
from lab_runs import make_inventory, reset, run_playbook, validate_summaries

PAIR = {"aadc01": "active", "aadc02": "staging"}


def lab_pair(tmp_path, declared=None, **aadc02):
    """The lab's pair (declared roles PAIR unless given) with aadc02's lab settings changed."""
    inventory = make_inventory(tmp_path, declared=PAIR if declared is None else declared)
    path = inventory / "host_vars" / "aadc02.yml"
    data = yaml.safe_load(path.read_text())
    data["entra_connect_lab_server"].update(aadc02)
    path.write_text(yaml.safe_dump(data))
    assert reset(inventory).rc == 0
    return inventory


def verdict_of(inventory, host):
    return json.loads(next((inventory / ".reports").glob(f"*/verify/{host}/summary.json")).read_text())


def test_verify_blocks_a_staging_server_below_the_floor_naming_it(tmp_path):
    inventory = lab_pair(tmp_path, version="2.5.3.0")
    result = run_playbook(inventory, "verify")
    assert result.rc != 0
    assert "aadc02: 2.5.3.0 is below the minimum version 2.5.79.0: synchronization fails since 2026-09-30" in (
        result.output
    )
    summary = verdict_of(inventory, "aadc02")
    assert summary["verdict"] == "blocked"
    assert (summary["support"]["status"], summary["support"]["ends_on"]) == ("below_floor", "2026-09-30")
    assert {g["gate"]: g["passed"] for g in summary["health_gates"]}["version"] is False
    run = json.loads(next((inventory / ".reports").glob("*/summary.json")).read_text())
    support = {s["host"]: s["support"]["status"] for s in run["servers"]}
    assert support["aadc02"] == "below_floor" and support["aadc01"] in ("supported", "retired")
    assert "UNSUPPORTED: synchronization fails" in next((inventory / ".reports").glob("*/report.md")).read_text()
    assert all(validate_summaries(inventory).values())


def test_switch_roles_refuses_to_promote_a_server_below_the_floor_before_any_change(tmp_path):
    inventory = lab_pair(tmp_path, declared={"aadc01": "staging", "aadc02": "active"}, version="2.5.3.0")
    result = run_playbook(inventory, "switch_roles")
    assert result.rc != 0
    assert "below the minimum version 2.5.79.0" in result.output
    assert result.active() == {"aadc01"}
    writes = [line for line in result.journal() if not line["helper"].startswith("lab:create")]
    assert not [line for line in writes if "staging_mode_enabled" in line["changes"]]


def test_verify_blocks_a_candidate_whose_entra_import_failed_and_says_what_to_do(tmp_path):
    inventory = lab_pair(tmp_path, sync_age_hours=30, failing_imports=["entra"])
    result = run_playbook(inventory, "verify")
    assert result.rc != 0
    summary = verdict_of(inventory, "aadc02")
    (reason,) = [r for r in summary["reasons"] if "Microsoft Entra connector" in r]
    assert reason.startswith(
        "aadc02's newest successful import on the Microsoft Entra connector 'contoso.onmicrosoft.com - AAD' is 30."
    )
    assert "its newest import, Delta Import, ended 'stopped-extension-dll-exception'" in reason
    assert "run an import and sync" in reason
    assert summary["sync_age_hours"] > 24
    fresh = lab_pair(tmp_path / "fresh")
    assert run_playbook(fresh, "verify").rc == 0


def test_a_refused_upgrade_version_changes_nothing(tmp_path):
    inventory = lab_pair(tmp_path)
    result = run_playbook(inventory, "upgrade", extra={"upgrade_version": "2.6.79.0", "upgrade_installer_src": "x.msi"})
    assert result.rc != 0
    assert "2.6.79.0 is a withdrawn build" in result.output and "Nothing was changed." in result.output
    assert [line for line in result.journal() if not line["helper"].startswith("lab:create")] == []
