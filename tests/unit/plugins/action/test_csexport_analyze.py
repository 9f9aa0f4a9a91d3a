"""The csexport_analyze action plugin, driven as Ansible runs it."""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

from ec_harness import run_controller_action

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugin_utils" / "csexport"))
from csexport_fixtures import write

from ansible_collections.hybrid_identity.entra_connect.plugins.action.csexport_analyze import (
    ActionModule,
)


def test_report_files_and_gate_failure(tmp_path):
    xml = tmp_path / "aad.xml"
    counts = write(xml, 16)
    dest = tmp_path / "report"
    result = run_controller_action(ActionModule, {"path": [str(xml)], "gates": {"max_deletes": 0}, "dest": str(dest)})
    deletes = counts["delete"] + counts["delete-add"]
    assert result["failed"] is True
    assert result["msg"].startswith(f"Gate max_deletes failed for connector 'aad': {deletes} > limit 0")
    assert result["changed"] is False
    assert sorted(p.name for p in dest.iterdir()) == [
        "pending-exports.csv",
        "pending-objects.csv",
        "report.md",
        "summary.json",
    ]
    assert json.loads((dest / "summary.json").read_text())["summary"]["objects"] == 16
    with open(dest / "pending-objects.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 16
    assert rows[0]["userPrincipalName"] == "user0@contoso.com"
    assert rows[0]["sourceAnchor"] == "anchor00000000"
    with open(dest / "pending-exports.csv", encoding="utf-8-sig") as handle:
        changes = list(csv.DictReader(handle))
    proxy = next(r for r in changes if r["attribute"] == "proxyAddresses")
    assert (proxy["values_added"], proxy["values_removed"], proxy["added"]) == ("1", "1", "smtp:new0@contoso.com")


def test_truncated_file_writes_nothing_and_keeps_an_earlier_report(tmp_path):
    dest = tmp_path / "report"
    dest.mkdir()
    (dest / "summary.json").write_text('{"earlier": true}')
    xml = tmp_path / "aad.xml"
    write(xml, 10)
    xml.write_text(xml.read_text()[:-400])
    result = run_controller_action(ActionModule, {"path": [str(xml)], "dest": str(dest)})
    assert result["failed"] is True
    assert "not a complete csexport XML file at line" in result["msg"]
    assert sorted(p.name for p in dest.iterdir()) == ["summary.json"]
    assert (dest / "summary.json").read_text() == '{"earlier": true}'


def test_fail_on_gate_false_reports_without_failing(tmp_path):
    xml = tmp_path / "aad.xml"
    write(xml, 8)
    result = run_controller_action(ActionModule, {"path": [str(xml)], "gates": {"max_total": 1}, "fail_on_gate": False})
    assert result.get("failed") is not True
    assert result["gate"]["passed"] is False


def test_temp_files_of_a_killed_run_are_removed_by_the_next_one(tmp_path):
    xml = tmp_path / "aad.xml"
    write(xml, 4)
    dest = tmp_path / "report"
    dest.mkdir()
    stale = [dest / ".pending-exports.csv.k1ll3d_x", dest / ".summary.json.abcdefgh"]
    fresh = dest / ".pending-objects.csv.running1"
    not_ours = dest / ".pending-exports.csv.keep"
    for path in (*stale, fresh, not_ours):
        path.write_text("partial")
    for path in (*stale, not_ours):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    result = run_controller_action(ActionModule, {"path": [str(xml)], "dest": str(dest), "fail_on_gate": False})
    assert result["removed_stale_files"] == sorted(str(p) for p in stale)
    assert not any(p.exists() for p in stale)
    # housekeeping stays in the result: summary.json holds the analysis its schema describes
    assert "removed_stale_files" not in json.loads((dest / "summary.json").read_text())
    assert fresh.exists() and not_ours.exists()


def test_ignore_lists_must_be_lists_of_names(tmp_path):
    xml = tmp_path / "aad.xml"
    write(xml, 2)
    result = run_controller_action(ActionModule, {"path": [str(xml)], "gates": {"ignore_attributes": "employeeType"}})
    assert result["failed"] is True
    assert result["msg"] == (
        "Invalid value given for 'gates': 'gates.ignore_attributes': 'employeeType'; "
        "use a list of names, for example [employeeType]"
    )


def test_a_missing_file_without_dest_is_a_clear_error(tmp_path):
    result = run_controller_action(ActionModule, {"path": [str(tmp_path / "missing.xml")]})
    assert result["failed"] is True
    assert result["msg"] == f"{tmp_path / 'missing.xml'}: the csexport file cannot be read: No such file or directory"
    assert "exception" not in result
