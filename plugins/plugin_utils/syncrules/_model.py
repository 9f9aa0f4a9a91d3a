# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules-as-data shape and its validation. For internal collection use only.

Pure Python (no Ansible import). One rule is the ``SynchronizationRule`` object of the ADSync
module (``adsync-cmdlets.json`` ``objects``) with snake_case names, minus everything that differs
from server to server: the connector is named, never given by GUID (the Configuration
Documenter's scripts break when connector GUIDs differ between servers), and the rule's
``Identifier``, ``InternalId``, ``PrecedenceAfter``/``PrecedenceBefore`` and version are not carried.

A rules document is YAML or JSON::

    rules:            # custom rules, every field of the rule
      - name: In from AD - User Department
        connector: contoso.com
        direction: Inbound
        precedence: 50
        source_object_type: user
        target_object_type: person
        link_type: Join
        scope_groups: [[{attribute: department, operator: ISNOTNULL, value: ""}]]
        join_groups: []
        attribute_flows:
          - {destination: department, flow_type: Direct, source: [department]}
    standard_rules:   # out-of-box rules: only their disabled state is managed
      - {name: In from AD - User AccountEnabled, connector: contoso.com, disabled: false}

Groups of scope conditions are ORed and the conditions of a group ANDed; join groups are tried
in order (concept-azure-ad-connect-sync-declarative-provisioning.md, quoted in the catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError

# Enum names as the ADSync 2.2.8.0 object model declares them (adsync-cmdlets.json ``objects``).
DIRECTIONS = ("Inbound", "Outbound")
LINK_TYPES = ("Provision", "StickyJoin", "Join", "JoinNoFlow")
FLOW_TYPES = ("Direct", "Constant", "Expression")
MERGE_TYPES = ("Update", "Replace", "MergeCaseInsensitive", "Merge")
OPERATORS = (
    "EQUAL",
    "NOTEQUAL",
    "LESSTHAN",
    "LESSTHAN_OR_EQUAL",
    "CONTAINS",
    "NOTCONTAINS",
    "STARTSWITH",
    "NOTSTARTSWITH",
    "ENDSWITH",
    "NOTENDSWITH",
    "GREATERTHAN",
    "GREATERTHAN_OR_EQUAL",
    "ISNULL",
    "ISNOTNULL",
    "ISIN",
    "ISNOTIN",
    "ISBITSET",
    "ISBITNOTSET",
    "ISMEMBEROF",
    "ISNOTMEMBEROF",
)
#: Microsoft's documentation spells one operator differently from the enum (catalogue note).
OPERATOR_ALIASES = {"ISNOTBITSET": "ISBITNOTSET"}

#: Microsoft: "The only supported change to a standard (out-of-box) rule is Disabled"; modified
#: standard rules are reset on upgrade; clone a rule before changing it (reference §0, §4.4 [BP][UPG]).
STANDARD_RULE_REASON = (
    "Microsoft supports only enabling or disabling a standard (out-of-box) rule: changes to a standard "
    "rule are reset on upgrade. Clone the rule in the Synchronization Rules Editor, change the clone "
    "(a custom rule, precedence 0-99) and disable the original"
)

RULE_FIELDS = (
    "name",
    "connector",
    "direction",
    "precedence",
    "source_object_type",
    "target_object_type",
    "link_type",
    "description",
    "disabled",
    "immutable_tag",
    "soft_delete_expiry_seconds",
    "enable_password_sync",
    "scope_groups",
    "join_groups",
    "attribute_flows",
)
STANDARD_FIELDS = ("name", "connector", "disabled")
REQUIRED_FIELDS = ("name", "connector", "direction", "source_object_type", "target_object_type")


@dataclass(frozen=True)
class ScopeCondition:
    attribute: str
    operator: str
    value: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"attribute": self.attribute, "operator": self.operator, "value": self.value}


@dataclass(frozen=True)
class JoinCondition:
    cs_attribute: str
    mv_attribute: str
    case_sensitive: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "cs_attribute": self.cs_attribute,
            "mv_attribute": self.mv_attribute,
            "case_sensitive": self.case_sensitive,
        }


