# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the HTML and Markdown run reports both say, decided once. For internal collection use only."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.analysis import GATE_LIMITS

TITLES = {"verify": "verification", "switch": "role switch", "swing_migration": "swing migration"}
BANNERS = {
    "ready": "READY",
    "blocked": "BLOCKED",
    "failed": "FAILED",
    "done": "DONE",
    "no_change": "NO CHANGE",
    "not_verified": "NOT VERIFIED",
}
OUTCOMES = {
    "planned": "Planned; nothing was changed yet.",
    "awaiting_operator": "Waiting for the operator.",
    "verified": "Verified; nothing was changed.",
    "done": "Done.",
    "nothing_to_do": "Converged; nothing to do.",
    "refused": "Refused before any change.",
    "failed": "Failed.",
}


def headline(summary: dict[str, Any]) -> tuple[str, str]:
    """The banner word and the sentence under it."""
    outcome = summary["outcome"]
    sentence = OUTCOMES[outcome["status"]] if outcome else "Nothing recorded yet."
    blocked = [v["host"] for v in summary["verifications"] if v["verdict"] == "blocked"]
    if blocked:
        # The reasons under the banner say why; a failed step's message would repeat them.
        return BANNERS[summary["verdict"]], f"{', '.join(blocked)} must not be promoted. {sentence}"
    if outcome and outcome.get("message"):
        sentence = f"{sentence} {outcome['message']}"
    return BANNERS[summary["verdict"]], sentence


