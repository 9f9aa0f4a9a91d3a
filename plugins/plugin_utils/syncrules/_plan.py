# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan: a server's rules and the desired rules -> what to do per rule. For internal collection use only.

Pure Python (no Ansible import). Everything that can refuse is decided here, before any write:

* a custom rule's precedence must be in Microsoft's reserved range 0-99 ("The precedence for a
  custom rule must be in the reserved range of 0 to 99", [IMP]), unique among the custom rules the
  server will hold (since 1.6.2.4 import and export "fail if custom rule has duplicate precedence",
  [VH]) and different from every standard rule's precedence;
* a standard rule can only be enabled or disabled (:data:`~._model.STANDARD_RULE_REASON`) and is
  never removed ("Disable out-of-box rules instead of deleting them", [BP]);
* a connector is named; it must exist on the server, which resolves it to its own GUID.

Each action says how it is applied: ``add`` (New-ADSyncRule ... Add-ADSyncRule), ``replace`` (the
same, keeping the rule's Identifier so Add-ADSyncRule updates it in place), ``set`` (only
Disabled/Precedence: Get-ADSyncRule -Identifier, set, Add-ADSyncRule) or ``remove``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._limitations import (
    CUSTOM_PRECEDENCE_MAX,
    CUSTOM_PRECEDENCE_MIN,
    precedence_reserved,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._model import (
    STANDARD_RULE_REASON,
    DesiredRules,
    Rule,
)

ADD, CHANGE, REMOVE, UNCHANGED = "add", "change", "remove", "unchanged"
#: Fields that Get-ADSyncRule -Identifier, set, Add-ADSyncRule changes without rebuilding the rule.
SETTABLE_FIELDS = ("disabled", "precedence")
OUTSIDE_RESERVED = ("fail", "warn")


@dataclass(frozen=True)
class CurrentRule:
    """A rule as a server holds it: the rule data plus its per-server identifier."""

    identifier: str
    rule: Rule
    standard: bool


@dataclass
class RuleAction:
    action: str  # add | change | remove | unchanged
    name: str
    connector: str
    kind: str  # custom | standard
    method: str | None = None  # add | replace | set | remove (None when unchanged)
    identifier: str | None = None  # the server's rule, for replace / set / remove
    rule: Rule | None = None  # the desired rule, for add / replace
    changes: list[dict[str, Any]] = field(default_factory=list)
    precedence: int | None = None
    disabled: bool | None = None

    @property
    def label(self) -> str:
        return f"'{self.name}' ({self.connector})"

    def line(self) -> str:
        if self.action == ADD:
            r = self.rule
            if r is None:
                return f"+ {self.label}: add"
            what = (
                f"{r.direction} {r.source_object_type} -> {r.target_object_type}, precedence {r.precedence}, "
                f"{len(r.attribute_flows)} flow(s), {len(r.scope_groups)} scope group(s), "
                f"{len(r.join_groups)} join group(s)" + (", disabled" if r.disabled else "")
            )
            return f"+ {self.label}: add ({what})"
        if self.action == REMOVE:
            return f"- {self.label}: remove (custom rule not declared; exclusive)"
        if self.action == CHANGE:
            return f"~ {self.label}: " + "; ".join(_change_text(c) for c in self.changes)
        return f"= {self.label}: unchanged"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "connector": self.connector,
            "kind": self.kind,
            "action": self.action,
            "method": self.method,
            "identifier": self.identifier,
            "changes": self.changes,
            "text": self.line(),
        }


@dataclass
class Plan:
    actions: list[RuleAction]
    warnings: list[str] = field(default_factory=list)
    #: custom rules on the server that the desired rules do not name and that stay (not exclusive)
    undeclared: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[RuleAction]:
        """The actions that write, in the order to apply them."""
        return [a for a in self.actions if a.action != UNCHANGED]

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def full_sync_connectors(self) -> list[str]:
        """Connectors whose rules change: Add-ADSyncRule flags them for a full sync [BIN]."""
        return sorted({a.connector for a in self.changes})

    def counts(self) -> dict[str, int]:
        counts = {ADD: 0, CHANGE: 0, REMOVE: 0, UNCHANGED: 0}
        for action in self.actions:
            counts[action.action] += 1
        return counts

    def lines(self) -> list[str]:
        return [a.line() for a in self.changes]

    def diff(self) -> dict[str, Any]:
        """Ansible's diff: per changed rule, the fields before and after."""
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for a in self.changes:
            if a.action == ADD and a.rule is not None:
                after[a.label] = a.rule.to_dict()
            elif a.action == REMOVE:
                before[a.label] = {"present": True}
                after[a.label] = {"present": False}
            else:
                before[a.label] = {c["field"]: c["before"] for c in a.changes}
                after[a.label] = {c["field"]: c["after"] for c in a.changes}
        return {"before": before, "after": after}

    def to_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "counts": self.counts(),
            "rules": [a.to_dict() for a in self.actions],
            "lines": self.lines(),
            "full_sync_connectors": self.full_sync_connectors,
            "undeclared": self.undeclared,
            "warnings": self.warnings,
        }


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, (list, dict)) else f"{len(value)} item(s)"
    return text if len(text) <= 60 else text[:57] + "..."


