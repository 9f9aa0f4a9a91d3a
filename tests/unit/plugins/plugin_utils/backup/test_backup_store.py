"""The backup store of settings_export: naming, ordering, retention, manifest, "same settings"."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.backup import _store as store
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.backup import (
    backup_workspace,
    store_backup,
)

CONTOSO = (
    Path(__file__).resolve().parents[5] / "plugins" / "plugin_utils" / "lab" / "templates" / "server-configuration"
)
APPLIED = "Applied-SynchronizationPolicy-20261124-050245.JSON"
EXPORTED = {
    "product_version": "2.6.92.0",
    "staging_mode_enabled": False,
    "exported_at": "2026-11-24T05:05:42.1234567Z",
    "archive_sha256": "ab" * 32,
    "archive_size": 1234,
}


def folders(host_dir: Path, *names: str) -> None:
    for name in names:
        (host_dir / name).mkdir(parents=True)


def make_archive(path: Path, policy: dict | None = None) -> Path:
    """A settings.zip as the Export helper makes it: ServerConfiguration plus the applied policy JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(p for p in CONTOSO.rglob("*") if p.is_file()):
            archive.write(file, "ServerConfiguration\\" + str(file.relative_to(CONTOSO)).replace("/", "\\"))
        archive.writestr(APPLIED, json.dumps(policy or {"onpremisesDirectoryPolicy": []}))
    return path


def test_backup_name_is_the_export_time_to_the_second():
    assert store.backup_name(EXPORTED) == "20261124T050542Z"
    assert store.backup_name({"exported_at": "2026-11-24T05:05:42Z"}) == "20261124T050542Z"


def test_backups_are_ordered_by_time_then_suffix_and_ignore_other_folders(tmp_path):
    folders(tmp_path, "20261124T050000Z-10", "20261124T050000Z-2", "20261124T050000Z", "20261123T230000Z")
    folders(tmp_path, ".settings_export-abc", "notes")
    (tmp_path / "20261125T000000Z").write_text("a file, not a backup")
    assert [p.name for p in store.backups(tmp_path)] == [
        "20261123T230000Z",
        "20261124T050000Z",
        "20261124T050000Z-2",
        "20261124T050000Z-10",
    ]
    assert store.backups(tmp_path / "missing") == []


def test_free_name_adds_the_next_suffix_for_the_same_second(tmp_path):
    assert store.free_name(tmp_path, "20261124T050000Z") == tmp_path / "20261124T050000Z"
    folders(tmp_path, "20261124T050000Z", "20261124T050000Z-2")
    assert store.free_name(tmp_path, "20261124T050000Z") == tmp_path / "20261124T050000Z-3"


def test_prune_keeps_the_newest_and_zero_keeps_all(tmp_path):
    folders(tmp_path, "20261124T050000Z", "20261124T050000Z-2", "20261124T060000Z")
    assert store.prune(tmp_path, 0) == []
    assert store.prune(tmp_path, 2) == [str(tmp_path / "20261124T050000Z")]
    assert [p.name for p in store.backups(tmp_path)] == ["20261124T050000Z-2", "20261124T060000Z"]


def write_at(folder, name, epoch):
    (folder / name).write_text("{}")
    os.utime(folder / name, (epoch, epoch))


def test_settings_file_is_the_newest_by_time_and_warns_when_an_applied_file_is_newer(tmp_path):
    write_at(tmp_path, "Exported-SynchronizationPolicy-20261101-000000.json", 1_000)
    write_at(tmp_path, "Exported-SynchronizationPolicy-20261120-000000.json", 2_000)
    write_at(tmp_path, "Exported-SynchronizationPolicy-20261130-000000.txt", 9_000)
    write_at(tmp_path, "Applied-SynchronizationPolicy-20261124-050245.JSON", 1_500)
    assert store.settings_file(tmp_path) == str(tmp_path / "Exported-SynchronizationPolicy-20261120-000000.json")
    assert store.settings_file_warning(tmp_path) is None
    write_at(tmp_path, "Applied-SynchronizationPolicy-20261124-050245.JSON", 3_000)
    assert store.settings_file(tmp_path) == str(tmp_path / "Applied-SynchronizationPolicy-20261124-050245.JSON")
    warning = store.settings_file_warning(tmp_path)
    assert "the wizard applied settings (Applied-SynchronizationPolicy-20261124-050245.JSON) after the last" in warning
    assert "Exported-SynchronizationPolicy-20261120-000000.json" in warning


def test_settings_file_falls_back_to_the_applied_policy_then_none(tmp_path):
    assert store.settings_file(tmp_path) is None
    (tmp_path / APPLIED).write_text("{}")
    assert store.settings_file(tmp_path) == str(tmp_path / APPLIED)


