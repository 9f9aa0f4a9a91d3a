# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Records the collection keeps on the servers themselves: named JSON documents. For internal collection use only.

A record survives the controller (an AWX job's container is gone after the job): it lives on
each server of the pair, in the collection's own folder
``C:\\ProgramData\\hybrid_identity.entra_connect\\<name>.json``. Names in use: ``intent`` (what
a switch is about to do, and its lease: :mod:`..switch._intent`); ``fence`` is reserved for the
failover's fence record. The helpers only read, compare-and-write and remove the text; what a
record means and whether it may be replaced is decided here.

A write is a compare-and-swap: the caller passes the text it read, and the helper writes only if
the file still holds exactly that text (empty: no file), under an exclusive lock of the file. Two
runs that read the same record can therefore never both write it.

A *lease* is a record with ``run_id``, ``holder`` and ``expires_at``: another run may replace it
only once it has expired (:func:`lease_conflict`).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._common import parse_time
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError

FOLDER = "C:\\ProgramData\\hybrid_identity.entra_connect"
NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
SCHEMA_VERSION = 1
#: Record names the collection uses.
NAMES = ("intent", "fence")


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise InputError(
            f"Invalid value given for 'name': {name!r}; use lower-case letters, digits and '_' (at most 32), "
            "starting with a letter"
        )
    return name


def record_path(name: str) -> str:
    """The record's file on the server."""
    return f"{FOLDER}\\{check_name(name)}.json"


def encode(content: dict[str, Any]) -> str:
    """The text written to the server: stable (sorted keys), so a compare-and-swap compares like with like."""
    return json.dumps({"schema_version": SCHEMA_VERSION, **content}, sort_keys=True, separators=(",", ":"))


def decode(text: str | None, host: str, name: str) -> dict[str, Any] | None:
    """The record in ``text`` (None: no record). A damaged record is an error naming the file and the fix."""
    if text is None or text == "":
        return None
    try:
        value = json.loads(text)
    except ValueError as err:
        value, problem = None, f"not JSON ({err})"
    else:
        problem = None if isinstance(value, dict) else "not a JSON object"
    if problem is None and value.get("schema_version") != SCHEMA_VERSION:
        problem = f"schema_version {value.get('schema_version')!r}, expected {SCHEMA_VERSION}"
    if problem is not None:
        raise InputError(
            f"{host}: the {name} record {record_path(name)} is damaged: {problem}; check that no switch is "
            "running, then remove the file"
        )
    return value


def expired(lease: dict[str, Any], now: datetime) -> bool:
    """Whether a lease has expired (a record without ``expires_at`` never does)."""
    until = parse_time(lease.get("expires_at"))
    return until is not None and until <= now


def released(lease: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The lease of a run that ended without finishing: kept as a record of its last step, expired now."""
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    content = {k: v for k, v in lease.items() if k != "schema_version"}
    return {**content, "expires_at": stamp, "released_at": stamp}


def lease_conflict(current: dict[str, Any] | None, run_id: str, now: datetime) -> str | None:
    """Why run ``run_id`` may not write over ``current`` (None: it may): another run's unexpired lease."""
    if current is None or current.get("run_id") == run_id or expired(current, now):
        return None
    return (
        f"another run holds this pair's lease: run {current.get('run_id')} by {current.get('holder') or 'unknown'}"
        f" (step {current.get('step') or 'unknown'}), until {current.get('expires_at') or 'it ends'}; wait for it to "
        "end, or rerun after the lease expires (the rerun then takes it over)"
    )
