# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One server: the facade over a backend, the helper contract, archives, server facts.

For internal collection use only.
"""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import (
    HelperError,
    HostUnreachable,
    Server,
    is_idle,
)

__all__ = ["HelperError", "HostUnreachable", "Server", "is_idle"]
