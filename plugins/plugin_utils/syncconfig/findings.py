# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Findings on one configuration: what a settings import would not carry. Internal use only.

Each finding comes from a documented import limitation: the table in ``build/_limitations.py``
(domain reference §8, [IMP] and [VH]).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._common import version_tuple
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._limitations import (
    CUSTOM_PRECEDENCE_MAX,
    CUSTOM_PRECEDENCE_MIN,
    DEVICE_WRITEBACK,
    DISABLED_RULES_KEPT_SINCE,
    DUPLICATE_PRECEDENCE_FAILS_SINCE,
    precedence_reserved,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.model import (
    Configuration,
)

_RESERVED = f"{CUSTOM_PRECEDENCE_MIN}-{CUSTOM_PRECEDENCE_MAX}"
_DISABLED_FIX = ".".join(map(str, DISABLED_RULES_KEPT_SINCE))
_DUPLICATE_FAILS = ".".join(map(str, DUPLICATE_PRECEDENCE_FAILS_SINCE))

#: Run profiles a connector gets from the wizard (reference §3, [DOCR] sample).
DEFAULT_RUN_PROFILES = frozenset(
    {"Full Import", "Full Synchronization", "Delta Import", "Delta Synchronization", "Export"}
)
#: Object types the wizard selects (the Contoso sample, a default install).
DEFAULT_OBJECT_TYPES = {
    "AD": frozenset(
        {
            "computer",
            "contact",
            "foreignSecurityPrincipal",
            "group",
            "inetOrgPerson",
            "msDS-Device",
            "user",
            "container",
            "domainDNS",
            "organizationalUnit",
        }
    ),
    "Entra": frozenset({"contact", "device", "group", "user"}),
}


@dataclass
class Finding:
    category: str
    severity: str
    object: str
    field: str
    value: Any
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _version_tuple(version: str) -> tuple[int, ...]:
    return version_tuple(version) or ()


def find_issues(config: Configuration) -> list[Finding]:
    found: list[Finding] = []
    custom = [r for r in config.rules if not r.is_standard]
    by_precedence: dict[int, list[str]] = {}
    for rule in custom:
        if rule.precedence is not None:
            by_precedence.setdefault(rule.precedence, []).append(rule.key)
            if not precedence_reserved(rule.precedence):
                found.append(
                    Finding(
                        "custom_rule.precedence_out_of_range",
                        "warning",
                        rule.key,
                        "precedence",
                        rule.precedence,
                        f"custom rule precedence must be in the reserved range {_RESERVED}; outside it the "
                        "rule may shift when an import or upgrade adds standard rules",
                    )
                )
        if rule.disabled:
            version = _version_tuple(config.version)
            old = bool(version) and version < DISABLED_RULES_KEPT_SINCE
            found.append(
                Finding(
                    "custom_rule.disabled",
                    "warning" if old else "info",
                    rule.key,
                    "disabled",
                    True,
                    f"disabled custom rule: versions before {_DISABLED_FIX} import it as enabled"
                    + ("; this export is from such a version" if old else "; check it after an import"),
                )
            )
    for precedence, keys in sorted(by_precedence.items()):
        if len(keys) > 1:
            found.append(
                Finding(
                    "custom_rule.duplicate_precedence",
                    "error",
                    ", ".join(sorted(keys)),
                    "precedence",
                    precedence,
                    f"several custom rules share one precedence; since {_DUPLICATE_FAILS} settings import and "
                    "export fail on this",
                )
            )
    settings = config.global_settings
    if settings.get(DEVICE_WRITEBACK, "").lower() == "true":
        found.append(
            Finding(
                "device_writeback.enabled",
                "warning",
                DEVICE_WRITEBACK,
                "value",
                "True",
                "device writeback is catalogued by a settings export but not applied by the "
                "import; configure it by hand on the new server",
            )
        )
    filter_aad = settings.get("Microsoft.OptionalFeature.FilterAAD", "").lower() == "true"
    exclusions = settings.get("Microsoft.AADFilter.AttributeExclusionList", "")
    if filter_aad or exclusions:
        found.append(
            Finding(
                "connector.attribute_filtering",
                "warning",
                "Microsoft.OptionalFeature.FilterAAD",
                "value",
                {
                    "FilterAAD": settings.get("Microsoft.OptionalFeature.FilterAAD"),
                    "AttributeExclusionList": exclusions,
                },
                "app and attribute filtering is configured; selected attributes are not "
                "migrated by an import and must be re-applied by hand",
            )
        )
    for conn in config.connectors.values():
        kind = "Entra" if conn.is_entra else conn.category
        defaults = DEFAULT_OBJECT_TYPES.get(kind)
        for part in conn.partitions.values():
            if defaults and part.selected and part.object_types and set(part.object_types) != defaults:
                found.append(
                    Finding(
                        "connector.object_type_filtering",
                        "warning",
                        f"{conn.name} / partition {part.name}",
                        "object_types",
                        list(part.object_types),
                        "object-type filtering differs from the wizard's default selection; "
                        "synchronized object types are not migrated by an import and must be "
                        "re-applied by hand",
                    )
                )
        custom_profiles = sorted(set(conn.run_profiles) - DEFAULT_RUN_PROFILES)
        if custom_profiles:
            found.append(
                Finding(
                    "connector.custom_run_profiles",
                    "warning",
                    conn.name,
                    "run_profiles",
                    custom_profiles,
                    "custom run profiles are not migrated by an import; re-create them by hand",
                )
            )
        hierarchy = {k: v for k, v in conn.other.items() if k.startswith("component_mappings/")}
        if hierarchy:
            found.append(
                Finding(
                    "connector.provisioning_hierarchy",
                    "warning",
                    conn.name,
                    "component_mappings",
                    len(hierarchy),
                    "a provisioning hierarchy is configured; it is not supported by settings "
                    "import and must be reconfigured",
                )
            )
    return found
