# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.staging_mode."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import is_idle
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import (
    require_configured,
    server_facts,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._staging import (
    ADSYNCTOOLS_DEPRECATION,
    ADSYNCTOOLS_REMOVED_IN,
    PHS_AFTER_RAW_PROMOTION,
    choose_method,
    staging_change,
)


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    _supports_diff = True
    ARGUMENT_SPEC = {
        "state": {"type": "str", "choices": ["enabled", "disabled"], "required": True},
        "method": {"type": "str", "choices": ["auto", "global_settings", "adsynctools"], "default": "auto"},
        "force": {"type": "bool", "default": False},
        "timeout": {
            "type": "int",
            "default": 600,
            "aliases": ["wait_timeout"],
            "deprecated_aliases": [
                {"name": "wait_timeout", "version": "2.0.0", "collection_name": "hybrid_identity.entra_connect"}
            ],
        },
        "poll_interval": {"type": "int", "default": 10},
    }

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        self._check_interval(params)
        server = self.ec_server
        host = server.host
        facts = server_facts(server.call("Get-EntraConnectServerState", RunHistoryCount=0))
        require_configured(facts, host, "switch staging mode")
        want = params["state"] == "enabled"
        have = facts["staging_mode_enabled"]
        if params["method"] == "adsynctools":
            self._ec_notices["deprecations"].append(
                {
                    "msg": ADSYNCTOOLS_DEPRECATION,
                    "version": ADSYNCTOOLS_REMOVED_IN,
                    "collection_name": "hybrid_identity.entra_connect",
                }
            )
        method = choose_method(params["method"], facts["product_version"], facts["adsynctools_staging_available"], host)
        result: dict[str, Any] = {
            "staging_mode_enabled": have,
            "previous_staging_mode_enabled": have,
            "method": method,
            "diff": {"before": {"staging_mode_enabled": have}, "after": {"staging_mode_enabled": want}},
        }
        if not staging_change(facts, want, params["force"], host, result):
            result["diff"]["after"] = result["diff"]["before"]
            return {"changed": False, **result}
        if check_mode:
            return {"changed": True, **result, "staging_mode_enabled": want}

        server.wait(is_idle, params["timeout"], params["poll_interval"], "an idle sync engine before the switch")
        if method == "global_settings":
            server.call("Set-EntraConnectStagingMode", Enabled=want)
        elif want:
            server.call("Enable-EntraConnectToolsStagingMode")
        else:
            server.call("Disable-EntraConnectToolsStagingMode")
        status = server.call("Get-EntraConnectSyncStatus")
        now = (status["scheduler"] or {}).get("staging_mode_enabled")
        result["staging_mode_enabled"] = now
        if now != want:
            raise EntraConnectError(
                f"Staging mode on {host} did not change: wrote {want} with method {method}, but the scheduler "
                f"reads back StagingModeEnabled={now}. Check the server (Get-ADSyncScheduler) before any "
                "other step; nothing else was changed.",
                changed=True,
                **{k: v for k, v in result.items() if k != "staging_mode_enabled"},
                sync_status=status,
            )
        if not want and method == "global_settings" and facts["password_hash_sync_enabled"]:
            result.setdefault("warnings", []).append(PHS_AFTER_RAW_PROMOTION.format(host=host))
        if method == "adsynctools" and not status["scheduler"]["sync_cycle_enabled"]:
            result.setdefault("warnings", []).append(
                f"The sync scheduler is disabled on {host}; Microsoft's guidance after the ADSyncTools staging "
                "functions is to re-enable it (hybrid_identity.entra_connect.scheduler sync_cycle_enabled: true)"
            )
        return {"changed": True, **result}

    def _check_interval(self, params: dict[str, Any]) -> None:
        if params["timeout"] < 0:
            raise self.invalid("timeout", params["timeout"], "use 0 or more seconds")
        if params["poll_interval"] < 1:
            raise self.invalid("poll_interval", params["poll_interval"], "use 1 or more seconds")
