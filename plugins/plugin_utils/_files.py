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
import stat
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
