"""The prerequisites action plugin, on both backends (the ``backend`` fixture, conftest.py)."""

from __future__ import annotations

from ec_harness import NEW, run_action

from ansible_collections.hybrid_identity.entra_connect.plugins.action.prerequisites import (
    ActionModule as Prerequisites,
)


def test_prerequisites_pass_on_a_good_server_and_name_every_failure(backend, tmp_path):
    good = run_action(Prerequisites, {"version": "2.6.92.0"}, backend=backend, lab_dir=tmp_path / "a", host_vars=NEW)[0]
    assert (good.get("failed"), good["passed"], good["changed"]) == (None, True, False)
    assert [c["name"] for c in good["checks"]] == [
        "windows_server",
        "full_gui",
        "powershell",
        "dotnet_framework",
        "tls12",
        "domain_joined",
        "free_disk",
        "pending_reboot",
    ]
    bad_vars = {
        "entra_connect_lab_server": {
            "installed": False,
            "prerequisites": {"os_build": 26100, "installation_type": "Server Core", "domain_joined": False},
        }
    }
    bad = run_action(
        Prerequisites, {"version": "2.6.92.0"}, backend=backend, lab_dir=tmp_path / "b", host_vars=bad_vars
    )[0]
    assert bad["failed"] is True
    assert bad["msg"].startswith("2 prerequisite(s) not met on aadc01: full_gui: Server Core")
    assert "domain_joined: workgroup" in bad["msg"] and "windows_server" not in bad["msg"]


def test_prerequisites_pass_on_windows_server_2025(backend, tmp_path):
    server_2025 = {"entra_connect_lab_server": {"installed": False, "prerequisites": {"os_build": 26100}}}
    result = run_action(
        Prerequisites, {"version": "2.6.92.0"}, backend=backend, lab_dir=tmp_path, host_vars=server_2025
    )[0]
    assert (result.get("failed"), result["passed"]) == (None, True)
    assert result["checks"][0]["actual"] == "Windows Server 2025 (build 26100)"
