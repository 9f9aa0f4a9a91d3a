"""The run report: state kept between calls, the summary and its schema, the HTML page and the Markdown."""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from lxml import html as lxml_html

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report import html, markdown
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.run import (
    collect,
    record,
    server_row,
    write_run_report,
)

ROOT = Path(__file__).resolve().parents[5]
DATA = ROOT / "tests" / "data" / "run-report" / "bad-promotion"
PLAN = ROOT / "tests" / "data" / "run-report" / "bad-promotion-plan.json"
SCHEMA = json.loads((ROOT / "docs" / "schemas" / "run-summary.schema.json").read_text())
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def info(staging, version="2.6.92.0", runs=None, installed=True, configured=True):
    return {
        "installed": installed,
        "configured": configured,
        "staging_mode_enabled": staging,
        "product_version": version,
        "runs": runs or [],
    }


RUN = {"result": "success", "ended_at": "2026-11-24T07:00:00.000Z"}


@pytest.fixture
def bad_run(tmp_path):
    """The bad promotion's run folder, with the plan its switch recorded in the run state."""
    run_dir = tmp_path / "20261124T072326Z"
    shutil.copytree(DATA, run_dir)
    plan = json.loads(PLAN.read_text())
    (run_dir / "run.json").write_text(json.dumps({"schema_version": 1, "kind": "switch", "plan": plan}))
    return run_dir


@pytest.fixture
def failed_switch(bad_run):
    """The summary of the bad promotion's run after its switch failed."""
    event = {"status": "failed", "message": "stopped"}
    return write_run_report(str(bad_run), "switch", {"aadc02": info(True)}, {"aadc02": "active"}, event, NOW)["summary"]


def test_server_rows_follow_servers_by_role():
    row = server_row(
        "a", "active", info(False, runs=[RUN, {"result": "stopped-server", "ended_at": "2026-11-24T07:30:00Z"}])
    )
    assert (row.pop("support") or {}).get("status") == "supported"
    assert row == {
        "host": "a",
        "declared_role": "active",
        "actual_role": "active",
        "version": "2.6.92.0",
        "staging_mode": False,
        "last_successful_sync": "2026-11-24T07:00:00Z",
        "entra_credential_type": None,
    }
    assert server_row("b", None, info(None))["actual_role"] == "staging"
    assert server_row("c", "staging", info(None, installed=False, configured=False))["actual_role"] == "not_installed"
    assert server_row("d", "staging", info(None, configured=False))["actual_role"] == "not_configured"
    assert server_row("e", "staging", {"failed": True, "msg": "unreachable"})["actual_role"] == "unknown"
    assert server_row("f", "staging", None)["actual_role"] == "unknown"
    stopped = info(None, configured=None)
    assert server_row("g", "staging", stopped)["actual_role"] == "service_stopped"
    assert (
        server_row("h", "staging", {**info(None), "entra_credential_type": "ServiceAccount"})["entra_credential_type"]
        == "ServiceAccount"
    )


def test_state_merges_calls_keeps_the_widest_kind_and_the_newest_sync(tmp_path):
    run_dir = tmp_path / "run1"
    write_run_report(
        str(run_dir), "verify", {"a": info(False, runs=[RUN])}, {"a": "active"}, {"status": "verified"}, NOW
    )
    write_run_report(str(run_dir), "swing_migration", {"a": info(True)}, {}, {"status": "planned"}, NOW)
    state = record(str(run_dir), "switch", now=NOW)
    assert state["kind"] == "swing_migration"
    assert state["servers"]["a"]["actual_role"] == "staging"
    assert state["servers"]["a"]["declared_role"] == "active"
    assert state["servers"]["a"]["last_successful_sync"] == "2026-11-24T07:00:00Z"
    assert [e["status"] for e in state["events"]] == ["verified", "planned"]


def test_bad_promotion_summary_is_blocked_and_valid(bad_run):
    result = write_run_report(
        str(bad_run),
        "switch",
        {"aadc01": info(False, runs=[RUN]), "aadc02": info(True)},
        {"aadc01": "staging", "aadc02": "active"},
        {"status": "failed", "message": "stopped"},
        NOW,
    )
    summary = result["summary"]
    jsonschema.validate(summary, SCHEMA)
    assert summary["verdict"] == "blocked"
    assert summary["reasons"][0].startswith("aadc02: configuration: 1 configuration difference(s)")
    entry = summary["verifications"][0]
    assert entry["pending"]["operations"]["delete"] == 235
    assert entry["pending"]["top_attributes"] == [{"attribute": "members", "objects": 192}]
    assert entry["files"] == [
        "verify/aadc02/config/differences.csv",
        "verify/aadc02/csexport/pending-exports.csv",
        "verify/aadc02/csexport/pending-objects.csv",
    ]
    assert sorted(p.name for p in bad_run.iterdir() if p.is_file()) == [
        "report.html",
        "report.md",
        "run.json",
        "summary.json",
    ]
    assert json.loads((bad_run / "summary.json").read_text()) == summary


