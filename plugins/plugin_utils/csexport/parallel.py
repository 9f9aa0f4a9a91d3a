# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading one large csexport file with two processes. For internal collection use only.

A large UTF-8 file is cut at ``<cs-object `` boundaries into byte ranges; each range, wrapped in
a ``<cs-objects>`` root, is parsed by its own forked process with the same safe parser, and the
partial analyses are merged in file order. Markup ``<cs-object `` cannot occur inside text (it
would be escaped as ``&lt;``). Whenever anything is unusual - another encoding, a DTD or entity
in the header, no fork on this platform, a part that does not parse - the caller reads the file
in one process as before, so every error message stays the sequential reader's.
"""

from __future__ import annotations

import io
import itertools
import multiprocessing
import os
from typing import Any

PARALLEL_MIN_BYTES = 32 * 1024 * 1024
PARTS = 2
_SEEK_WINDOW = 1 << 20
MARK = b"<cs-object "
END = b"</cs-objects>"


class RangeReader(io.RawIOBase):
    """``prefix`` + bytes ``[start, end)`` of a file + ``suffix``, read in chunks (memory stays flat)."""

    def __init__(self, path: str, start: int, end: int, prefix: bytes = b"<cs-objects>", suffix: bytes = END) -> None:
        super().__init__()
        self._file = open(path, "rb")  # noqa: SIM115 - closed in close()
        self._file.seek(start)
        self._left = end - start
        self._head = prefix
        self._tail = suffix

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = len(buffer)
        if self._head:
            chunk, self._head = self._head[:size], self._head[size:]
        elif self._left > 0:
            chunk = self._file.read(min(size, self._left))
            self._left -= len(chunk)
            if not chunk:
                self._left = 0
        else:
            chunk, self._tail = self._tail[:size], self._tail[size:]
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._file.close()
        super().close()


def split(path: str, parts: int = PARTS) -> list[tuple[int, int]] | None:
    """Byte ranges of ``parts`` runs of cs-object elements, or None when the file is not suitable."""
    size = os.path.getsize(path)
    if size < PARALLEL_MIN_BYTES or parts < 2:
        return None
    with open(path, "rb") as handle:
        head = handle.read(_SEEK_WINDOW)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None  # UTF-16: the sequential reader handles it
        first = head.find(MARK)
        header = head[: max(first, 0)].lower()
        if first < 0 or b"<cs-objects" not in header or b"<!" in header:
            return None  # no objects, no root, or a DOCTYPE/ENTITY the sequential reader must refuse
        declaration = header.split(b"?>", 1)[0] if header.startswith(b"<?xml") else b""
        if b"encoding" in declaration and b"utf-8" not in declaration:
            return None
        cuts = [first]
        for index in range(1, parts):
            handle.seek(size * index // parts)
            window = handle.read(_SEEK_WINDOW)
            found = window.find(MARK)
            if found < 0:
                return None
            cuts.append(size * index // parts + found)
        handle.seek(max(0, size - 4096))
        tail = handle.read()
        end = tail.rfind(END)
        if end < 0:
            return None  # truncated: the sequential reader says where
        cuts.append(size - len(tail) + end)
    if cuts != sorted(set(cuts)):
        return None
    return list(itertools.pairwise(cuts))


def _worker(args: tuple[Any, ...]) -> dict[str, Any] | None:
    analysis_factory, path, connector, start, end = args
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.parser import (
        iter_cs_objects,
    )

    analysis = analysis_factory()
    counts = analysis.connectors.setdefault(connector, analysis.new_counts())
    reader = RangeReader(path, start, end)
    try:
        for obj in iter_cs_objects(path, io.BufferedReader(reader, 1 << 16)):
            analysis.add_object(obj, connector, counts)
    except InputError:
        return None
    finally:
        reader.close()
    return analysis.partial()


def analyse_in_parts(analysis_factory, path: str, connector: str, ranges: list[tuple[int, int]]) -> list[Any] | None:
    """Partial analyses of each range, in file order; None to fall back to one process."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return None
    with context.Pool(len(ranges)) as pool:
        partials = pool.map(_worker, [(analysis_factory, path, connector, start, end) for start, end in ranges])
    if any(p is None for p in partials):
        return None
    return partials
