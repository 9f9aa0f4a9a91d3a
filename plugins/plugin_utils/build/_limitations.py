# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documented limitations of a settings import, and what they leave the operator to do.

For internal collection use only. Pure Python (no Ansible import). :data:`LIMITATIONS` is the one
table of what the import wizard does not carry (domain reference section 8); three parties read it:
the lab's wizard emulation (``lab/wizard.py``), the findings on one configuration
(``syncconfig/findings.py``) and the operator tasks below.

:func:`import_tasks` takes a config_compare result with the active server as reference and the
newly imported server as candidate, and returns one task per difference a limitation explains,
saying what to do and whether the collection can re-apply it. Custom-rule differences (precedence
shifted outside 0-99, disabled state) are re-applied by the collection with the rule cmdlets
(New-ADSyncRule ... Add-ADSyncRule, the sync_rules module): the staging_server role converges the
new server's rules to the active server's before it compares, so a rule task appears only when
that convergence did not run; it then says to run the sync_rules playbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._common import version_tuple

#: Microsoft Learn, "Import and export Microsoft Entra Connect configuration settings" ([IMP]).
IMPORT_EXPORT_PAGE = "https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-import-export-config"
#: Microsoft Learn, "Microsoft Entra Connect: Version release history" ([VH]).
VERSION_HISTORY_PAGE = "https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-version-history"


@dataclass(frozen=True)
class Limitation:
    """One documented behaviour of the import wizard."""

    key: str
    #: What Microsoft documents (the reference's wording, shortened).
    documented: str
    #: The same, as the operator task states it.
    limitation: str
    source: str
    #: The version that changed the behaviour, where the version history names one.
    version: str | None = None


LIMITATIONS: tuple[Limitation, ...] = (
    Limitation(
        "custom_rule.precedence",
        "The precedence for a custom rule must be in the reserved range of 0 to 99; outside it, rules may "
        "shift as standard rules are added",
        "custom rule precedence outside 0-99 shifts when a settings import or upgrade adds standard rules",
        IMPORT_EXPORT_PAGE,
    ),
    Limitation(
        "custom_rule.disabled",
        "a disabled custom rule is imported as enabled; fixed in 1.5.45.0 (07/29/2020)",
        "before 1.5.45.0 a settings import enables disabled custom rules",
        VERSION_HISTORY_PAGE,
        version="1.5.45.0",
    ),
    Limitation(
        "custom_rule.duplicate_precedence",
        "since 1.6.2.4 (03/19/2021) import and export fail if custom rule has duplicate precedence",
        "since 1.6.2.4 settings import and export fail on custom rules that share one precedence",
        VERSION_HISTORY_PAGE,
        version="1.6.2.4",
    ),
    Limitation(
        "device_writeback",
        "device writeback is catalogued but not applied; configure it manually",
        "device writeback is catalogued by a settings import but not applied",
        IMPORT_EXPORT_PAGE,
    ),
    Limitation(
        "connector.object_types",
        "synchronized object types are not migrated (partition/filter/object-classes)",
        "synchronized object types are not migrated by a settings import",
        IMPORT_EXPORT_PAGE,
    ),
    Limitation(
        "connector.attributes",
        "selected attributes are not migrated (attribute-inclusion)",
        "selected attributes are not migrated by a settings import",
        IMPORT_EXPORT_PAGE,
    ),
    Limitation(
        "connector.run_profiles",
        "custom run profiles are not migrated (ma-run-data)",
        "custom run profiles are not migrated by a settings import",
        IMPORT_EXPORT_PAGE,
    ),
    Limitation(
        "connector.provisioning_hierarchy",
        "a provisioning hierarchy isn't supported via synchronization settings; reconfigure it (component_mappings)",
        "a provisioning hierarchy is not supported by a settings import",
        IMPORT_EXPORT_PAGE,
    ),
)
BY_KEY: dict[str, Limitation] = {item.key: item for item in LIMITATIONS}

#: "The precedence for a custom rule must be in the reserved range of 0 to 99".
CUSTOM_PRECEDENCE_MIN, CUSTOM_PRECEDENCE_MAX = 0, 99
DEVICE_WRITEBACK = "Microsoft.OptionalFeature.DeviceWriteBack"