def _change_text(change: dict[str, Any]) -> str:
    name, before, after = change["field"], change["before"], change["after"]
    if name == "attribute_flows":
        old = {(f["destination"], str(f)) for f in before}
        new = {(f["destination"], str(f)) for f in after}
        added = sorted({d for d, s in new - old})
        removed = sorted({d for d, s in old - new})
        parts = [f"+{d}" for d in added if d not in removed] + [f"-{d}" for d in removed if d not in added]
        parts += [f"~{d}" for d in added if d in removed]
        return "attribute_flows " + ", ".join(parts)
    if isinstance(before, list) or isinstance(after, list):
        return f"{name} {_short(before)} -> {_short(after)}"
    return f"{name} {before!r} -> {after!r}"


def rule_changes(current: Rule, desired: Rule) -> list[dict[str, Any]]:
    """Field by field, what differs (in the rule document's terms)."""
    have, want = current.canonical(), desired.canonical()
    have_data, want_data = current.to_dict(), desired.to_dict()
    changes = []
    for name in want:
        if have[name] != want[name]:
            before = have_data.get(name) if name != "description" else current.description
            after = want_data.get(name) if name != "description" else desired.description
            changes.append({"field": name, "before": before, "after": after})
    return changes


def _problem_text(source: str, problems: list[str]) -> str:
    count = len(problems)
    return f"{source}: {count} problem{'s' if count > 1 else ''} before any change: " + "; ".join(problems)


