# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sync rules of a lab server. For internal collection use only.

* Standard rules are the Contoso export's (``templates/server-configuration``, as the server's
  configuration export writes them: connectors renamed, the version flow added); a server keeps
  only which of them are disabled (``LabServer.disabled_standard_rules``, by name).
* Custom rules are stored in the collection's rules-as-data shape plus their per-server
  ``identifier`` (``LabServer.custom_rules``); the configuration export writes each one as a
  ``<synchronizationRule>`` with the element names of reference §4.2.
* ``Add-ADSyncRule`` is an upsert by Identifier and flags the rule's connector for a full sync
  on the next scheduled cycle, warning "Performing this operation has set connector '{0}' to do a
  full sync on the next scheduled sync cycle" (resource string SetSyncRuleSetConnectorFullSync,
  reference section 0 and the catalogue's Add-ADSyncRule note). The lab flags a full sync only
  (the product may ask for a full import too: SetSyncRuleSetConnectorFullImport/FullImportFullSync).
  ``Remove-ADSyncRule`` writes no output; whether it flags the connector is not documented, so the
  lab does not (the collection sets the override itself).

Simplification: the lab's engine does not evaluate rules (its flows are ``engine.BASE_FLOWS``), so a
rule change shows in exports, the rule read and configuration comparisons, not in pending exports.
"""

from __future__ import annotations

import uuid
from typing import Any
from xml.sax.saxutils import escape

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._xml import etree, safe_xml_parser
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.models import (
    ENTRA_CONNECTOR_ID,
    LabServer,
    connector_guid,
    entra_connector_name,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._model import (
    Rule,
    load_rules,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._sources import export_rule

FULL_SYNC_WARNING = (
    "Performing this operation has set connector '{0}' to do a full sync on the next scheduled sync cycle"
)
#: What a lab custom rule given only by name (the older lab settings) is: an inbound user rule.
LEGACY_DEFAULTS = {
    "direction": "Inbound",
    "source_object_type": "user",
    "target_object_type": "person",
    "link_type": "Join",
    "precedence": 50,
}


def normalise(entries: list[dict[str, Any]] | tuple[dict[str, Any], ...], forest: str, source: str) -> list[Rule]:
    """Lab custom rules (rules-as-data, or the older {name, precedence, disabled}) validated."""
    filled = [
        {**LEGACY_DEFAULTS, "connector": forest, **{k: v for k, v in dict(e).items() if k != "identifier"}}
        for e in entries
    ]
    return load_rules({"rules": filled}, source).rules


def rule_identifier(host: str, name: str) -> str:
    """A lab server's rule GUID: stable per server and rule, different between servers (as on real ones)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{host}/rule/{name}"))


def stored(rule: Rule, identifier: str) -> dict[str, Any]:
    return {"identifier": identifier, **rule.to_dict()}


def custom(server: LabServer) -> list[tuple[str, Rule]]:
    """(identifier, rule) of each custom rule the server holds."""
    result = []
    for entry in server.custom_rules or []:
        rule = load_rules({"rules": [{k: v for k, v in entry.items() if k != "identifier"}]}, server.host).rules[0]
        result.append((str(entry["identifier"]), rule))
    return result


def connector_ids(server: LabServer) -> dict[str, str]:
    """Connector name -> this server's connector GUID."""
    return {c.name: c.identifier for c in server.connectors()}


_STANDARD_CACHE: dict[tuple, list[tuple[str, Rule]]] = {}


def standard(server: LabServer) -> list[tuple[str, Rule]]:
    """(identifier, rule) of each standard rule, as the server's export writes them."""
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import files
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import server as lab_server

    disabled = set(server.disabled_standard_rules or [])
    key = (server.host, tuple(server.forests or ()), server.tenant, lab_server.version_at_least(server, "2.4.0.0"))
    if key not in _STANDARD_CACHE:
        _STANDARD_CACHE[key] = _parse_standard(server, files.standard_rule_texts(server))
    return [(i, _with_disabled(r, r.name in disabled)) for i, r in _STANDARD_CACHE[key]]


def _parse_standard(server: LabServer, texts: list[tuple[str, str]]) -> list[tuple[str, Rule]]:
    names = {connector_guid(server.host, f).upper(): f for f in server.forests or []}
    names[ENTRA_CONNECTOR_ID.upper()] = entra_connector_name(str(server.tenant))
    by_guid = {"{" + k + "}": v for k, v in names.items()}
    result = []
    for name, text in texts:
        root = etree.fromstring(text.encode("utf-8"), safe_xml_parser())
        rule = export_rule(root, name, by_guid)
        result.append((rule_identifier(server.host, rule.name), _with_disabled(rule, False)))
    return result


def _with_disabled(rule: Rule, disabled: bool) -> Rule:
    from dataclasses import replace

    return replace(rule, disabled=disabled)


