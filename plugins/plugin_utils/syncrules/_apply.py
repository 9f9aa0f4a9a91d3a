# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a server's rules and applying a plan through the helpers. For internal collection use only.

Pure Python over the :class:`~..server.Server` facade (no Ansible import). The caller decides check
mode: :func:`apply_plan` is only called outside it (the rule cmdlets ignore -WhatIf).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError, InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._model import (
    STANDARD_RULE_REASON,
    DesiredRules,
    Rule,
    StandardRuleState,
    load_rules,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._plan import (
    CurrentRule,
    Plan,
    RuleAction,
    plan_rules,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._sources import current_rules


@dataclass
class ServerRules:
    """A server's rules and its connectors (name -> this server's GUID)."""

    rules: list[CurrentRule]
    connector_ids: dict[str, str]

    @property
    def connectors(self) -> list[str]:
        return sorted(self.connector_ids)


def read_server_rules(server: Any) -> ServerRules:
    connectors = server.call("Get-EntraConnectConnectorList")["connectors"]
    rules = current_rules(server.call("Get-EntraConnectSyncRules"))
    return ServerRules(rules, {c["name"]: c["identifier"] for c in connectors})


def rule_to_wire(rule: Rule) -> dict[str, Any]:
    """A rule as Set-EntraConnectSyncRule takes it in RuleJson: groups as {conditions} objects, so
    PowerShell 5.1's ConvertFrom-Json never meets an array of arrays."""
    data = rule.to_dict()
    data["scope_groups"] = [{"conditions": g} for g in data["scope_groups"]]
    data["join_groups"] = [{"conditions": g} for g in data["join_groups"]]
    return data


def _apply_one(server: Any, action: RuleAction, connector_ids: dict[str, str]) -> dict[str, Any]:
    if action.method in ("add", "replace") and action.rule is not None:
        params: dict[str, Any] = {
            "RuleJson": json.dumps(rule_to_wire(action.rule), sort_keys=True),
            "ConnectorId": connector_ids[action.connector],
        }
        if action.method == "replace":
            params["Identifier"] = action.identifier
        return server.call("Set-EntraConnectSyncRule", **params)
    if action.method == "set":
        fields = {c["field"] for c in action.changes}
        return server.call(
            "Set-EntraConnectSyncRuleState",
            Identifier=action.identifier,
            Disabled=action.disabled if "disabled" in fields else None,
            Precedence=action.precedence if "precedence" in fields else None,
        )
    if action.method == "remove":
        return server.call("Remove-EntraConnectSyncRule", Identifier=action.identifier)
    raise EntraConnectError(f"Internal error: no way to apply {action.action} of rule {action.label}")


def apply_plan(server: Any, plan: Plan, connector_ids: dict[str, str]) -> list[dict[str, Any]]:
    """Apply every change of the plan, in its order; a failure names what was already done."""
    done: list[dict[str, Any]] = []
    for action in plan.changes:
        try:
            result = _apply_one(server, action, connector_ids)
        except EntraConnectError as err:
            applied = ", ".join(d["text"] for d in done) or "nothing"
            raise EntraConnectError(
                f"Applying the sync rules on {server.host} failed at {action.line()}: {err.message} "
                f"(applied before: {applied}). Run the task again to converge the rest; check mode shows the plan.",
                changed=bool(done),
                applied=done,
            ) from None
        done.append({**action.to_dict(), "warnings": result.get("warnings", [])})
    return done


def ensure_full_sync(server: Any, connectors: list[str]) -> list[str]:
    """Make sure each connector whose rules changed will run a full sync in the next cycle.

    Add-ADSyncRule flags it itself; Remove-ADSyncRule says nothing, so the override is set here where
    the read-back does not show one. Returns the connectors that needed it.
    """
    if not connectors:
        return []
    state = server.call("Get-EntraConnectServerState", RunHistoryCount=0)
    set_now = []
    for connector in state["connectors"]:
        if connector["name"] not in connectors:
            continue
        override = connector["override"] or {"full_import_required": False, "full_sync_required": False}
        if not override["full_sync_required"]:
            server.call(
                "Set-EntraConnectSchedulerConnectorOverride",
                ConnectorName=connector["name"],
                FullImportRequired=override["full_import_required"],
                FullSyncRequired=True,
            )
            set_now.append(connector["name"])
    return set_now


# ---------------------------------------------------------------------------------------------
# What the sync_rule and sync_rules modules do
# ---------------------------------------------------------------------------------------------

#: Microsoft: "Disable out-of-box rules instead of deleting them; deleted ones are recreated on upgrade" [BP][UPG].
STANDARD_REMOVE_REASON = (
    "Microsoft advises to disable out-of-box rules instead of deleting them: a deleted standard rule is "
    "recreated on upgrade. Use disabled: true"
)


def converge(
    server: Any,
    desired: DesiredRules,
    check_mode: bool,
    exclusive: bool = False,
    outside_reserved: str = "fail",
    plan: Plan | None = None,
    read: ServerRules | None = None,
) -> dict[str, Any]:
    """Plan (or take the given plan), apply unless check mode, make sure the full sync is flagged,
    read back and fail if a change did not take. Returns the module result keys."""
    read = read or read_server_rules(server)
    if plan is None:
        plan = plan_rules(read.rules, desired, read.connectors, exclusive, outside_reserved, host=server.host)
    result: dict[str, Any] = {
        "changed": plan.changed,
        "plan": plan.to_dict(),
        "diff": plan.diff(),
        "full_sync_connectors": plan.full_sync_connectors,
        "warnings": list(plan.warnings),
    }
    if not plan.changed or check_mode:
        return result
    result["applied"] = apply_plan(server, plan, read.connector_ids)
    result["full_sync_overrides_set"] = ensure_full_sync(server, plan.full_sync_connectors)
    after = read_server_rules(server)
    keys = {(a.connector.casefold(), a.name) for a in plan.changes}
    left = [
        a
        for a in _replan(after, desired, exclusive, plan, server.host).changes
        if (a.connector.casefold(), a.name) in keys
    ]
    if left:
        raise EntraConnectError(
            f"The sync rules of {server.host} did not take these changes: "
            + "; ".join(a.line() for a in left)
            + ". Read them with sync_rules_info and check the server's event log",
            **result,
        )
    return result


def _replan(after: ServerRules, desired: DesiredRules, exclusive: bool, plan: Plan, host: str) -> Plan:
    removed = {a.identifier for a in plan.changes if a.action == "remove"}
    if removed and not desired.rules and not desired.standard_rules:
        still = [c for c in after.rules if c.identifier in removed]
        return Plan(
            [RuleAction("remove", c.rule.name, c.rule.connector, "custom", "remove", c.identifier) for c in still]
        )
    return plan_rules(after.rules, desired, after.connectors, exclusive, "warn", host=host)


def single_rule_plan(
    read: ServerRules, params: dict[str, Any], fields: dict[str, Any], host: str
) -> tuple[DesiredRules, Plan | None]:
    """The desired document (and, for ``state: absent``, the plan) of the sync_rule module.

    ``fields`` are the rule fields the task gives; for an existing custom rule the others keep
    their current values, so a task may change one field.
    """
    name, connector = params["name"], params["connector"]
    key = (connector.casefold(), name)
    existing = next((c for c in read.rules if c.rule.key == key), None)
    label = f"'{name}' ({connector})"
    if existing is not None and existing.standard:
        if params["state"] == "absent":
            raise InputError(f"rule {label} is a standard rule on {host}. {STANDARD_REMOVE_REASON}")
        extra = sorted(set(fields) - {"disabled"})
        if extra:
            raise InputError(
                f"rule {label} is a standard rule on {host}: {', '.join(extra)} cannot be managed. "
                f"{STANDARD_RULE_REASON}"
            )
        if "disabled" not in fields:
            return DesiredRules(), None
        return DesiredRules(standard_rules=[StandardRuleState(existing.rule.name, connector, fields["disabled"])]), None
    if params["state"] == "absent":
        if existing is None:
            return DesiredRules(), Plan([])
        return DesiredRules(), Plan(
            [RuleAction("remove", existing.rule.name, existing.rule.connector, "custom", "remove", existing.identifier)]
        )
    base = existing.rule.to_dict() if existing is not None else {}
    merged = {**base, **fields, "name": name, "connector": connector}
    return load_rules({"rules": [merged]}, f"sync_rule {label}"), None