def _version(key: str) -> tuple[int, ...]:
    return version_tuple(BY_KEY[key].version) or ()


#: From this version on, a disabled custom rule stays disabled on import.
DISABLED_RULES_KEPT_SINCE = _version("custom_rule.disabled")
#: From this version on, import and export fail on duplicate custom precedence.
DUPLICATE_PRECEDENCE_FAILS_SINCE = _version("custom_rule.duplicate_precedence")


def precedence_reserved(precedence: Any) -> bool:
    """Whether a custom rule's precedence is in the reserved range (an import keeps it in place)."""
    return isinstance(precedence, int) and CUSTOM_PRECEDENCE_MIN <= precedence <= CUSTOM_PRECEDENCE_MAX


#: category -> (limitation, what the operator does)
CONNECTOR_TASKS = {
    "connector.object_types": (
        BY_KEY["connector.object_types"].limitation,
        "Synchronization Service > Connectors > {connector} > Properties > Select Object Types: select {wanted}",
    ),
    "connector.attributes": (
        BY_KEY["connector.attributes"].limitation,
        "Synchronization Service > Connectors > {connector} > Properties > Select Attributes: match the active server",
    ),
    "connector.run_profiles": (
        BY_KEY["connector.run_profiles"].limitation,
        "Synchronization Service > Connectors > {connector} > Configure Run Profiles: create {wanted}",
    ),
    "connector.partitions": (
        "the OU filter differs from the active server",
        "wizard > Customize synchronization options > Domain and OU filtering for {connector}: match the active server",
    ),
}


def _rule_task(difference: dict[str, Any]) -> dict[str, Any]:
    field = difference["field"]
    rule = difference["object"].split(" | ")[-1]
    if field == "precedence":
        why = BY_KEY["custom_rule.precedence"].limitation
        how = f"Synchronization Rules Editor > '{rule}' > Edit: set Precedence to {difference['reference']}"
    elif field == "disabled":
        why = BY_KEY["custom_rule.disabled"].limitation
        state = "Disable" if difference["reference"] else "Enable"
        how = f"Synchronization Rules Editor > '{rule}' > {state}"
    else:
        why = f"custom rule differs in {field.replace('_', ' ')} from the active server"
        how = f"Synchronization Rules Editor > '{rule}': make {field.replace('_', ' ')} match the active server"
    return {
        "object": difference["object"],
        "limitation": why,
        "action": how,
        "reference": difference["reference"],
        "candidate": difference["candidate"],
        "reapplicable": True,
        "reason_not_reapplied": "re-applied by the sync_rules playbook (or the sync_rules module); run it",
    }


def import_tasks(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    """Operator tasks for the differences a settings import leaves, in a stable order."""
    tasks = []
    for difference in comparison.get("differences", []):
        category = difference["category"]
        if category == "sync_rule.custom.changed":
            tasks.append(_rule_task(difference))
        elif category in CONNECTOR_TASKS:
            limitation, action = CONNECTOR_TASKS[category]
            connector = difference["object"].split(" | ")[0]
            tasks.append(
                {
                    "object": difference["object"],
                    "limitation": limitation,
                    "action": action.format(connector=connector, wanted=difference["reference"]),
                    "reference": difference["reference"],
                    "candidate": difference["candidate"],
                    "reapplicable": False,
                    "reason_not_reapplied": "configured in the Synchronization Service or the wizard only",
                }
            )
        elif category == "global_setting" and difference["object"] == DEVICE_WRITEBACK:
            tasks.append(
                {
                    "object": DEVICE_WRITEBACK,
                    "limitation": BY_KEY["device_writeback"].limitation,
                    "action": "wizard > Customize synchronization options > Optional features: Device writeback",
                    "reference": difference["reference"],
                    "candidate": difference["candidate"],
                    "reapplicable": False,
                    "reason_not_reapplied": "the wizard also prepares the forest; a global setting alone is not enough",
                }
            )
    return sorted(tasks, key=lambda t: (t["object"], t["action"]))