@pytest.mark.parametrize(
    ("events", "verdict"),
    [
        ([], "not_verified"),
        ([{"status": "planned"}], "not_verified"),
        ([{"status": "planned"}, {"status": "awaiting_operator", "message": "aadc03 waits"}], "not_verified"),
        ([{"status": "refused", "message": "aadc03 is not installed"}], "failed"),
        ([{"status": "nothing_to_do"}], "no_change"),
        ([{"status": "planned"}, {"status": "done"}], "done"),
    ],
)
def test_verdict_without_verifications(tmp_path, events, verdict):
    run_dir = tmp_path / "run"
    for event in events:
        write_run_report(str(run_dir), "switch", event=event, now=NOW)
    summary = write_run_report(str(run_dir), "switch", now=NOW)["summary"]
    jsonschema.validate(summary, SCHEMA)
    assert summary["verdict"] == verdict
    if verdict == "failed":
        assert summary["reasons"] == ["aadc03 is not installed"]


def test_a_ready_verification_then_a_failed_step_is_failed(bad_run):
    path = bad_run / "verify" / "aadc02" / "summary.json"
    ready = json.loads(path.read_text()) | {"verdict": "ready", "reasons": []}
    path.write_text(json.dumps(ready))
    assert write_run_report(str(bad_run), "switch", now=NOW)["summary"]["verdict"] == "ready"
    summary = write_run_report(
        str(bad_run), "switch", event={"status": "failed", "message": "promotion failed"}, now=NOW
    )["summary"]
    assert (summary["verdict"], summary["reasons"]) == ("failed", ["promotion failed"])


@pytest.mark.parametrize("name", ["run.json", "verify/aadc02/summary.json"])
def test_a_damaged_file_names_itself_and_nothing_is_written(bad_run, name):
    (bad_run / "summary.json").write_text("previous")
    (bad_run / name).write_text("{not json")
    with pytest.raises(InputError, match=rf"{re.escape(name)}: not valid JSON"):
        write_run_report(str(bad_run), "switch", event={"status": "planned"}, now=NOW)
    assert (bad_run / "summary.json").read_text() == "previous"
    assert not (bad_run / "report.html").exists()


def test_a_foreign_run_state_is_refused(tmp_path):
    (tmp_path / "run.json").write_text(json.dumps({"schema_version": 99}))
    with pytest.raises(InputError, match=r"run\.json: not a run state of this collection"):
        record(str(tmp_path), "verify")


def page(summary):
    return lxml_html.fromstring(html.render(summary).encode())


def test_html_is_self_contained_and_draws_the_charts(failed_switch):
    summary = failed_switch
    tree = page(summary)
    assert tree.xpath("//script") == [] and tree.xpath("//link") == [] and tree.xpath("//img") == []
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'"]
    assert [h for h in tree.xpath("//@href") if "://" in h or h.startswith("//")] == []
    assert tree.xpath("string(//*[@id='verdict']/strong)") == "BLOCKED"
    charts = tree.xpath("//*[local-name()='svg']")
    assert [c.get("aria-label") for c in charts] == [
        "Pending exports per operation",
        "Pending exports per object type",
        "Most-changed attributes (objects)",
    ]
    bars = {
        r.xpath("string(*[local-name()='title'])"): int(r.get("width"))
        for r in charts[0].xpath("*[local-name()='rect'][not(@class)]")
    }
    # The longest bar is the largest count; the others are in proportion.
    assert bars == {"add: 0": 0, "delete: 235": 300, "delete-add: 0": 0, "replace: 0": 0, "update: 192": 245}
    folded = tree.xpath("//details/summary/text()")
    assert folded == ["Expected drift: 1 difference(s) of version or role"]
    assert tree.xpath("string(//h4)") == "connector.partitions"
    assert "DC=contoso,DC=com; OU=Sales,OU=CORP,DC=contoso,DC=com" in tree.text_content()


