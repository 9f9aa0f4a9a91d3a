# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Building and upgrading a server: prerequisites, the versions lifecycle, operator instructions, import limitations.

For internal collection use only.
"""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._lifecycle import (
    support_status,
    version_table,
)

__all__ = ["support_status", "version_table"]
