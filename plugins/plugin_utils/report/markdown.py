# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run report in Markdown, for job output, tickets and merge requests. For internal collection use only."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.files import (
    Markup,
    markdown_table,
    md_text,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.view import (
    SAMPLE_HEADER,
    SERVER_HEADER,
    TITLES,
    connectors_text,
    gate_rows,
    headline,
    ignored_text,
    lab_stamp,
    now_lines,
    plan_text,
    sample_rows,
    server_rows,
    support_notes,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._drift import rule_drift


def _plan(summary: dict[str, Any]) -> list[str]:
    sentence, steps = plan_text(summary["plan"])
    lines = ["", "## Plan", "", sentence]
    if steps:
        lines += [""] + [f"{number}. {step}" for number, step in enumerate(steps, 1)]
    if summary["events"]:
        rows = [[e["at"], e["status"].replace("_", " "), e["message"]] for e in summary["events"]]
        lines += markdown_table(["time (UTC)", "status", "detail"], rows, "What was done")
    return lines


def _verification(entry: dict[str, Any], links_from: str = "") -> list[str]:
    lines = [
        "",
        f"## Verification of {entry['host']}: {entry['verdict'].upper()}",
        "",
        f"Compared with the active server {entry.get('reference') or 'none'}.",
    ]
    if entry["reasons"]:
        lines += [""] + [f"- {md_text(r)}" for r in entry["reasons"]]
    rows = [
        [r["gate"], r["limit"], r["actual"], "pass" if r["passed"] else Markup("**FAIL**")] for r in gate_rows(entry)
    ]
    lines += markdown_table(["gate", "limit", "actual", "result"], rows, "Gates")
    lines += ["", connectors_text(entry), "", ignored_text(entry)]
    config = entry["config"]
    if config is None:
        lines += ["", "Configuration: not compared."]
    else:
        real = [d for d in config["differences"] if d.get("severity") != "info"]
        drift = len(config["differences"]) - len(real)
        rows = [[d["category"], d["severity"], d["object"], d["field"], d["reference"], d["candidate"]] for d in real]
        title = f"Configuration differences ({drift} expected drift of version or role not listed)"
        if rows:
            header = ["category", "severity", "object", "field", "active server", "this server"]
            lines += markdown_table(header, rows, title)
        else:
            lines += ["", f"## {title}", "", "No configuration difference needs attention."]
        # The fix column is the collection's own words (Markdown as written); the rest is server text.
        drift_rows = [
            [r["rule"], r["field"], r["active_server"], r["this_server"], Markup(r["fix"])]
            for r in rule_drift(config["differences"])
        ]
        if drift_rows:
            header = ["rule", "field", "active server", "this server", "fixed by sync_rules?"]
            lines += markdown_table(header, drift_rows, "Sync rule drift")
    pending = entry["pending"]
    if pending is None:
        lines += ["", "Pending exports: not read."]
    else:
        lines += markdown_table(["operation", "objects"], list(pending["operations"].items()), "Pending exports")
        if pending["object_types"]:
            lines += markdown_table(
                ["object type", "objects"], sorted(pending["object_types"].items()), "Pending exports per object type"
            )
        if pending["top_attributes"]:
            rows = [[a["attribute"], a["objects"]] for a in pending["top_attributes"]]
            lines += markdown_table(["attribute", "objects"], rows, "Most-changed attributes")
        samples = sample_rows(pending)
        if samples:
            lines += markdown_table(SAMPLE_HEADER, samples, "Sample objects")
    if entry["files"]:
        links = [(f.rsplit("/", 1)[-1], f.removeprefix(links_from)) for f in entry["files"]]
        lines += ["", "Files: " + ", ".join(f"[{name}]({target})" for name, target in links)]
    return lines


def verification_page(entry: dict[str, Any], run_id: str) -> str:
    """One server's verification on its own page (``verify/<host>/report.md``): the same section as the run report."""
    lines = [f"# {entry['verdict'].upper()}: {entry['host']}", "", f"Run `{run_id}`."]
    lines += _verification(entry, links_from=f"verify/{entry['host']}/")
    return "\n".join([*lines, ""])


def render(summary: dict[str, Any]) -> str:
    banner, detail = headline(summary)
    lines = [
        f"# Entra Connect {TITLES[summary['kind']]} {summary['run_id']}",
        "",
    ]
    if lab_stamp(summary):
        lines += [f"> **{lab_stamp(summary)}**", ""]
    lines += [f"{line}  " for line in now_lines(summary)]
    lines += ["", f"**{banner}** — {detail}"] if now_lines(summary) else [f"**{banner}** — {detail}"]
    if summary["reasons"]:
        lines += [""] + [f"- {md_text(r)}" for r in summary["reasons"]]
    lines += markdown_table(SERVER_HEADER, server_rows(summary), "Servers")
    notes = support_notes(summary)
    if notes:
        lines += ["", "Support:", ""] + [f"- {n}" for n in notes]
    lines += _plan(summary)
    for entry in summary["verifications"]:
        lines += _verification(entry)
    lines += ["", f"Generated {summary['generated_at']}; also `summary.json` (for pipelines) and `report.html`.", ""]
    return "\n".join(lines)
