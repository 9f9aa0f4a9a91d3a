# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.settings_export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ansible import constants as C

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.backup import (
    backup_workspace,
    store_backup,
)


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    ARGUMENT_SPEC = {
        "dest": {"type": "path", "required": True},
        "retention": {"type": "int", "default": 0},
    }

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        if params["retention"] < 0:
            raise self.invalid("retention", params["retention"], "use 0 (keep all) or the number of backups to keep")
        server = self.ec_server
        host_dir = Path(self._loader.path_dwim(params["dest"])) / server.host
        exported = server.call("Export-EntraConnectServerConfiguration")
        # C.DEFAULT_LOCAL_TMP: the run's own local temp folder, removed when ansible-playbook ends.
        with backup_workspace(host_dir, check_mode, Path(C.DEFAULT_LOCAL_TMP)) as archive:
            server.fetch_archive(exported, archive)
            stored = store_backup(host_dir, archive, exported, server.host, params["retention"], check_mode)
        return {"host": server.host, **stored}
