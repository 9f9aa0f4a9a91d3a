# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse a configuration export or settings JSON into the normalised model.

For internal collection use only. Element names follow the ``Get-ADSyncServerConfiguration``
layout described in the domain reference (§4.2) and the Contoso sample; nothing else is assumed.
"""

from __future__ import annotations

import os
import re
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import (
    InputError,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._xml import (
    etree,
    require_lxml,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.model import (
    ASPECTS_EXPORT,
    ASPECTS_SETTINGS_JSON,
    ENTRA_CONNECTOR_ID,
    Configuration,
    Connector,
    Partition,
    SyncRule,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.sources import (
    ExportFiles,
    load_json,
    open_folder,
    open_zip,
    parse_xml,
)

# Connector children that are compared by their own category, or are volatile / per-server.
_CONNECTOR_HANDLED = {
    "id",
    "name",
    "creation-time",
    "last-modification-time",
    "version",
    "internal-version",
    "schema",
    "attribute-inclusion",
    "ma-partition-data",
    "ma-run-data",
}
# Leaf names that never produce a difference wherever they appear in connector XML.
_VOLATILE_LEAVES = {
    "creation-time",
    "last-modification-time",
    "modified-timestamp",
    "cookie",
    "water-mark",
    "last-dc",
    "assembly-version",  # the connector DLL version: version drift, shown by the product version
}
_PER_SERVER_VALUES = (
    # Wizard-created accounts carry a per-server random suffix (reference §4.3).
    (re.compile(r"^MSOL_[0-9A-Fa-f]{6,}$"), "MSOL_<per-server>"),
    (re.compile(r"^Sync_[^@]+_[0-9A-Fa-f]{6,}@(?P<tenant>.+)$"), r"Sync_<per-server>@\g<tenant>"),
)


def normalise_guid(value: str) -> str:
    value = (value or "").strip().upper()
    if value and not value.startswith("{"):
        value = "{" + value + "}"
    return value


def normalise_value(value: str) -> str:
    value = " ".join((value or "").split())
    for pattern, replacement in _PER_SERVER_VALUES:
        if pattern.match(value):
            return pattern.sub(replacement, value)
    return value


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _text(element: etree._Element | None, path: str, default: str = "") -> str:
    if element is None:
        return default
    found = element.find(path)
    return default if found is None or found.text is None else found.text.strip()


def _texts(element: etree._Element, path: str) -> tuple[str, ...]:
    return tuple(sorted({(e.text or "").strip() for e in element.iterfind(path)} - {""}))


def _flatten(element: etree._Element, prefix: str, out: dict[str, str]) -> None:
    """Flatten XML into ``path -> value`` pairs, keyed by name attributes, not positions."""
    seen: dict[str, int] = {}
    for child in element:
        tag = _local(child.tag)
        if not tag or tag in _VOLATILE_LEAVES:
            continue
        name = child.get("name")
        segment = f"{tag}[{name}]" if name is not None else tag
        seen[segment] = seen.get(segment, 0) + 1
        if seen[segment] > 1:
            segment = f"{segment}#{seen[segment]}"
        path = f"{prefix}/{segment}" if prefix else segment
        if name is not None and name in _VOLATILE_LEAVES:
            continue
        for attr, value in sorted(child.attrib.items()):
            if attr not in ("name", "type", "use", "dataType"):
                out[f"{path}/@{attr}"] = normalise_value(value)
        if len(child):
            _flatten(child, path, out)
        else:
            out[path] = normalise_value(child.text or "")


def _require_root(root: etree._Element, tag: str, label: str) -> None:
    if _local(root.tag) != tag:
        raise InputError(f"{label}: expected a <{tag}> document, found <{_local(root.tag)}>")


def parse_connector(root: etree._Element, label: str) -> tuple[str, Connector]:
    """Return (connector GUID, connector) from one ``Connector_{GUID}.xml``."""
    _require_root(root, "ma-data", label)
    name = _text(root, "name")
    if not name:
        raise InputError(f"{label}: the connector has no <name>")
    partitions: dict[str, Partition] = {}
    partition_names: dict[str, str] = {}
    for part in root.iterfind("ma-partition-data/partition"):
        pname = _text(part, "name")
        partition_names[normalise_guid(_text(part, "id"))] = pname
        partitions[pname] = Partition(
            name=pname,
            selected=_text(part, "selected") == "1",
            object_types=_texts(part, "filter/object-classes/object-class"),
            inclusions=_texts(part, "filter/containers/inclusions/inclusion"),
            exclusions=_texts(part, "filter/containers/exclusions/exclusion"),
        )
    run_profiles: dict[str, tuple[str, ...]] = {}
    for run in root.iterfind("ma-run-data/run-configuration"):
        steps = []
        for step in run.iterfind("configuration/step"):
            step_type = step.find("step-type")
            kind = step_type.get("type", "") if step_type is not None else ""
            subtype = " ".join(_text(c, ".") for c in step_type) if step_type is not None else ""
            partition = partition_names.get(normalise_guid(_text(step, "partition")), "")
            steps.append(f"{kind}({subtype}) on {partition or '?'}")
        run_profiles[_text(run, "name")] = tuple(steps)
    schema_attributes = tuple(
        sorted({e.get("id", "") for e in root.iterfind("schema/{*}dsml/{*}directory-schema/{*}attribute-type")} - {""})
    )
    other: dict[str, str] = {}
    for child in root:
        tag = _local(child.tag)
        if not tag or tag in _CONNECTOR_HANDLED:
            continue
        if len(child):
            _flatten(child, tag, other)
        else:
            other[tag] = normalise_value(child.text or "")
    connector = Connector(
        name=name,
        category=_text(root, "category"),
        subtype=_text(root, "subtype"),
        partitions=partitions,
        attributes=_texts(root, "attribute-inclusion/attribute"),
        run_profiles=run_profiles,
        schema_attributes=schema_attributes,
        other=other,
    )
    return normalise_guid(_text(root, "id")), connector


def _children(element: etree._Element) -> dict[str, str]:
    """Text of each element child by tag, read in one pass (much faster than find() per field)."""
    return {c.tag: (c.text or "").strip() for c in element if isinstance(c.tag, str)}


def _groups(parent: etree._Element | None, tag: str, fields: tuple[str, ...]) -> tuple:
    if parent is None:
        return ()
    groups = []
    for group in parent:
        if group.tag != "conditions":
            continue
        conditions = []
        for condition in group:
            if condition.tag == tag:
                values = _children(condition)
                conditions.append(tuple(normalise_value(values.get(f, "")) for f in fields))
        groups.append(tuple(sorted(conditions)))
    return tuple(sorted(groups))


def _flow(mapping: etree._Element) -> tuple:
    dest = expression = merge = ""
    sources: list[str] = []
    for child in mapping:
        if child.tag == "dest":
            dest = (child.text or "").strip()
        elif child.tag == "src":
            sources = [a.text.strip() for a in child if a.tag == "attr" and a.text]
        elif child.tag == "expression":
            expression = normalise_value(child.text or "")
        elif child.tag == "valueMergeType":
            merge = (child.text or "").strip()
    return (dest, tuple(sources), expression, merge, (mapping.get("execute-once") or "").lower() == "true")


def _bool(value: str) -> bool | None:
    lowered = value.strip().lower()
    return True if lowered == "true" else False if lowered == "false" else None


def _int(value: str, label: str, field_name: str) -> int | None:
    if value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise InputError(f"{label}: <{field_name}> is '{value}', expected a whole number") from None


def parse_rule(root: etree._Element, label: str, connector_names: dict[str, str]) -> SyncRule:
    _require_root(root, "synchronizationRule", label)
    fields = _children(root)
    connector_id = normalise_guid(fields.get("connector", ""))
    connector = connector_names.get(connector_id)
    if connector is None:
        raise InputError(
            f"{label}: the rule '{fields.get('name', '')}' refers to connector {connector_id}, "
            "which is not in Connectors/ of the same export"
        )
    sections = {
        c.tag: c for c in root if c.tag in ("attribute-mappings", "synchronizationCriteria", "relationshipCriteria")
    }
    mappings = sections.get("attribute-mappings")
    flows = [_flow(m) for m in mappings if m.tag == "mapping"] if mappings is not None else []
    return SyncRule(
        name=fields.get("name", ""),
        direction=fields.get("direction", ""),
        connector=connector,
        immutable_tag=fields.get("immutable-tag", ""),
        precedence=_int(fields.get("precedence", ""), label, "precedence"),
        disabled=_bool(fields.get("disabled", "")),
        source_object_type=fields.get("sourceObjectType", ""),
        target_object_type=fields.get("targetObjectType", ""),
        link_type=fields.get("linkType", ""),
        description=normalise_value(fields.get("description", "")),
        scope=_groups(sections.get("synchronizationCriteria"), "scope", ("csAttribute", "csOperator", "csValue")),
        join=_groups(
            sections.get("relationshipCriteria"),
            "condition",
            ("csAttribute", "ilmAttribute", "caseSensitive"),
        ),
        flows=tuple(sorted(flows)),
        soft_delete_expiry=fields.get("softDeleteExpiryInterval", ""),
        enable_password_sync=_bool(fields.get("EnablePasswordSync", "")),
    )


def parse_metaverse(root: etree._Element, label: str, config: Configuration) -> None:
    _require_root(root, "saved-mv-configuration", label)
    config.server = root.get("server", "")
    mv = root.find("mv-data")
    if mv is None:
        raise InputError(f"{label}: <saved-mv-configuration> has no <mv-data>")
    for param in mv.iterfind("parameter-values/parameter"):
        config.global_settings[param.get("name", "")] = normalise_value(param.text or "")
    for tag in ("password-change-history-size", "password-sync"):
        element = mv.find(tag)
        if element is not None:
            flat: dict[str, str] = {}
            if len(element):
                _flatten(element, tag, flat)
            else:
                flat[tag] = normalise_value(element.text or "")
            config.global_settings.update({f"mv-data/{k}": v for k, v in flat.items()})
    config.version = config.global_settings.get("Microsoft.Synchronize.ServerConfigurationVersion", "")
    directory = mv.find("schema/{*}dsml/{*}directory-schema")
    if directory is None:
        return
    for cls in directory.iterfind("{*}class"):
        for attr in cls.iterfind("{*}attribute"):
            ref = attr.get("ref", "").lstrip("#")
            config.metaverse_schema[f"class {cls.get('id')} / {ref}"] = f"required={attr.get('required', 'false')}"
    for attr_type in directory.iterfind("{*}attribute-type"):
        syntax = _text(attr_type, "{*}syntax")
        single = attr_type.get("single-value", "false")
        indexed = attr_type.get("{http://www.microsoft.com/MMS/DSML}indexed", "false")
        config.metaverse_schema[f"attribute {attr_type.get('id')}"] = (
            f"syntax={syntax} single-value={single} indexed={indexed}"
        )


def parse_export(files: ExportFiles) -> Configuration:
    config = Configuration(source=files.source, kind="server_configuration", aspects=ASPECTS_EXPORT)
    connector_names: dict[str, str] = {}
    for name in files.names("Connectors"):
        label = files.label(name)
        guid, connector = parse_connector(parse_xml(files.read(name), label), label)
        key = connector.name.casefold()
        if key in config.connectors:
            raise InputError(f"{label}: a second connector named '{connector.name}' (names must be unique)")
        config.connectors[key] = connector
        connector_names[guid] = connector.name
    if not config.connectors:
        raise InputError(f"{files.source}: Connectors/ holds no Connector_*.xml file")
    mv_files = [n for n in files.names("GlobalSettings") if n.lower().endswith("/mv.xml")]
    if not mv_files:
        raise InputError(f"{files.source}: GlobalSettings/MV.xml is missing")
    parse_metaverse(parse_xml(files.read(mv_files[0]), files.label(mv_files[0])), files.label(mv_files[0]), config)
    for name in files.names("SynchronizationRules"):
        label = files.label(name)
        config.rules.append(parse_rule(parse_xml(files.read(name), label), label, connector_names))
    return config


# --- settings JSON (Applied-/Exported-SynchronizationPolicy-*.json) -----------------------------


#: Precedence is a 32-bit number in the sync engine; anything else is not a precedence.
_PRECEDENCE = re.compile(r"[0-9]{1,10}")
_MAX_PRECEDENCE = 2**31 - 1


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _json_list(value: Any, label: str, where: str, of: str) -> list[Any]:
    """``value`` as a list whose items are ``of`` ('object' or 'text'); missing or null is empty."""
    if value is None:
        return []
    kind = dict if of == "object" else str
    if not isinstance(value, list) or not all(isinstance(item, kind) for item in value):
        raise InputError(f"{label}: '{where}' is {_shown(value)}; expected a list of {of}s")
    return value


def _json_precedence(value: Any, label: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and _PRECEDENCE.fullmatch(value):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_PRECEDENCE:
        return value
    raise InputError(
        f"{label}: '{where}.precedence' is {_shown(value)}; expected a whole number from 0 to {_MAX_PRECEDENCE}"
    )


def _json_rules(rules: Any, connector: str, label: str, where: str) -> list[SyncRule]:
    if rules is None:
        return []
    if not isinstance(rules, list):
        raise InputError(f"{label}: '{where}' must be a list of rules")
    parsed = []
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict) or "name" not in rule:
            raise InputError(f"{label}: '{where}[{index}]' is not a rule object with a 'name'")
        here = f"{where}[{index}]"
        scope = tuple(
            sorted(
                (
                    str(f.get("attribute", "")),
                    str(f.get("condition", "")),
                    normalise_value(str(f.get("value", ""))),
                )
                for f in _json_list(rule.get("scopeFilters"), label, f"{here}.scopeFilters", "object")
            )
        )
        flows = tuple(
            sorted(
                (
                    str(m.get("destination", "")),
                    (str(m.get("source", "")),) if m.get("source") else (),
                    "",
                    "",
                    False,
                )
                for m in _json_list(rule.get("attributeMappings"), label, f"{here}.attributeMappings", "object")
            )
        )
        precedence = _json_precedence(rule.get("precedence"), label, here)
        parsed.append(
            SyncRule(
                name=str(rule["name"]),
                direction=str(rule.get("direction", "")),
                connector=connector,
                immutable_tag=str(rule.get("immutableTag") or ""),
                precedence=precedence,
                disabled=None,
                source_object_type=str(rule.get("source", "")),
                target_object_type=str(rule.get("target", "")),
                link_type=str(rule.get("linkType", "")),
                description=normalise_value(str(rule.get("description") or "")),
                scope=(scope,) if scope else (),
                flows=flows,
            )
        )
    return parsed


def parse_settings_json(path: str) -> Configuration:
    data = load_json(path)
    if not isinstance(data, dict) or not ("onpremisesDirectoryPolicy" in data or "azureDirectoryPolicy" in data):
        raise InputError(
            f"{path}: not an Entra Connect settings export: expected the keys "
            "'onpremisesDirectoryPolicy' and 'azureDirectoryPolicy' "
            "(Applied-/Exported-SynchronizationPolicy-*.json)"
        )
    config = Configuration(source=path, kind="settings_json", aspects=ASPECTS_SETTINGS_JSON)
    metadata = data.get("policyMetadata") or {}
    deployment = data.get("deploymentMetadata") or {}
    config.version = str(metadata.get("azureADConnectVersion", "") if isinstance(metadata, dict) else "")
    config.server = str(deployment.get("hostName", "") if isinstance(deployment, dict) else "")
    forests = data.get("onpremisesDirectoryPolicy") or []
    if not isinstance(forests, list):
        raise InputError(f"{path}: 'onpremisesDirectoryPolicy' must be a list (one entry per forest)")
    for index, forest in enumerate(forests):
        if not isinstance(forest, dict):
            raise InputError(f"{path}: 'onpremisesDirectoryPolicy[{index}]' is not an object")
        name = str(forest.get("fullyQualifiedDomainName") or forest.get("friendlyName") or "")
        if not name:
            raise InputError(f"{path}: 'onpremisesDirectoryPolicy[{index}]' has no forest name")
        where = f"onpremisesDirectoryPolicy[{index}]"
        if name.casefold() in config.connectors:
            raise InputError(
                f"{path}: '{where}' is the forest '{name}' a second time "
                f"(as '{config.connectors[name.casefold()].name}'; forest names are compared without case); "
                "each forest must appear once"
            )
        partitions = {}
        filters = _json_list(forest.get("partitionFilters"), path, f"{where}.partitionFilters", "object")
        for number, pf in enumerate(filters):
            dn = str(pf.get("distinguishedName", ""))
            at = f"{where}.partitionFilters[{number}]"
            partitions[dn] = Partition(
                name=dn,
                selected=True,
                inclusions=tuple(
                    sorted(
                        c
                        for c in _json_list(pf.get("containerInclusions"), path, f"{at}.containerInclusions", "text")
                        if c
                    )
                ),
                exclusions=tuple(
                    sorted(
                        c
                        for c in _json_list(pf.get("containerExclusions"), path, f"{at}.containerExclusions", "text")
                        if c
                    )
                ),
            )
        config.connectors[name.casefold()] = Connector(name=name, category="AD", partitions=partitions)
        for group in ("customSynchronizationRules", "standardSynchronizationRules"):
            config.rules += _json_rules(forest.get(group), name, path, f"{where}.{group}")
    azure = data.get("azureDirectoryPolicy") or {}
    if azure:
        if not isinstance(azure, dict):
            raise InputError(f"{path}: 'azureDirectoryPolicy' must be an object")
        # The JSON does not name the Entra connector; it is matched as the Entra connector.
        entra = Connector(
            name=ENTRA_CONNECTOR_ID,
            category="Extensible2",
            subtype="Windows Azure Active Directory (Microsoft)",
            carries_partitions=False,
        )
        config.connectors[ENTRA_CONNECTOR_ID.casefold()] = entra
        for group in ("customSynchronizationRules", "standardSynchronizationRules"):
            config.rules += _json_rules(azure.get(group), entra.name, path, f"azureDirectoryPolicy.{group}")
    return config


def load_configuration(path: str) -> Configuration:
    """Load a configuration from an export folder, a zip of one, or a settings JSON file."""
    require_lxml()
    if not path:
        raise InputError("no configuration path given")
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file or folder")
    if os.path.isdir(path):
        return parse_export(open_folder(path))
    lowered = path.lower()
    if lowered.endswith(".zip"):
        return parse_export(open_zip(path))
    if lowered.endswith(".json"):
        return parse_settings_json(path)
    raise InputError(
        f"{path}: unknown kind of configuration; give a Get-ADSyncServerConfiguration folder, "
        "a .zip of it, or an Applied-/Exported-SynchronizationPolicy-*.json file"
    )
