# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unpack the zip archives the Export- helpers make. For internal collection use only.

Windows PowerShell 5.1 on .NET Framework before 4.6.1 writes ``ZipFile.CreateFromDirectory``
entries with backslashes; both separators are accepted. Entries that are empty, absolute, climb
out with ``..``, appear twice or are encrypted are refused before anything is written (``_zip.py``).
"""

from __future__ import annotations

import hashlib
import os
import time
import zipfile
from pathlib import Path, PurePosixPath

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._zip import (
    copy_entry,
    file_entries,
    open_archive,
)

MAX_TOTAL_BYTES = 4 * 1024**3


def safe_members(archive: zipfile.ZipFile, source: str) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    members = []
    total = 0
    for info, path in file_entries(archive, source):
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise InputError(f"{source}: uncompressed size over {MAX_TOTAL_BYTES} bytes; refusing to unpack")
        members.append((info, path))
    return members


def extract(zip_path: Path, dest: Path) -> list[str]:
    """Unpack ``zip_path`` into ``dest`` (created); return the relative names (forward slashes).

    A damaged archive or entry is an InputError naming it; the whole uncompressed size is
    bounded by what is actually read, not only by what the directory declares.
    """
    archive = open_archive(str(zip_path))
    with archive:
        members = safe_members(archive, str(zip_path))
        dest.mkdir(parents=True, exist_ok=True)
        left = MAX_TOTAL_BYTES
        for info, path in members:
            target = dest.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as out:
                left -= copy_entry(archive, info, str(zip_path), out, left)
            # Keep the file's time from the server (the newest settings file is chosen by time).
            stamp = time.mktime((*info.date_time, 0, 0, -1))
            os.utime(target, (stamp, stamp))
    return sorted(str(member[1]) for member in members)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hashes(folder: Path) -> dict[str, str]:
    """relative name -> SHA-256 of every file under ``folder``."""
    return {
        path.relative_to(folder).as_posix(): sha256_file(path)
        for path in sorted(p for p in folder.rglob("*") if p.is_file())
    }
