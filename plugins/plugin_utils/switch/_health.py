# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The candidate's own health before a promotion: four gates. For internal collection use only.

Pure Python. Each gate reads one server_info result and returns a :class:`HealthGate`; a failing
one says what to do. Sources (keys of the collection's domain reference):

* ``entra_import`` - the newest *successful* import on the Microsoft Entra connector is at most
  ``max_sync_age_hours`` old. Before a switch Microsoft wants a staging server that "has
  synchronized with Microsoft Entra ID recently" [STG]; a newer failed import does not count.
* ``scheduler`` - the sync scheduler is enabled (``SyncCycleEnabled``) and not suspended
  (``SchedulerSuspended``, "set by Connect during upgrades", and an open wizard suspends it)
  [SCH]: "The staging server has the synchronization scheduler enabled" [STG]; certificate
  rotation stops while the scheduler is suspended [ABA].
* ``version`` - the version is supported today (build/_lifecycle.py: floor 2.5.79.0, retirement
  by date, withdrawn builds).
* ``upgrade`` - no upgrade in progress. ``Get-ADSyncAutoUpgrade`` only reports Enabled,
  Suspended ("not currently eligible") or Disabled [AUP]; no state says "upgrading". What a read
  can see: binaries newer than the sync engine (the installer ran, the upgrade's configuration
  step has not finished), or automatic upgrade Enabled while Connect holds the scheduler
  suspended (no sync runs during an automatic upgrade [FAQ]).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._common import parse_time, version_tuple
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._lifecycle import (
    VersionTable,
    server_version,
    support_status,
)

GATES = ("entra_import", "scheduler", "version", "upgrade")


@dataclass(frozen=True)
class HealthGate:
    gate: str
    passed: bool
    actual: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _stamp(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def entra_imports(info: dict[str, Any]) -> list[dict[str, Any]]:
    """The import runs on the Entra connector, newest first (Full Import, Delta Import or a custom import profile)."""
    name = info.get("entra_connector_name")
    runs = [
        r
        for r in info.get("runs") or []
        if name and r.get("connector_name") == name and "import" in str(r.get("run_profile_name", "")).lower()
    ]
    return sorted(runs, key=lambda r: r.get("ended_at") or r.get("started_at") or "", reverse=True)


def entra_import_gate(host: str, info: dict[str, Any], now: datetime, max_age_hours: float) -> HealthGate:
    name = info.get("entra_connector_name")
    if not name:
        return HealthGate(
            "entra_import", False, "no Entra connector", f"{host} has no Microsoft Entra connector; configure it first"
        )
    imports = entra_imports(info)
    good = [t for t in (parse_time(r.get("ended_at")) for r in imports if r.get("result") == "success") if t]
    newest = max(good, default=None)
    failed = next((r for r in imports if r.get("result") != "success"), None)
    after = (
        f"; its newest import, {failed['run_profile_name']}, ended '{failed['result']}' at {failed.get('ended_at')}"
        if failed and (newest is None or (parse_time(failed.get("ended_at")) or now) > newest)
        else ""
    )
    fix = (
        "fix the import (the run history names the error), run an import and sync "
        "(verify_import_and_sync: true, or sync_cycle mode: import_and_sync) and verify again"
    )
    if newest is None:
        return HealthGate(
            "entra_import",
            False,
            "none",
            f"{host} has no successful import on the Microsoft Entra connector '{name}' in the run history read"
            f"{after}; {fix}",
        )
    age = round((now - newest).total_seconds() / 3600, 2)
    if age > max_age_hours:
        return HealthGate(
            "entra_import",
            False,
            f"{age} hours",
            f"{host}'s newest successful import on the Microsoft Entra connector '{name}' is {age} hours old "
            f"({_stamp(newest)}; limit max_sync_age_hours={max_age_hours}){after}; {fix}",
        )
    return HealthGate("entra_import", True, f"{age} hours", f"successful Entra import {age} hours ago")


def scheduler_gate(host: str, info: dict[str, Any]) -> HealthGate:
    scheduler = info.get("scheduler")
    if not scheduler:
        return HealthGate(
            "scheduler", False, "not read", f"{host}'s sync scheduler could not be read; read the server again"
        )
    problems = []
    if not scheduler.get("sync_cycle_enabled"):
        problems.append(
            f"{host}'s sync scheduler is disabled (SyncCycleEnabled false): Microsoft wants a staging server "
            "syncing before a switch; enable it (the scheduler module, sync_cycle_enabled: true), let a cycle run "
            "and verify again"
        )
    if scheduler.get("scheduler_suspended"):
        problems.append(
            f"{host}'s scheduler is suspended (SchedulerSuspended: set by Connect during an upgrade or while the "
            "wizard is open; no sync runs and an application-based authentication certificate cannot rotate): "
            "close the wizard or let the upgrade finish, then verify again"
        )
    actual = f"enabled={scheduler.get('sync_cycle_enabled')}, suspended={scheduler.get('scheduler_suspended')}"
    if problems:
        return HealthGate("scheduler", False, actual, "; ".join(problems))
    return HealthGate("scheduler", True, actual, "scheduler enabled, not suspended")


def version_gate(host: str, info: dict[str, Any], today: date, table: VersionTable | None) -> tuple[HealthGate, dict]:
    status = support_status(server_version(info), today, table).to_dict()
    actual = f"{status['version'] or 'unknown'} ({status['status'].replace('_', ' ')})"
    if status["supported"]:
        return HealthGate("version", True, actual, status["message"]), status
    return HealthGate("version", False, actual, f"{host}: {status['message']}"), status


def upgrade_gate(host: str, info: dict[str, Any]) -> HealthGate:
    product, engine = info.get("product_version"), info.get("engine_version")
    if version_tuple(product) and version_tuple(engine) and version_tuple(product) > version_tuple(engine):
        return HealthGate(
            "upgrade",
            False,
            f"binaries {product}, engine {engine}",
            f"{host} is in the middle of an upgrade (binaries {product}, sync engine {engine}: the upgrade's "
            "configuration step has not finished, or an automatic upgrade is running); finish it (the "
            "staging_server role shows the wizard step) or wait for it, then verify again",
        )
    suspended = (info.get("scheduler") or {}).get("scheduler_suspended")
    if info.get("auto_upgrade_state") == "Enabled" and suspended:
        return HealthGate(
            "upgrade",
            False,
            "automatic upgrade Enabled, scheduler suspended",
            f"an automatic upgrade may be in progress on {host} (automatic upgrade Enabled and the scheduler "
            "suspended; no sync runs during an upgrade): see the Application log, source 'Microsoft Entra Connect "
            "Upgrade', events 300-399, wait for it to finish and verify again",
        )
    return HealthGate("upgrade", True, f"automatic upgrade {info.get('auto_upgrade_state')}", "no upgrade in progress")


def health_gates(
    host: str,
    info: dict[str, Any],
    now: datetime,
    max_age_hours: float,
    table: VersionTable | None = None,
) -> dict[str, Any]:
    """Every health gate of a candidate: ``gates`` (as dicts), ``reasons``, ``support``, the Entra import times."""
    import_gate = entra_import_gate(host, info, now, max_age_hours)
    version, support = version_gate(host, info, now.date(), table)
    gates = [import_gate, scheduler_gate(host, info), version, upgrade_gate(host, info)]
    good = [
        t for t in (parse_time(r.get("ended_at")) for r in entra_imports(info) if r.get("result") == "success") if t
    ]
    newest = max(good, default=None)
    return {
        "gates": [g.to_dict() for g in gates],
        "reasons": [g.message for g in gates if not g.passed],
        "support": support,
        "last_entra_import_at": _stamp(newest),
        "entra_import_age_hours": None if newest is None else round((now - newest).total_seconds() / 3600, 2),
    }