def gate_rows(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Each gate of a verification with its limit, the actual value and whether it passed."""
    gates = entry["gates"]
    operations = entry.get("pending_operations")
    rows = []
    for gate in ("max_deletes", "max_adds", "max_updates"):
        actual = None if operations is None else sum(operations.get(op, 0) for op in GATE_LIMITS[gate])
        rows.append(
            {
                "gate": f"pending {' and '.join(GATE_LIMITS[gate])}",
                "limit": str(gates[gate]),
                "actual": "not read" if actual is None else str(actual),
                "passed": actual is not None and actual <= gates[gate],
            }
        )
    config_reasons = [r for r in entry["reasons"] if r.startswith("configuration:")]
    differences = entry.get("configuration_differences")
    rows.append(
        {
            "gate": "configuration differences (warning or error)",
            "limit": "none",
            "actual": "not compared" if differences is None else f"{len(config_reasons)} failing of {differences}",
            "passed": differences is not None and not config_reasons,
        }
    )
    count_reasons = [r for r in entry["reasons"] if r.startswith("connector '")]
    rows.append(
        {
            "gate": "connector object counts",
            "limit": f"within {gates['count_tolerance_percent']}%",
            "actual": f"{len(count_reasons)} connector(s) outside" if count_reasons else "within",
            "passed": not count_reasons,
        }
    )
    age = entry.get("sync_age_hours")
    rows.append(
        {
            "gate": "hours since the newest successful Entra import",
            "limit": str(gates["max_sync_age_hours"]),
            "actual": "none" if age is None else str(age),
            "passed": age is not None and age <= gates["max_sync_age_hours"],
        }
    )
    for gate in entry.get("health_gates") or []:
        if gate["gate"] in HEALTH_LIMITS:
            rows.append(
                {
                    "gate": HEALTH_LIMITS[gate["gate"]][0],
                    "limit": HEALTH_LIMITS[gate["gate"]][1],
                    "actual": gate["actual"],
                    "passed": gate["passed"],
                }
            )
    return rows


#: The health gates the gates table shows besides the Entra import age: (name, what passes).
HEALTH_LIMITS = {
    "scheduler": ("sync scheduler", "enabled, not suspended"),
    "version": ("version supported today", "supported"),
    "upgrade": ("no upgrade in progress", "none"),
}
SERVER_HEADER = [
    "server",
    "declared role",
    "actual role",
    "version",
    "support",
    "support ends",
    "staging mode",
    "last successful sync (UTC)",
    "Entra connector sign-in",
]
#: Get-ADSyncEntraConnectorCredential's ConnectorIdentityType as the report says it.
CREDENTIAL_TYPES = {"Application": "application", "ServiceAccount": "service account (switch to application)"}
SUPPORT_WORDS = {
    "supported": "supported",
    "retired": "RETIRED",
    "below_floor": "UNSUPPORTED: synchronization fails",
    "withdrawn": "WITHDRAWN build",
    "unknown": "unknown version",
    "invalid": "version not read",
}


def support_cells(support: dict[str, Any] | None) -> list[str]:
    """The support and support-ends cells of a server row."""
    if not support:
        return ["not read", ""]
    word = SUPPORT_WORDS[support["status"]]
    if support["supported"] and support.get("days_left") is not None and support["days_left"] <= 90:
        word = f"{word} ({support['days_left']} days left)"
    if support.get("secondary_source"):
        word = f"{word}; dates from secondary sources"
    ends = support.get("ends_on") or ("no end date yet" if support["supported"] else "")
    return [word, ends]


def server_rows(summary: dict[str, Any]) -> list[list[Any]]:
    """The servers table, a row per server."""
    return [
        [
            s["host"],
            s["declared_role"] or "none",
            s["actual_role"].replace("_", " "),
            s["version"] or "",
            *support_cells(s.get("support")),
            {True: "yes", False: "no"}.get(s["staging_mode"], "unknown"),
            s["last_successful_sync"] or "not read",
            CREDENTIAL_TYPES.get(s.get("entra_credential_type") or "", "unknown"),
        ]
        for s in summary["servers"]
    ]


def support_notes(summary: dict[str, Any]) -> list[str]:
    """One sentence per server whose version is not plainly supported (retired, below the floor, ending soon...)."""
    notes = []
    for s in summary["servers"]:
        support = s.get("support")
        if support and (
            not support["supported"] or support["status"] == "unknown" or "days left" in support["message"]
        ):
            notes.append(f"{s['host']}: {support['message']}")
    return notes


def plan_text(plan: dict[str, Any] | None) -> tuple[str, list[str]]:
    """The plan as a sentence and its numbered steps."""
    if plan is None:
        return "No switch was planned in this run.", []
    if plan.get("refusal"):
        return f"Refused before any change: {plan['refusal']}", []
    if plan.get("converged"):
        return f"Converged: {plan.get('candidate')} is the only active server; nothing to do.", []
    steps = [
        f"{s['action'].replace('_', ' ')} on {s['host']}" + (f" ({s['why']})" if s.get("why") else "")
        for s in plan["steps"]
    ]
    return f"Make {plan.get('candidate')} active:", steps


LAB_STAMP = (
    "LAB (emulated): these servers are the collection's emulation on the controller; no real server "
    "was read or changed."
)


def now_lines(summary: dict[str, Any]) -> list[str]:
    """What a report that is not READY starts with: what is active now, what changed in this run."""
    now = summary.get("now")
    if summary["verdict"] == "ready" or not now:
        return []
    active = ", ".join(now["active"]) or "no server"
    unknown = f" ({', '.join(now['unknown'])} did not answer: state unknown)" if now["unknown"] else ""
    changed = "; ".join(now["changes"]) or "no server changed its role"
    return [f"Active now: {active}{unknown}.", f"Changed in this run: {changed}."]


SAMPLE_HEADER = ["operation", "object type", "user principal name", "display name", "DN", "changed attributes"]


def sample_rows(pending: dict[str, Any]) -> list[list[Any]]:
    """The sample objects of a pending-export analysis, named as people know them (UPN, display name)."""
    return [
        [
            op,
            s.get("object_type"),
            s.get("user_principal_name") or "",
            s.get("display_name") or "",
            s.get("dn"),
            ", ".join(s.get("attributes") or []),
        ]
        for op, rows in pending["samples"].items()
        for s in rows
    ]


def lab_stamp(summary: dict[str, Any]) -> str | None:
    """The stamp of a lab run (None for a run on real servers)."""
    return LAB_STAMP if summary.get("lab") else None


def connectors_text(entry: dict[str, Any]) -> str:
    """Which connectors' pending exports the gates ran on (to Entra ID and to on-premises AD)."""
    checked = entry.get("connectors_checked")
    if not checked:
        return "Connectors checked by the gates: none (the pending exports were not analysed)."
    parts = []
    for name, operations in sorted(checked.items()):
        counts = ", ".join(f"{op} {n}" for op, n in operations.items() if n) or "nothing pending"
        parts.append(f"{name} ({counts})")
    return "Connectors checked by the gates, each on its own: " + "; ".join(parts) + "."


def ignored_text(entry: dict[str, Any]) -> str:
    """What the inventory told the gates to ignore."""
    gates = entry["gates"]
    attributes = ", ".join(gates.get("ignore_attributes") or []) or "none"
    object_types = ", ".join(gates.get("ignore_object_types") or []) or "none"
    return f"Ignored by the gates: attributes {attributes}; object types {object_types}."