@dataclass(frozen=True)
class Flow:
    """One attribute flow mapping. A Constant's value is its only source (Microsoft's scripts pass
    ``-Source @('true') -FlowType 'Constant'``); an Expression has no sources (the 2.2.8.0
    constructor discards them)."""

    destination: str
    flow_type: str = "Direct"
    source: tuple[str, ...] = ()
    expression: str = ""
    merge_type: str = "Update"
    execute_once: bool = False

    def canonical(self) -> tuple:
        source = () if self.flow_type == "Expression" else self.source
        return (self.destination, self.flow_type, source, self.expression, self.merge_type, self.execute_once)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"destination": self.destination, "flow_type": self.flow_type}
        if self.flow_type != "Expression":
            data["source"] = list(self.source)
        if self.expression:
            data["expression"] = self.expression
        data["merge_type"] = self.merge_type
        data["execute_once"] = self.execute_once
        return data


class _Named:
    """A rule identified by its connector's name and its own name (both servers' GUIDs differ)."""

    name: str
    connector: str

    @property
    def key(self) -> tuple[str, str]:
        """How rules match between servers: connector name and rule name (reference §4.3)."""
        return (self.connector.casefold(), self.name)

    @property
    def label(self) -> str:
        return f"'{self.name}' ({self.connector})"


@dataclass(frozen=True)
class Rule(_Named):
    name: str
    connector: str
    direction: str
    source_object_type: str
    target_object_type: str
    precedence: int = 0
    link_type: str = "Join"
    description: str = ""
    disabled: bool = False
    immutable_tag: str = ""
    soft_delete_expiry_seconds: int = 0
    enable_password_sync: bool = False
    scope_groups: tuple[tuple[ScopeCondition, ...], ...] = ()
    join_groups: tuple[tuple[JoinCondition, ...], ...] = ()
    attribute_flows: tuple[Flow, ...] = ()

    @property
    def standard(self) -> bool:
        """An out-of-box rule: its immutable tag starts with ``Microsoft.`` (reference §4.3)."""
        return self.immutable_tag.startswith("Microsoft.")

    def canonical(self) -> dict[str, Any]:
        """The fields that make two rules the same rule, order-free where the engine is."""
        return {
            "direction": self.direction,
            "precedence": self.precedence,
            "source_object_type": self.source_object_type,
            "target_object_type": self.target_object_type,
            "link_type": self.link_type,
            "description": " ".join(self.description.split()),
            "disabled": self.disabled,
            "soft_delete_expiry_seconds": self.soft_delete_expiry_seconds,
            "enable_password_sync": self.enable_password_sync,
            # scope groups are ORed and their conditions ANDed: order carries no meaning
            "scope_groups": sorted(sorted((c.attribute, c.operator, c.value) for c in g) for g in self.scope_groups),
            # join groups are tried top to bottom: their order matters, a group's conditions' does not
            "join_groups": [
                sorted((c.cs_attribute, c.mv_attribute, c.case_sensitive) for c in g) for g in self.join_groups
            ],
            "attribute_flows": sorted(f.canonical() for f in self.attribute_flows),
        }

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "connector": self.connector,
            "direction": self.direction,
            "precedence": self.precedence,
            "source_object_type": self.source_object_type,
            "target_object_type": self.target_object_type,
            "link_type": self.link_type,
            "description": self.description,
            "disabled": self.disabled,
        }
        if self.immutable_tag:
            data["immutable_tag"] = self.immutable_tag
        data["soft_delete_expiry_seconds"] = self.soft_delete_expiry_seconds
        data["enable_password_sync"] = self.enable_password_sync
        data["scope_groups"] = [[c.to_dict() for c in g] for g in self.scope_groups]
        data["join_groups"] = [[c.to_dict() for c in g] for g in self.join_groups]
        data["attribute_flows"] = [f.to_dict() for f in self.attribute_flows]
        return data


