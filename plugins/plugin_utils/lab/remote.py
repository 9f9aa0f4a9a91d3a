# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The file system of a lab server: Windows paths, temp folders and archives. Internal use only.

A lab server's ``C:\\`` is ``lab_dir/remote/<host>/C/``. Export helpers write into a new
``EntraConnect-<guid>`` temp folder there and compress it, as the PowerShell helpers do.
"""

from __future__ import annotations

import hashlib
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils import _files as stale_temp
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import HelperError

TEMP_PREFIX = "EntraConnect-"


def local_path(remote_dir: Path, host: str, windows_path: str) -> Path:
    """Where a Windows path of a lab server lives: ``C:\\a\\b`` -> ``remote/<host>/C/a/b``."""
    drive, _sep, rest = windows_path.replace("/", "\\").partition(":")
    parts = [p for p in rest.split("\\") if p]
    if not drive or len(drive) != 1 or ".." in parts:
        raise HelperError(f"{host}: the lab emulates local paths like C:\\folder\\file only, not {windows_path!r}")
    return remote_dir.joinpath(drive.upper(), *parts)


#: An EntraConnect-<guid> folder untouched for this long belongs to a helper that died.
STALE_TEMP_SECONDS = 24 * 3600
_TEMP_NAME = re.compile(r"^EntraConnect-[0-9a-fA-F]{32}$")


def remove_stale_temp(remote_dir: Path, now: float | None = None) -> list[str]:
    """Remove the temp folders of export helpers that died (Remove-EntraConnectStaleTempFolder).

    The same rule as the helper: only ``EntraConnect-<32 hex>`` folders, only when nothing in
    them changed for 24 hours (file times, as on the server).
    """
    return stale_temp.remove_stale_temp(
        str(remote_dir), now, age=STALE_TEMP_SECONDS, pattern=_TEMP_NAME, folders_only=True
    )


def new_temp(remote_dir: Path) -> tuple[Path, Path]:
    """A new temp folder and the ``content`` folder inside it that gets compressed."""
    temp = remote_dir / (TEMP_PREFIX + uuid.uuid4().hex)
    content = temp / "content"
    content.mkdir(parents=True)
    return temp, content


def is_temp(remote_dir: Path, path: Path) -> bool:
    """Whether ``path`` is a temp folder an export helper created on this server."""
    return remote_dir.resolve() in path.resolve().parents and path.name.startswith(TEMP_PREFIX)


def archive(temp: Path, content: Path, name: str) -> dict[str, Any]:
    """Compress ``content`` into ``temp/name``; the archive fields of the contract."""
    target = temp / name
    names = sorted(str(p.relative_to(content)) for p in content.rglob("*") if p.is_file())
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        for relative in names:
            bundle.write(content / relative, relative)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    return {
        "temp_path": str(temp),
        "archive_path": str(target),
        "archive_sha256": digest,
        "archive_size": target.stat().st_size,
        "files": [n.replace("/", "\\") for n in names],
    }
