# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter plugins hybrid_identity.entra_connect.verdict, csexport_gates and gates (docs in the .yml files)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._gates import PromotionGates
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._verdict import (
    csexport_gates,
    verdict,
)


def _clear(function, *args):
    """Run ``function``; an input error becomes a filter error with its message (never a traceback)."""
    try:
        return function(*args)
    except EntraConnectError as err:
        raise AnsibleFilterError(err.message) from None


def _given(result):
    """A registered result, or None when it is empty, undefined-as-none or from a skipped task."""
    return result if isinstance(result, dict) and result and not result.get("skipped") else None


def _verdict(info, host, reference=None, config=None, pending=None, gates=None, versions=None):
    return _clear(
        lambda *args: verdict(*args, versions=versions),
        host,
        info,
        _given(reference),
        _given(config),
        _given(pending),
        gates or {},
    )


def _csexport_gates(gates, info):
    return _clear(csexport_gates, gates or {}, info or {})


def _gates(gates):
    return _clear(lambda g: PromotionGates.from_dict(g).to_dict(), gates)


class FilterModule:
    def filters(self):
        return {"verdict": _verdict, "csexport_gates": _csexport_gates, "gates": _gates}
