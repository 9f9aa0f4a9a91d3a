# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.run_report (runs on the controller)."""

from __future__ import annotations

import os
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.run import (
    KINDS,
    STATUSES,
    write_run_report,
)

#: The inventory's rows of the versions table, read when the task gives no ``versions``.
VERSIONS_VAR = "entra_connect_versions"


class ActionModule(EntraConnectAction):
    ARGUMENT_SPEC = {
        "path": {"type": "path", "required": True},
        "kind": {"type": "str", "choices": list(KINDS), "default": "verify"},
        "servers": {"type": "dict", "default": {}},
        "declared_roles": {"type": "dict", "default": {}},
        "status": {"type": "str", "choices": list(STATUSES)},
        "message": {"type": "str", "default": ""},
        "plan": {"type": "dict"},
        "verifications": {"type": "dict", "default": {}},
        "versions": {"type": "list", "elements": "dict"},
    }

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        for host, info in params["servers"].items():
            if info is not None and not isinstance(info, dict):
                raise self.invalid(f"servers.{host}", info, "give the registered result of server_info, or null")
        verifications = {host: entry for host, entry in params["verifications"].items() if entry is not None}
        for host, entry in verifications.items():
            if not isinstance(entry, dict):
                raise self.invalid(f"verifications.{host}", entry, "give the verify role's verify_verdict, or null")
        event = {"status": params["status"], "message": params["message"]} if params["status"] else None
        versions = params["versions"]
        if versions is None and task_vars.get(VERSIONS_VAR) is not None:
            versions = self._templar.template(task_vars[VERSIONS_VAR])
        # A report is output, not managed state: written in check mode too, never 'changed'.
        result = write_run_report(
            self._loader.path_dwim(params["path"]),
            params["kind"],
            servers=params["servers"],
            declared=params["declared_roles"],
            event=event,
            plan=params["plan"],
            verifications=verifications,
            versions=versions,
        )
        summary = result["summary"]
        paths = {os.path.basename(p): p for p in result["report_files"]}
        return {
            "changed": False,
            "verdict": summary["verdict"],
            "reasons": summary["reasons"],
            "summary": summary,
            "report_files": result["report_files"],
            "verification": result["verification"],
            "report": {
                "run_id": summary["run_id"],
                "kind": summary["kind"],
                "verdict": summary["verdict"],
                "html": paths["report.html"],
                "markdown": paths["report.md"],
                "summary": paths["summary.json"],
            },
        }
