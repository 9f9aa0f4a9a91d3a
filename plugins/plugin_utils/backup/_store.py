# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backup store: one folder per host, one folder per backup. For internal collection use only.

``<dest>/<host>/<UTC timestamp>[-N]/`` holds the unpacked export (``ServerConfiguration/`` and the
synchronization policy JSON files), the archive as fetched and ``manifest.json``. A backup is
built in a workspace beside the backups and moved into place with one rename, so a backup folder
is either whole or absent; a workspace left by an interrupted run is removed by the next one once
stale (``_files.remove_stale_temp``). A new backup is stored only when its settings, compared normalised,
differ from the newest one. No Ansible import: the action fetches, this module decides and writes.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._files import remove_stale_temp
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.files import to_json
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._archives import extract, file_hashes
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.compare import (
    compare_configurations,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._render import to_powershell
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._sources import rules_from_export

MANIFEST = "manifest.json"
CONFIGURATION = "ServerConfiguration"
#: The custom rules (and standard rules' disabled state) as rules-as-data and as a Rules Editor script.
RULES_FILE = "sync-rules.yml"
RULES_SCRIPT = "sync-rules.ps1"
ARCHIVE = "settings.zip"
BACKUP_NAME = re.compile(r"^(\d{8}T\d{6}Z)(?:-(\d+))?$")
#: Differences that are only the passing of time, never a change of settings.
TIME_ONLY = {"Microsoft.Synchronize.NextStartTime"}
#: The settings JSON to import on a new server, best first.
SETTINGS_PATTERNS = ("Exported-SynchronizationPolicy-*", "Applied-SynchronizationPolicy-*")


def _order(path: Path) -> tuple[str, int]:
    match = BACKUP_NAME.match(path.name)
    return match[1], int(match[2] or 0)


def backups(host_dir: Path) -> list[Path]:
    """The backups of one host, oldest first (folder names are UTC timestamps, then the -N suffix)."""
    if not host_dir.is_dir():
        return []
    return sorted((p for p in host_dir.iterdir() if p.is_dir() and BACKUP_NAME.match(p.name)), key=_order)


def policy_files(folder: Path) -> dict[str, Any]:
    """name -> parsed JSON of the synchronization policy files in a backup."""
    found = {}
    for path in sorted(folder.glob("*.[jJ][sS][oO][nN]")):
        if path.name == MANIFEST:
            continue
        try:
            found[path.name] = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as err:
            raise EntraConnectError(f"{path}: not readable JSON ({err}); remove or fix this backup") from None
    return found


def _policy_files(backup: Path, pattern: str) -> list[Path]:
    """The backup's files of one settings pattern, oldest first by modification time (then name)."""
    found = [p for p in backup.iterdir() if p.match(pattern) and p.suffix.lower() == ".json"]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def settings_file(backup: Path) -> str | None:
    """The settings JSON to import on a new server: the newest by time of the on-demand exports
    (``Exported-``) and the wizard's automatic ones (``Applied-``)."""
    found = [p for pattern in SETTINGS_PATTERNS for p in _policy_files(backup, pattern)]
    return str(max(found, key=lambda p: (p.stat().st_mtime, p.name))) if found else None


def settings_file_warning(backup: Path) -> str | None:
    """A warning when the wizard applied settings after the last on-demand export: changes made since
    with PowerShell, the Synchronization Service Manager or the Rules Editor are in neither file [IMP]."""
    exported = _policy_files(backup, SETTINGS_PATTERNS[0])
    applied = _policy_files(backup, SETTINGS_PATTERNS[1])
    if not exported or not applied or applied[-1].stat().st_mtime <= exported[-1].stat().st_mtime:
        return None
    return (
        f"{backup}: the wizard applied settings ({applied[-1].name}) after the last on-demand export "
        f"({exported[-1].name}); the newer {applied[-1].name} is the one imported. Changes made since with "
        "PowerShell, the Synchronization Service Manager or the Rules Editor are only in an on-demand export: "
        "export the settings again in the wizard (View or Export Current Configuration) if there are any."
    )


def same_settings(new: Path, old: Path) -> tuple[bool, list[dict[str, Any]]]:
    """Whether two backups hold the same settings, compared normalised (not byte for byte)."""
    compared = compare_configurations(str(old / CONFIGURATION), str(new / CONFIGURATION), fail_on=[])
    differences = [d for d in compared["differences"] if d["object"] not in TIME_ONLY]
    if policy_files(new) != policy_files(old):
        differences.append({"category": "policy_json", "object": "synchronization policy JSON files"})
    return not differences, differences


def write_rules_files(content: Path, host: str) -> None:
    """Write the backup's sync rules as data (``sync-rules.yml``, what sync_rules takes) and as a
    PowerShell script in the Rules Editor's shape (``sync-rules.ps1``, connectors found by name when
    it runs): "Export them from the Rules Editor as PowerShell for DR" [BP]."""
    import yaml

    document = rules_from_export(str(content / CONFIGURATION))
    header = (
        f"# Sync rules of {host}, from its configuration export: custom rules in full, standard rules'\n"
        "# disabled state. Restore with hybrid_identity.entra_connect.sync_rules (rules_file: this file).\n"
    )
    text = yaml.safe_dump(document.to_dict(), sort_keys=False, allow_unicode=True, width=120)
    (content / RULES_FILE).write_text(header + text, encoding="utf-8")
    (content / RULES_SCRIPT).write_text(to_powershell(document, f"{host}, configuration export"), encoding="utf-8")


def rules_files(backup: Path) -> dict[str, str | None]:
    """Where a backup keeps its rules files (None in backups made before they existed)."""
    return {
        "rules_file": str(backup / RULES_FILE) if (backup / RULES_FILE).is_file() else None,
        "rules_script": str(backup / RULES_SCRIPT) if (backup / RULES_SCRIPT).is_file() else None,
    }


def backup_name(exported: dict[str, Any]) -> str:
    """The backup folder name: the export time, UTC, to the second (20261124T050542Z)."""
    return re.sub(r"[-:]", "", exported["exported_at"].split(".")[0]).rstrip("Z") + "Z"


def free_name(host_dir: Path, name: str) -> Path:
    """``name``, or ``name-2``, ``name-3``... when backups of the same second exist."""
    target, number = host_dir / name, 1
    while target.exists():
        number += 1
        target = host_dir / f"{name}-{number}"
    return target


def manifest(host: str, exported: dict[str, Any], files: dict[str, str]) -> dict[str, Any]:
    """The manifest of a backup: where it comes from, the archive as fetched, every file's SHA-256."""
    return {
        "schema_version": 1,
        "host": host,
        "product_version": exported["product_version"],
        "staging_mode_enabled": exported["staging_mode_enabled"],
        "exported_at": exported["exported_at"],
        "archive": {"name": ARCHIVE, "sha256": exported["archive_sha256"], "size": exported["archive_size"]},
        "files": [{"name": name, "sha256": digest} for name, digest in files.items()],
    }


def commit(content: Path, archive: Path, target: Path, host: str, exported: dict[str, Any]) -> tuple[Path, dict]:
    """Move the backup into place in one rename, manifest included; return where it went and the manifest.

    Two backups of the same host in the same second both choose the same free name: the rename
    of the second fails because the first one's folder is there now (EEXIST or ENOTEMPTY, never a
    merge), so it takes the next free name and renames again.
    """
    written = manifest(host, exported, file_hashes(content))
    shutil.move(str(archive), str(content / ARCHIVE))
    (content / MANIFEST).write_text(to_json(written), encoding="utf-8")
    name = BACKUP_NAME.match(target.name)
    for _attempt in range(100):
        try:
            os.rename(content, target)
            return target, written
        except OSError as err:
            if err.errno not in (errno.EEXIST, errno.ENOTEMPTY) or name is None:
                raise
            target = free_name(target.parent, name[1])
    raise EntraConnectError(f"{target.parent}: no free backup name for {name[1]} after 100 tries; nothing was stored")


def prune(host_dir: Path, retention: int) -> list[str]:
    """Remove all but the newest ``retention`` backups (0 keeps all); return the removed folders."""
    if retention == 0:
        return []
    old = backups(host_dir)[:-retention]
    for path in old:
        shutil.rmtree(path)
    return [str(p) for p in old]


@contextmanager
def backup_workspace(host_dir: Path, check_mode: bool, run_tmp: Path | None = None) -> Iterator[Path]:
    """Yield the path to fetch the archive to, in a workspace.

    The workspace sits beside the backups (so one rename commits a backup) and is removed at the
    end. In check mode ``host_dir`` is not created: the workspace is made in ``run_tmp`` (the
    run's local temp folder, which ansible-playbook removes when the run ends) and is kept after a
    successful rehearsal, because the ``settings_file`` a check-mode export returns lives in it
    and the later tasks of the same check-mode run (the build's import_settings) read it. A failed
    rehearsal removes its workspace at once.
    """
    if not check_mode:
        host_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".settings_export-", dir=run_tmp if check_mode else host_dir))
    try:
        yield work / ARCHIVE
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if check_mode:
        (work / ARCHIVE).unlink(missing_ok=True)
    else:
        shutil.rmtree(work, ignore_errors=True)


