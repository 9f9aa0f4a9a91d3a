# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading zip archives that may be damaged or hostile. For internal collection use only.

``zipfile`` reports a damaged archive with many exception types (BadZipFile for a bad CRC,
header or name, zlib.error, OSError, EOFError, NotImplementedError for an unknown version or
method, RuntimeError for an encrypted entry, UnicodeDecodeError for a name, IndexError for an
empty name, ValueError): every one becomes an InputError naming the archive, the entry and what
is wrong. Entry names are checked before anything is read: empty, absolute, climbing out with
``..``, or the same name twice (compared as Windows compares them: either separator, any case).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import BinaryIO

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._files import open_regular

#: What zipfile raises on a damaged archive or entry.
DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    UnicodeDecodeError,
    IndexError,
    ValueError,
    KeyError,
)


def _reason(err: BaseException) -> str:
    text = str(err) or type(err).__name__
    if isinstance(err, NotImplementedError):
        return f"uses a zip feature that cannot be read ({text})"
    if isinstance(err, zlib.error):
        return f"compressed data is damaged ({text})"
    if isinstance(err, UnicodeDecodeError):
        return "an entry name is not valid UTF-8"
    return text


def open_archive(path: str) -> zipfile.ZipFile:
    """The zip at ``path`` (a regular file), its directory read; InputError when damaged."""
    handle = open_regular(path, "zip file")
    try:
        return zipfile.ZipFile(handle)
    except DAMAGE as err:
        handle.close()
        raise InputError(f"{path}: not a readable zip file: {_reason(err)}") from None


def safe_name(info: zipfile.ZipInfo, source: str) -> PurePosixPath:
    """The entry's relative path (either separator); InputError when it is empty, absolute or climbs out."""
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if not name.strip("/"):
        raise InputError(f"{source}: an entry has an empty name; refusing to read this zip")
    if name.startswith("/") or ".." in path.parts or (len(name) > 1 and name[1] == ":"):
        raise InputError(f"{source}: unsafe entry '{info.filename}' (absolute path or '..'); refusing to read this zip")
    return path


def file_entries(archive: zipfile.ZipFile, source: str) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The file entries with their safe paths; refuses damaged names, duplicates and encryption."""
    seen: dict[str, str] = {}
    entries = []
    for info in archive.infolist():
        path = safe_name(info, source)
        if info.filename.endswith(("/", "\\")):
            continue
        key = path.as_posix().casefold()
        if key in seen:
            raise InputError(
                f"{source}: the entry '{info.filename}' is in the zip twice (also as '{seen[key]}'); "
                "refusing to guess which one counts"
            )
        seen[key] = info.filename
        if info.flag_bits & 0x1:
            raise InputError(f"{source}: the entry '{info.filename}' is encrypted; give a zip without a password")
        entries.append((info, path))
    return entries


@contextmanager
def entry_errors(source: str, info: zipfile.ZipInfo) -> Iterator[None]:
    """Turn zipfile's errors while reading one entry into an InputError naming it."""
    try:
        yield
    except InputError:
        raise
    except DAMAGE as err:
        raise InputError(f"{source}: the entry '{info.filename}' is damaged: {_reason(err)}") from None


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str, limit: int) -> bytes:
    """The bytes of one entry, at most ``limit`` (InputError when it holds more or is damaged)."""
    with entry_errors(source, info), archive.open(info) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{source}: the entry '{info.filename}' is larger than {limit:,} bytes")
    return data


def copy_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str, out: BinaryIO, limit: int) -> int:
    """Copy one entry into ``out`` in blocks, at most ``limit`` bytes; the number of bytes copied."""
    copied = 0
    with entry_errors(source, info), archive.open(info) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            copied += len(block)
            if copied > limit:
                raise InputError(f"{source}: the entry '{info.filename}' is larger than {limit:,} bytes")
            out.write(block)
    return copied
