# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter plugin sync_rules_targets (documentation in sync_rules_targets.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._targets import (
    convergence_targets,
)


def _sync_rules_targets(servers, rules_file=None, include_active=False, defer=False):
    if not isinstance(servers, dict) or not all(isinstance(v, dict) for v in servers.values()):
        raise AnsibleFilterError("sync_rules_targets expects host -> server_info result (see the by_host filter)")
    return convergence_targets(
        servers, str(rules_file) if rules_file else None, boolean(include_active), boolean(defer)
    )


class FilterModule:
    def filters(self):
        return {"sync_rules_targets": _sync_rules_targets}
