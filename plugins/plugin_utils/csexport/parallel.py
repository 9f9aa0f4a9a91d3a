# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading one large csexport file with two processes. For internal collection use only.

A large UTF-8 file is cut into byte ranges of whole ``<cs-object>`` elements; each range, wrapped
in the file's own head (declaration and ``<cs-objects>`` start tag) and ``</cs-objects>``, is
parsed by its own forked process with the same reader, and the partial analyses are merged in
file order. Both readers must always agree, so the file is split only when

- the head, everything before the first object, is exactly an optional BOM, an optional UTF-8
  XML declaration and ``<cs-objects>`` with whitespace between (no DTD, comment, text or other
  element), and the first object starts right after it;
- the tail is exactly the last ``</cs-object>``, ``</cs-objects>`` and whitespace between and after;
- every cut is a ``<cs-object `` start tag and every part parses on its own: a part can only
  parse when the cut before its end is at the root's child level outside any markup (inside a
  comment, CDATA section, tag or deeper element its end would be unterminated), so a cut the
  sequential parser would not see as an element boundary always falls back.

Whenever anything is unusual - another encoding, a header the pattern does not know, no fork on
this platform, a part that does not parse - the caller reads the file in one process as before,
so every result and every error message is the sequential reader's.
"""

from __future__ import annotations

import io
import itertools
import multiprocessing
import os
import re
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._files import open_regular

PARALLEL_MIN_BYTES = 32 * 1024 * 1024
PARTS = 2
_SEEK_WINDOW = 1 << 20
_TAIL_WINDOW = 4096
MARK = b"<cs-object "
END = b"</cs-objects>"
#: The only head the split accepts (XML whitespace is space, tab, CR, LF; XML 1.0 §2.3, §2.8).
_HEAD = re.compile(
    rb"(?:\xef\xbb\xbf)?"
    rb"(?:<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:\"1\.0\"|'1\.0')"
    rb"(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:\"(?i:utf-8)\"|'(?i:utf-8)'))?"
    rb"(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:\"(?:yes|no)\"|'(?:yes|no)'))?"
    rb"[ \t\r\n]*\?>)?"
    rb"[ \t\r\n]*<cs-objects[ \t\r\n]*>[ \t\r\n]*"
)
#: The only tail: the last object's end tag, the root's, whitespace between and after.
_TAIL = re.compile(rb"</cs-object>[ \t\r\n]*(?P<end></cs-objects>)[ \t\r\n]*\Z")


class RangeReader(io.RawIOBase):
    """``prefix`` + bytes ``[start, end)`` of a file + ``suffix``, read in chunks (memory stays flat)."""

    def __init__(self, path: str, start: int, end: int, prefix: bytes = b"<cs-objects>", suffix: bytes = END) -> None:
        super().__init__()
        self._file = open_regular(path, "csexport file")
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


def split(path: str, parts: int = PARTS, min_bytes: int | None = None) -> tuple[bytes, list[tuple[int, int]]] | None:
    """The file's head and the byte ranges of ``parts`` runs of cs-object elements; None when not suitable.

    ``min_bytes`` (default ``PARALLEL_MIN_BYTES``) is the smallest file worth two processes;
    tests pass a small one.
    """
    threshold = PARALLEL_MIN_BYTES if min_bytes is None else min_bytes
    if parts < 2:
        return None
    with open_regular(path, "csexport file") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size < threshold:
            return None
        window = handle.read(_SEEK_WINDOW)
        first = window.find(MARK)
        if first < 0 or _HEAD.fullmatch(window, 0, first) is None:
            return None  # UTF-16, another encoding, a DTD, comment, text or element before the first object
        cuts = [first]
        for index in range(1, parts):
            offset = size * index // parts
            handle.seek(offset)
            found = handle.read(_SEEK_WINDOW).find(MARK)
            if found < 0:
                return None
            cuts.append(offset + found)
        handle.seek(max(0, size - _TAIL_WINDOW))
        tail = handle.read()
        last = _TAIL.search(tail)
        if last is None:
            return None  # truncated, or anything else after the last object: the sequential reader says what
        cuts.append(size - len(tail) + last.start("end"))
    if cuts != sorted(set(cuts)):
        return None
    return window[:first], list(itertools.pairwise(cuts))


def _worker(args: tuple[Any, ...]) -> dict[str, Any] | None:
    analysis_factory, path, connector, head, start, end = args
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.parser import (
        iter_cs_objects,
    )

    analysis = analysis_factory()
    counts = analysis.connectors.setdefault(connector, analysis.new_counts())
    reader = RangeReader(path, start, end, prefix=head)
    try:
        for obj in iter_cs_objects(path, io.BufferedReader(reader, 1 << 16)):
            analysis.add_object(obj, connector, counts)
    except InputError:
        return None
    finally:
        reader.close()
    return analysis.partial()


def analyse_in_parts(
    analysis_factory, path: str, connector: str, head: bytes, ranges: list[tuple[int, int]]
) -> list[Any] | None:
    """Partial analyses of each range (each read after ``head``), in file order; None to fall back."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return None
    with context.Pool(len(ranges)) as pool:
        partials = pool.map(_worker, [(analysis_factory, path, connector, head, start, end) for start, end in ranges])
    if any(p is None for p in partials):
        return None
    return partials
