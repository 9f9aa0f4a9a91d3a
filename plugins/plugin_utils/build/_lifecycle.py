# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lifecycle of Entra Connect Sync versions: is a version supported today, and until when?

For internal collection use only. Pure Python (PyYAML only, no Ansible import).

The data is ``versions.yml`` beside this file (sources named there), extended or overridden by the
inventory's ``entra_connect_versions``. One function decides, :func:`support_status`; preflight,
verify (a promotion gate), the staging_server and upgrade roles (the version policy) and the run
reports all call it, so a version means the same everywhere. The rules, in order:

1. not a version -> ``invalid``;
2. a withdrawn build -> ``withdrawn`` (refused);
3. below the floor (2.5.79.0) -> ``below_floor``: synchronization fails since 2026-09-30;
4. retired 12 months after the release of the next newer, released, not withdrawn version
   (by date, ``today`` injectable) -> ``retired``, else ``supported`` until that date;
5. a version the table does not list -> ``unknown``: supported when newer than every listed
   release (a build newer than this table), otherwise judged by the next listed release (its
   own release date is unknown, so its end is at the latest 12 months after that release).
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._common import version_tuple
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError

DATA_FILE = Path(__file__).with_name("versions.yml")
OVERRIDE_VAR = "entra_connect_versions"
STATUSES = ("supported", "retired", "below_floor", "withdrawn", "unknown", "invalid")
#: How soon an end of support is worth a warning in the message.
WARN_DAYS = 90
ROW_KEYS = ("version", "released", "withdrawn", "notes", "source")


@dataclass(frozen=True)
class Release:
    version: str
    released: date | None
    withdrawn: bool = False
    notes: str = ""
    source: str = ""


@dataclass(frozen=True)
class VersionTable:
    releases: tuple[Release, ...]
    floor: str
    floor_since: date
    floor_consequence: str
    retirement_months: int
    sources: dict[str, str]
    checked: date | None = None

    def find(self, version: str) -> Release | None:
        wanted = version_tuple(version)
        return next((r for r in self.releases if version_tuple(r.version) == wanted), None)

    def newest(self, today: date) -> Release | None:
        """The newest release out by ``today`` that is not withdrawn (the one to install)."""
        out = [r for r in self.releases if _counts(r, today)]
        return max(out, key=lambda r: version_tuple(r.version), default=None)

    def successor(self, version: str, today: date) -> Release | None:
        """The first newer release out by ``today`` that is not withdrawn: the one that starts the retirement clock."""
        mine = version_tuple(version)
        newer = [r for r in self.releases if _counts(r, today) and version_tuple(r.version) > mine]
        return min(newer, key=lambda r: version_tuple(r.version), default=None)


@dataclass(frozen=True)
class SupportStatus:
    """A version's support on a day: the fields the roles, the gates and the reports read."""

    version: str
    status: str
    supported: bool
    ends_on: str | None
    released: str | None
    successor: str | None
    newest: str | None
    known: bool
    secondary_source: bool
    message: str
    days_left: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _counts(release: Release, today: date) -> bool:
    return not release.withdrawn and release.released is not None and release.released <= today


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, on the same day of the month (or the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _date(value: Any, where: str, problems: list[str]) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date like 2026-09-23")
        return None


def _release(row: Any, where: str, problems: list[str], base: Release | None = None) -> Release | None:
    if not isinstance(row, dict):
        problems.append(f"{where}: {row!r}; give a dict with version, released, withdrawn, notes")
        return None
    unknown = sorted(str(k) for k in row if k not in ROW_KEYS)
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(unknown)}; valid keys: {', '.join(ROW_KEYS)}")
    version = str(row.get("version", "")).strip()
    if version_tuple(version) is None:
        problems.append(f"{where}.version: {row.get('version')!r} is not a version like 2.6.92.0")
        return None
    withdrawn = row.get("withdrawn", base.withdrawn if base else False)
    if not isinstance(withdrawn, bool):
        problems.append(f"{where}.withdrawn: {withdrawn!r}; use true or false")
        withdrawn = False
    released = _date(row["released"], f"{where}.released", problems) if "released" in row else None
    return Release(
        version=version,
        released=released if "released" in row or base is None else base.released,
        withdrawn=withdrawn,
        notes=str(row.get("notes", base.notes if base else "") or ""),
        source=str(row.get("source", base.source if base else "") or ""),
    )


@functools.cache
def _shipped() -> VersionTable:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    problems: list[str] = []
    rows = [_release(r, f"{DATA_FILE.name}: versions[{i}]", problems) for i, r in enumerate(data["versions"])]
    if problems:
        raise InputError("; ".join(problems))
    floor = data["floor"]
    return VersionTable(
        releases=tuple(r for r in rows if r),
        floor=str(floor["version"]),
        floor_since=_date(floor["since"], "floor.since", problems) or date.max,
        floor_consequence=str(floor["consequence"]),
        retirement_months=int(data["retirement_months"]),
        sources={str(k): " ".join(str(v).split()) for k, v in data["sources"].items()},
        checked=_date(data.get("checked"), "checked", problems),
    )


