"""prerequisites, installer and import_settings: building a server, on both backends."""

from __future__ import annotations

import hashlib
import json

import pytest
from ec_harness import run_action

from ansible_collections.hybrid_identity.entra_connect.plugins.action.import_settings import (
    ActionModule as ImportSettings,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.action.installer import ActionModule as Installer
from ansible_collections.hybrid_identity.entra_connect.plugins.action.installer import source_kind
from ansible_collections.hybrid_identity.entra_connect.plugins.action.prerequisites import (
    ActionModule as Prerequisites,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.action.server_info import ActionModule as ServerInfo
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import wizard
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore

NEW = {"entra_connect_lab_server": {"installed": False}}
pytestmark = pytest.mark.parametrize("backend", ["lab", "windows"])


@pytest.fixture
def msi(tmp_path):
    path = tmp_path / "AzureADConnect.msi"
    path.write_bytes(b"stand-in installer 2.4.18.0")
    return path


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def info(backend, lab, host_vars=None):
    return run_action(ServerInfo, {}, backend=backend, lab_dir=lab, host_vars=host_vars or NEW)[0]


def test_prerequisites_pass_on_a_good_server_and_name_every_failure(backend, tmp_path):
    good = run_action(Prerequisites, {"version": "2.4.18.0"}, backend=backend, lab_dir=tmp_path / "a", host_vars=NEW)[0]
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
        Prerequisites, {"version": "2.4.18.0"}, backend=backend, lab_dir=tmp_path / "b", host_vars=bad_vars
    )[0]
    assert bad["failed"] is True
    assert bad["msg"].startswith(
        "3 prerequisite(s) not met on aadc01: windows_server: Windows Server 2025 (build 26100)"
    )
    assert "full_gui: Server Core" in bad["msg"] and "domain_joined: workgroup" in bad["msg"]


def test_installer_refuses_a_wrong_checksum_before_anything_happens(backend, tmp_path, msi):
    lab = tmp_path / "lab"
    args = {"src": str(msi), "version": "2.4.18.0", "checksum": "0" * 64}
    result, transport = run_action(Installer, args, backend=backend, lab_dir=lab, host_vars=NEW)
    assert result["failed"] is True
    assert result["msg"].endswith("not the checksum given (" + "0" * 64 + "); nothing was copied or installed")
    assert info(backend, lab)["installed"] is False
    if transport:
        assert transport.sent == []


def test_installer_installs_once_then_changes_nothing(backend, tmp_path, msi):
    lab = tmp_path / "lab"
    args = {"src": str(msi), "version": "2.4.18.0", "checksum": sha(msi)}
    checked = run_action(Installer, args, backend=backend, lab_dir=lab, host_vars=NEW, check_mode=True)[0]
    assert (checked["changed"], checked["product_version"]) == (True, "2.4.18.0")
    assert info(backend, lab)["installed"] is False
    first, transport = run_action(Installer, args, backend=backend, lab_dir=lab, host_vars=NEW)
    assert first.get("failed") is not True, first.get("msg")
    assert (first["changed"], first["previous_product_version"], first["product_version"]) == (True, None, "2.4.18.0")
    assert first["upgrade"] is False
    if transport:
        modules = [name for name, _params in transport.sent if name.startswith("ansible.windows.")]
        assert modules == ["ansible.windows.win_copy", "ansible.windows.win_package"]
    again = run_action(Installer, args, backend=backend, lab_dir=lab, host_vars=NEW)[0]
    assert again["changed"] is False
    state = info(backend, lab)
    assert (state["installed"], state["configured"], state["product_version"]) == (True, False, "2.4.18.0")


def test_installer_downloads_a_url_with_its_checksum(backend, tmp_path, msi):
    args = {"src": f"file://{msi}", "version": "2.4.18.0", "checksum": sha(msi)}
    result, transport = run_action(Installer, args, backend=backend, lab_dir=tmp_path / "lab", host_vars=NEW)
    assert result.get("failed") is not True, result.get("msg")
    if transport:
        sent = dict(transport.sent)["ansible.windows.win_get_url"]
        assert (sent["checksum"], sent["checksum_algorithm"]) == (sha(msi), "sha256")


def test_installer_fails_when_the_version_does_not_change(backend, tmp_path, msi, monkeypatch):
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import LabBackend

    monkeypatch.setattr(
        LabBackend,
        "install_package",
        lambda self, path, arguments, version: {"changed": True, "reboot_required": False},
    )
    args = {"src": str(msi), "version": "2.4.18.0"}
    result = run_action(Installer, args, backend=backend, lab_dir=tmp_path / "lab", host_vars=NEW)[0]
    assert result["failed"] is True
    assert result["msg"].startswith("The installer ran on aadc01, but the product version is None, not 2.4.18.0")


def test_installer_validates_its_options(backend, tmp_path, msi):
    bad = run_action(Installer, {"src": str(msi), "version": "latest"}, backend=backend, lab_dir=tmp_path)[0]
    assert (
        bad["msg"]
        == "Invalid value given for 'version': 'latest'; give the product version the installer installs, like 2.4.18.0"
    )
    short = run_action(
        Installer, {"src": str(msi), "version": "2.4.18.0", "checksum": "abc"}, backend=backend, lab_dir=tmp_path
    )[0]
    assert "give the SHA-256 of the installer as 64 hexadecimal digits" in short["msg"]
    missing = run_action(
        Installer, {"src": str(tmp_path / "nope.msi"), "version": "2.4.18.0"}, backend=backend, lab_dir=tmp_path
    )[0]
    assert missing["msg"] == f"Installer {tmp_path / 'nope.msi'} does not exist on the controller"


def test_import_settings_places_both_files_once_and_the_lab_operator_configures(backend, tmp_path, msi):
    lab = tmp_path / "lab"
    settings = tmp_path / "Applied-SynchronizationPolicy-20261124-050000.JSON"
    settings.write_text(json.dumps({"onpremisesDirectoryPolicy": [{"friendlyName": "contoso.com"}]}))
    run_action(Installer, {"src": str(msi), "version": "2.4.18.0"}, backend=backend, lab_dir=lab, host_vars=NEW)
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
    state = info(backend, lab)  # the emulated operator runs the wizard between two reads
    assert (state["configured"], state["staging_mode_enabled"]) == (True, True)


def test_import_settings_refuses_a_file_that_is_not_settings(backend, tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    result = run_action(ImportSettings, {"settings": str(other)}, backend=backend, lab_dir=tmp_path / "lab")[0]
    assert result["failed"] is True
    assert result["msg"].startswith(f"{other} is not a synchronization settings file (no onpremisesDirectoryPolicy)")
    both = run_action(ImportSettings, {}, backend=backend, lab_dir=tmp_path / "lab")[0]
    assert "one of the following is required: settings, upgrade_to" in both["msg"]


def test_source_kinds(backend):
    assert [source_kind(s) for s in ("https://x/a.msi", "\\\\files\\share\\a.msi", "installers/a.msi")] == [
        "url",
        "unc",
        "controller",
    ]
