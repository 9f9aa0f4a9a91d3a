# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.csexport_analyze (runs on the controller)."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.writers import analyse_with_report


class ActionModule(EntraConnectAction):
    ARGUMENT_SPEC = {
        "path": {"type": "list", "elements": "path", "required": True},
        "connector": {"type": "list", "elements": "str"},
        "dest": {"type": "path"},
        "gates": {"type": "dict", "default": {}},
        "fail_on_gate": {"type": "bool", "default": True},
        "baseline": {"type": "list", "elements": "path", "default": []},
    }

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        return analyse_with_report(
            [self._loader.path_dwim(p) for p in params["path"]],
            connectors=params["connector"],
            gates=params["gates"],
            baseline=[self._loader.path_dwim(p) for p in params["baseline"]],
            dest=self._loader.path_dwim(params["dest"]) if params["dest"] else None,
            fail_on_gate=params["fail_on_gate"],
        )
