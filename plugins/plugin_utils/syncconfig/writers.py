# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report files of a configuration comparison. For internal collection use only."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.files import (
    markdown_header,
    markdown_table,
    to_csv,
    to_json,
    write_files,
)

CSV_HEADER = ["category", "severity", "object", "field", "reference", "candidate", "explanation"]


def render_markdown(result: dict[str, Any]) -> str:
    summary, gate = result["summary"], result["gate"]
    counts = f"{summary['difference_count']} difference(s), {summary['ignored_count']} ignored."
    lines = markdown_header("Configuration comparison", gate, counts)
    lines += markdown_table(
        ["", "reference", "candidate"],
        (
            [key, summary["reference"][key], summary["candidate"][key]]
            for key in ("source", "kind", "server", "version", "connector_count", "sync_rule_count")
        ),
    )
    if summary["not_compared"]:
        lines += ["", "Not compared (one input cannot carry it): " + ", ".join(summary["not_compared"]) + "."]
    if gate["violations"]:
        lines += markdown_table(
            ["rule", "limit", "actual", "message"],
            ([v["rule"], v["limit"], v["actual"], v["message"]] for v in gate["violations"]),
            "Gate violations",
        )
    if summary["categories"]:
        lines += markdown_table(["category", "count"], summary["categories"].items(), "Differences by category")
    significant = [d for d in result["differences"] if d["severity"] != "info"]
    drift = [d for d in result["differences"] if d["severity"] == "info"]
    for title, items in (("Differences", significant), ("Expected drift (info)", drift)):
        if items:
            lines += markdown_table(
                ["severity", "category", "object", "field", "reference", "candidate", "explanation"],
                ([d[k] for k in CSV_HEADER] for d in items),
                title,
            )
    for side in ("reference", "candidate"):
        findings = result["findings"][side]
        if findings:
            lines += markdown_table(
                ["severity", "finding", "object", "explanation"],
                ([f["severity"], f["category"], f["object"], f["explanation"]] for f in findings),
                f"Findings on the {side}",
            )
    return "\n".join(lines) + "\n"


def write_report(dest: str, result: dict[str, Any]) -> list[str]:
    rows = (
        [
            d["category"],
            d["severity"],
            d["object"],
            d["field"],
            d["reference"],
            d["candidate"],
            d["explanation"],
        ]
        for d in result["differences"]
    )
    files = {
        "summary.json": to_json(result),
        "report.md": render_markdown(result),
        "differences.csv": to_csv(CSV_HEADER, rows),
    }
    return write_files(dest, files)
