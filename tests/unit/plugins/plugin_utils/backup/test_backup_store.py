"""The backup store of settings_export: naming, ordering, retention, manifest, "same settings"."""

from __future__ import annotations

import hashlib
import json
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
    "product_version": "2.4.18.0",
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


def test_settings_file_prefers_the_newest_on_demand_export(tmp_path):
    for name in (
        "Applied-SynchronizationPolicy-20261124-050245.JSON",
        "Exported-SynchronizationPolicy-20261101-000000.json",
        "Exported-SynchronizationPolicy-20261120-000000.json",
        "Exported-SynchronizationPolicy-20261130-000000.txt",
    ):
        (tmp_path / name).write_text("{}")
    assert store.settings_file(tmp_path) == str(tmp_path / "Exported-SynchronizationPolicy-20261120-000000.json")


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
        "product_version": "2.4.18.0",
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
        "product_version": "2.4.18.0",
        "staging_mode_enabled": False,
        "differences": [],
        "previous_path": str(target),
        "path": str(target),
        "content_path": str(target),
        "settings_file": str(target / APPLIED),
        "removed": [],
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


def test_a_failed_check_mode_export_leaves_no_workspace(tmp_path):
    with pytest.raises(RuntimeError), backup_workspace(tmp_path / "aadc01", check_mode=True, run_tmp=tmp_path):
        raise RuntimeError("fetch failed")
    assert list(tmp_path.iterdir()) == []
