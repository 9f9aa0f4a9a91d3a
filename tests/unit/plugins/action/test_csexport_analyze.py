"""The csexport_analyze action plugin, driven as Ansible runs it."""

from __future__ import annotations

import csv
import json
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