@dataclass(frozen=True)
class StandardRuleState(_Named):
    """The managed part of an out-of-box rule: whether it is disabled."""

    name: str
    connector: str
    disabled: bool

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "connector": self.connector, "disabled": self.disabled}


@dataclass
class DesiredRules:
    """A rules document: custom rules in full, standard rules by their disabled state."""

    rules: list[Rule] = field(default_factory=list)
    standard_rules: list[StandardRuleState] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": [r.to_dict() for r in self.rules],
            "standard_rules": [s.to_dict() for s in self.standard_rules],
        }


# ---------------------------------------------------------------------------------------------
# Reading a rules document
# ---------------------------------------------------------------------------------------------


class _Problems:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, where: str, rule: str, field_name: str, message: str) -> None:
        who = f"rule '{rule}' ({where})" if rule else where
        self.items.append(f"{who}: field '{field_name}' {message}")

    def raise_any(self) -> None:
        if self.items:
            count = len(self.items)
            raise InputError(
                f"{self.source}: {count} problem{'s' if count > 1 else ''} in the sync rules: " + "; ".join(self.items)
            )


def _string(p: _Problems, data: dict, name: str, where: str, rule: str, default: str | None = None) -> str:
    value = data.get(name, default)
    if value is None:
        p.add(where, rule, name, "is required")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        p.add(where, rule, name, f"must be a string, got {value!r}")
        return ""
    return str(value)


def _choice(p: _Problems, data: dict, name: str, choices: tuple[str, ...], where: str, rule: str, default: str | None):
    value = _string(p, data, name, where, rule, default)
    if not value:
        return value
    lowered = {c.lower(): c for c in choices}
    found = lowered.get(value.lower())
    if found is None:
        p.add(where, rule, name, f"must be one of {', '.join(choices)}, got {value!r}")
        return value
    return found


def _bool(p: _Problems, data: dict, name: str, where: str, rule: str, default: bool) -> bool:
    value = data.get(name, default)
    if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no"):
        return value.lower() in ("true", "yes")  # AWX surveys and extra vars send strings
    if not isinstance(value, bool):
        p.add(where, rule, name, f"must be true or false, got {value!r}")
        return default
    return value


def _int(p: _Problems, data: dict, name: str, where: str, rule: str, default: int | None) -> int:
    value = data.get(name, default)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if value is None:
        p.add(where, rule, name, "is required")
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        p.add(where, rule, name, f"must be a whole number, got {value!r}")
        return 0
    return value


def _list(p: _Problems, data: dict, name: str, where: str, rule: str) -> list:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        p.add(where, rule, name, f"must be a list, got {value!r}")
        return []
    return value


def _scope_groups(p: _Problems, data: dict, where: str, rule: str) -> tuple:
    groups = []
    for gi, group in enumerate(_list(p, data, "scope_groups", where, rule)):
        if not isinstance(group, list) or not group:
            p.add(where, rule, f"scope_groups[{gi}]", "must be a non-empty list of conditions")
            continue
        conditions = []
        for ci, item in enumerate(group):
            at = f"scope_groups[{gi}][{ci}]"
            if not isinstance(item, dict):
                p.add(where, rule, at, f"must be a mapping with attribute, operator, value, got {item!r}")
                continue
            unknown = sorted(set(item) - {"attribute", "operator", "value"})
            if unknown:
                p.add(where, rule, f"{at}.{unknown[0]}", "is not a scope condition field (attribute, operator, value)")
            operator = str(item.get("operator", "")).upper()
            operator = OPERATOR_ALIASES.get(operator, operator)
            if operator not in OPERATORS:
                p.add(
                    where,
                    rule,
                    f"{at}.operator",
                    f"must be one of {', '.join(OPERATORS)}, got {item.get('operator')!r}",
                )
            value = item.get("value", "")
            conditions.append(
                ScopeCondition(
                    _string(p, item, "attribute", where, rule), operator, "" if value is None else str(value)
                )
            )
        groups.append(tuple(conditions))
    return tuple(groups)


