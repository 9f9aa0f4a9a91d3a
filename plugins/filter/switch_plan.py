# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter plugins of the switch: switch_plan, switch_outcome, switch_failure, upgrade_plan, inventory_problems,
inventory_scope and servers_by_role (docs in the .yml files)."""

from __future__ import annotations

import getpass
import socket
from datetime import UTC, datetime

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.backup._store import last_active_backup
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._intent import (
    STEPS,
    intent_decision,
    intent_record,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._outcome import (
    switch_failure,
    switch_outcome,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._plan import (
    inventory_problems,
    inventory_scope_problem,
    servers_by_role,
    switch_plan,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._upgrade import upgrade_plan


def _dict(value, what, name):
    if not isinstance(value, dict):
        raise AnsibleFilterError(f"{name} expects {what}, got {type(value).__name__}")
    return dict(value)


def _optional(value):
    """A registered result, or None for an undefined/none one."""
    return dict(value) if isinstance(value, dict) else None


def _switch_plan(
    declared,
    actual,
    candidate=None,
    gates=None,
    backup_dir=None,
    promote_without_reference=False,
    intent=None,
    writeback_acknowledged=False,
):
    actual = _dict(actual, "the server_info results by host as 'actual'", "switch_plan")
    declared = _dict(declared or {}, "a dict of declared roles by host", "switch_plan")
    try:
        accepted = boolean(promote_without_reference, strict=True)
    except TypeError:
        raise AnsibleFilterError(
            f"Invalid value given for 'entra_connect_promote_without_reference': {promote_without_reference!r}; "
            "use true or false"
        ) from None
    try:
        acknowledged = boolean(writeback_acknowledged, strict=True)
    except TypeError:
        raise AnsibleFilterError(
            f"switch_plan: writeback_acknowledged must be a boolean (true/false), got {writeback_acknowledged!r}"
        ) from None
    # Read only when it matters: with no active server, the newest backup of an active one is the reference.
    reference = None
    if backup_dir and not servers_by_role(actual)["active"]:
        reference = last_active_backup(str(backup_dir), sorted(actual))
    try:
        return switch_plan(
            declared, actual, candidate or None, gates, reference, accepted, _optional(intent), acknowledged
        ).to_dict()
    except EntraConnectError as err:
        raise AnsibleFilterError(f"switch_plan: {err.message}") from None


def _inventory_scope(group, groups, targeted):
    if not isinstance(group, str) or not group:
        raise AnsibleFilterError(f"inventory_scope: entra_connect_group must be a group name, got {group!r}")
    groups = _dict(groups, "the inventory's groups (groups)", "inventory_scope")
    return inventory_scope_problem(group, groups, list(targeted or [])) or ""


def _reads(value):
    """Server reads by host, or None when no host has a read yet (null or skipped everywhere)."""
    if not isinstance(value, dict):
        return None
    reads = {host: dict(info) if isinstance(info, dict) else None for host, info in value.items()}
    return reads if any(info and not info.get("skipped") for info in reads.values()) else None


def _present(value):
    """The hosts present: a list of names, or {host: true when present} (by_host of a marker fact)."""
    if isinstance(value, dict):
        return [str(host) for host, mark in value.items() if mark is True]
    if isinstance(value, (list, tuple)):
        return [str(host) for host in value]
    return None


def _switch_outcome(plan, results=None):
    plan = _dict(plan, "the switch_plan result", "switch_outcome")
    results = _dict(results or {}, "a dict of registered results", "switch_outcome")
    unknown = sorted(set(results) - {"mid", "promote", "cycle", "undo", "restore", "after", "confirm", "present"})
    if unknown:
        raise AnsibleFilterError(f"switch_outcome: unknown result(s) {', '.join(unknown)}")
    return switch_outcome(
        plan,
        promote=_optional(results.get("promote")),
        cycle=_optional(results.get("cycle")),
        undo=_optional(results.get("undo")),
        restore=_optional(results.get("restore")),
        after=_reads(results.get("after")),
        mid=_reads(results.get("mid")),
        confirm=_optional(results.get("confirm")),
        present=_present(results.get("present")),
    )


def _switch_failure(plan, failed_result=None, verdict=None, step=None, lost=None, tasks=None, results=None):
    plan = _dict(plan, "the switch_plan result", "switch_failure")
    lost = [str(h) for h in lost] if isinstance(lost, (list, tuple)) else None
    failed_result = _optional(failed_result)
    # The host that runs the rescue may not be the one whose task failed (any_errors_fatal): take
    # the failed task and result of the host that has them (tasks, results: by host).
    if not step and isinstance(tasks, dict):
        for host in sorted(tasks):
            task = tasks[host]
            if isinstance(task, dict) and task.get("name"):
                step = f"{task['name']}' on '{host}"
                if not (failed_result or {}).get("msg"):
                    failed_result = _optional((results or {}).get(host))
                break
    return switch_failure(plan, failed_result, _optional(verdict), str(step) if step else None, lost)


def _upgrade_plan(actual, version):
    actual = _dict(actual, "the server_info results by host", "upgrade_plan")
    return upgrade_plan(actual, str(version))


def _inventory_problems(declared, hosts=None):
    declared = _dict(declared, "a dict of declared roles by host", "inventory_problems")
    return inventory_problems(declared, list(hosts) if hosts is not None else None)


def _servers_by_role(actual):
    return servers_by_role(_dict(actual, "a dict of server_info results by host", "servers_by_role"))


def _holder(job):
    """Who runs this switch, for the lease: the controller's user and host, and the AWX job when there is one."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    where = f"{user}@{socket.gethostname()}"
    return f"{where} (job {job})" if job not in (None, "") else where


def _switch_intent(records, actual, declared=None, candidate=None, run_id=None, job=None):
    records = _dict(records or {}, "the server_record results by host", "switch_intent")
    actual = _dict(actual, "the server_info results by host as 'actual'", "switch_intent")
    declared = _dict(declared or {}, "a dict of declared roles by host", "switch_intent")
    if not run_id:
        raise AnsibleFilterError("switch_intent: run_id is required (the switch_run_id of this run)")
    found = {
        host: (result or {}).get("record") if isinstance(result, dict) and not result.get("skipped") else None
        for host, result in records.items()
    }
    active = candidate or next((h for h, r in sorted(declared.items()) if r == "active"), None)
    return intent_decision(found, actual, active, str(run_id), _holder(job), datetime.now(UTC))


def _switch_intent_record(intent, step, lease_seconds=None):
    intent = _dict(intent, "the switch_intent result", "switch_intent_record")
    if step not in STEPS:
        raise AnsibleFilterError(f"switch_intent_record: unknown step {step!r}; use one of {', '.join(STEPS)}")
    seconds = 7200 if lease_seconds in (None, "") else int(lease_seconds)
    if seconds < 1:
        raise AnsibleFilterError(f"Invalid value given for 'entra_connect_lease_seconds': {seconds}; use 1 or more")
    return intent_record(intent, step, datetime.now(UTC), seconds)


class FilterModule:
    def filters(self):
        return {
            "switch_intent": _switch_intent,
            "switch_intent_record": _switch_intent_record,
            "switch_plan": _switch_plan,
            "switch_outcome": _switch_outcome,
            "switch_failure": _switch_failure,
            "upgrade_plan": _upgrade_plan,
            "inventory_problems": _inventory_problems,
            "inventory_scope": _inventory_scope,
            "servers_by_role": _servers_by_role,
        }
