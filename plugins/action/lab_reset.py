# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.lab_reset (a lab control, never a server helper)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import controls
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import STATE


class ActionModule(EntraConnectAction):
    ARGUMENT_SPEC: dict[str, dict[str, Any]] = {}

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        host = task_vars.get("inventory_hostname", "?")
        backend = self._templar.template(task_vars.get("entra_connect_backend"))
        if backend != "lab":
            raise EntraConnectError(
                f"lab_reset resets emulated servers only; {host} has entra_connect_backend={backend!r}, not 'lab'"
            )
        lab_dir = Path(self._ec_lab_dir(task_vars))
        had_state = (lab_dir / STATE).exists()
        if not check_mode:
            controls.reset(lab_dir)
        return {"changed": had_state, "lab_dir": str(lab_dir)}
