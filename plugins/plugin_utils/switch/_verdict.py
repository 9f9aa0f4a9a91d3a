# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Is a staging server ready to be promoted? One verdict from every gate. For internal collection use only.

Pure Python. Gates (DESIGN, "Gates before promotion"; each configurable, defaults strict):
pending deletes <= min(deletion threshold, user limit) per connector, on every connector (the
exports to Microsoft Entra ID and to on-premises AD, where writeback flows export); adds and updates under
their limits; configuration differences empty or allow-listed (config_compare's own gate);
connector object counts within a tolerance of the active server's; no run in progress; and the
candidate's own health (switch/_health.py): a successful Entra import within N hours, the
scheduler enabled and not suspended, a supported version, no upgrade in progress.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._gates import PromotionGates
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._lifecycle import version_table
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import server_role
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._credentials import (
    credential_reasons,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._health import health_gates

SCHEMA_VERSION = 1


def csexport_gates(gates: dict[str, Any] | None, info: dict[str, Any]) -> dict[str, Any]:
    """The csexport gates for a candidate, validated: deletes capped by its export deletion threshold."""
    return PromotionGates.from_dict(gates).csexport(info)


def verdict(
    host: str,
    info: dict[str, Any],
    reference: dict[str, Any] | None,
    config: dict[str, Any] | None,
    pending: dict[str, Any] | None,
    gates: dict[str, Any] | None = None,
    now: datetime | None = None,
    versions: Any = None,
    reference_backup: str | None = None,
    without_reference: bool = False,
) -> dict[str, Any]:
    """``ready`` or ``blocked`` with every reason, and the gate values behind it.

    ``versions`` are the inventory's rows of the versions table (``entra_connect_versions``).
    With no active server (the switch's zero-active recovery), ``reference_backup`` is the backup
    the configuration was compared with instead (``config`` must then hold that comparison), or
    ``without_reference`` says the operator accepted promoting with no configuration reference.
    """
    model = PromotionGates.from_dict(gates)
    table = version_table(versions)
    now = now or datetime.now(UTC)
    reasons: list[str] = []
    role = server_role(info)
    if role == "service_stopped":
        reasons.append(f"{host} cannot be read: its ADSync service is not running; start it or let the upgrade finish")
    elif role in (None, "not_installed", "not_configured"):
        reasons.append(f"{host} is not configured")
    if not info.get("idle"):
        reasons.append(f"{host} is busy (a sync cycle or run profile is in progress)")
    if role != "staging":
        reasons.append(f"{host} is not a staging server")
    if reference is None and reference_backup:
        if config is None:
            reasons.append(f"the configuration was not compared with the backup {reference_backup}")
    elif reference is None and not without_reference:
        reasons.append("no active server to compare with")
    reasons.extend(gate_reasons("configuration", config))
    reasons.extend(gate_reasons("pending exports", pending))
    counts = count_differences(info, reference, model.count_tolerance_percent) if reference else []
    reasons.extend(counts)
    health = health_gates(host, info, now, model.max_sync_age_hours, table)
    reasons.extend(health["reasons"])
    reasons.extend(credential_reasons(host, info, reference))
    explained = scope_explanation(config, pending)
    if explained:
        # what explains the deletes comes first: the one thing to fix
        reasons.insert(0, explained)
    return {
        "schema_version": SCHEMA_VERSION,
        "host": host,
        "verdict": "blocked" if reasons else "ready",
        "reasons": reasons,
        "reference": (reference or {}).get("computer_name") or reference_backup,
        "gates": {
            **model.csexport(info),
            "count_tolerance_percent": model.count_tolerance_percent,
            "max_sync_age_hours": model.max_sync_age_hours,
        },
        "pending_operations": (pending or {}).get("summary", {}).get("operations"),
        "connectors_checked": connectors_checked(pending),
        "configuration_differences": (config or {}).get("summary", {}).get("difference_count"),
        "sync_age_hours": health["entra_import_age_hours"],
        "last_entra_import_at": health["last_entra_import_at"],
        "health_gates": health["gates"],
        "support": health["support"],
    }


def narrower_scope(config: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The configuration differences that leave the candidate less in scope than the active server:
    a partition selected on the active server only, an OU excluded on the candidate only, an OU
    included on the active server only."""
    narrower = []
    for difference in (config or {}).get("differences") or []:
        if not isinstance(difference, dict) or difference.get("category") != "connector.partitions":
            continue
        field, reference, candidate = difference.get("field"), difference.get("reference"), difference.get("candidate")
        if field == "selected":
            narrows = reference is True and candidate is False
        elif field in ("exclusions", "inclusions") and isinstance(reference, list) and isinstance(candidate, list):
            wider, narrower_side = (candidate, reference) if field == "exclusions" else (reference, candidate)
            narrows = bool(set(wider) - set(narrower_side))
        else:
            narrows = False
        if narrows:
            narrower.append(difference)
    return narrower


def scope_explanation(config: dict[str, Any] | None, pending: dict[str, Any] | None) -> str | None:
    """The first reason of a verdict whose pending deletes a narrower scope explains (an OU left out)."""
    operations = ((pending or {}).get("summary") or {}).get("operations") or {}
    deletes = operations.get("delete") or 0
    narrower = narrower_scope(config)
    if not deletes or not narrower:
        return None
    what = "; ".join(f"{d.get('object')}: {d.get('explanation')}" for d in narrower)
    return (
        f"the {deletes} pending delete(s) come from the candidate's narrower scope ({what}): objects a server "
        "leaves out of scope are deleted from Microsoft Entra ID when it exports. Make the candidate's domain "
        "and OU filtering (the wizard's Domain and OU filtering page) match the active server's and verify again"
    )


def connectors_checked(pending: dict[str, Any] | None) -> dict[str, Any] | None:
    """Each connector whose pending exports the gates ran on, with its operations (None: not analysed)."""
    connectors = ((pending or {}).get("summary") or {}).get("connectors")
    if not isinstance(connectors, dict):
        return None
    return {name: dict(counts.get("operations") or {}) for name, counts in connectors.items()}


def gate_reasons(label: str, result: dict[str, Any] | None) -> list[str]:
    """The violations of one analysis's gate; an analysis that failed (no gate) blocks with its error."""
    if result is None:
        return []
    gate = result.get("gate")
    if not isinstance(gate, dict):
        return [f"{label}: could not be checked: {result.get('msg') or 'the analysis returned no gate'}"]
    if gate.get("passed", False):
        return []
    return [f"{label}: {violation['message']}" for violation in gate.get("violations", [])]


def count_differences(info: dict[str, Any], reference: dict[str, Any], tolerance: float) -> list[str]:
    """Connector object counts of the candidate vs the active server, by connector name."""
    theirs = {
        c["name"].lower(): (c.get("statistics") or {}).get("total_connector_count") for c in reference["connectors"]
    }
    reasons = []
    for connector in info.get("connectors", []):
        mine = (connector.get("statistics") or {}).get("total_connector_count")
        other = theirs.get(connector["name"].lower())
        if mine is None or other is None:
            continue
        allowed = max(other, 1) * tolerance / 100
        if abs(mine - other) > allowed:
            reasons.append(
                f"connector '{connector['name']}' holds {mine} objects, the active server {other} "
                f"(more than {tolerance}% apart)"
            )
    return reasons
