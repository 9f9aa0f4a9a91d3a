# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files a lab server produces, in the real formats. For internal collection use only.

* ``Get-ADSyncServerConfiguration`` folders, built from the real Contoso export shipped in
  ``templates/server-configuration`` (MIT, see its SOURCE.md), edited as text so the layout stays
  the product's: server name and export date, this server's AD connector GUID, OU exclusions,
  global parameters, version flows of the standard rules, custom rules;
* ``Applied-SynchronizationPolicy-*.json`` (the keys the reference lists; there is no official
  schema);
* csexport XML (reference §6.2) for the filters ``x`` (pending exports) and ``m`` (pending
  imports); ``e``, ``i`` and ``s`` produce an empty document (the lab has no import or export
  errors and no disconnectors).
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import clock, engine
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import server as lab_server
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.directory import domain_dn
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.models import LabServer, connector_guid

TEMPLATE = Path(__file__).resolve().parent / "templates" / "server-configuration"
TEMPLATE_AD_CONNECTOR = "ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d"
TEMPLATE_TENANT = "contoso.onmicrosoft.com"
CUSTOM_RULE_TEMPLATE = "In from AD - User Common"
#: Lab assumption (see engine.VERSION_FLOWS): the standard rule that gains the new flow.
VERSION_RULE = (
    "Out to AAD - User Identity",
    "Microsoft.OuttoAADUserIdentity.005",
    "Microsoft.OuttoAADUserIdentity.006",
)


def _set_parameter(text: str, name: str, value: str) -> str:
    pattern = re.compile(r'(<parameter name="' + re.escape(name) + r'"[^>]*?)(\s*/>|>[^<]*</parameter>)')
    if not pattern.search(text):
        return text.replace(
            "</parameter-values>",
            f'<parameter name="{name}" type="string" use="SynchronizationGlobal" dataType="String">'
            f"{escape(value)}</parameter></parameter-values>",
            1,
        )
    return pattern.sub(lambda m: f"{m.group(1)}>{escape(value)}</parameter>", text, count=1)


def _element(text: str, tag: str, value: str) -> str:
    return re.sub(rf"<{tag}>[^<]*</{tag}>|<{tag} />", f"<{tag}>{escape(value)}</{tag}>", text, count=1)


def write_server_configuration(server: LabServer, dest: Path) -> list[str]:
    """Write the server's configuration export into ``dest``; return the relative file names."""
    ad_guid = connector_guid(server.host, (server.forests or [])[0])
    exported = clock.export_date(clock.now())
    written = []
    for source in sorted(TEMPLATE.rglob("*.xml")):
        relative = source.relative_to(TEMPLATE)
        text = source.read_text(encoding="utf-8")
        text = text.replace(TEMPLATE_AD_CONNECTOR, ad_guid).replace(TEMPLATE_AD_CONNECTOR.upper(), ad_guid.upper())
        if relative.parts[0] == "GlobalSettings":
            text = re.sub(
                r"<saved-mv-configuration server='[^']*' export-date='[^']*'>",
                f"<saved-mv-configuration server='{server.host.upper()}' export-date='{exported}'>",
                text,
                count=1,
            )
            for name, value in sorted((server.global_parameters or {}).items()):
                text = _set_parameter(text, name, value)
        elif relative.parts[0] == "Connectors" and TEMPLATE_AD_CONNECTOR in relative.name.lower():
            exclusions = "".join(f"<exclusion>{escape(c)}</exclusion>" for c in server.excluded_containers or [])
            text = text.replace("</exclusion></exclusions>", f"</exclusion>{exclusions}</exclusions>", 1)
        text = text.replace(TEMPLATE_TENANT, str(server.tenant))
        if (
            relative.parts[0] == "SynchronizationRules"
            and f"<name>{VERSION_RULE[0]}</name>" in text
            and lab_server.version_at_least(server, engine.FLOW_STEP_VERSION)
        ):
            mapping = (
                "    <mapping>\n      <dest>employeeType</dest>\n      <src>\n        <attr>employeeType</attr>\n"
                "      </src>\n      <valueMergeType>Update</valueMergeType>\n    </mapping>\n"
                "  </attribute-mappings>"
            )
            text = text.replace("  </attribute-mappings>", mapping, 1).replace(VERSION_RULE[1], VERSION_RULE[2])
        name = str(relative).replace(TEMPLATE_AD_CONNECTOR, ad_guid)
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(name)
        if relative.parts[0] == "SynchronizationRules" and f"<name>{CUSTOM_RULE_TEMPLATE}</name>" in text:
            for rule in server.custom_rules or []:
                written.append(_write_custom_rule(text, rule, server.host, dest))
    return sorted(written)


def _write_custom_rule(template: str, rule: dict[str, Any], host: str, dest: Path) -> str:
    rule_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{host}/rule/{rule.get('name')}"))
    text = re.sub(r"<id>[^<]*</id>", f"<id>{{{rule_id}}}</id>", template, count=1)
    text = re.sub(r"<internal-id>[^<]*</internal-id>", f"<internal-id>{{{rule_id}}}</internal-id>", text, count=1)
    text = _element(text, "name", str(rule.get("name", "Custom rule")))
    text = _element(text, "description", str(rule.get("description", "")))
    text = re.sub(r"<immutable-tag>[^<]*</immutable-tag>", "<immutable-tag />", text, count=1)
    text = _element(text, "precedence", str(rule.get("precedence", 50)))
    text = _element(text, "disabled", "True" if rule.get("disabled") else "False")
    name = f"SynchronizationRules/SynchronizationRule_{{{rule_id}}}.xml"
    (dest / name).write_text(text, encoding="utf-8")
    return name