def to_result(identifier: str, rule: Rule, connector_id: str, is_standard: bool) -> dict[str, Any]:
    """One rule as the Get-EntraConnectSyncRules contract returns it."""
    return {
        "identifier": identifier,
        "name": rule.name,
        "description": rule.description,
        "connector_id": connector_id.strip("{}").lower(),
        "connector_name": rule.connector,
        "direction": rule.direction,
        "precedence": rule.precedence,
        "disabled": rule.disabled,
        "immutable_tag": rule.immutable_tag or None,
        "is_standard_rule": is_standard,
        "source_object_type": rule.source_object_type,
        "target_object_type": rule.target_object_type,
        "link_type": rule.link_type,
        "soft_delete_expiry_seconds": rule.soft_delete_expiry_seconds,
        "enable_password_sync": rule.enable_password_sync,
        "scope_groups": [{"conditions": [c.to_dict() for c in g]} for g in rule.scope_groups],
        "join_groups": [{"conditions": [c.to_dict() for c in g]} for g in rule.join_groups],
        "attribute_flows": [
            {
                "destination": f.destination,
                "flow_type": f.flow_type,
                "source": list(f.source),
                "expression": f.expression or None,
                "merge_type": f.merge_type,
                "execute_once": f.execute_once,
            }
            for f in rule.attribute_flows
        ],
    }


def rule_from_wire(data: dict[str, Any], source: str) -> Rule:
    """The RuleJson of Set-EntraConnectSyncRule (groups as {conditions}) as a rule."""
    plain = dict(data)
    for key in ("scope_groups", "join_groups"):
        plain[key] = [g.get("conditions", []) if isinstance(g, dict) else g for g in plain.get(key) or []]
    return load_rules({"rules": [plain]}, source).rules[0]


def flag_full_sync(server: LabServer, connector: str) -> str:
    """What Add-ADSyncRule does to the rule's connector; returns its warning."""
    overrides = server.overrides if server.overrides is not None else {}
    have = overrides.get(connector) or {"full_import_required": False, "full_sync_required": False}
    overrides[connector] = {**have, "full_sync_required": True}
    server.overrides = overrides
    return FULL_SYNC_WARNING.format(connector)


# ---------------------------------------------------------------------------------------------
# The configuration export's <synchronizationRule> of a custom rule
# ---------------------------------------------------------------------------------------------


def _hms(seconds: int) -> str:
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{days}.{text}" if days else text


def _el(tag: str, value: Any) -> str:
    text = "" if value is None else str(value)
    return f"  <{tag}>{escape(text)}</{tag}>\n" if text else f"  <{tag} />\n"


def rule_xml(rule: Rule, identifier: str, connector_id: str) -> str:
    """A custom rule in the export's element layout (reference §4.2, the Contoso sample)."""
    guid = "{" + identifier.strip("{}").lower() + "}"
    zero = "{00000000-0000-0000-0000-000000000000}"
    parts = ["<synchronizationRule>\n"]
    parts += [_el("id", guid), _el("internal-id", guid), _el("version", 1), _el("name", rule.name)]
    parts += [_el("description", rule.description), _el("immutable-tag", rule.immutable_tag)]
    parts += [_el("direction", rule.direction), _el("disabled", "True" if rule.disabled else "False")]
    parts += [_el("connector", "{" + connector_id.strip("{}").lower() + "}")]
    parts += [_el("sourceObjectType", rule.source_object_type), _el("targetObjectType", rule.target_object_type)]
    parts += [_el("linkType", rule.link_type), _el("precedence", rule.precedence)]
    parts += [_el("precedence-after", zero), _el("precedence-before", zero)]
    parts += [_el("softDeleteExpiryInterval", _hms(rule.soft_delete_expiry_seconds))]
    parts += [_el("EnablePasswordSync", "true" if rule.enable_password_sync else "false")]
    if rule.attribute_flows:
        parts.append("  <attribute-mappings>\n")
        for flow in rule.attribute_flows:
            once = ' execute-once="true"' if flow.execute_once else ""
            parts.append(f"    <mapping{once}>\n      <dest>{escape(flow.destination)}</dest>\n")
            if flow.flow_type == "Direct":
                attrs = "".join(f"<attr>{escape(s)}</attr>" for s in flow.source)
                parts.append(f"      <src>{attrs}</src>\n")
            elif flow.flow_type == "Constant":
                parts.append(f"      <src>{escape(flow.source[0] if flow.source else '')}</src>\n")
            else:
                parts.append(f"      <expression>{escape(flow.expression)}</expression>\n")
            parts.append(f"      <valueMergeType>{escape(flow.merge_type)}</valueMergeType>\n    </mapping>\n")
        parts.append("  </attribute-mappings>\n")
    if rule.join_groups:
        parts.append("  <relationshipCriteria>\n")
        for group in rule.join_groups:
            parts.append("    <conditions>\n")
            for c in group:
                case = "<caseSensitive>true</caseSensitive>" if c.case_sensitive else ""
                parts.append(
                    f"      <condition><csAttribute>{escape(c.cs_attribute)}</csAttribute>"
                    f"<ilmAttribute>{escape(c.mv_attribute)}</ilmAttribute>{case}</condition>\n"
                )
            parts.append("    </conditions>\n")
        parts.append("  </relationshipCriteria>\n")
    if rule.scope_groups:
        parts.append("  <synchronizationCriteria>\n")
        for group in rule.scope_groups:
            parts.append("    <conditions>\n")
            for c in group:
                value = f"<csValue>{escape(c.value)}</csValue>" if c.value else "<csValue />"
                parts.append(
                    f"      <scope><csAttribute>{escape(c.attribute)}</csAttribute>"
                    f"<csOperator>{escape(c.operator)}</csOperator>{value}</scope>\n"
                )
            parts.append("    </conditions>\n")
        parts.append("  </synchronizationCriteria>\n")
    parts.append("</synchronizationRule>\n")
    return "".join(parts)
