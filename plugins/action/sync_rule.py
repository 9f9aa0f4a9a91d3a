# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.sync_rule."""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import require_configured
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._apply import (
    converge,
    read_server_rules,
    single_rule_plan,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._model import RULE_FIELDS

#: The rule fields this module takes as options (the rule's name and connector identify it; a
#: custom rule has no immutable tag to set).
RULE_OPTIONS = tuple(f for f in RULE_FIELDS if f not in ("name", "connector", "immutable_tag"))


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    _supports_diff = True
    ARGUMENT_SPEC = {
        "name": {"type": "str", "required": True},
        "connector": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "direction": {"type": "str", "choices": ["Inbound", "Outbound"]},
        "precedence": {"type": "int"},
        "source_object_type": {"type": "str"},
        "target_object_type": {"type": "str"},
        "link_type": {"type": "str", "choices": ["Provision", "StickyJoin", "Join", "JoinNoFlow"]},
        "description": {"type": "str"},
        "disabled": {"type": "bool"},
        "soft_delete_expiry_seconds": {"type": "int"},
        "enable_password_sync": {"type": "bool"},
        "scope_groups": {"type": "list", "elements": "list"},
        "join_groups": {"type": "list", "elements": "list"},
        "attribute_flows": {"type": "list", "elements": "dict"},
        "outside_reserved": {"type": "str", "choices": ["fail", "warn"], "default": "fail"},
    }

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        server = self.ec_server
        state = server.call("Get-EntraConnectServerState", RunHistoryCount=0)
        require_configured(state, server.host, "manage sync rules")
        fields = {name: params[name] for name in RULE_OPTIONS if params[name] is not None}
        if params["state"] == "absent" and fields:
            raise self.invalid(
                "state", "absent", f"give only name and connector to remove a rule, not {', '.join(fields)}"
            )
        read = read_server_rules(server)
        desired, plan = single_rule_plan(read, params, fields, server.host)
        result = converge(
            server, desired, check_mode, outside_reserved=params["outside_reserved"], plan=plan, read=read
        )
        result["rule"] = desired.rules[0].to_dict() if desired.rules else None
        return result
