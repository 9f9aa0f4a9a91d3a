# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.config_compare (runs on the controller)."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import (
    EntraConnectAction,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._gates import gate_failure
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig import (
    compare_configurations,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.writers import (
    write_report,
)


class ActionModule(EntraConnectAction):
    ARGUMENT_SPEC = {
        "reference": {"type": "path", "required": True},
        "candidate": {"type": "path", "required": True},
        "connector_map": {"type": "dict", "default": {}},
        "ignore": {"type": "list", "elements": "str", "default": []},
        "fail_on": {"type": "list", "elements": "str", "default": ["warning", "error"]},
        "dest": {"type": "path"},
    }

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        connector_map = {str(k): str(v) for k, v in params["connector_map"].items()}
        result = compare_configurations(
            reference=self._loader.path_dwim(params["reference"]),
            candidate=self._loader.path_dwim(params["candidate"]),
            connector_map=connector_map,
            ignore=params["ignore"],
            fail_on=params["fail_on"],
        )
        if params["dest"]:
            # A report is output, not managed state: written in check mode too, never 'changed'.
            result["report_files"] = write_report(self._loader.path_dwim(params["dest"]), result)
        return {**result, **gate_failure(result["gate"], "Configuration gate failed: ")}