def version_table(overrides: Any = None, name: str = OVERRIDE_VAR) -> VersionTable:
    """The shipped table with the inventory's rows merged in (a listed version takes the given fields).

    Every problem of ``overrides`` is reported at once, naming ``name[index].field``.
    """
    table = _shipped()
    if overrides in (None, "", []):
        return table
    if not isinstance(overrides, list):
        raise InputError(
            f"Invalid value given for '{name}': {overrides!r}; give a list of rows like "
            "{version: 2.6.95.0, released: 2027-01-20}"
        )
    by_version = {version_tuple(r.version): r for r in table.releases}
    problems: list[str] = []
    for index, row in enumerate(overrides):
        key = version_tuple(row.get("version")) if isinstance(row, dict) else None
        merged = _release(row, f"{name}[{index}]", problems, by_version.get(key))
        if merged:
            by_version[version_tuple(merged.version)] = replace(merged, source=merged.source or "inventory")
    if problems:
        raise InputError(f"Invalid value given for '{name}': " + "; ".join(problems))
    releases = tuple(sorted(by_version.values(), key=lambda r: version_tuple(r.version)))
    return replace(table, releases=releases)


def today_utc() -> date:
    return datetime.now(UTC).date()


def support_status(version: Any, today: date | None = None, table: VersionTable | None = None) -> SupportStatus:
    """The support status of ``version`` on ``today`` (UTC today by default) by ``table`` (the shipped one)."""
    table = table or _shipped()
    today = today or today_utc()
    text = "" if version is None else str(version).strip()
    newest = table.newest(today)
    upgrade = f"upgrade to {newest.version}, from the Microsoft Entra admin center" if newest else "upgrade"
    base = {"version": text, "newest": newest.version if newest else None}
    parsed = version_tuple(text)
    if parsed is None or len(parsed) != 4:
        return SupportStatus(
            **base,
            status="invalid",
            supported=False,
            ends_on=None,
            released=None,
            successor=None,
            known=False,
            secondary_source=False,
            message=(f"{text!r} is not a version like 2.6.92.0" if text else "no version was read")
            + "; read the server first",
        )
    row = table.find(text)
    known = row is not None
    released = row.released.isoformat() if row and row.released else None
    secondary = bool(row and row.source == "SEC")
    facts = {**base, "released": released, "known": known, "secondary_source": secondary}
    if row and row.withdrawn:
        return SupportStatus(
            **facts,
            status="withdrawn",
            supported=False,
            ends_on=None,
            successor=None,
            message=f"{text} is a withdrawn build (Microsoft recalled it): do not install or promote it; "
            f"uninstall it and {upgrade}",
        )
    if parsed < version_tuple(table.floor):
        tense = "fails since" if today >= table.floor_since else "fails from"
        return SupportStatus(
            **facts,
            status="below_floor",
            supported=False,
            ends_on=table.floor_since.isoformat(),
            successor=None,
            message=f"{text} is below the minimum version {table.floor}: synchronization {tense} "
            f"{table.floor_since.isoformat()} ({table.floor_consequence}); {upgrade}",
        )
    successor = table.successor(text, today)
    if successor is None:
        detail = (
            "the newest known release, no end of support yet"
            if known
            else f"not in the versions table and newer than {newest.version if newest else 'every listed release'}: "
            f"taken as supported with no end date; add it with its release date to {OVERRIDE_VAR}"
        )
        return SupportStatus(
            **facts,
            status="supported" if known else "unknown",
            supported=True,
            ends_on=None,
            successor=None,
            message=f"{text} is supported: {detail}",
        )
    ends = add_months(successor.released, table.retirement_months)
    why = f"12 months after {successor.version} was released on {successor.released.isoformat()}"
    if not known:
        why = f"not in the versions table, so at the latest {why}; add it with its release date to {OVERRIDE_VAR}"
    days_left = (ends - today).days
    if days_left <= 0:
        return SupportStatus(
            **facts,
            status="retired" if known else "unknown",
            supported=False,
            ends_on=ends.isoformat(),
            successor=successor.version,
            days_left=days_left,
            message=f"{text} is retired: its support ended on {ends.isoformat()} ({why}); {upgrade}",
        )
    soon = f"; {days_left} days left, plan the upgrade" if days_left <= WARN_DAYS else ""
    return SupportStatus(
        **facts,
        status="supported" if known else "unknown",
        supported=True,
        ends_on=ends.isoformat(),
        successor=successor.version,
        days_left=days_left,
        message=f"{text} is supported until {ends.isoformat()} ({why}){soon}",
    )


def server_version(info: dict[str, Any]) -> str | None:
    """The version a server's support is judged by: the lower of the product and the engine version.

    The engine that synchronises is what the deadline hits; binaries ahead of the engine are an
    upgrade whose wizard step has not finished, and that server is no newer than its engine.
    """
    known = [v for v in (info.get("product_version"), info.get("engine_version")) if version_tuple(v)]
    return min(known, key=version_tuple) if known else None


def server_support(
    info: dict[str, Any] | None, today: date | None = None, table: VersionTable | None = None
) -> dict[str, Any] | None:
    """The support status of a server_info result (None when the server is not installed or not read)."""
    if not isinstance(info, dict) or not info.get("installed"):
        return None
    return support_status(server_version(info), today, table).to_dict()
