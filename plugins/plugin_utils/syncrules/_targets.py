# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which servers the sync_rules playbook converges, and to what. For internal collection use only.

Pure Python. Microsoft: "If you make configuration changes to your primary server, it's your
responsibility to make the same changes to the server in staging mode" [STG]. So by default the
source is the active server, read live, and the targets are the staging servers. With a rules
file the staging servers converge to the file, and the active server too only when asked.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import server_role


def convergence_targets(
    servers: dict[str, dict[str, Any]], rules_file: str | None = None, include_active: bool = False, defer: bool = False
) -> dict[str, Any]:
    """The decision the playbook follows; ``refusal`` is None or the reason nothing may change.

    Args:
        servers: host -> server_info result.
        rules_file: a rules document on the controller, or None to mirror the active server.
        include_active: converge the active server too (only with a rules file).
        defer: leave the full sync as a connector override for the next scheduled cycle.
    """
    roles = {host: server_role(info) for host, info in sorted(servers.items())}
    active = [h for h, r in roles.items() if r == "active"]
    staging = [h for h, r in roles.items() if r == "staging"]
    refusal = None
    if rules_file:
        targets = staging + (active if include_active else [])
        readers: list[str] = []
        source = rules_file
    else:
        if include_active:
            refusal = (
                "sync_rules_include_active needs sync_rules_file: without a file the active server is the "
                "source the others converge to"
            )
        elif len(active) != 1:
            refusal = (
                f"converging to the active server needs exactly one active server, found {len(active)} "
                f"({', '.join(active) or 'none'}); fix the pair first or give sync_rules_file. Nothing was changed."
            )
        targets = staging
        readers = active[:1]
        source = active[0] if len(active) == 1 else None
    return {
        "refusal": refusal,
        "refused": refusal is not None,
        "mirror_active": not rules_file,
        "source": source,
        "readers": [] if refusal else readers,
        "targets": [] if refusal else targets,
        # mirroring keeps what the active server has, even outside 0-99 (with a warning)
        "outside_reserved": "warn" if not rules_file else "fail",
        "run_full_sync": not defer,
        "skipped": sorted(h for h, r in roles.items() if h not in targets and h not in readers),
    }