def store_backup(
    host_dir: Path, archive: Path, exported: dict[str, Any], host: str, retention: int, check_mode: bool
) -> dict[str, Any]:
    """Store the fetched ``archive`` as a new backup of ``host`` unless the newest one holds the same settings.

    Args:
        host_dir: the host's folder of backups.
        archive: the verified archive, in the workspace of :func:`backup_workspace`.
        exported: the Export-EntraConnectServerConfiguration result the archive came with.
        host: the host backed up (recorded in the manifest).
        retention: keep the newest N backups; 0 keeps all.
        check_mode: decide and report only; nothing is written to ``host_dir``.

    Returns:
        The settings_export result keys, ``changed`` included.
    """
    content = archive.parent / "content"
    stale = [] if check_mode else remove_stale_temp(str(host_dir))
    extract(archive, content)
    write_rules_files(content, host)
    existing = backups(host_dir)
    newest = existing[-1] if existing else None
    same, differences = same_settings(content, newest) if newest else (False, [])
    result: dict[str, Any] = {
        "product_version": exported["product_version"],
        "staging_mode_enabled": exported["staging_mode_enabled"],
        "differences": differences,
        "previous_path": str(newest) if newest else None,
        "removed_stale_files": stale,
    }
    if same:
        removed = [] if check_mode else prune(host_dir, retention)
        return _warned(
            newest,
            {
                "changed": bool(removed),
                **result,
                "path": str(newest),
                "content_path": str(newest),
                "settings_file": settings_file(newest),
                **rules_files(newest),
                "removed": removed,
            },
        )
    target = free_name(host_dir, backup_name(exported))
    result["path"] = str(target)
    if check_mode:
        return _warned(
            content,
            {
                "changed": True,
                **result,
                "removed": [],
                "content_path": str(content),
                "settings_file": settings_file(content),
                "rules_file": None,
                "rules_script": None,
            },
        )
    target, written = commit(content, archive, target, host, exported)
    result["path"] = str(target)
    removed = prune(host_dir, retention)
    return _warned(
        target,
        {
            "changed": True,
            **result,
            "removed": removed,
            "content_path": str(target),
            "settings_file": settings_file(target),
            **rules_files(target),
            "manifest": written,
        },
    )


def _warned(backup: Path, result: dict[str, Any]) -> dict[str, Any]:
    warning = settings_file_warning(backup)
    return {**result, "warnings": [*result.get("warnings", []), warning]} if warning else result


def last_active_backup(backup_dir: str | os.PathLike[str], hosts: list[str]) -> dict[str, Any] | None:
    """The newest backup (of any of ``hosts``) taken while its server was active, or None.

    With no server active (a switch stopped between the demotion and the promotion), this is the
    configuration the pair last exported with: the reference a candidate is verified against.
    Backups whose manifest cannot be read are skipped (they are not evidence of anything).
    """
    found: list[tuple[str, str, Path]] = []
    for host in hosts:
        for path in backups(Path(backup_dir) / host):
            try:
                written = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(written, dict) and written.get("staging_mode_enabled") is False:
                found.append((str(written.get("exported_at") or ""), host, path))
    if not found:
        return None
    exported_at, host, path = max(found, key=lambda item: (item[0], _order(item[2])))
    return {"host": host, "path": str(path), "exported_at": exported_at}
