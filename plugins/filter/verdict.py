# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter plugins hybrid_identity.entra_connect.verdict and csexport_gates (docs in the .yml files)."""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._verdict import (
    csexport_gates,
    verdict,
)


def _verdict(info, host, reference=None, config=None, pending=None, gates=None):
    return verdict(host, info, reference or None, config or None, pending or None, gates or {})


def _csexport_gates(gates, info):
    return csexport_gates(gates or {}, info or {})


class FilterModule:
    def filters(self):
        return {"verdict": _verdict, "csexport_gates": _csexport_gates}
