# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report files of a configuration comparison. For internal collection use only."""

from __future__ import annotations

import json
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.files import (
    markdown_header,
    to_csv,
    to_json,
    write_files,
)

CSV_HEADER = ["category", "severity", "object", "field", "reference", "candidate", "explanation"]


def _md(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= 120 else text[:117] + "..."


def render_markdown(result: dict[str, Any]) -> str:
    summary, gate = result["summary"], result["gate"]
    counts = f"{summary['difference_count']} difference(s), {summary['ignored_count']} ignored."
    lines = markdown_header("Configuration comparison", gate, counts)
    lines += [
        "| | reference | candidate |",
        "|---|---|---|",
    ]
    for key in ("source", "kind", "server", "version", "connector_count", "sync_rule_count"):
        lines.append(f"| {key} | {_md(summary['reference'][key])} | {_md(summary['candidate'][key])} |")
    if summary["not_compared"]:
        lines += ["", "Not compared (one input cannot carry it): " + ", ".join(summary["not_compared"]) + "."]
    if gate["violations"]:
        lines += ["", "## Gate violations", "", "| rule | limit | actual | message |", "|---|---|---|---|"]
        lines += [f"| {v['rule']} | {v['limit']} | {v['actual']} | {_md(v['message'])} |" for v in gate["violations"]]
    if summary["categories"]:
        lines += ["", "## Differences by category", "", "| category | count |", "|---|---|"]
        lines += [f"| {c} | {n} |" for c, n in summary["categories"].items()]
    significant = [d for d in result["differences"] if d["severity"] != "info"]
    drift = [d for d in result["differences"] if d["severity"] == "info"]
    for title, items in (("Differences", significant), ("Expected drift (info)", drift)):
        if not items:
            continue
        lines += [
            "",
            f"## {title}",
            "",
            "| severity | category | object | field | reference | candidate | explanation |",
        ]
        lines.append("|---|---|---|---|---|---|---|")
        for d in items:
            lines.append(
                f"| {d['severity']} | {d['category']} | {_md(d['object'])} | {_md(d['field'])} | "
                f"{_md(d['reference'])} | {_md(d['candidate'])} | {_md(d['explanation'])} |"
            )
    for side in ("reference", "candidate"):
        findings = result["findings"][side]
        if findings:
            lines += [
                "",
                f"## Findings on the {side}",
                "",
                "| severity | finding | object | explanation |",
                "|---|---|---|---|",
            ]
            lines += [
                f"| {f['severity']} | {f['category']} | {_md(f['object'])} | {_md(f['explanation'])} |"
                for f in findings
            ]
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
