"""The import_settings action plugin, on both backends (the ``backend`` fixture, conftest.py)."""

from __future__ import annotations

import json

from ec_harness import NEW, run_action, server_info

from ansible_collections.hybrid_identity.entra_connect.plugins.action.import_settings import (
    ActionModule as ImportSettings,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.action.installer import ActionModule as Installer
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import wizard
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore


def test_import_settings_places_both_files_once_and_the_lab_operator_configures(backend, tmp_path, msi):
    lab = tmp_path / "lab"
    settings = tmp_path / "Applied-SynchronizationPolicy-20261124-050000.JSON"
    settings.write_text(json.dumps({"onpremisesDirectoryPolicy": [{"friendlyName": "contoso.com"}]}))
    run_action(Installer, {"src": str(msi), "version": "2.6.92.0"}, backend=backend, lab_dir=lab, host_vars=NEW)
    args = {
        "settings": str(settings),
        "service_account": "CONTOSO\\gmsa-aadc$",
        "sync_groups": {"admins": "AADC-Admins"},
    }
    checked = run_action(ImportSettings, args, backend=backend, lab_dir=lab, host_vars=NEW, check_mode=True)[0]
    assert checked["changed"] is True
    assert not (wizard.import_folder(LabStore(lab).remote_dir("aadc01")) / wizard.SETTINGS_FILE).exists()
    first = run_action(ImportSettings, args, backend=backend, lab_dir=lab, host_vars=NEW)[0]
    assert first.get("failed") is not True, first.get("msg")
    assert first["changed"] is True
    assert (
        first["settings_path"]
        == "C:\\ProgramData\\hybrid_identity.entra_connect\\import\\synchronization-settings.json"
    )
    text = "\n".join(first["instructions"])
    for expected in (
        "Choose Customize",
        "Use an existing service account: CONTOSO\\gmsa-aadc$",
        "Specify custom sync groups: admins=AADC-Admins",
        "Import synchronization settings: " + first["settings_path"],
        "keep 'Enable staging mode' ticked",
        "leave 'Start the synchronization process when configuration completes' unticked",
    ):
        assert expected in text
    folder = wizard.import_folder(LabStore(lab).remote_dir("aadc01"))
    assert (folder / wizard.SETTINGS_FILE).read_bytes() == settings.read_bytes()
    again = run_action(ImportSettings, args, backend=backend, lab_dir=lab, host_vars=NEW)[0]
    assert again["changed"] is False
    state = server_info(backend, lab)  # the emulated operator runs the wizard between two reads
    assert (state["configured"], state["staging_mode_enabled"]) == (True, True)


def test_import_settings_refuses_a_file_that_is_not_settings(backend, tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    result = run_action(ImportSettings, {"settings": str(other)}, backend=backend, lab_dir=tmp_path / "lab")[0]
    assert result["failed"] is True
    assert result["msg"].startswith(f"{other} is not a synchronization settings file (no onpremisesDirectoryPolicy)")
    both = run_action(ImportSettings, {}, backend=backend, lab_dir=tmp_path / "lab")[0]
    assert "one of the following is required: settings, upgrade_to" in both["msg"]
