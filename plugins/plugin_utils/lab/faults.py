# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: a lab setting that makes a helper call fail. For internal collection use only.

A test control, kept out of the helper contract (moto keeps its test controls outside the
emulated service the same way). A fault ``{helper, on_call, effect}`` of a host matches the
``on_call``-th call of that helper on that host, counted since the last lab reset and across
playbook runs. Effects:

* ``error``: the helper fails with the message the cmdlet behind it would give;
* ``unreachable``: the host stops answering from that call on, until the lab is reset;
* ``no_effect``: a write reports success but changes nothing on the server;
* ``busy``: the sync engine stays busy (a cycle that never ends), then the helper runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import (
    HelperError,
    HostUnreachable,
)

ERROR = "error"
UNREACHABLE = "unreachable"
NO_EFFECT = "no_effect"
BUSY = "busy"
EFFECTS = (ERROR, UNREACHABLE, NO_EFFECT, BUSY)

#: The wording of an injected error: writes are refused, reads lose the connection to the engine.
MESSAGES = {
    True: "{cmdlet} : Access is denied.",
    False: "{cmdlet} : The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)",
}
#: The cmdlet a failing helper would report, for realistic injected errors.
CMDLETS = {
    "Get-EntraConnectServerState": "Get-ADSyncConnector",
    "Get-EntraConnectSyncStatus": "Get-ADSyncScheduler",
    "Get-EntraConnectRunHistory": "Get-ADSyncRunProfileResult",
    "Get-EntraConnectConnectorList": "Get-ADSyncConnector",
    "Set-EntraConnectStagingMode": "Set-ADSyncGlobalSettings",
    "Enable-EntraConnectToolsStagingMode": "Enable-ADSyncToolsStagingMode",
    "Disable-EntraConnectToolsStagingMode": "Disable-ADSyncToolsStagingMode",
    "Start-EntraConnectSyncCycle": "Start-ADSyncSyncCycle",
    "Invoke-EntraConnectRunProfile": "Invoke-ADSyncRunProfile",
    "Set-EntraConnectScheduler": "Set-ADSyncScheduler",
    "Set-EntraConnectSchedulerConnectorOverride": "Set-ADSyncSchedulerConnectorOverride",
    "Set-EntraConnectAutoUpgrade": "Set-ADSyncAutoUpgrade",
    "Export-EntraConnectServerConfiguration": "Get-ADSyncServerConfiguration",
    "Export-EntraConnectConnectorSpace": "csexport.exe",
    "Remove-EntraConnectTempFolder": "Remove-Item",
    "Get-EntraConnectRecord": "Get-Content",
    "Set-EntraConnectRecord": "Set-Content",
    "Remove-EntraConnectRecord": "Remove-Item",
}


@dataclass(frozen=True)
class Fault:
    helper: str
    on_call: int
    effect: str

    def matches(self, helper: str, call: int) -> bool:
        """Whether this fault applies to call number ``call`` of ``helper`` (an unreachable host stays so)."""
        return self.helper == helper and (call == self.on_call or (self.effect == UNREACHABLE and call >= self.on_call))


def effect_for(faults: Iterable[Fault], helper: str, call: int) -> str | None:
    """The effect of the first fault that matches the call, or None."""
    for fault in faults:
        if fault.matches(helper, call):
            return fault.effect
    return None


def unreachable(host: str) -> HostUnreachable:
    return HostUnreachable(f"{host}: the host is not answering (WinRM connection refused)")


def injected_error(helper: contract.Helper) -> HelperError:
    cmdlet = CMDLETS.get(helper.name, helper.name)
    return HelperError(MESSAGES[helper.mutates].format(cmdlet=cmdlet), helper=helper.name)
