"""Lab state on disk and lab settings from the inventory: clear errors, safe under parallel forks."""

from __future__ import annotations

import json
import multiprocessing

import pytest
from lab_helpers import lab_server

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import LabBackend
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import (
    LabSettingsError,
    LabStateError,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import read_settings
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import HelperError, Server


def test_a_corrupt_state_file_is_a_clear_error(tmp_path):
    lab_server(tmp_path).call("Get-EntraConnectSyncStatus")
    (tmp_path / "state.json").write_text("{not json")
    with pytest.raises(LabStateError, match=r"state.json is corrupt .* reset the lab"):
        lab_server(tmp_path).call("Get-EntraConnectSyncStatus")


def test_a_foreign_state_file_is_refused(tmp_path):
    (tmp_path / "state.json").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(LabStateError, match="is not lab state of this collection"):
        lab_server(tmp_path).call("Get-EntraConnectSyncStatus")


def test_a_folder_with_other_files_is_not_taken_over(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(LabStateError, match=r"holds files that are not lab state \(notes.txt\)"):
        lab_server(tmp_path).call("Get-EntraConnectSyncStatus")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_failed_call_leaves_the_state_as_it_was_but_counts_the_call(tmp_path):
    fault = {"helper": "Set-EntraConnectAutoUpgrade", "on_call": 1, "effect": "error"}
    host_vars = {"entra_connect_lab_faults": [fault]}

    server = Server(LabBackend(tmp_path, read_settings("aadc01", host_vars)), "aadc01")
    with pytest.raises(HelperError, match=r"Set-ADSyncAutoUpgrade : Access is denied\."):
        server.call("Set-EntraConnectAutoUpgrade", State="Disabled")
    state = LabStore(tmp_path).read()
    assert state["servers"]["aadc01"]["auto_upgrade_state"] == "Enabled"
    assert state["calls"]["aadc01"]["Set-EntraConnectAutoUpgrade"] == 1
    server.call("Set-EntraConnectAutoUpgrade", State="Disabled")  # the fault was for call 1 only
    assert LabStore(tmp_path).read()["servers"]["aadc01"]["auto_upgrade_state"] == "Disabled"


def _flip_many(lab_dir: str, host: str, count: int) -> None:
    server = lab_server(lab_dir, host)
    for index in range(count):
        server.call("Set-EntraConnectStagingMode", Enabled=index % 2 == 0)


def test_parallel_forks_never_lose_an_update(tmp_path):
    processes = [
        multiprocessing.get_context("fork").Process(target=_flip_many, args=(str(tmp_path), host, 10))
        for host in ("aadc01", "aadc02", "aadc03")
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    state = LabStore(tmp_path).read()
    assert {h: c["Set-EntraConnectStagingMode"] for h, c in state["calls"].items()} == {
        "aadc01": 10,
        "aadc02": 10,
        "aadc03": 10,
    }
    flips = [line for line in LabStore(tmp_path).journal() if line["helper"] == "Set-EntraConnectStagingMode"]
    assert len(flips) == 30
    assert not list(tmp_path.glob("state.json.*"))


def test_settings_report_every_problem_with_the_host_and_the_field():
    host_vars = {
        "entra_connect_lab_server": {"installed": "yes", "version": "two", "colour": "blue", "auto_upgrade": "Later"},
        "entra_connect_lab_faults": [{"helper": "Get-Nothing", "on_call": 0, "effect": "explode"}],
        "entra_connect_lab_operator": "maybe",
    }
    with pytest.raises(LabSettingsError) as caught:
        read_settings("aadc09", host_vars)
    message = caught.value.message
    assert message.startswith("Invalid lab settings for host aadc09: ")
    for expected in (
        "entra_connect_lab_server.colour is not a lab setting",
        "entra_connect_lab_server.installed must be bool, got 'yes'",
        "entra_connect_lab_server.version must look like 2.6.92.0, got 'two'",
        "entra_connect_lab_server.auto_upgrade must be one of Enabled, Disabled, Suspended",
        "entra_connect_lab_faults[0].helper 'Get-Nothing' is not a contract helper",
        "entra_connect_lab_faults[0].effect must be one of error, unreachable, no_effect, busy, got 'explode'",
        "entra_connect_lab_faults[0].on_call must be 1 or more",
        "vars.entra_connect_lab_operator must be present or absent",
    ):
        assert expected in message


def test_settings_defaults_describe_an_active_configured_server():
    settings = read_settings("aadc01", {})
    assert (settings.server.installed, settings.server.configured, settings.server.staging) == (True, True, False)
    assert (settings.world.users, settings.world.groups, settings.world.contacts) == (2000, 300, 100)
    with pytest.raises(LabSettingsError, match="configured cannot be true when installed is false"):
        read_settings("aadc01", {"entra_connect_lab_server": {"installed": False, "configured": True}})
