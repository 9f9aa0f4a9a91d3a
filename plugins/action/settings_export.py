# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of hybrid_identity.entra_connect.settings_export."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._action import EntraConnectAction
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.files import to_json
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._archives import extract, file_hashes
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.compare import (
    compare_configurations,
)

MANIFEST = "manifest.json"
CONFIGURATION = "ServerConfiguration"
ARCHIVE = "settings.zip"
BACKUP_NAME = re.compile(r"^(\d{8}T\d{6}Z)(?:-(\d+))?$")
#: Differences that are only the passing of time, never a change of settings.
TIME_ONLY = {"Microsoft.Synchronize.NextStartTime"}


def backups(host_dir: Path) -> list[Path]:
    """The backups of one host, oldest first (folder names are UTC timestamps)."""
    if not host_dir.is_dir():
        return []
    found = [p for p in host_dir.iterdir() if p.is_dir() and BACKUP_NAME.match(p.name)]
    return sorted(found, key=lambda p: (BACKUP_NAME.match(p.name)[1], int(BACKUP_NAME.match(p.name)[2] or 0)))


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


def settings_file(backup: Path) -> str | None:
    """The settings JSON to import on a new server: the newest on-demand export, else the newest applied one."""
    for pattern in ("Exported-SynchronizationPolicy-*", "Applied-SynchronizationPolicy-*"):
        found = sorted(p for p in backup.iterdir() if p.match(pattern) and p.suffix.lower() == ".json")
        if found:
            return str(found[-1])
    return None


def same_settings(new: Path, old: Path) -> tuple[bool, list[dict[str, Any]]]:
    """Whether two backups hold the same settings, compared normalised (not byte for byte)."""
    compared = compare_configurations(str(old / CONFIGURATION), str(new / CONFIGURATION), fail_on=[])
    differences = [d for d in compared["differences"] if d["object"] not in TIME_ONLY]
    if policy_files(new) != policy_files(old):
        differences.append({"category": "policy_json", "object": "synchronization policy JSON files"})
    return not differences, differences


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


class ActionModule(EntraConnectAction):
    USES_SERVER = True
    ARGUMENT_SPEC = {
        "dest": {"type": "path", "required": True},
        "retention": {"type": "int", "default": 0},
    }

    def _ec_run(self, params: dict[str, Any], task_vars: dict[str, Any], check_mode: bool) -> dict[str, Any]:
        if params["retention"] < 0:
            raise self.invalid("retention", params["retention"], "use 0 (keep all) or the number of backups to keep")
        server = self.ec_server
        host_dir = Path(self._loader.path_dwim(params["dest"])) / server.host
        if not check_mode:
            host_dir.mkdir(parents=True, exist_ok=True)
        exported = server.call("Export-EntraConnectServerConfiguration")
        # Beside the backups (one rename moves it into place), or in the system temp in check mode.
        work = Path(tempfile.mkdtemp(prefix=".settings_export-", dir=None if check_mode else host_dir))
        try:
            archive = server.fetch_archive(exported, work / ARCHIVE)
            content = work / "content"
            extract(archive, content)
            existing = backups(host_dir)
            same, differences = same_settings(content, existing[-1]) if existing else (False, [])
            result: dict[str, Any] = {
                "host": server.host,
                "product_version": exported["product_version"],
                "staging_mode_enabled": exported["staging_mode_enabled"],
                "differences": differences,
            }
            if same:
                result.update(
                    path=str(existing[-1]), previous_path=str(existing[-1]), settings_file=settings_file(existing[-1])
                )
                removed = [] if check_mode else self._prune(host_dir, params["retention"])
                return {"changed": bool(removed), **result, "removed": removed}
            target = free_name(host_dir, backup_name(exported))
            result.update(path=str(target), previous_path=str(existing[-1]) if existing else None)
            if check_mode:
                return {"changed": True, **result, "removed": [], "settings_file": settings_file(content)}
            self._commit(content, archive, target, server.host, exported)
            result["removed"] = self._prune(host_dir, params["retention"])
            result["settings_file"] = settings_file(target)
            return {"changed": True, **result, "manifest": json.loads((target / MANIFEST).read_text("utf-8"))}
        finally:
            shutil.rmtree(work, ignore_errors=True)

    @staticmethod
    def _commit(content: Path, archive: Path, target: Path, host: str, exported: dict[str, Any]) -> None:
        """Move the backup into place in one rename, manifest included."""
        files = file_hashes(content)
        manifest = {
            "schema_version": 1,
            "host": host,
            "product_version": exported["product_version"],
            "staging_mode_enabled": exported["staging_mode_enabled"],
            "exported_at": exported["exported_at"],
            "archive": {"name": ARCHIVE, "sha256": exported["archive_sha256"], "size": exported["archive_size"]},
            "files": [{"name": name, "sha256": digest} for name, digest in files.items()],
        }
        shutil.move(str(archive), str(content / ARCHIVE))
        (content / MANIFEST).write_text(to_json(manifest), encoding="utf-8")
        os.rename(content, target)

    @staticmethod
    def _prune(host_dir: Path, retention: int) -> list[str]:
        if retention == 0:
            return []
        old = backups(host_dir)[:-retention]
        for path in old:
            shutil.rmtree(path)
        return [str(p) for p in old]
