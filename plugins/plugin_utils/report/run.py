# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One report per run: what the roles recorded, gathered into a versioned summary. For internal collection use only.

A run folder (``<report dir>/<run id>/``) fills up as the roles work: ``verify/<host>/`` (the
verdict, ``config/`` and ``csexport/`` with their summaries and CSV files), ``switch/plan.json``,
and ``run.json``, the state this module keeps between calls (the kind of run, the servers as last
read, and the events: what was planned and done). ``collect`` reads all of it into the run
summary (``summary.json``, schema ``docs/schemas/run-summary.schema.json``) that the HTML and
Markdown renderers draw. Pure Python.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from datetime import UTC, date, datetime
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._common import parse_time
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._files import remove_stale_temp
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._lifecycle import (
    VersionTable,
    server_support,
    version_table,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report import html, markdown
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.files import to_json, write_files
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import server_role

SCHEMA_VERSION = 1
STATE_FILE = "run.json"
# A swing migration contains a switch, which contains a verification: a run keeps its widest kind.
KINDS = ("verify", "switch", "swing_migration")
STATUSES = ("planned", "awaiting_operator", "verified", "done", "nothing_to_do", "refused", "failed")


RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def new_run_id(given: Any = None, now: datetime | None = None) -> str:
    """The id of a run (its report folder name): ``given`` when set, else the UTC time and a random tag,
    20261124T072326Z-3f9a1c.

    The tag keeps runs started in the same second apart (two verify runs once shared one report
    folder; the switch's lease names its holder by run id); ids still sort by their start time.
    Computed once per run (the preflight role, or a role used alone) and passed on in
    ``entra_connect_run_id``.
    """
    if given is None or given == "":
        return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)
    if not isinstance(given, str) or not RUN_ID.match(given):
        raise InputError(
            f"Invalid value given for 'entra_connect_run_id': {given!r}; use letters, digits, '.', '_' or '-' "
            "(it names the report folder of the run)"
        )
    return given


