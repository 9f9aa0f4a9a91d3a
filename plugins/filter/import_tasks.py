# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter plugin hybrid_identity.entra_connect.import_tasks (documentation in import_tasks.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._limitations import import_tasks


def _import_tasks(comparison):
    if not isinstance(comparison, dict) or "differences" not in comparison:
        raise AnsibleFilterError("import_tasks expects the registered result of config_compare (with 'differences')")
    return import_tasks(comparison)


class FilterModule:
    def filters(self):
        return {"import_tasks": _import_tasks}
