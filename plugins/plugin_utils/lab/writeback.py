# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Group writeback in the lab: pending exports to on-premises AD. For internal collection use only.

Group writeback creates cloud (Microsoft 365) groups in the on-premises directory, and a server
without it deletes them: "Disabling Group Writeback will cause any groups that were previously
created by this feature to be deleted from your local Active Directory on the next
synchronization cycle" (Microsoft, "Disable group writeback",
learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-group-writeback-disable); "Groups
that are written back will be deleted in Active Directory when they're disabled for group
writeback" (Microsoft, "Modify Microsoft Entra Connect group writeback default behavior",
learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-modify-group-writeback). The
switch is the global parameter ``Microsoft.OptionalFeature.GroupWriteBack`` (in MV.xml of every
server configuration export).

So the lab's AD connector has pending exports: a server whose group writeback is off stages the
deletion of every written-back group on its first AD connector (the writeback forest), as the
active server's own disabling of the feature would. Simplifications: the written-back groups are
a number (world setting ``entra_connect_lab_writeback_groups``), not cloud groups of the emulated
tenant; they sit outside the generated directory (no Entra projection of them); a newly built
server without the feature is treated like a server on which it was disabled; and the lab
stages these exports but never applies them to the directory (only the Entra connector exports).
"""

from __future__ import annotations

import uuid
from typing import Any

GROUP_WRITEBACK = "Microsoft.OptionalFeature.GroupWriteBack"
#: The container the lab's written-back groups sit in (the default name the wizard offers is not
#: modelled; any OU would do).
CONTAINER = "OU=Microsoft 365 Groups"
_NAMESPACE = uuid.UUID("5d0b1d3c-7f58-4a37-9a1f-0c6a5e9f2b11")


def written_back_groups(count: int, domain: str) -> dict[str, dict[str, Any]]:
    """The groups group writeback created on premises, keyed by anchor (deterministic)."""
    base = ",".join(f"DC={part}" for part in domain.split("."))
    groups = {}
    for number in range(1, count + 1):
        name = f"Group_{number:04d}"
        anchor = str(uuid.uuid5(_NAMESPACE, f"{domain}/{name}"))
        groups[anchor] = {
            "anchor": anchor,
            "dn": f"CN={name},{CONTAINER},{base}",
            "type": "group",
            "attrs": {"displayName": f"M365 {name}", "mail": f"{name.lower()}@{domain}"},
        }
    return groups


def ad_pending(group_writeback: bool, count: int, domain: str) -> list[dict[str, Any]]:
    """The pending exports on the writeback forest's AD connector after a synchronization."""
    if group_writeback:
        return []
    return [
        {"anchor": anchor, "dn": group["dn"], "type": group["type"], "op": "delete", "attrs": {}}
        for anchor, group in written_back_groups(count, domain).items()
    ]
