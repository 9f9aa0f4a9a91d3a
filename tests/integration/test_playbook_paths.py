"""The playbooks' other paths, on the lab: the gates stopping a bad promotion, the rolling upgrade,
a swing migration that waits for the operator, max_total on the verify and the switch path.

They prove the collection's decisions rather than an ansible-core version: make test runs this file
on one leg (tools/legs.py, ONE_LEG); test_playbooks.py runs on every leg.
"""

from __future__ import annotations

import json

import pytest
from lab_runs import make_inventory, never_two_active, reset, run_playbook, validate_summaries


def test_the_bad_promotion_is_stopped_by_the_gates(tmp_path):
    inventory = make_inventory(tmp_path, source="lab-bad-promotion")
    assert reset(inventory).rc == 0
    result = run_playbook(inventory, "switch_roles")
    assert result.rc != 0
    # the OU the candidate leaves out of scope explains its pending deletes: said first, and once
    fatal = [line for line in result.output.splitlines() if line.startswith("fatal: ")]
    blocked = [line for line in fatal if "aadc02 is blocked: the 17 pending delete(s)" in line]
    assert len(blocked) == 1, result.output[-3000:]
    assert "come from the candidate's narrower scope (contoso.com / partition DC=contoso,DC=com" in blocked[0]
    assert "configuration: 1 configuration difference(s) of category connector.partitions" in blocked[0]
    assert blocked[0].count("Report: ") == 1
    assert result.active() == {"aadc01"}
    report = next((inventory / ".reports").glob("*/verify/aadc02/report.md")).read_text()
    assert report.startswith("# BLOCKED: aadc02")
    summary = json.loads(next((inventory / ".reports").glob("*/verify/aadc02/summary.json")).read_text())
    assert summary["verdict"] == "blocked" and summary["pending_operations"]["delete"] > 0
    assert all(validate_summaries(inventory).values())
    run = json.loads(next((inventory / ".reports").glob("*/summary.json")).read_text())
    assert run["verdict"] == "blocked" and run["kind"] == "switch"
    assert [e["status"] for e in run["events"]] == ["planned", "verified", "failed"]
    report = next((inventory / ".reports").glob("*/report.md")).read_text()
    assert report.startswith("# Entra Connect role switch ") and "**BLOCKED** — aadc02 must not be promoted." in report


def test_rolling_upgrade_keeps_one_active_server_and_a_rerun_changes_nothing(tmp_path):
    inventory = make_inventory(tmp_path, declared={"aadc01": "active", "aadc02": "staging"})
    assert reset(inventory).rc == 0
    installer = inventory.parent / "installers" / "AzureADConnect-2.6.92.0.msi"
    extra = {"upgrade_version": "2.6.92.0", "upgrade_installer_src": str(installer)}
    first = run_playbook(inventory, "upgrade", extra=extra)
    assert first.rc == 0, first.output[-3000:]
    servers = first.state()["servers"]
    assert {h: s["engine_version"] for h, s in servers.items()} == {"aadc01": "2.6.92.0", "aadc02": "2.6.92.0"}
    assert first.active() == {"aadc01"}
    assert never_two_active(first) == []
    again = run_playbook(inventory, "upgrade", extra=extra)
    assert again.rc == 0, again.output[-3000:]
    assert again.changed_count() == 0, again.output[-3000:]


def test_a_swing_migration_waiting_for_the_operator_says_so_in_its_report_and_resumes(lab):
    first = run_playbook(lab, "swing_migration", extra={"entra_connect_wait_for_operator": False})
    assert first.rc == 0, first.output[-3000:]
    assert first.active() == {"aadc01"}
    assert validate_summaries(lab)["run-summary.schema.json"] == 1
    run = json.loads(next((lab / ".reports").glob("*/summary.json")).read_text())
    assert (run["kind"], run["verdict"], run["outcome"]["status"]) == (
        "swing_migration",
        "not_verified",
        "awaiting_operator",
    )
    assert run["outcome"]["message"].startswith("aadc03 waits for the operator's wizard step")
    assert {s["host"]: s["actual_role"] for s in run["servers"]}["aadc03"] == "not_configured"
    report = next((lab / ".reports").glob("*/report.md")).read_text()
    assert "**NOT VERIFIED** — Waiting for the operator. aadc03 waits" in report
    again = run_playbook(lab, "swing_migration")
    assert again.rc == 0, again.output[-3000:]
    assert again.active() == {"aadc03"}


# The new server's pending employeeType updates (lab: 2.6.1.0 adds the flow) with every limit raised
# but max_total: only max_total can block them, on the verify path and on the switch path.
TOTAL_ONLY = {"max_deletes": 100000, "max_adds": 100000, "max_updates": 100000, "max_total": 5}


@pytest.mark.parametrize("playbook", ["add_staging_server", "swing_migration"])
def test_max_total_blocks_on_the_verify_and_the_switch_path(lab, playbook):
    result = run_playbook(lab, playbook, extra={"entra_connect_gates": TOTAL_ONLY})
    assert result.rc != 0, result.output[-3000:]
    assert "aadc03 is blocked: pending exports: Gate max_total failed" in result.output
    assert result.active() == {"aadc01"}
    summary = json.loads(next((lab / ".reports").glob("*/verify/aadc03/summary.json")).read_text())
    assert summary["gates"]["max_total"] == 5 and summary["verdict"] == "blocked"