def test_each_server_shows_its_support_status_and_the_date_it_ends(tmp_path):
    servers = {"aadc01": info(False, "2.5.190.0"), "aadc02": info(True, "2.5.3.0"), "aadc03": info(True)}
    summary = write_run_report(str(tmp_path / "run"), "verify", servers, now=datetime(2026, 12, 1, tzinfo=UTC))[
        "summary"
    ]
    jsonschema.validate(summary, SCHEMA)
    support = {s["host"]: (s["support"]["status"], s["support"]["ends_on"]) for s in summary["servers"]}
    assert support == {
        "aadc01": ("supported", "2027-02-02"),
        "aadc02": ("below_floor", "2026-09-30"),
        "aadc03": ("supported", None),
    }
    text = markdown.render(summary)
    secondary = "dates from secondary sources"
    assert f"| aadc01 | none | active | 2.5.190.0 | supported (63 days left); {secondary} | 2027-02-02 |" in text
    unsupported = "UNSUPPORTED: synchronization fails"
    assert f"| aadc02 | none | staging | 2.5.3.0 | {unsupported}; {secondary} | 2026-09-30 |" in text
    assert "- aadc02: 2.5.3.0 is below the minimum version 2.5.79.0: synchronization fails since 2026-09-30" in text
    html_text = page(summary).text_content()
    assert "UNSUPPORTED: synchronization fails" in html_text and "2027-02-02" in html_text
    table = write_run_report(
        str(tmp_path / "run2"),
        "verify",
        {"aadc01": info(False, "2.5.190.0")},
        now=datetime(2026, 12, 1, tzinfo=UTC),
        versions=[{"version": "2.5.190.0", "withdrawn": True}],
    )["summary"]
    assert table["servers"][0]["support"]["status"] == "withdrawn"


def test_a_report_that_is_not_ready_starts_with_what_is_active_now_and_what_changed(tmp_path):
    run_dir = str(tmp_path / "run")
    write_run_report(run_dir, "switch", {"a": info(False), "b": info(True)}, {"a": "staging", "b": "active"}, None, NOW)
    event = {"status": "failed", "message": "Promote the candidate failed on b: timeout"}
    after = {"a": info(True), "b": {"failed": True, "unreachable": True, "msg": "timeout"}}
    summary = write_run_report(run_dir, "switch", after, None, event, NOW)["summary"]
    jsonschema.validate(summary, SCHEMA)
    assert summary["now"] == {
        "active": [],
        "unknown": ["b"],
        "changes": ["a: active -> staging", "b: staging -> unknown"],
    }
    text = markdown.render(summary)
    assert text.split("\n")[2:4] == [
        "Active now: no server (b did not answer: state unknown).  ",
        "Changed in this run: a: active -> staging; b: staging -> unknown.  ",
    ]
    assert {row["host"]: row["actual_role"] for row in summary["servers"]} == {"a": "staging", "b": "unknown"}


def test_html_escapes_what_servers_send(bad_run):
    summary = collect(str(bad_run), record(str(bad_run), "verify", now=NOW), NOW)
    summary["verifications"][0]["pending"]["samples"]["delete"][0]["dn"] = '<script>alert("x")</script>'
    summary["servers"] = [server_row("<b>x</b>", None, None)]
    text = html.render(summary)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert page(summary).xpath("//b") == []


def test_markdown_has_the_same_verdict_and_tables(failed_switch):
    summary = failed_switch
    text = markdown.render(summary)
    assert text.startswith(
        "# Entra Connect role switch 20261124T072326Z\n\n"
        "Active now: no server.  \nChanged in this run: no server changed its role.  \n\n"
        "**BLOCKED** — aadc02 must not be promoted. Failed."
    )
    assert (
        "| aadc02 | active | staging | 2.6.92.0 | supported; dates from secondary sources | no end date yet "
        "| yes | not read |" in text
    )
    assert "| pending delete and delete-add | 0 | 235 | **FAIL** |" in text
    assert "1. backup on all" in text and "6. confirm one active on aadc02" in text
    # Every table is preceded by a blank line, so no table runs into the one before it.
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("|") and not lines[number - 1].startswith("|"):
            assert lines[number - 1] == "", f"line {number}: {line}"


def test_report_temp_files_of_a_killed_run_are_removed_and_reported(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    stale = run_dir / ".report.html.q7x2ab9c"
    stale.write_text("<html>half")
    os.utime(stale, (1_700_000_000, 1_700_000_000))
    result = write_run_report(str(run_dir), "switch", event={"status": "nothing_to_do"}, now=NOW)
    assert result["removed_stale_files"] == [str(stale)]
    assert not stale.exists()
    assert write_run_report(str(run_dir), "switch", now=NOW)["removed_stale_files"] == []
