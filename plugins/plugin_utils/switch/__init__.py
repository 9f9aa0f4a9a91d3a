# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Switching roles: the plan (declared vs actual), the verdict of a candidate, the outcome.

For internal collection use only.
"""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._plan import switch_plan

__all__ = ["switch_plan"]