def _join_groups(p: _Problems, data: dict, where: str, rule: str) -> tuple:
    groups = []
    for gi, group in enumerate(_list(p, data, "join_groups", where, rule)):
        if not isinstance(group, list) or not group:
            p.add(where, rule, f"join_groups[{gi}]", "must be a non-empty list of conditions")
            continue
        conditions = []
        for ci, item in enumerate(group):
            at = f"join_groups[{gi}][{ci}]"
            if not isinstance(item, dict):
                p.add(
                    where, rule, at, f"must be a mapping with cs_attribute, mv_attribute, case_sensitive, got {item!r}"
                )
                continue
            unknown = sorted(set(item) - {"cs_attribute", "mv_attribute", "case_sensitive"})
            if unknown:
                p.add(where, rule, f"{at}.{unknown[0]}", "is not a join condition field")
            conditions.append(
                JoinCondition(
                    _string(p, item, "cs_attribute", where, rule),
                    _string(p, item, "mv_attribute", where, rule),
                    _bool(p, item, "case_sensitive", where, rule, False),
                )
            )
        groups.append(tuple(conditions))
    return tuple(groups)


def _flows(p: _Problems, data: dict, where: str, rule: str) -> tuple:
    flows = []
    known = {"destination", "flow_type", "source", "expression", "merge_type", "execute_once"}
    for fi, item in enumerate(_list(p, data, "attribute_flows", where, rule)):
        at = f"attribute_flows[{fi}]"
        if not isinstance(item, dict):
            p.add(where, rule, at, f"must be a mapping, got {item!r}")
            continue
        unknown = sorted(set(item) - known)
        if unknown:
            p.add(where, rule, f"{at}.{unknown[0]}", f"is not a flow field ({', '.join(sorted(known))})")
        source = item.get("source", [])
        if isinstance(source, str):
            source = [source]
        if not isinstance(source, list) or not all(isinstance(s, (str, int, float)) for s in source):
            p.add(where, rule, f"{at}.source", f"must be a list of attribute names, got {source!r}")
            source = []
        flow_type = _choice(p, item, "flow_type", FLOW_TYPES, where, rule, "Direct")
        expression = _string(p, item, "expression", where, rule, "")
        if flow_type == "Expression" and not expression:
            p.add(where, rule, f"{at}.expression", "is required when flow_type is Expression")
        if flow_type == "Direct" and len(source) != 1:
            p.add(where, rule, f"{at}.source", "must name exactly one attribute when flow_type is Direct")
        if flow_type == "Constant" and len(source) != 1:
            p.add(where, rule, f"{at}.source", "must hold exactly the constant value when flow_type is Constant")
        if flow_type != "Expression" and expression:
            p.add(where, rule, f"{at}.expression", "is only used when flow_type is Expression")
        flows.append(
            Flow(
                destination=_string(p, item, "destination", where, rule),
                flow_type=flow_type,
                source=tuple(str(s) for s in source) if flow_type != "Expression" else (),
                expression=expression,
                merge_type=_choice(p, item, "merge_type", MERGE_TYPES, where, rule, "Update"),
                execute_once=_bool(p, item, "execute_once", where, rule, False),
            )
        )
    return tuple(flows)


