# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.sync_rules."""

from __future__ import annotations

import json
import os
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import require_configured
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._apply import converge
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._model import load_rules
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._sources import rules_from_export


def read_rules_file(path: str) -> Any:
    """A rules document from a YAML or JSON file, or a configuration export (folder or zip), on the controller."""
    if os.path.isdir(path) or path.lower().endswith(".zip"):
        return rules_from_export(path).to_dict()
    if not os.path.isfile(path):
        raise InputError(f"rules_file {path}: no such file")
    with open(path, encoding="utf-8-sig") as handle:
        text = handle.read()
    if path.lower().endswith(".json"):
        try:
            return json.loads(text)
        except ValueError as err:
            raise InputError(f"rules_file {path}: not valid JSON: {err}") from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise InputError(f"rules_file {path}: not valid YAML: {err}") from None


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    _supports_diff = True
    ARGUMENT_SPEC = {
        "rules": {"type": "list", "elements": "dict"},
        "standard_rules": {"type": "list", "elements": "dict"},
        "rules_file": {"type": "path"},
        "exclusive": {"type": "bool", "default": False},
        "outside_reserved": {"type": "str", "choices": ["fail", "warn"], "default": "fail"},
    }
    MUTUALLY_EXCLUSIVE = [["rules_file", "rules"], ["rules_file", "standard_rules"]]
    REQUIRED_ONE_OF = [["rules", "standard_rules", "rules_file"]]

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        if params["rules_file"]:
            source = params["rules_file"]
            document = read_rules_file(source)
        else:
            source = "the rules and standard_rules options"
            document = {"rules": params["rules"] or [], "standard_rules": params["standard_rules"] or []}
        desired = load_rules(document, source)
        server = self.ec_server
        state = server.call("Get-EntraConnectServerState", RunHistoryCount=0)
        require_configured(state, server.host, "manage sync rules")
        return converge(
            server, desired, check_mode, exclusive=params["exclusive"], outside_reserved=params["outside_reserved"]
        )
