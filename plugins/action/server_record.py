# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.server_record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _records as records


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    _supports_diff = True
    ARGUMENT_SPEC = {
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["read", "present", "absent", "released"], "default": "read"},
        "content": {"type": "dict"},
        "lease": {"type": "bool", "default": False},
        "run_id": {"type": "str"},
    }
    REQUIRED_IF = [["state", "present", ["content"]], ["state", "released", ["run_id"]]]

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        name = records.check_name(params["name"])
        server = self.ec_server
        host = server.host
        found = server.call("Get-EntraConnectRecord", Name=name)
        raw = found["content"] or ""
        current = records.decode(raw, host, name)
        result: dict[str, Any] = {"path": found["path"], "record": current, "previous": current, "taken_over": False}
        if params["state"] == "read":
            return {"changed": False, **result}
        if params["state"] == "absent":
            return self._remove(params, check_mode, result, raw, current)
        if params["state"] == "released":
            if current is None or current.get("run_id") != params["run_id"]:
                return {"changed": False, **result}  # nothing of this run's to release
            params = {**params, "content": records.released(current, datetime.now(UTC))}
        run_id = params["content"].get("run_id")
        if params["lease"]:
            if not run_id:
                raise self.invalid("content", params["content"], "a lease needs the run_id of its holder")
            conflict = records.lease_conflict(current, str(run_id), datetime.now(UTC))
            if conflict:
                raise EntraConnectError(f"{host}: {conflict}", **result)
            result["taken_over"] = current is not None and current.get("run_id") != run_id
        text = records.encode(params["content"])
        result["diff"] = {"before": current or {}, "after": records.decode(text, host, name)}
        if text == raw:
            return {"changed": False, **result}
        if check_mode:
            return {"changed": True, **result, "record": result["diff"]["after"]}
        written = server.call("Set-EntraConnectRecord", Name=name, Content=text, ExpectedContent=raw)
        now = records.decode(written["content"], host, name)
        if not written["written"]:
            why = records.lease_conflict(now, str(run_id), datetime.now(UTC)) if params["lease"] else None
            raise EntraConnectError(
                f"{host}: the {name} record changed between reading and writing it (another run wrote it); "
                f"{why or 'nothing was written'}",
                **{**result, "record": now},
            )
        return {"changed": True, **result, "record": now}

    def _remove(self, params, check_mode, result, raw, current) -> dict[str, Any]:
        if current is None:
            return {"changed": False, **result}
        if params["lease"] and current.get("run_id") != params["run_id"]:
            # Another run's record: never removed here (its holder, or the expiry, ends it).
            return {"changed": False, **result, "removed": False}
        result["diff"] = {"before": current, "after": {}}
        if check_mode:
            return {"changed": True, **result, "record": None, "removed": True}
        removed = self.ec_server.call("Remove-EntraConnectRecord", Name=params["name"], ExpectedContent=raw)
        return {
            "changed": removed["removed"],
            **result,
            "record": records.decode(removed["content"], self.ec_server.host, params["name"]),
            "removed": removed["removed"],
        }
