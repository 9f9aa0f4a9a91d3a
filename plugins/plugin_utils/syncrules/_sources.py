# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules as data from a server's rules or from a configuration export. For internal collection use only.

Pure Python (no Ansible import).

* :func:`current_rules` reads the result of the ``Get-EntraConnectSyncRules`` helper (one entry
  per ``Get-ADSyncRule`` object, its connector GUID already resolved to the connector's name).
* :func:`rules_from_export` reads ``SynchronizationRules/SynchronizationRule_{GUID}.xml`` of a
  ``Get-ADSyncServerConfiguration`` folder or zip (the element names of reference §4.2), resolving
  each rule's connector GUID through ``Connectors/`` of the same export, as the Configuration
  Documenter does. In that XML a constant flow carries its value as the text of ``<src>``, a
  direct flow one ``<src><attr>``, and an expression flow ``<expression>`` (with the attributes it
  reads as ``<src><attr>``, which the rule cmdlets do not take).

A settings JSON (``Applied-SynchronizationPolicy``) is not a source: its rule entries carry no
join conditions, flow types or expressions (reference §4.1), so a rule cannot be rebuilt from it.
"""

from __future__ import annotations

import os
import re
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._xml import require_lxml
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.parser import (
    normalise_guid,
    parse_connector,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.sources import (
    ExportFiles,
    open_folder,
    open_zip,
    parse_xml,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._model import (
    DesiredRules,
    Flow,
    JoinCondition,
    Rule,
    ScopeCondition,
    StandardRuleState,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._plan import CurrentRule

_TIMESPAN = re.compile(r"^(?:(?P<days>\d+)\.)?(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})(?:\.\d+)?$")


def timespan_seconds(text: str, label: str = "") -> int:
    """``[d.]hh:mm:ss`` (a .NET TimeSpan as the export writes it) in whole seconds."""
    text = (text or "").strip()
    if not text:
        return 0
    match = _TIMESPAN.match(text)
    if match is None:
        raise InputError(f"{label}: softDeleteExpiryInterval '{text}' is not a time span like 00:00:00")
    days = int(match.group("days") or 0)
    return ((days * 24 + int(match.group("h"))) * 60 + int(match.group("m"))) * 60 + int(match.group("s"))


# ---------------------------------------------------------------------------------------------
# From a server (the Get-EntraConnectSyncRules helper result)
# ---------------------------------------------------------------------------------------------


def _server_rule(item: dict[str, Any]) -> Rule:
    return Rule(
        name=item["name"],
        connector=item["connector_name"] or normalise_guid(item["connector_id"]),
        direction=item["direction"],
        source_object_type=item["source_object_type"],
        target_object_type=item["target_object_type"],
        precedence=item["precedence"],
        link_type=item["link_type"],
        description=item["description"] or "",
        disabled=item["disabled"],
        immutable_tag=item["immutable_tag"] or "",
        soft_delete_expiry_seconds=int(item["soft_delete_expiry_seconds"]),
        enable_password_sync=item["enable_password_sync"],
        scope_groups=tuple(
            tuple(ScopeCondition(c["attribute"], c["operator"], c["value"] or "") for c in g["conditions"])
            for g in item["scope_groups"]
        ),
        join_groups=tuple(
            tuple(JoinCondition(c["cs_attribute"], c["mv_attribute"], c["case_sensitive"]) for c in g["conditions"])
            for g in item["join_groups"]
        ),
        attribute_flows=tuple(
            Flow(
                destination=f["destination"],
                flow_type=f["flow_type"],
                source=tuple(f["source"]) if f["flow_type"] != "Expression" else (),
                expression=f["expression"] or "",
                merge_type=f["merge_type"],
                execute_once=f["execute_once"],
            )
            for f in item["attribute_flows"]
        ),
    )


def current_rules(result: dict[str, Any]) -> list[CurrentRule]:
    """The server's rules from a ``Get-EntraConnectSyncRules`` result."""
    return [
        CurrentRule(identifier=item["identifier"], rule=_server_rule(item), standard=bool(item["is_standard_rule"]))
        for item in result["rules"]
    ]


def desired_from_current(rules: list[CurrentRule]) -> DesiredRules:
    """A rules document from a server's rules: custom rules in full, standard rules' disabled state."""
    return DesiredRules(
        rules=sorted((c.rule for c in rules if not c.standard), key=lambda r: (r.connector.casefold(), r.name)),
        standard_rules=sorted(
            (StandardRuleState(c.rule.name, c.rule.connector, c.rule.disabled) for c in rules if c.standard),
            key=lambda s: (s.connector.casefold(), s.name),
        ),
    )


# ---------------------------------------------------------------------------------------------
# From a configuration export
# ---------------------------------------------------------------------------------------------


def _children(element: Any) -> dict[str, Any]:
    return {c.tag: c for c in element if isinstance(c.tag, str)}


def _text(element: Any) -> str:
    return "" if element is None or element.text is None else element.text.strip()


def _export_flow(mapping: Any) -> Flow:
    parts = _children(mapping)
    src = parts.get("src")
    attributes = tuple(_text(a) for a in src if a.tag == "attr") if src is not None else ()
    expression = _text(parts.get("expression"))
    if expression:
        flow_type, source = "Expression", ()
    elif attributes:
        flow_type, source = "Direct", attributes
    else:
        flow_type, source = "Constant", (_text(src),)
    return Flow(
        destination=_text(parts.get("dest")),
        flow_type=flow_type,
        source=source,
        expression=expression,
        merge_type=_text(parts.get("valueMergeType")) or "Update",
        execute_once=(mapping.get("execute-once") or "").lower() == "true",
    )


def _groups(parent: Any, tag: str) -> list[list[dict[str, str]]]:
    if parent is None:
        return []
    groups = []
    for group in parent:
        if group.tag == "conditions":
            groups.append(
                [{c.tag: _text(c) for c in cond if isinstance(c.tag, str)} for cond in group if cond.tag == tag]
            )
    return groups


def export_rule(root: Any, label: str, connector_names: dict[str, str]) -> Rule:
    if root.tag != "synchronizationRule":
        raise InputError(f"{label}: expected a <synchronizationRule> document, found <{root.tag}>")
    parts = _children(root)
    connector_id = normalise_guid(_text(parts.get("connector")))
    connector = connector_names.get(connector_id)
    name = _text(parts.get("name"))
    if connector is None:
        raise InputError(
            f"{label}: the rule '{name}' refers to connector {connector_id}, "
            "which is not in Connectors/ of the same export"
        )
    precedence = _text(parts.get("precedence"))
    if not precedence.lstrip("-").isdigit():
        raise InputError(f"{label}: rule '{name}' has <precedence> '{precedence}', expected a whole number")
    mappings = parts.get("attribute-mappings")
    return Rule(
        name=name,
        connector=connector,
        direction=_text(parts.get("direction")),
        source_object_type=_text(parts.get("sourceObjectType")),
        target_object_type=_text(parts.get("targetObjectType")),
        precedence=int(precedence),
        link_type=_text(parts.get("linkType")) or "Join",
        description=_text(parts.get("description")),
        disabled=_text(parts.get("disabled")).lower() == "true",
        immutable_tag=_text(parts.get("immutable-tag")),
        soft_delete_expiry_seconds=timespan_seconds(_text(parts.get("softDeleteExpiryInterval")), label),
        enable_password_sync=_text(parts.get("EnablePasswordSync")).lower() == "true",
        scope_groups=tuple(
            tuple(ScopeCondition(c.get("csAttribute", ""), c.get("csOperator", ""), c.get("csValue", "")) for c in g)
            for g in _groups(parts.get("synchronizationCriteria"), "scope")
        ),
        join_groups=tuple(
            tuple(
                JoinCondition(
                    c.get("csAttribute", ""), c.get("ilmAttribute", ""), c.get("caseSensitive", "").lower() == "true"
                )
                for c in g
            )
            for g in _groups(parts.get("relationshipCriteria"), "condition")
        ),
        attribute_flows=tuple(_export_flow(m) for m in mappings if m.tag == "mapping") if mappings is not None else (),
    )


def _export_files(path: str) -> ExportFiles:
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file or folder")
    if os.path.isdir(path):
        return open_folder(path)
    if path.lower().endswith(".zip"):
        return open_zip(path)
    raise InputError(
        f"{path}: sync rules are read from a Get-ADSyncServerConfiguration folder or a zip of it; a settings "
        "JSON carries no join conditions, flow types or expressions, so rules cannot be rebuilt from it"
    )


def rules_from_export(path: str) -> DesiredRules:
    """A rules document from a configuration export (folder or zip)."""
    require_lxml()
    files = _export_files(path)
    connector_names: dict[str, str] = {}
    for name in files.names("Connectors"):
        label = files.label(name)
        guid, connector = parse_connector(parse_xml(files.read(name), label), label)
        connector_names[guid] = connector.name
    rules = []
    for name in files.names("SynchronizationRules"):
        label = files.label(name)
        rules.append(
            CurrentRule(
                identifier=name,
                rule=export_rule(parse_xml(files.read(name), label), label, connector_names),
                standard=False,
            )
        )
    marked = [CurrentRule(c.identifier, c.rule, c.rule.standard) for c in rules]
    return desired_from_current(marked)
