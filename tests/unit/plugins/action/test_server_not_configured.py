"""Every module that changes a sync engine refuses a server without one, in the same words."""

from __future__ import annotations

import pytest
from ec_harness import run_action

from ansible_collections.hybrid_identity.entra_connect.plugins.action.auto_upgrade import (
    ActionModule as AutoUpgrade,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.action.scheduler import ActionModule as Scheduler
from ansible_collections.hybrid_identity.entra_connect.plugins.action.staging_mode import ActionModule as StagingMode

BINARIES_ONLY = {"entra_connect_lab_server": {"installed": True, "configured": False}}


@pytest.mark.parametrize("backend", ["lab", "windows"])
@pytest.mark.parametrize(
    ("action", "args", "what"),
    [
        (StagingMode, {"state": "enabled"}, "switch staging mode"),
        (Scheduler, {"sync_cycle_enabled": True}, "change the scheduler"),
        (AutoUpgrade, {"state": "disabled"}, "change automatic upgrade"),
    ],
)
def test_modules_refuse_a_server_without_a_configured_engine_in_one_wording(backend, tmp_path, action, args, what):
    result, transport = run_action(action, args, backend=backend, lab_dir=tmp_path, host_vars=BINARIES_ONLY)
    assert result["failed"] is True
    assert result["msg"] == (
        f"Cannot {what} on aadc01: it has no configured Entra Connect sync engine (installed: true); "
        "configure it first (see the staging_server role)"
    )
    if transport:
        assert [name for name, _params in transport.sent] == ["Get-EntraConnectServerState"]
