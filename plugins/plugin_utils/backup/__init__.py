# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backup store of settings_export: naming, manifest, retention, "same settings".

For internal collection use only.
"""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.backup._store import (
    backup_workspace,
    store_backup,
)

__all__ = ["backup_workspace", "store_backup"]
