# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Opening input files safely: regular files only, reads bounded. For internal collection use only.

A FIFO opened for reading blocks until a writer appears, and a device such as ``/dev/zero``
reports a size of 0 and never ends. So a file is opened without blocking, checked with
``fstat`` on the open descriptor (a symlink swapped after a check cannot fool it), and refused
unless it is a regular file; callers that load a whole file read at most a limit.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import time
from typing import BinaryIO

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def open_regular(path: str, what: str = "file") -> BinaryIO:
    """``path`` opened for binary reading; InputError unless it exists and is a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise InputError(f"{path}: the {what} cannot be read: {err.strerror or err}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{path}: the {what} is {_kind(mode)}, not a regular file; give the path of a file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def regular_size(path: str, what: str = "file") -> int:
    """The size of the regular file at ``path`` (InputError otherwise), without reading it."""
    with open_regular(path, what) as handle:
        return os.fstat(handle.fileno()).st_size


def read_regular(path: str, limit: int, what: str = "file") -> bytes:
    """The whole regular file at ``path``; InputError when it holds more than ``limit`` bytes."""
    with open_regular(path, what) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{path}: the {what} is larger than {limit:,} bytes; refusing to load it")
    return data


#: A temporary file or folder of ours not touched for this long belongs to an interrupted run.
STALE_AFTER_SECONDS = 3600
#: The temporary names this collection makes in a destination folder: ``tempfile.mkstemp`` /
#: ``mkdtemp`` with the prefix ``.<final name>.`` (report files, streamed CSV) or
#: ``.settings_export-`` (a backup's workspace), then 8 random characters.
TEMP_NAME = re.compile(r"^\.(?:[A-Za-z0-9_.-]+\.(?:json|md|csv|html)\.|settings_export-)[a-z0-9_]{8}$")


def _newest_change(path: str) -> float:
    newest = os.lstat(path).st_mtime
    if os.path.isdir(path) and not os.path.islink(path):
        for folder, dirs, files in os.walk(path):
            for name in dirs + files:
                try:
                    newest = max(newest, os.lstat(os.path.join(folder, name)).st_mtime)
                except OSError:
                    continue
    return newest


def remove_stale_temp(
    folder: str,
    now: float | None = None,
    age: float = STALE_AFTER_SECONDS,
    pattern: re.Pattern[str] = TEMP_NAME,
    folders_only: bool = False,
) -> list[str]:
    """Remove our temporary files and folders in ``folder`` left by an interrupted run; return their paths.

    Only names this collection makes (``pattern``, :data:`TEMP_NAME` by default; with
    ``folders_only``, folders alone) and only when nothing in them changed for ``age`` seconds: a
    run writing at the same moment keeps touching its files, so they are never taken. A missing
    folder has nothing to remove.
    """
    now = time.time() if now is None else now
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    for name in sorted(names):
        path = os.path.join(folder, name)
        if not pattern.match(name) or (folders_only and not (os.path.isdir(path) and not os.path.islink(path))):
            continue
        try:
            if now - _newest_change(path) < age:
                continue
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        except OSError:
            continue  # another run removed it first, or it cannot be removed: left as it is
        removed.append(path)
    return removed
