"""The installer action plugin, on both backends (the ``backend`` fixture, conftest.py)."""

from __future__ import annotations

from ec_harness import NEW, run_action, server_info, sha256

from ansible_collections.hybrid_identity.entra_connect.plugins.action.installer import ActionModule as Installer
from ansible_collections.hybrid_identity.entra_connect.plugins.action.installer import source_kind


def test_installer_refuses_a_wrong_checksum_before_anything_happens(backend, tmp_path, msi):
    lab = tmp_path / "lab"
    args = {"src": str(msi), "version": "2.6.92.0", "checksum": "0" * 64}
    result, transport = run_action(Installer, args, backend=backend, lab_dir=lab, host_vars=NEW)
    assert result["failed"] is True
    assert result["msg"].endswith("not the checksum given (" + "0" * 64 + "); nothing was copied or installed")
    assert server_info(backend, lab)["installed"] is False
    if transport:
        assert transport.sent == []


def test_installer_installs_once_then_changes_nothing(backend, tmp_path, msi):
    lab = tmp_path / "lab"
    args = {"src": str(msi), "version": "2.6.92.0", "checksum": sha256(msi)}
    checked = run_action(Installer, args, backend=backend, lab_dir=lab, host_vars=NEW, check_mode=True)[0]
    assert (checked["changed"], checked["product_version"]) == (True, "2.6.92.0")
    assert server_info(backend, lab)["installed"] is False
    first, transport = run_action(Installer, args, backend=backend, lab_dir=lab, host_vars=NEW)
    assert first.get("failed") is not True, first.get("msg")
    assert (first["changed"], first["previous_product_version"], first["product_version"]) == (True, None, "2.6.92.0")
    assert first["upgrade"] is False
    if transport:
        modules = [name for name, _params in transport.sent if name.startswith("ansible.windows.")]
        assert modules == ["ansible.windows.win_copy", "ansible.windows.win_package"]
    again = run_action(Installer, args, backend=backend, lab_dir=lab, host_vars=NEW)[0]
    assert again["changed"] is False
    state = server_info(backend, lab)
    assert (state["installed"], state["configured"], state["product_version"]) == (True, False, "2.6.92.0")


def test_installer_downloads_a_url_with_its_checksum(backend, tmp_path, msi):
    args = {"src": f"file://{msi}", "version": "2.6.92.0", "checksum": sha256(msi)}
    result, transport = run_action(Installer, args, backend=backend, lab_dir=tmp_path / "lab", host_vars=NEW)
    assert result.get("failed") is not True, result.get("msg")
    if transport:
        sent = dict(transport.sent)["ansible.windows.win_get_url"]
        assert (sent["checksum"], sent["checksum_algorithm"]) == (sha256(msi), "sha256")


def test_installer_fails_when_the_version_does_not_change(backend, tmp_path, msi, monkeypatch):
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import LabBackend

    monkeypatch.setattr(
        LabBackend,
        "install_package",
        lambda self, path, arguments, version: {"changed": True, "reboot_required": False},
    )
    args = {"src": str(msi), "version": "2.6.92.0"}
    result = run_action(Installer, args, backend=backend, lab_dir=tmp_path / "lab", host_vars=NEW)[0]
    assert result["failed"] is True
    assert result["msg"].startswith("The installer ran on aadc01, but the product version is None, not 2.6.92.0")


def test_installer_validates_its_options(backend, tmp_path, msi):
    bad = run_action(Installer, {"src": str(msi), "version": "latest"}, backend=backend, lab_dir=tmp_path)[0]
    assert (
        bad["msg"]
        == "Invalid value given for 'version': 'latest'; give the product version the installer installs, like 2.6.92.0"
    )
    short = run_action(
        Installer, {"src": str(msi), "version": "2.6.92.0", "checksum": "abc"}, backend=backend, lab_dir=tmp_path
    )[0]
    assert "give the SHA-256 of the installer as 64 hexadecimal digits" in short["msg"]
    missing = run_action(
        Installer, {"src": str(tmp_path / "nope.msi"), "version": "2.6.92.0"}, backend=backend, lab_dir=tmp_path
    )[0]
    assert missing["msg"] == f"Installer {tmp_path / 'nope.msi'} does not exist on the controller"


def test_source_kinds(backend):
    assert [source_kind(s) for s in ("https://x/a.msi", "\\\\files\\share\\a.msi", "installers/a.msi")] == [
        "url",
        "unc",
        "controller",
    ]