def plan_rules(
    current: list[CurrentRule],
    desired: DesiredRules,
    connectors: list[str],
    exclusive: bool = False,
    outside_reserved: str = "fail",
    host: str = "the server",
) -> Plan:
    """The plan for one server, or an :class:`InputError` listing every refusal at once."""
    if outside_reserved not in OUTSIDE_RESERVED:
        raise InputError(f"outside_reserved must be one of {', '.join(OUTSIDE_RESERVED)}, got {outside_reserved!r}")
    problems: list[str] = []
    warnings: list[str] = []
    connector_names = {c.casefold(): c for c in connectors}
    by_key = {c.rule.key: c for c in current}
    standard_precedence = {c.rule.precedence: c.rule for c in current if c.standard}
    declared = {r.key for r in desired.rules}

    for rule in desired.rules:
        if rule.connector.casefold() not in connector_names:
            problems.append(
                f"rule {rule.label}: connector '{rule.connector}' is not a connector of {host} "
                f"(connectors: {', '.join(sorted(connectors))})"
            )
        existing = by_key.get(rule.key)
        if existing is not None and existing.standard:
            problems.append(f"rule {rule.label} is a standard rule on {host}. {STANDARD_RULE_REASON}")
        if not precedence_reserved(rule.precedence):
            text = (
                f"rule {rule.label}: precedence {rule.precedence} is outside the range {CUSTOM_PRECEDENCE_MIN}-"
                f"{CUSTOM_PRECEDENCE_MAX} Microsoft reserves for custom rules (outside it, rules shift when standard "
                "rules are added)"
            )
            (warnings if outside_reserved == "warn" else problems).append(text)
        clash = standard_precedence.get(rule.precedence)
        if clash is not None:
            # standard rules sit above 99, so only a rule outside the reserved range can clash
            (warnings if outside_reserved == "warn" else problems).append(
                f"rule {rule.label}: precedence {rule.precedence} is the precedence of standard rule "
                f"'{clash.name}' on {host}; choose a free precedence in 0-99"
            )
    # the custom rules the server ends with: the declared ones plus the undeclared ones that stay
    final: dict[int, list[str]] = {}
    for rule in desired.rules:
        final.setdefault(rule.precedence, []).append(rule.label)
    undeclared = [c for c in current if not c.standard and c.rule.key not in declared]
    if not exclusive:
        for c in undeclared:
            final.setdefault(c.rule.precedence, []).append(f"{c.rule.label} (on {host}, not declared)")
    for precedence, labels in sorted(final.items()):
        if len(labels) > 1:
            problems.append(
                f"precedence {precedence} would be shared by {' and '.join(labels)}: custom rules need unique "
                "precedences (since 1.6.2.4 settings import and export fail on duplicates)"
            )

    actions: list[RuleAction] = []
    for state in desired.standard_rules:
        existing = by_key.get(state.key)
        if existing is None:
            warnings.append(
                f"standard rule {state.label} is not on {host} (standard rules change between versions); skipped"
            )
            continue
        if not existing.standard:
            problems.append(f"rule {state.label} is listed as a standard rule but is a custom rule on {host}")
            continue
        action = RuleAction(
            UNCHANGED, existing.rule.name, existing.rule.connector, "standard", identifier=existing.identifier
        )
        if existing.rule.disabled != state.disabled:
            action.action, action.method, action.disabled = CHANGE, "set", state.disabled
            action.changes = [{"field": "disabled", "before": existing.rule.disabled, "after": state.disabled}]
        actions.append(action)
    for rule in desired.rules:
        existing = by_key.get(rule.key)
        connector = connector_names.get(rule.connector.casefold(), rule.connector)
        if existing is None:
            actions.append(RuleAction(ADD, rule.name, connector, "custom", method="add", rule=rule))
            continue
        if existing.standard:
            continue  # refused above
        changes = rule_changes(existing.rule, rule)
        action = RuleAction(UNCHANGED, rule.name, existing.rule.connector, "custom", identifier=existing.identifier)
        if changes:
            action.action, action.changes = CHANGE, changes
            if all(c["field"] in SETTABLE_FIELDS for c in changes):
                action.method, action.precedence, action.disabled = "set", rule.precedence, rule.disabled
            else:
                action.method, action.rule = "replace", rule
        actions.append(action)
    for c in undeclared:
        if exclusive:
            actions.append(
                RuleAction(REMOVE, c.rule.name, c.rule.connector, "custom", method="remove", identifier=c.identifier)
            )
    if problems:
        raise InputError(_problem_text(f"sync rules for {host}", problems))
    return Plan(
        actions=_ordered(actions, current),
        warnings=warnings,
        undeclared=[] if exclusive else [c.rule.label for c in undeclared],
    )


def _target_precedence(action: RuleAction) -> int | None:
    if action.kind != "custom" or action.action not in (ADD, CHANGE):
        return None
    if action.rule is not None:
        return action.rule.precedence
    return action.precedence


def _ordered(actions: list[RuleAction], current: list[CurrentRule]) -> list[RuleAction]:
    """Removals first; then each write only once the precedence it takes is free, where possible.

    A rule moving to a precedence another custom rule still holds waits until that rule has moved,
    so the server never holds two custom rules with one precedence in between (a cycle, two rules
    swapping precedences, cannot avoid it and keeps the declared order).
    """
    removals = [a for a in actions if a.action == REMOVE]
    removed = {a.identifier for a in removals}
    held = {c.rule.precedence: c.identifier for c in current if not c.standard and c.identifier not in removed}
    pending = [a for a in actions if a.action in (ADD, CHANGE)]
    ordered: list[RuleAction] = []
    while pending:
        ready = next(
            (
                a
                for a in pending
                if held.get(_target_precedence(a), a.identifier) == a.identifier or _target_precedence(a) is None
            ),
            pending[0],
        )
        pending.remove(ready)
        target = _target_precedence(ready)
        if target is not None:
            for precedence, identifier in list(held.items()):
                if identifier is not None and identifier == ready.identifier:
                    del held[precedence]
            held[target] = ready.identifier or f"new:{ready.name}"
        ordered.append(ready)
    unchanged = [a for a in actions if a.action == UNCHANGED]
    return removals + ordered + unchanged
