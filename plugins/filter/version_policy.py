# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter plugins hybrid_identity.entra_connect.version_policy and server_support (docs in the .yml files)."""

from __future__ import annotations

from datetime import date

from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._lifecycle import (
    server_support,
    support_status,
    version_table,
)


def _today(today):
    if today in (None, ""):
        return None
    if isinstance(today, date):
        return today
    try:
        return date.fromisoformat(str(today))
    except ValueError:
        raise AnsibleFilterError(f"Invalid value given for 'today': {today!r}; give a date like 2026-12-01") from None


def _table(versions):
    try:
        return version_table(versions)
    except EntraConnectError as err:
        raise AnsibleFilterError(err.message) from None


def _version_policy(version, versions=None, today=None):
    """The lifecycle of ``version`` with ``passed`` and ``problems``: the policy of the build and upgrade roles."""
    status = support_status(version, _today(today), _table(versions)).to_dict()
    return {**status, "passed": status["supported"], "problems": [] if status["supported"] else [status["message"]]}


def _server_support(info, versions=None, today=None):
    return server_support(info, _today(today), _table(versions))


class FilterModule:
    def filters(self):
        return {"version_policy": _version_policy, "server_support": _server_support}