def parse_rule(data: Any, where: str, p: _Problems) -> Rule | None:
    """One custom rule from its mapping; problems go to ``p`` (None when it is not a mapping)."""
    if not isinstance(data, dict):
        p.add(where, "", "", f"must be a mapping (one rule), got {data!r}")
        return None
    name = _string(p, data, "name", where, "")
    unknown = sorted(set(data) - set(RULE_FIELDS))
    for item in unknown:
        p.add(where, name, item, f"is not a rule field (fields: {', '.join(RULE_FIELDS)})")
    rule = Rule(
        name=name,
        connector=_string(p, data, "connector", where, name),
        direction=_choice(p, data, "direction", DIRECTIONS, where, name, None),
        source_object_type=_string(p, data, "source_object_type", where, name),
        target_object_type=_string(p, data, "target_object_type", where, name),
        precedence=_int(p, data, "precedence", where, name, None),
        link_type=_choice(p, data, "link_type", LINK_TYPES, where, name, "Join"),
        description=_string(p, data, "description", where, name, ""),
        disabled=_bool(p, data, "disabled", where, name, False),
        immutable_tag=_string(p, data, "immutable_tag", where, name, ""),
        soft_delete_expiry_seconds=_int(p, data, "soft_delete_expiry_seconds", where, name, 0),
        enable_password_sync=_bool(p, data, "enable_password_sync", where, name, False),
        scope_groups=_scope_groups(p, data, where, name),
        join_groups=_join_groups(p, data, where, name),
        attribute_flows=_flows(p, data, where, name),
    )
    if rule.standard:
        p.add(
            where,
            name,
            "immutable_tag",
            f"is a standard rule's tag ({rule.immutable_tag}); list standard rules under standard_rules with "
            f"name, connector and disabled only. {STANDARD_RULE_REASON}",
        )
    if rule.soft_delete_expiry_seconds < 0:
        p.add(where, name, "soft_delete_expiry_seconds", "must be 0 or more")
    return rule


def parse_standard(data: Any, where: str, p: _Problems) -> StandardRuleState | None:
    if not isinstance(data, dict):
        p.add(where, "", "", f"must be a mapping with name, connector and disabled, got {data!r}")
        return None
    name = _string(p, data, "name", where, "")
    for item in sorted(set(data) - set(STANDARD_FIELDS)):
        p.add(where, name, item, f"cannot be managed on a standard rule. {STANDARD_RULE_REASON}")
    if "disabled" not in data:
        p.add(where, name, "disabled", "is required (the one managed field of a standard rule)")
    return StandardRuleState(
        name=name,
        connector=_string(p, data, "connector", where, name),
        disabled=_bool(p, data, "disabled", where, name, False),
    )


def load_rules(data: Any, source: str = "sync rules") -> DesiredRules:
    """A rules document (``{rules, standard_rules}`` or a plain list of custom rules), validated.

    Every problem is reported at once, each naming the rule and the field. Rules must be unique
    by (connector, name) within the document.
    """
    p = _Problems(source)
    if isinstance(data, list):
        data = {"rules": data}
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a mapping with 'rules' and 'standard_rules', or a list of rules")
    for item in sorted(set(data) - {"rules", "standard_rules"}):
        p.items.append(f"key '{item}' is not part of a rules document (rules, standard_rules)")
    desired = DesiredRules()
    for kind, parse, target in (
        ("rules", parse_rule, desired.rules),
        ("standard_rules", parse_standard, desired.standard_rules),
    ):
        items = data.get(kind) or []
        if not isinstance(items, list):
            p.items.append(f"'{kind}' must be a list")
            continue
        seen: dict[tuple[str, str], str] = {}
        for index, item in enumerate(items):
            where = f"{kind}[{index}]"
            parsed = parse(item, where, p)
            if parsed is None:
                continue
            if parsed.key in seen:
                p.add(where, parsed.name, "name", f"repeats {seen[parsed.key]}: a rule is named once per connector")
            seen[parsed.key] = where
            target.append(parsed)
    custom = {r.key for r in desired.rules}
    for state in desired.standard_rules:
        if state.key in custom:
            p.items.append(f"rule {state.label} is listed both as a custom and as a standard rule")
    p.raise_any()
    return desired
