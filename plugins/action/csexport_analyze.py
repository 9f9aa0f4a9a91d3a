# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.csexport_analyze (runs on the controller)."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.analysis import analyse
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.writers import (
    StreamingReport,
    render_markdown,
)


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
        paths = [self._loader.path_dwim(p) for p in params["path"]]
        baseline = [self._loader.path_dwim(p) for p in params["baseline"]]
        report = StreamingReport(self._loader.path_dwim(params["dest"])) if params["dest"] else None
        try:
            result = analyse(
                paths,
                connectors=params["connector"],
                gates=params["gates"],
                baseline=baseline,
                change_rows=report.change_rows if report else None,
                object_rows=report.object_rows if report else None,
            )
            if report:
                # A report is output, not managed state: written in check mode too, never 'changed'.
                result["report_files"] = report.commit(result, render_markdown(result))
        finally:
            if report:
                report.abort()
        if params["fail_on_gate"] and not result["gate"]["passed"]:
            result["failed"] = True
            result["msg"] = "; ".join(v["message"] for v in result["gate"]["violations"])
        return result