def applied_policy(server: LabServer) -> dict[str, Any]:
    """The wizard's Applied-SynchronizationPolicy JSON (known keys only; no official schema)."""

    def rule(r: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": r.get("name"),
            "description": r.get("description", ""),
            "direction": "Inbound",
            "precedence": r.get("precedence", 50),
            "immutableTag": None,
            "disabled": bool(r.get("disabled")),
        }

    return {
        "policyMetadata": {
            "type": "applied",
            "author": "lab",
            "timeCreated": server.policy_applied_at,
            "azureADConnectVersion": server.running_version,
        },
        "deploymentMetadata": {
            "hostName": server.host,
            "serviceAccount": server.service_account,
            "databaseServer": "(localdb)",
            "databaseInstance": ".\\ADSync2019",
            "databaseName": "ADSync",
        },
        "onpremisesDirectoryPolicy": [
            {
                "friendlyName": forest,
                "fullyQualifiedDomainName": forest,
                "partitionFilters": [
                    {
                        "distinguishedName": domain_dn(forest),
                        "containerInclusions": [f"OU=CORP,{domain_dn(forest)}"],
                        "containerExclusions": list(server.excluded_containers or []),
                    }
                ],
                "customSynchronizationRules": [rule(r) for r in server.custom_rules or []],
                "standardSynchronizationRules": [],
            }
            for forest in server.forests or []
        ],
        "azureDirectoryPolicy": {"customSynchronizationRules": [], "standardSynchronizationRules": []},
    }


def applied_policy_file(server: LabServer) -> tuple[str, str]:
    """(file name, JSON text) of the server's newest Applied-SynchronizationPolicy file."""
    name = f"Applied-SynchronizationPolicy-{clock.file_stamp(str(server.policy_applied_at))}.JSON"
    return name, json.dumps(applied_policy(server), indent=2, sort_keys=True) + "\n"


# ---------------------------------------------------------------------------------------------
# csexport XML
# ---------------------------------------------------------------------------------------------


def _values(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _attr(name: str, value: Any, operation: str | None = None) -> str:
    multivalued = isinstance(value, list)
    op = f" operation={quoteattr(operation)}" if operation else ""
    values = "".join(f"<value>{escape(v)}</value>" for v in _values(value))
    return f'<attr name={quoteattr(name)} type="string" multivalued="{str(multivalued).lower()}"{op}>{values}</attr>'


def _update_attr(name: str, change: dict[str, Any]) -> str:
    old, new = change["old"], change["new"]
    if isinstance(old, list) and isinstance(new, list):
        added = [v for v in new if v not in old]
        removed = [v for v in old if v not in new]
        values = "".join(f'<value operation="add">{escape(str(v))}</value>' for v in added)
        values += "".join(f'<value operation="delete">{escape(str(v))}</value>' for v in removed)
        return f'<attr name={quoteattr(name)} type="string" multivalued="true" operation="update">{values}</attr>'
    if change["op"] == "delete":
        multivalued = str(isinstance(old, list)).lower()
        return f'<attr name={quoteattr(name)} type="string" multivalued="{multivalued}" operation="delete"></attr>'
    return _attr(name, new, change["op"])


def _hologram(tag: str, obj: dict[str, Any] | None) -> str:
    if obj is None:
        return ""
    attrs = "".join(_attr(k, v) for k, v in sorted(obj["attrs"].items()))
    return (
        f"<{tag}><entry dn={quoteattr(obj['dn'])}><primary-objectclass>{obj['type']}</primary-objectclass>"
        f"<objectclass><oc-value>{obj['type']}</oc-value></objectclass>{attrs}</entry></{tag}>"
    )


def write_csexport(
    path: Path,
    filter_letter: str,
    pending: list[dict[str, Any]],
    desired: dict[str, Any],
    current: dict[str, Any],
    section: str = "unapplied-export",
) -> int:
    """Write one connector's csexport document; returns the number of cs-object elements."""
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<cs-objects>\n')
        if filter_letter in ("x", "m"):
            for change in pending:
                anchor = change["anchor"]
                body = [f"<anchor>{escape(engine.source_anchor(anchor))}</anchor>"]
                body.append(f"<primary-objectclass>{change['type']}</primary-objectclass>")
                if change["op"] != "delete":
                    body.append(f"<objectclass><oc-value>{change['type']}</oc-value></objectclass>")
                if change["op"] == "add":
                    body.extend(_attr(k, v["new"]) for k, v in sorted(change["attrs"].items()))
                elif change["op"] == "update":
                    body.extend(_update_attr(k, v) for k, v in sorted(change["attrs"].items()))
                dn = change["dn"]
                out.write(
                    f'<cs-object cs-dn={quoteattr(dn)} id="{{{uuid.uuid5(uuid.NAMESPACE_OID, anchor)}}}" '
                    f"object-type={quoteattr(change['type'])}>"
                    f"<{section}><delta operation={quoteattr(change['op'])} dn={quoteattr(dn)}>{''.join(body)}"
                    f"</delta></{section}>"
                    f"{_hologram(section + '-hologram', desired.get(anchor))}"
                    f"{_hologram('synchronized-hologram', current.get(anchor))}</cs-object>\n"
                )
                count += 1
        out.write("</cs-objects>\n")
    return count
