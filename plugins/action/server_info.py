# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.server_info."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import (
    EntraConnectAction,
    lab_address_warning,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import server_facts


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    ARGUMENT_SPEC = {"run_history_count": {"type": "int", "default": 20}}

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        if params["run_history_count"] < 0:
            raise self.invalid("run_history_count", params["run_history_count"], "use 0 or more")
        state = self.ec_server.call("Get-EntraConnectServerState", RunHistoryCount=params["run_history_count"])
        if self.ec_backend == "lab":
            warning = lab_address_warning(self.ec_server.host, task_vars.get("ansible_host"))
            if warning:
                self._ec_notices["warnings"].append(warning)
        facts = server_facts(state)
        # backend: lab runs are stamped LAB (emulated) in the job output and the reports.
        return {"changed": False, "backend": self.ec_backend, **facts, "warnings": list(facts["server_warnings"])}
