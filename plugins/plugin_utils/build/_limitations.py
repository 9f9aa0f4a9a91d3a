# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a settings import did not carry, as tasks. For internal collection use only.

Pure Python. Input: a config_compare result with the active server as reference and the newly
imported server as candidate. Output: one task per difference the documented import limitations
explain (reference §8), saying what to do and whether the collection can re-apply it. Custom-rule
precedence and disabled state are what Microsoft would have re-applied with the rule cmdlets
(New-ADSyncRule, Add-ADSyncRule); those cmdlets are not in this collection's cmdlet catalogue, so
such tasks are handed to the operator with the exact change to make in the Synchronization Rules
Editor, like the rest.
"""

from __future__ import annotations

from typing import Any

#: category -> (limitation, what the operator does)
CONNECTOR_TASKS = {
    "connector.object_types": (
        "synchronized object types are not migrated by a settings import",
        "Synchronization Service > Connectors > {connector} > Properties > Select Object Types: select {wanted}",
    ),
    "connector.attributes": (
        "selected attributes are not migrated by a settings import",
        "Synchronization Service > Connectors > {connector} > Properties > Select Attributes: match the active server",
    ),
    "connector.run_profiles": (
        "custom run profiles are not migrated by a settings import",
        "Synchronization Service > Connectors > {connector} > Configure Run Profiles: create {wanted}",
    ),
    "connector.partitions": (
        "the OU filter differs from the active server",
        "wizard > Customize synchronization options > Domain and OU filtering for {connector}: match the active server",
    ),
}
DEVICE_WRITEBACK = "Microsoft.OptionalFeature.DeviceWriteBack"
IGNORED_GLOBALS = {
    "Microsoft.Synchronize.StagingMode",
    "Microsoft.Synchronize.NextStartTime",
    "Microsoft.Synchronize.ServerConfigurationVersion",
}


def _rule_task(difference: dict[str, Any]) -> dict[str, Any]:
    field = difference["field"]
    rule = difference["object"].split(" | ")[-1]
    if field == "precedence":
        why = "custom rule precedence outside 0-99 shifts when a settings import or upgrade adds standard rules"
        how = f"Synchronization Rules Editor > '{rule}' > Edit: set Precedence to {difference['reference']}"
    elif field == "disabled":
        why = "before 1.5.45.0 a settings import enables disabled custom rules"
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
        "reapplicable": False,
        "reason_not_reapplied": "the rule cmdlets (New-ADSyncRule, Add-ADSyncRule) are not in the cmdlet catalogue",
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
                    "limitation": "device writeback is catalogued by a settings import but not applied",
                    "action": "wizard > Customize synchronization options > Optional features: Device writeback",
                    "reference": difference["reference"],
                    "candidate": difference["candidate"],
                    "reapplicable": False,
                    "reason_not_reapplied": "the wizard also prepares the forest; a global setting alone is not enough",
                }
            )
    return sorted(tasks, key=lambda t: (t["object"], t["action"]))
