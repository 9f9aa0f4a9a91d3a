# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's audit trail: which facts of a server are journalled and how a change is written.

For internal collection use only. Pure Python. The backend takes :func:`facts` before and after
each call and appends one ``journal.jsonl`` line ``{time, host, helper, changes}`` when they
differ; tests replay these lines to check invariants over time (never two active servers).
"""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import clock
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import require
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.models import LabServer

JOURNALLED_PARAMETERS = (
    "Microsoft.OptionalFeature.PasswordWriteback",
    "Microsoft.OptionalFeature.ExportDeletionThreshold",
    "Microsoft.OptionalFeature.ExportDeletionThresholdValue",
)


def facts(server: LabServer, world: dict[str, Any]) -> dict[str, Any]:
    """The journalled view of a server: every field whose change is worth a journal line."""
    result: dict[str, Any] = {
        "installed": server.installed,
        "configured": server.configured,
        "version": server.version,
        "engine_version": server.engine_version,
        "upgrade_pending": server.upgrade_pending,
        "settings_file": server.settings_file,
        "tenant_revision": world["tenant_revision"],
    }
    if server.configured:
        require(
            server.scheduler and server.cycle and server.sync and server.global_parameters is not None,
            "server.scheduler and server.cycle and server.sync and server.global_parameters is not None",
        )
        result["staging_mode_enabled"] = server.staging_enabled
        result.update({f"scheduler.{k}": v for k, v in server.scheduler.to_dict().items()})
        result.update({f"global_parameters.{k}": server.global_parameters.get(k) for k in JOURNALLED_PARAMETERS})
        result["auto_upgrade_state"] = server.auto_upgrade_state
        # The live objects, not copies: a helper that edits them in place leaves no journal line.
        result["overrides"] = server.overrides
        result["cycle.in_progress"] = server.cycle.in_progress
        result["busy_forever"] = server.busy_forever
        result["sync.ad_revision"] = server.sync.ad_revision
        result["sync.tenant_revision"] = server.sync.tenant_revision
        result["pending_export_count"] = len(server.sync.pending)
        result["excluded_containers"] = server.excluded_containers
        # copies: the rule helpers edit these lists in place
        result["custom_rules"] = [
            (r.get("name"), r.get("precedence"), r.get("disabled")) for r in server.custom_rules or []
        ]
        result["disabled_standard_rules"] = sorted(server.disabled_standard_rules or [])
    return result


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def entry(host: str, helper: str, changed: dict[str, Any]) -> dict[str, Any]:
    """One journal line."""
    return {"time": clock.now(), "host": host, "helper": helper, "changes": changed}
