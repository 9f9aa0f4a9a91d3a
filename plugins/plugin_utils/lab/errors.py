# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors of the lab. For internal collection use only.

Failures a helper reports are worded like the product's (the messages a real server gives where
the reference records them); problems with the lab itself name the directory or the setting and
say what to do.
"""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError


class LabStateError(EntraConnectError):
    """The lab directory cannot be used (corrupt, foreign, unwritable)."""


class LabSettingsError(EntraConnectError):
    """A lab setting in the inventory is wrong."""


def require(condition: object, what: str) -> None:
    """Stop on lab state that cannot happen on a consistent lab (a configured server without its scheduler...)."""
    if not condition:
        raise LabStateError(f"The lab state is inconsistent ({what}); reset the lab with lab_reset")
