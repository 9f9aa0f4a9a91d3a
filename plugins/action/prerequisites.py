# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.prerequisites."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._prerequisites import (
    DOTNET_472,
    judge,
)


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    ARGUMENT_SPEC = {
        "version": {"type": "str"},
        "min_dotnet_release": {"type": "int", "default": DOTNET_472},
        "min_free_disk_mb": {"type": "int", "default": 20480},
        "fail_on_unmet": {"type": "bool", "default": True},
    }

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        facts = self.ec_server.call("Get-EntraConnectPrerequisites")
        checks = judge(facts, params["version"], params["min_dotnet_release"], params["min_free_disk_mb"])
        unmet = [c for c in checks if not c.passed]
        result: dict[str, Any] = {
            "changed": False,
            "passed": not unmet,
            "checks": [c.to_dict() for c in checks],
            "facts": facts,
        }
        if unmet and params["fail_on_unmet"]:
            result["failed"] = True
            result["msg"] = f"{len(unmet)} prerequisite(s) not met on {self.ec_server.host}: " + "; ".join(
                f"{c.name}: {c.actual} (expected {c.expected}) - {c.fix}" for c in unmet
            )
        return result
