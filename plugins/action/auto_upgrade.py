# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.auto_upgrade."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import require_configured


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    _supports_diff = True
    ARGUMENT_SPEC = {"state": {"type": "str", "choices": ["enabled", "disabled"], "required": True}}

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        server = self.ec_server
        state = server.call("Get-EntraConnectServerState", RunHistoryCount=0)
        require_configured(state, server.host, "change automatic upgrade")
        have = state["auto_upgrade_state"]
        want = params["state"].capitalize()
        result: dict[str, Any] = {
            "auto_upgrade_state": have,
            "previous_auto_upgrade_state": have,
            "diff": {"before": {"auto_upgrade_state": have}, "after": {"auto_upgrade_state": want}},
        }
        if have == want:
            return {"changed": False, **result}
        if have == "Suspended":
            result["warnings"] = [
                f"Automatic upgrade on {server.host} was Suspended by the product (a blocker or an aborted upgrade; "
                "see the Application log, source 'Microsoft Entra Connect Upgrade', events 300-399); setting it to "
                f"{want}"
            ]
        if check_mode:
            return {"changed": True, **result, "auto_upgrade_state": want}
        server.call("Set-EntraConnectAutoUpgrade", State=want)
        now = server.call("Get-EntraConnectServerState", RunHistoryCount=0)["auto_upgrade_state"]
        result["auto_upgrade_state"] = now
        if now != want:
            raise EntraConnectError(
                f"Automatic upgrade on {server.host} reads back {now} after setting {want}", changed=True, **result
            )
        return {"changed": True, **result}