def now_text(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_json(path: str, required: bool = True) -> Any:
    """A JSON file of the run folder; a clear error naming it when it cannot be used."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        if required:
            raise InputError(f"{path}: not found; the run folder is incomplete") from None
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot be read: {err}") from None
    except json.JSONDecodeError as err:
        raise InputError(
            f"{path}: not valid JSON (line {err.lineno}): it was changed by hand or cut short; "
            "remove it and run the role again"
        ) from None


def server_row(
    host: str,
    declared: str | None,
    info: dict[str, Any] | None,
    today: date | None = None,
    table: VersionTable | None = None,
) -> dict[str, Any]:
    """A server as the report shows it, from a server_info result (None or a failed read: unknown).

    ``support`` is the lifecycle's status of its version on ``today``: the report says how long it is supported.
    """
    row: dict[str, Any] = {
        "host": host,
        "declared_role": declared,
        "actual_role": "unknown",
        "version": None,
        "staging_mode": None,
        "last_successful_sync": None,
        "support": None,
        "entra_credential_type": None,
    }
    if isinstance(info, dict) and info.get("backend") in ("lab", "windows"):
        row["backend"] = info["backend"]
    if not isinstance(info, dict) or "installed" not in info:
        return row
    row["support"] = server_support(info, today, table)
    row["actual_role"] = server_role(info) or "unknown"
    row["version"] = info.get("product_version")
    row["staging_mode"] = info.get("staging_mode_enabled")
    row["entra_credential_type"] = info.get("entra_credential_type")
    ended = [parse_time(r.get("ended_at")) for r in info.get("runs") or [] if r.get("result") == "success"]
    newest = max((t for t in ended if t), default=None)
    row["last_successful_sync"] = newest.strftime("%Y-%m-%dT%H:%M:%SZ") if newest else None
    return row


def record(
    run_dir: str,
    kind: str,
    servers: dict[str, Any] | None = None,
    declared: dict[str, Any] | None = None,
    event: dict[str, Any] | None = None,
    now: datetime | None = None,
    plan: dict[str, Any] | None = None,
    table: VersionTable | None = None,
) -> dict[str, Any]:
    """The run state with this call's servers, event and plan merged in (not written)."""
    state = read_json(os.path.join(run_dir, STATE_FILE), required=False) or {}
    if not isinstance(state, dict) or state.get("schema_version") not in (None, SCHEMA_VERSION):
        raise InputError(f"{os.path.join(run_dir, STATE_FILE)}: not a run state of this collection; remove it")
    old_kind = state.get("kind", kind)
    state = {
        "schema_version": SCHEMA_VERSION,
        "run_id": os.path.basename(os.path.normpath(run_dir)),
        "kind": max(old_kind, kind, key=KINDS.index),
        "servers": dict(state.get("servers") or {}),
        # The role of each server when this run first read it: what changed in the run.
        "roles_at_start": dict(state.get("roles_at_start") or {}),
        "events": list(state.get("events") or []),
        "plan": plan if plan is not None else state.get("plan"),
    }
    declared = declared or {}
    for host, info in (servers or {}).items():
        row = server_row(host, declared.get(host), info, (now or datetime.now(UTC)).date(), table)
        previous = state["servers"].get(host) or {}
        # A read without run history keeps the newest sync an earlier read of this run saw.
        if row["last_successful_sync"] is None:
            row["last_successful_sync"] = previous.get("last_successful_sync")
        if row["declared_role"] is None and host not in declared:
            row["declared_role"] = previous.get("declared_role")
        state["servers"][host] = row
        state["roles_at_start"].setdefault(host, row["actual_role"])
    if event:
        state["events"].append({"at": now_text(now), "status": event["status"], "message": event.get("message", "")})
    return state


def _verification(run_dir: str, host: str) -> dict[str, Any]:
    base = os.path.join(run_dir, "verify", host)
    entry = read_json(os.path.join(base, "summary.json"))
    if not isinstance(entry, dict) or "verdict" not in entry:
        raise InputError(f"{os.path.join(base, 'summary.json')}: not a verify summary of this collection")
    config = read_json(os.path.join(base, "config", "summary.json"), required=False)
    pending = read_json(os.path.join(base, "csexport", "summary.json"), required=False)
    files = []
    for folder in ("config", "csexport"):
        path = os.path.join(base, folder)
        if os.path.isdir(path):
            files += [f"verify/{host}/{folder}/{n}" for n in sorted(os.listdir(path)) if n.endswith(".csv")]
    return {
        **entry,
        "config": None
        if config is None
        else {
            "differences": config.get("differences", []),
            "categories": config.get("summary", {}).get("categories", {}),
            "ignored_count": config.get("summary", {}).get("ignored_count", 0),
            "not_compared": config.get("summary", {}).get("not_compared", []),
            "versions": {
                side: (config.get("summary", {}).get(side) or {}).get("version") for side in ("reference", "candidate")
            },
        },
        "pending": None if pending is None else _pending(pending.get("summary", {})),
        "files": files,
    }


def _pending(summary: dict[str, Any]) -> dict[str, Any]:
    attributes = {name: sum(ops.values()) for name, ops in (summary.get("attributes") or {}).items()}
    top = sorted(attributes.items(), key=lambda item: (-item[1], item[0]))[:10]
    return {
        "objects": summary.get("objects", 0),
        "ignored_objects": summary.get("ignored_objects", 0),
        "operations": summary.get("operations", {}),
        "object_types": summary.get("object_types", {}),
        "top_attributes": [{"attribute": name, "objects": count} for name, count in top],
        "samples": {op: rows[:5] for op, rows in (summary.get("samples") or {}).items() if rows},
        "warnings": summary.get("warnings", []),
    }


def collect(run_dir: str, state: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """The run summary from the run folder and the run state."""
    verify_dir = os.path.join(run_dir, "verify")
    hosts = sorted(os.listdir(verify_dir)) if os.path.isdir(verify_dir) else []
    verifications = [
        _verification(run_dir, h) for h in hosts if os.path.isfile(os.path.join(verify_dir, h, "summary.json"))
    ]
    plan = state.get("plan")
    events = state.get("events", [])
    outcome = events[-1] if events else None
    reasons = [f"{v['host']}: {r}" for v in verifications for r in v["reasons"]]
    if any(v["verdict"] == "blocked" for v in verifications):
        verdict = "blocked"
    elif outcome and outcome["status"] in ("failed", "refused"):
        verdict = "failed"
        if outcome.get("message"):
            reasons.append(outcome["message"])
    elif outcome and outcome["status"] == "done":
        verdict = "done"
    elif outcome and outcome["status"] == "nothing_to_do":
        verdict = "no_change"
    elif verifications:
        verdict = "ready"
    else:
        verdict = "not_verified"
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": state["run_id"],
        "kind": state["kind"],
        "generated_at": now_text(now),
        "verdict": verdict,
        "reasons": reasons,
        "outcome": outcome,
        "events": events,
        "servers": [state["servers"][h] for h in sorted(state["servers"])],
        "plan": plan,
        "verifications": verifications,
        "now": state_now(state),
        # A lab run is stamped LAB (emulated) in the report; pipelines read it here.
        "lab": any(row.get("backend") == "lab" for row in state["servers"].values()),
    }


def state_now(state: dict[str, Any]) -> dict[str, Any]:
    """What is active now (as last read; "unknown" for a server that did not answer) and what changed in this run."""
    servers = state["servers"]
    start = state.get("roles_at_start") or {}
    changes = [
        f"{host}: {start[host].replace('_', ' ')} -> {row['actual_role'].replace('_', ' ')}"
        for host, row in sorted(servers.items())
        if host in start and start[host] != row["actual_role"]
    ]
    return {
        "active": sorted(h for h, row in servers.items() if row["actual_role"] == "active"),
        "unknown": sorted(h for h, row in servers.items() if row["actual_role"] == "unknown"),
        "changes": changes,
    }


def write_run_report(
    run_dir: str,
    kind: str,
    servers: dict[str, Any] | None = None,
    declared: dict[str, Any] | None = None,
    event: dict[str, Any] | None = None,
    now: datetime | None = None,
    plan: dict[str, Any] | None = None,
    verifications: dict[str, dict[str, Any]] | None = None,
    versions: Any = None,
) -> dict[str, Any]:
    """Record this call in the run state, then (re)write summary.json, report.html and report.md.

    ``plan`` is the switch plan (kept in the run state); ``verifications`` the verdict of each
    verified host, written as ``verify/<host>/summary.json`` and ``verify/<host>/report.md``
    beside the comparison and pending-export folders the verify role wrote there. ``versions``
    are the inventory's rows of the versions table (``entra_connect_versions``).
    """
    verifications = verifications or {}
    if event and event["status"] == "verified" and not event.get("message"):
        event = {**event, "message": verdict_words(verifications)}
    stale = remove_stale_temp(run_dir)
    for host in sorted(verifications or {}):
        stale += remove_stale_temp(os.path.join(run_dir, "verify", host))
    state = record(run_dir, kind, servers, declared, event, now, plan, version_table(versions))
    written = []
    for host, entry in sorted((verifications or {}).items()):
        if not isinstance(entry, dict) or entry.get("host") != host or "verdict" not in entry:
            raise InputError(f"verifications.{host}: not a verdict of this host; give the verify role's verify_verdict")
        written += write_files(os.path.join(run_dir, "verify", host), {"summary.json": to_json(entry)})
    summary = collect(run_dir, state, now)
    for entry in summary["verifications"]:
        if entry["host"] in (verifications or {}):
            page = markdown.verification_page(entry, summary["run_id"])
            written += write_files(os.path.join(run_dir, "verify", entry["host"]), {"report.md": page})
    files = write_files(
        run_dir,
        {
            STATE_FILE: to_json(state),
            "summary.json": to_json(summary),
            "report.md": markdown.render(summary),
            "report.html": html.render(summary),
        },
    )
    blocked = sorted(h for h, v in verifications.items() if v["verdict"] == "blocked")
    return {
        "summary": summary,
        "report_files": files + written,
        "removed_stale_files": stale,
        "verification": {
            "verdicts": {host: entry["verdict"] for host, entry in sorted(verifications.items())},
            "blocked": blocked,
            "message": verdict_words(verifications),
            "blocked_message": " ".join(f"{h} is blocked: {'; '.join(verifications[h]['reasons'])}." for h in blocked),
        },
    }


def verdict_words(verifications: dict[str, dict[str, Any]]) -> str:
    """``aadc02 ready, aadc03 blocked``, or that nothing was verified."""
    words = [f"{host} {entry['verdict']}" for host, entry in sorted(verifications.items())]
    return ", ".join(words) or "no staging server to verify"
