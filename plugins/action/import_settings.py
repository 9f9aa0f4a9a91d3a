# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.import_settings."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build import _instructions as instructions
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.sources import load_json


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    ARGUMENT_SPEC = {
        "settings": {"type": "path"},
        "upgrade_to": {"type": "str"},
        "service_account": {"type": "str"},
        "sql_server": {"type": "str"},
        "sql_instance": {"type": "str"},
        "sync_groups": {"type": "dict", "default": {}},
        "install_path": {"type": "str"},
        "folder": {"type": "str", "default": instructions.IMPORT_FOLDER},
    }
    REQUIRED_ONE_OF = [["settings", "upgrade_to"]]
    MUTUALLY_EXCLUSIVE = [["settings", "upgrade_to"]]

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        server = self.ec_server
        folder = params["folder"].rstrip("\\")
        settings_path = f"{folder}\\{instructions.SETTINGS_FILE}"
        instructions_path = f"{folder}\\{instructions.INSTRUCTIONS_FILE}"
        files: list[tuple[str, bytes]] = []
        if params["settings"]:
            local = self._loader.path_dwim(params["settings"])
            policy = load_json(local)  # a clear error for a missing or broken file
            if not isinstance(policy, dict) or "onpremisesDirectoryPolicy" not in policy:
                raise EntraConnectError(
                    f"{local} is not a synchronization settings file (no onpremisesDirectoryPolicy); give the "
                    "Applied-/Exported-SynchronizationPolicy JSON that settings_export stored"
                )
            files.append((settings_path, Path(local).read_bytes()))
            lines = instructions.install_instructions(server.host, params, settings_path)
        else:
            lines = instructions.upgrade_instructions(server.host, params["upgrade_to"])
        files.append((instructions_path, ("\r\n".join(lines) + "\r\n").encode("utf-8")))
        result = {
            "instructions": lines,
            "settings_path": settings_path if params["settings"] else None,
            "instructions_path": instructions_path,
        }
        changed = False
        for remote, data in files:
            present = server.call("Get-EntraConnectFileHash", Path=remote)
            if present["exists"] and present["sha256"] == _sha256(data):
                continue
            changed = True
            if not check_mode:
                self._put(remote, data)
        return {"changed": changed, **result}

    def _put(self, remote: str, data: bytes) -> None:
        fd, local = tempfile.mkstemp(prefix="entra_connect-import-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            self.ec_server.put_file(local, remote)
        finally:
            os.unlink(local)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
