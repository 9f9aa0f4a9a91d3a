# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per rule difference of a configuration comparison: can sync_rules fix it? For internal collection use only.

Pure Python. The verify report lists rule drift per rule with this answer, so the person reading
it knows whether to run the sync_rules playbook or what else to do.
"""

from __future__ import annotations

from typing import Any

FIXED = "yes: the sync_rules playbook converges it"
#: category -> (fixable, what to do)
ANSWERS: dict[str, tuple[bool, str]] = {
    "sync_rule.custom.added": (True, FIXED + " (removes it with exclusive)"),
    "sync_rule.custom.removed": (True, FIXED + " (creates it)"),
    "sync_rule.custom.changed": (True, FIXED),
    "sync_rule.standard.disabled": (True, FIXED + " (the one supported change to a standard rule)"),
    "sync_rule.standard.version": (False, "no: standard rules of another product version; upgrade the older server"),
    "sync_rule.standard.modified": (
        False,
        "no: Microsoft supports only enabling or disabling a standard rule; a modified one is reset on upgrade "
        "(clone it into a custom rule instead)",
    ),
    "sync_rule.standard.added": (False, "no: standard rules come with the product version; upgrade the older server"),
    "sync_rule.standard.removed": (False, "no: standard rules come with the product version; upgrade the older server"),
}


def rule_drift(differences: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rule differences, one row per rule and field, each with ``fixable`` and ``fix``."""
    rows = []
    for difference in differences:
        answer = ANSWERS.get(difference.get("category", ""))
        if answer is None:
            continue
        rows.append(
            {
                "rule": difference["object"],
                "field": difference["field"],
                "active_server": difference["reference"],
                "this_server": difference["candidate"],
                "fixable": answer[0],
                "fix": answer[1],
            }
        )
    return rows
