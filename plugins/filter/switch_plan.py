# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter plugins switch_plan, inventory_problems and servers_by_role (docs in the .yml files)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._plan import (
    inventory_problems,
    servers_by_role,
    switch_plan,
)


def _switch_plan(declared, actual):
    if not isinstance(declared, dict) or not isinstance(actual, dict):
        raise AnsibleFilterError("switch_plan expects two dicts: declared roles by host, server_info results by host")
    return switch_plan(declared, actual).to_dict()


def _inventory_problems(declared, hosts=None):
    if not isinstance(declared, dict):
        raise AnsibleFilterError("inventory_problems expects a dict of declared roles by host")
    return inventory_problems(declared, list(hosts) if hosts is not None else None)


def _servers_by_role(actual):
    if not isinstance(actual, dict):
        raise AnsibleFilterError("servers_by_role expects a dict of server_info results by host")
    return servers_by_role(actual)


class FilterModule:
    def filters(self):
        return {
            "switch_plan": _switch_plan,
            "inventory_problems": _inventory_problems,
            "servers_by_role": _servers_by_role,
        }
