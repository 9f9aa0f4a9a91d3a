# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter plugins by_host and run_id (docs in the .yml files)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.run import new_run_id


def _skipped(value):
    return isinstance(value, dict) and value.get("skipped") is True


def _by_host(hosts, hostvars, name, default=None):
    """``{host: hostvars[host][name]}`` for each host, ``default`` where the host does not have it.

    ``name`` may be a list of names: the first one each host has that is not a skipped task's
    result (for example the newest server read of a run).
    """
    if isinstance(hosts, str) or not hasattr(hosts, "__iter__"):
        raise AnsibleFilterError(f"by_host expects a list of hosts, got {type(hosts).__name__}")
    names = [name] if isinstance(name, str) else list(name) if isinstance(name, (list, tuple)) else []
    if not names or not all(isinstance(n, str) and n for n in names):
        raise AnsibleFilterError("by_host expects the name of a host variable (or a list of names) after hostvars")
    values = {}
    for host in hosts:
        try:
            variables = hostvars[host]
        except KeyError:
            raise AnsibleFilterError(f"by_host: {host!r} is not a host of the inventory") from None
        found = [variables[n] for n in names if n in variables]
        if len(names) > 1:
            found = [v for v in found if not _skipped(v)]
        values[host] = found[0] if found else default
    return values


def _run_id(value=None):
    try:
        return new_run_id(value)
    except EntraConnectError as err:
        raise AnsibleFilterError(err.message) from None


class FilterModule:
    def filters(self):
        return {"by_host": _by_host, "run_id": _run_id}
