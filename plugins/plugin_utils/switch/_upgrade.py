# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The order of a rolling upgrade, beside the switch plan. For internal collection use only.

Pure Python. Staging servers are upgraded in place first; the active server only after the
active role moved to an upgraded staging server (a switch), so that a server always exports.
Servers already on the target version are left alone, so a rerun does nothing.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._plan import servers_by_role

NO_STAGING = (
    "A rolling upgrade needs a staging server to take the active role while the active server is "
    "upgraded; there is none. Add one (add_staging_server), or upgrade the single server in place with the "
    "staging_server role (Microsoft prefers in-place for fewer than about 100,000 objects)."
)


def upgrade_plan(actual: dict[str, dict[str, Any]], version: str) -> dict[str, Any]:
    """``staging`` (upgraded first), ``active`` (after a switch to ``candidate``), ``refusal``, ``message``."""
    roles = servers_by_role(actual)
    done = {host for host, info in actual.items() if (info or {}).get("engine_version") == version}
    staging = [h for h in roles["staging"] if h not in done]
    active = [h for h in roles["active"] if h not in done]
    candidate = roles["staging"][0] if roles["staging"] else None
    refusal = NO_STAGING if active and candidate is None else None
    message = (
        f"Upgrade to {version}: staging servers {', '.join(staging) or 'none'} first; "
        f"active server {', '.join(active) or 'none (already upgraded)'} after a switch."
    )
    return {
        "version": version,
        "staging": staging,
        "active": active,
        "candidate": candidate,
        "switch": bool(active) and candidate is not None,
        "refusal": refusal,
        "message": message,
        "auto_upgrade": auto_upgrade_notice(actual),
    }


def auto_upgrade_notice(actual: dict[str, dict[str, Any]]) -> str:
    """Each server's automatic-upgrade state, and how an automatic upgrade can race this rolling upgrade."""
    states = {host: (info or {}).get("auto_upgrade_state") or "unknown" for host, info in actual.items()}
    shown = ", ".join(f"{host}: {state}" for host, state in states.items()) or "no servers"
    enabled = [host for host, state in states.items() if state == "Enabled"]
    if not enabled:
        return f"Automatic upgrade: {shown}."
    return (
        f"Automatic upgrade: {shown}. Microsoft upgrades servers with automatic upgrade Enabled on its own schedule "
        f"(staging servers too): an automatic upgrade of {', '.join(enabled)} can start during this rolling "
        "upgrade - stopping the sync service under a step, or taking a server past the declared version. For the "
        "run, set it Disabled (hybrid_identity.entra_connect.auto_upgrade, state: disabled) and Enabled again after."
    )
