"""The settings_export action plugin, on both backends: a backup made on the server, fetched, verified, kept."""

from __future__ import annotations

import json
from pathlib import Path

from ec_harness import remote_leftovers, run_action

from ansible_collections.hybrid_identity.entra_connect.plugins.action.settings_export import (
    ActionModule as SettingsExport,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.action.staging_mode import ActionModule as StagingMode
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import LabBackend


def backups(dest: Path, host: str = "aadc01") -> list[str]:
    return sorted(p.name for p in (dest / host).iterdir() if not p.name.startswith("."))


def test_settings_export_stores_a_verified_backup_then_changes_nothing(backend, tmp_path):
    lab, dest = tmp_path / "lab", tmp_path / "backups"
    first, _unused = run_action(SettingsExport, {"dest": str(dest)}, backend=backend, lab_dir=lab)
    assert first.get("failed") is not True, first.get("msg")
    assert first["changed"] is True
    backup = Path(first["path"])
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest == first["manifest"]
    assert (manifest["host"], manifest["product_version"], manifest["staging_mode_enabled"]) == (
        "aadc01",
        "2.5.190.0",
        False,
    )
    names = {f["name"] for f in manifest["files"]}
    assert "ServerConfiguration/GlobalSettings/MV.xml" in names
    assert any(n.startswith("Applied-SynchronizationPolicy-") for n in names)
    assert (backup / "settings.zip").is_file()
    assert remote_leftovers(lab) == []
    again, _unused = run_action(SettingsExport, {"dest": str(dest)}, backend=backend, lab_dir=lab)
    assert (again["changed"], again["path"], again["differences"]) == (False, str(backup), [])
    assert backups(dest) == [backup.name]


def test_settings_export_sees_a_real_change_and_keeps_retention(backend, tmp_path, monkeypatch):
    lab, dest = tmp_path / "lab", tmp_path / "backups"
    stamps = iter(["20261124T050000Z", "20261124T060000Z", "20261124T070000Z"])
    monkeypatch.setattr(
        "ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.backup._store.backup_name",
        lambda exported: next(stamps),
    )
    run_action(SettingsExport, {"dest": str(dest)}, backend=backend, lab_dir=lab)
    run_action(StagingMode, {"state": "enabled"}, backend=backend, lab_dir=lab)
    changed, _unused = run_action(SettingsExport, {"dest": str(dest), "retention": 1}, backend=backend, lab_dir=lab)
    assert changed["changed"] is True
    assert [d["object"] for d in changed["differences"]] == ["Microsoft.Synchronize.StagingMode"]
    assert changed["removed"] == [str(dest / "aadc01" / "20261124T050000Z")]
    assert backups(dest) == ["20261124T060000Z"]


def test_settings_export_check_mode_writes_nothing(backend, tmp_path):
    lab, dest = tmp_path / "lab", tmp_path / "backups"
    result, _unused = run_action(SettingsExport, {"dest": str(dest)}, backend=backend, lab_dir=lab, check_mode=True)
    assert result["changed"] is True
    assert not dest.exists()
    assert remote_leftovers(lab) == []


def test_settings_export_refuses_a_corrupt_transfer_and_leaves_nothing(backend, tmp_path, monkeypatch):
    lab, dest = tmp_path / "lab", tmp_path / "backups"
    fetch = LabBackend.fetch

    def corrupt(self, remote, local):
        fetch(self, remote, local)
        with open(local, "ab") as handle:
            handle.write(b"garbage")

    monkeypatch.setattr(LabBackend, "fetch", corrupt)
    result, _unused = run_action(SettingsExport, {"dest": str(dest)}, backend=backend, lab_dir=lab)
    assert result["failed"] is True
    assert "is corrupt: SHA-256" in result["msg"]
    assert backups(dest) == []
    assert remote_leftovers(lab) == []


def test_settings_export_keeps_two_changes_within_one_second_apart(backend, tmp_path, monkeypatch):
    lab, dest = tmp_path / "lab", tmp_path / "backups"
    monkeypatch.setattr(
        "ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.backup._store.backup_name",
        lambda exported: "20261124T050000Z",
    )
    first = run_action(SettingsExport, {"dest": str(dest)}, backend=backend, lab_dir=lab)[0]
    run_action(StagingMode, {"state": "enabled"}, backend=backend, lab_dir=lab)
    second = run_action(SettingsExport, {"dest": str(dest), "retention": 2}, backend=backend, lab_dir=lab)[0]
    assert (Path(first["path"]).name, Path(second["path"]).name) == ("20261124T050000Z", "20261124T050000Z-2")
    assert second["previous_path"] == first["path"]
    assert backups(dest) == ["20261124T050000Z", "20261124T050000Z-2"]
