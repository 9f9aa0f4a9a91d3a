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

A second control, for the kill sweep (``make kill-sweep``): with the environment variable
``ENTRA_CONNECT_LAB_KILL_AT_WRITE=N`` the lab sends SIGKILL to the whole ansible-playbook
process group right after the N-th write helper call since the last reset has been stored - a
killed AWX job or a controller that died, at a deterministic point. Simplification: on a real
server a write that was under way when the controller died may finish or not; here it always
finished.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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


KILL_AT_WRITE = "ENTRA_CONNECT_LAB_KILL_AT_WRITE"


def kill_point() -> int | None:
    """The write helper call after which the run is killed (``ENTRA_CONNECT_LAB_KILL_AT_WRITE``), or None."""
    value = os.environ.get(KILL_AT_WRITE, "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def kill_playbook() -> None:
    """SIGKILL ansible-playbook and every worker it forked, as kill -9 of a job would.

    This runs in an Ansible worker; the workers detach into sessions of their own, so the kill
    goes to the worker's parent (ansible-playbook) and to each of its children, this one last.
    Refuses unless the parent is ansible-playbook, so that nothing else is ever killed.
    """
    main = os.getppid()
    if "ansible-playbook" not in _cmdline(main):
        raise HelperError(
            f"{KILL_AT_WRITE} is set but this helper does not run in an ansible-playbook worker "
            f"(parent {_cmdline(main)[:80]!r})"
        )
    workers = [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and _parent(int(e.name)) == main]
    os.kill(main, signal.SIGKILL)
    for pid in workers:
        if pid != os.getpid():
            with contextlib.suppress(OSError):  # already gone
                os.kill(pid, signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])
