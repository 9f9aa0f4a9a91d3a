# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Configuration comparison of two Entra Connect servers. For internal collection use only."""

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.compare import (  # noqa: F401
    compare_configurations,
)
