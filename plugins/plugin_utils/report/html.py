# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run report as one self-contained HTML page. For internal collection use only.

Inline CSS and SVG only: no script, no font, image or style sheet from anywhere, and a
Content-Security-Policy that forbids fetching any, so the page reads the same offline, from a
ticket attachment or from AWX artifacts. Every value from a server is escaped.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report import charts
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

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;
padding:1.5rem;color:#1c1c1c;line-height:1.45}
h1{font-size:1.5rem;margin:0 0 .25rem}
.lab{background:#fff4ce;border:2px solid #8a6d00;padding:.4rem .6rem}
h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.meta{color:#555;margin:0 0 1rem}
.verdict{padding:1rem 1.25rem;border-radius:6px;border-left:8px solid;margin:1rem 0}
.verdict strong{font-size:1.6rem;letter-spacing:.05em}
.v-ready{background:#e8f5e9;border-color:#2e7d32}.v-blocked,.v-failed{background:#ffebee;border-color:#c62828}
.v-not_verified{background:#fff8e1;border-color:#f9a825}
.v-done{background:#e8f5e9;border-color:#2e7d32}.v-no_change{background:#f5f5f5;border-color:#9e9e9e}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem;max-width:100%}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.fail{color:#b71c1c;font-weight:600}.warn{color:#8a5a00;font-weight:600}.pass{color:#1b5e20}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}.charts figure{margin:0}
figcaption{font-weight:600;margin-bottom:.25rem}
svg.chart text{font-size:12px;fill:#222}svg.chart .track{fill:#eee}svg.chart .empty{fill:#777}
details{margin:.5rem 0}summary{cursor:pointer}code{font-size:.9em}
@media print{details{display:block}}
"""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_text(v) for v in value) or "(none)"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(_text(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def _servers(summary: dict[str, Any]) -> str:
    if not summary["servers"]:
        return "<p>No server was read in this run.</p>"
    notes = support_notes(summary)
    unsupported = any(s.get("support") and not s["support"]["supported"] for s in summary["servers"])
    support = f'<p class="{"fail" if unsupported else "warn"}">Support:</p>{_list(notes)}' if notes else ""
    return _table(SERVER_HEADER, server_rows(summary)) + support


def _plan(summary: dict[str, Any]) -> str:
    sentence, steps = plan_text(summary["plan"])
    refused = bool(summary["plan"] and summary["plan"].get("refusal"))
    parts = [f'<p class="fail">{escape(sentence)}</p>' if refused else f"<p>{escape(sentence)}</p>"]
    if steps:
        parts.append("<ol>" + "".join(f"<li>{escape(step)}</li>" for step in steps) + "</ol>")
    if summary["events"]:
        rows = [[e["at"], e["status"].replace("_", " "), e["message"]] for e in summary["events"]]
        parts.append("<h3>What was done</h3>" + _table(["time (UTC)", "status", "detail"], rows))
    return "".join(parts)


def _config(config: dict[str, Any] | None) -> str:
    if config is None:
        return "<p>Not compared (no single active server to compare with).</p>"
    versions = config["versions"]
    parts = [
        f"<p>Active server version {escape(str(versions['reference']))}, "
        f"this server {escape(str(versions['candidate']))}; "
        f"{config['ignored_count']} difference(s) ignored by the inventory.</p>"
    ]
    if config["not_compared"]:
        parts.append("<p>Not compared: " + escape(", ".join(map(str, config["not_compared"]))) + "</p>")
    real = [d for d in config["differences"] if d.get("severity") != "info"]
    drift = [d for d in config["differences"] if d.get("severity") == "info"]
    if not real:
        parts.append('<p class="pass">No configuration difference needs attention.</p>')
    for category in sorted({d["category"] for d in real}):
        rows = [
            [d["severity"], d["object"], d["field"], d["reference"], d["candidate"], d["explanation"]]
            for d in real
            if d["category"] == category
        ]
        parts.append(f"<h4>{escape(category)}</h4>")
        parts.append(_table(["severity", "object", "field", "active server", "this server", "why"], rows))
    if drift:
        rows = [[d["category"], d["object"], d["reference"], d["candidate"], d["explanation"]] for d in drift]
        parts.append(
            f"<details><summary>Expected drift: {len(drift)} difference(s) of version or role</summary>"
            + _table(["category", "object", "active server", "this server", "why"], rows)
            + "</details>"
        )
    return "".join(parts)


def _pending(pending: dict[str, Any] | None) -> str:
    if pending is None:
        return "<p>Pending exports were not read.</p>"
    operations = list(pending["operations"].items())
    object_types = sorted(pending["object_types"].items(), key=lambda item: (-item[1], item[0]))
    attributes = [(a["attribute"], a["objects"]) for a in pending["top_attributes"]]
    figures = [
        ("Pending exports per operation", operations, charts.OPERATION_COLOURS),
        ("Pending exports per object type", object_types, None),
        ("Most-changed attributes (objects)", attributes, None),
    ]
    parts = [
        f"<p>{pending['objects']} object(s) with a pending export; "
        f"{pending['ignored_objects']} ignored by the gates.</p>",
        '<div class="charts">',
    ]
    for title, bars, colours in figures:
        chart = charts.bar_chart(title, bars, colours)
        parts.append(f"<figure><figcaption>{escape(title)}</figcaption>{chart}</figure>")
    parts.append("</div>")
    if pending["warnings"]:
        parts.append(_list(pending["warnings"]))
    rows = sample_rows(pending)
    if rows:
        parts.append("<h4>Sample objects</h4>" + _table(SAMPLE_HEADER, rows))
    return "".join(parts)


def _verification(entry: dict[str, Any]) -> str:
    host = escape(entry["host"])
    parts = [
        f'<section id="verify-{host}"><h2>Verification of {host}</h2>',
        f'<div class="verdict v-{escape(entry["verdict"])}"><strong>{escape(entry["verdict"].upper())}</strong> '
        f"compared with the active server {escape(str(entry.get('reference') or 'none'))}</div>",
    ]
    if entry["reasons"]:
        parts.append(_list(entry["reasons"]))
    rows = gate_rows(entry)
    body = "".join(
        f'<tr><td>{escape(r["gate"])}</td><td class="num">{escape(r["limit"])}</td>'
        f'<td class="num">{escape(r["actual"])}</td>'
        f'<td class="{"pass" if r["passed"] else "fail"}">{"pass" if r["passed"] else "FAIL"}</td></tr>'
        for r in rows
    )
    parts.append(
        "<h3>Gates</h3><table><thead><tr><th>gate</th><th>limit</th><th>actual</th><th>result</th></tr></thead>"
        f"<tbody>{body}</tbody></table><p>{escape(connectors_text(entry))}</p><p>{escape(ignored_text(entry))}</p>"
    )
    parts.append("<h3>Configuration differences</h3>" + _config(entry["config"]))
    parts.append("<h3>Pending exports (every connector)</h3>" + _pending(entry["pending"]))
    if entry["files"]:
        links = "".join(f'<li><a href="{escape(f)}">{escape(f)}</a></li>' for f in entry["files"])
        parts.append(f"<h3>Files</h3><ul>{links}</ul>")
    parts.append("</section>")
    return "".join(parts)


def render(summary: dict[str, Any]) -> str:
    title = f"Entra Connect {TITLES[summary['kind']]} {summary['run_id']}"
    banner, detail = headline(summary)
    reasons = _list(summary["reasons"]) if summary["reasons"] else ""
    stamp = lab_stamp(summary)
    return "".join(
        [
            "<!DOCTYPE html>\n",
            '<html lang="en"><head><meta charset="utf-8">',
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
            f'<p class="lab" id="lab"><strong>{escape(stamp)}</strong></p>' if stamp else "",
            f"<h1>{escape(title)}</h1>",
            "".join(f'<p class="now">{escape(line)}</p>' for line in now_lines(summary)),
            f'<p class="meta">Generated {escape(summary["generated_at"])} by hybrid_identity.entra_connect; '
            'machine-readable: <a href="summary.json">summary.json</a>.</p>',
            f'<div class="verdict v-{escape(summary["verdict"])}" id="verdict"><strong>{escape(banner)}</strong>'
            f"<div>{escape(detail)}</div>{reasons}</div>",
            "<h2>Servers</h2>",
            _servers(summary),
            "<h2>Plan</h2>",
            _plan(summary),
            "".join(_verification(v) for v in summary["verifications"]),
            "</body></html>\n",
        ]
    )
