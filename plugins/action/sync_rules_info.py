# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.sync_rules_info."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import require_configured
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._apply import read_server_rules
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._render import to_powershell
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._sources import (
    desired_from_current,
)


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    ARGUMENT_SPEC = {"script": {"type": "bool", "default": False}}

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        server = self.ec_server
        state = server.call("Get-EntraConnectServerState", RunHistoryCount=0)
        require_configured(state, server.host, "read sync rules")
        read = read_server_rules(server)
        document = desired_from_current(read.rules)
        result: dict[str, Any] = {
            "changed": False,
            "rules_document": document.to_dict(),
            "custom_rule_count": len(document.rules),
            "standard_rule_count": len(document.standard_rules),
            "connectors": read.connectors,
        }
        if params["script"]:
            result["script"] = to_powershell(document, server.host)
        return result