def test_policy_files_skip_the_manifest_and_name_a_broken_file(tmp_path):
    (tmp_path / store.MANIFEST).write_text("{}")
    (tmp_path / APPLIED).write_text('\ufeff{"a": 1}', encoding="utf-8")
    assert store.policy_files(tmp_path) == {APPLIED: {"a": 1}}
    (tmp_path / "Exported-SynchronizationPolicy-1.json").write_text("{not json")
    with pytest.raises(EntraConnectError, match=r"Exported-SynchronizationPolicy-1\.json: not readable JSON .*; "):
        store.policy_files(tmp_path)


def test_same_settings_ignores_the_next_start_time_but_not_a_policy_change(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        shutil.copytree(CONTOSO, folder / store.CONFIGURATION)
        (folder / APPLIED).write_text('{"policy": 1}')
    assert store.same_settings(new, old) == (True, [])
    (new / APPLIED).write_text('{"policy": 2}')
    same, differences = store.same_settings(new, old)
    assert same is False
    assert differences == [{"category": "policy_json", "object": "synchronization policy JSON files"}]


def test_manifest_records_the_origin_the_archive_and_every_file():
    assert store.manifest("aadc01", EXPORTED, {"a.xml": "11"}) == {
        "schema_version": 1,
        "host": "aadc01",
        "product_version": "2.6.92.0",
        "staging_mode_enabled": False,
        "exported_at": "2026-11-24T05:05:42.1234567Z",
        "archive": {"name": "settings.zip", "sha256": "ab" * 32, "size": 1234},
        "files": [{"name": "a.xml", "sha256": "11"}],
    }


def test_store_backup_commits_then_sees_the_same_settings(tmp_path):
    host_dir = tmp_path / "aadc01"
    with backup_workspace(host_dir, check_mode=False) as archive:
        make_archive(archive)
        first = store_backup(host_dir, archive, EXPORTED, "aadc01", 0, check_mode=False)
    target = host_dir / "20261124T050542Z"
    assert (first["changed"], first["path"], first["previous_path"], first["removed"]) == (True, str(target), None, [])
    assert first["settings_file"] == str(target / APPLIED)
    assert json.loads((target / store.MANIFEST).read_text()) == first["manifest"]
    names = {f["name"]: f["sha256"] for f in first["manifest"]["files"]}
    assert names[APPLIED] == hashlib.sha256((target / APPLIED).read_bytes()).hexdigest()
    assert (target / store.ARCHIVE).is_file()
    assert sorted(p.name for p in host_dir.iterdir()) == [target.name]
    with backup_workspace(host_dir, check_mode=False) as archive:
        make_archive(archive)
        again = store_backup(host_dir, archive, EXPORTED, "aadc01", 0, check_mode=False)
    assert again == {
        "changed": False,
        "product_version": "2.6.92.0",
        "staging_mode_enabled": False,
        "differences": [],
        "previous_path": str(target),
        "path": str(target),
        "content_path": str(target),
        "settings_file": str(target / APPLIED),
        "rules_file": str(target / store.RULES_FILE),
        "rules_script": str(target / store.RULES_SCRIPT),
        "removed": [],
        "removed_stale_files": [],
    }


def test_store_backup_suffixes_a_change_within_the_same_second_and_prunes(tmp_path):
    host_dir = tmp_path / "aadc01"
    for number, retention in ((1, 0), (2, 0), (3, 2)):
        with backup_workspace(host_dir, check_mode=False) as archive:
            make_archive(archive, {"onpremisesDirectoryPolicy": [number]})
            result = store_backup(host_dir, archive, EXPORTED, "aadc01", retention, check_mode=False)
    assert result["path"] == str(host_dir / "20261124T050542Z-3")
    assert result["previous_path"] == str(host_dir / "20261124T050542Z-2")
    assert result["removed"] == [str(host_dir / "20261124T050542Z")]
    assert [p.name for p in store.backups(host_dir)] == ["20261124T050542Z-2", "20261124T050542Z-3"]


def test_store_backup_in_check_mode_writes_nothing_beside_the_backups(tmp_path):
    host_dir = tmp_path / "backups" / "aadc01"
    run_tmp = tmp_path / "run-tmp"
    run_tmp.mkdir()
    with backup_workspace(host_dir, check_mode=True, run_tmp=run_tmp) as archive:
        assert archive.parent.parent == run_tmp
        make_archive(archive)
        result = store_backup(host_dir, archive, EXPORTED, "aadc01", 1, check_mode=True)
        assert result["settings_file"] == str(archive.parent / "content" / APPLIED)
    assert (result["changed"], result["path"], result["removed"]) == (True, str(host_dir / "20261124T050542Z"), [])
    assert "manifest" not in result
    assert not host_dir.exists()
    # The rehearsal's settings stay readable for the later tasks of the check-mode run (the build
    # reads them); the archive is gone and the run's temp folder goes when ansible-playbook ends.
    assert json.loads(Path(result["settings_file"]).read_text())
    assert not archive.exists()


def test_two_backups_in_the_same_second_both_commit(tmp_path, monkeypatch):
    # Both runs chose the same free name; the other run's rename lands between our choice and ours.
    host_dir = tmp_path / "aadc01"
    other = {**EXPORTED, "exported_at": "2026-11-24T05:05:42.9Z"}
    real_rename = store.os.rename

    def rename_after_the_other_run(source, target):
        if Path(source).name != "content":  # the archive moved into the backup
            return real_rename(source, target)
        monkeypatch.setattr(store.os, "rename", real_rename)
        with backup_workspace(host_dir, check_mode=False) as archive:
            make_archive(archive, policy={"other": True})
            concurrent = store_backup(host_dir, archive, other, "aadc01", 0, check_mode=False)
        assert concurrent["path"] == str(target)
        return real_rename(source, target)

    with backup_workspace(host_dir, check_mode=False) as archive:
        make_archive(archive)
        monkeypatch.setattr(store.os, "rename", rename_after_the_other_run)
        ours = store_backup(host_dir, archive, EXPORTED, "aadc01", 0, check_mode=False)
    assert ours["path"] == str(host_dir / "20261124T050542Z-2")
    assert json.loads((host_dir / "20261124T050542Z-2" / store.MANIFEST).read_text()) == ours["manifest"]
    assert sorted(p.name for p in host_dir.iterdir()) == ["20261124T050542Z", "20261124T050542Z-2"]


def test_a_killed_run_s_workspace_is_removed_by_the_next_run_once_stale(tmp_path):
    host_dir = tmp_path / "aadc01"
    host_dir.mkdir()
    stale = host_dir / ".settings_export-abcd1234"
    (stale / "content").mkdir(parents=True)
    (stale / "content" / "x.xml").write_text("<x/>")
    fresh = host_dir / ".settings_export-zzzz9999"
    fresh.mkdir()
    not_ours = host_dir / ".keep-me"
    not_ours.write_text("x")
    old = 1_700_000_000
    for path in (stale, stale / "content", stale / "content" / "x.xml", not_ours):
        os.utime(path, (old, old))
    with backup_workspace(host_dir, check_mode=False) as archive:
        make_archive(archive)
        result = store_backup(host_dir, archive, EXPORTED, "aadc01", 0, check_mode=False)
    assert result["removed_stale_files"] == [str(stale)]
    assert not stale.exists() and fresh.exists() and not_ours.exists()


def write_backup(root, host, name, staging, exported_at):
    folder = root / host / name
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(
        json.dumps({"host": host, "staging_mode_enabled": staging, "exported_at": exported_at})
    )
    return folder


def test_last_active_backup_is_the_newest_taken_while_a_server_was_active(tmp_path):
    write_backup(tmp_path, "aadc01", "20261201T090000Z", False, "2026-12-01T09:00:00Z")
    newest = write_backup(tmp_path, "aadc01", "20261201T100000Z", False, "2026-12-01T10:00:00Z")
    write_backup(tmp_path, "aadc01", "20261201T110000Z", True, "2026-12-01T11:00:00Z")  # demoted since
    write_backup(tmp_path, "aadc02", "20261201T120000Z", True, "2026-12-01T12:00:00Z")
    (tmp_path / "aadc02" / "20261201T130000Z").mkdir()  # no manifest: skipped
    assert store.last_active_backup(tmp_path, ["aadc01", "aadc02"]) == {
        "host": "aadc01",
        "path": str(newest),
        "exported_at": "2026-12-01T10:00:00Z",
    }
    write_backup(tmp_path, "aadc02", "20261201T140000Z", False, "2026-12-01T14:00:00Z")
    assert store.last_active_backup(tmp_path, ["aadc01", "aadc02"])["host"] == "aadc02"
    assert store.last_active_backup(tmp_path, ["aadc01"])["host"] == "aadc01"


def test_last_active_backup_is_none_without_one(tmp_path):
    write_backup(tmp_path, "aadc01", "20261201T110000Z", True, "2026-12-01T11:00:00Z")
    assert store.last_active_backup(tmp_path, ["aadc01", "aadc02"]) is None
    assert store.last_active_backup(tmp_path / "missing", ["aadc01"]) is None


def test_a_failed_check_mode_export_leaves_no_workspace(tmp_path):
    with pytest.raises(RuntimeError), backup_workspace(tmp_path / "aadc01", check_mode=True, run_tmp=tmp_path):
        raise RuntimeError("fetch failed")
    assert list(tmp_path.iterdir()) == []
