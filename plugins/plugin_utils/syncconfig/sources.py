# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the files of a configuration export safely. For internal collection use only.

A configuration arrives as a ``Get-ADSyncServerConfiguration`` folder, the same folder zipped, or
a settings JSON file. Zips are read in memory (never extracted), entry names are checked for path
traversal, and XML is parsed with entity resolution, DTD loading and network access off.
"""

from __future__ import annotations

import json
import os
import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import (
    InputError,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._files import read_regular
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._xml import (
    etree,
    safe_xml_parser,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._zip import (
    file_entries,
    open_archive,
    read_entry,
)

EXPORT_FOLDERS = ("Connectors", "GlobalSettings", "SynchronizationRules")
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ZIP_BYTES = 512 * 1024 * 1024


def parse_xml(data: bytes, name: str) -> etree._Element:
    """Parse one XML document; errors name the file and the line."""
    try:
        root = etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as err:
        line = f" line {err.lineno}" if getattr(err, "lineno", None) else ""
        raise InputError(f"{name}:{line} is not well-formed XML: {err.msg}") from None
    if root is None:
        raise InputError(f"{name}: the file holds no XML element")
    if root.getroottree().docinfo.doctype:
        raise InputError(
            f"{name}: the file declares a DTD, which configuration exports never do; "
            "refusing to read it (entities are never resolved)"
        )
    return root


@dataclass
class ExportFiles:
    """The files of one export folder: relative POSIX path -> loader of its bytes."""

    source: str
    files: dict[str, Callable[[], bytes]]

    def names(self, folder: str) -> list[str]:
        prefix = folder + "/"
        return sorted(n for n in self.files if n.startswith(prefix) and n.lower().endswith(".xml"))

    def read(self, name: str) -> bytes:
        return self.files[name]()

    def label(self, name: str) -> str:
        return f"{self.source}/{name}" if not self.source.endswith(".zip") else f"{self.source}!{name}"


def _find_export_root(names: list[str], source: str) -> str:
    """The prefix below which Connectors/, GlobalSettings/, SynchronizationRules/ sit."""
    roots = set()
    for name in names:
        parts = name.split("/")
        for i, part in enumerate(parts[:-1]):
            if part in EXPORT_FOLDERS:
                roots.add("/".join(parts[:i]))
                break
    candidates = [
        r for r in roots if all(any(n.startswith(posixpath.join(r, f) + "/") for n in names) for f in EXPORT_FOLDERS)
    ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InputError(
            f"{source}: not a Get-ADSyncServerConfiguration export: expected the folders "
            f"{', '.join(EXPORT_FOLDERS)} (found {', '.join(sorted(roots)) or 'none of them'}); "
            "point to the folder the cmdlet wrote, or to a zip of it"
        )
    raise InputError(
        f"{source}: holds {len(candidates)} configuration exports "
        f"({', '.join(sorted(c or '.' for c in candidates))}); give one of them"
    )


def _strip_root(root: str, name: str) -> str:
    return name[len(root) + 1 :] if root else name


def open_folder(path: str) -> ExportFiles:
    names = []
    for dirpath, _dirs, filenames in os.walk(path):
        for filename in filenames:
            rel = os.path.relpath(os.path.join(dirpath, filename), path)
            names.append(rel.replace(os.sep, "/"))
    root = _find_export_root(names, path)

    def loader(full: str) -> Callable[[], bytes]:
        def load() -> bytes:
            return read_regular(full, MAX_FILE_BYTES, "configuration file")

        return load

    files = {
        _strip_root(root, n): loader(os.path.join(path, *n.split("/")))
        for n in names
        if not root or n.startswith(root + "/")
    }
    return ExportFiles(os.path.join(path, *root.split("/")) if root else path, files)


def open_zip(path: str) -> ExportFiles:
    archive = open_archive(path)
    entries = file_entries(archive, path)
    for info, _name in entries:
        if info.file_size > MAX_FILE_BYTES:
            raise InputError(f"{path}: entry '{info.filename}' is {info.file_size} bytes, over {MAX_FILE_BYTES}")
    if sum(info.file_size for info, _name in entries) > MAX_ZIP_BYTES:
        raise InputError(f"{path}: uncompressed size over {MAX_ZIP_BYTES} bytes; refusing to read it")
    names = [name.as_posix() for _info, name in entries]
    root = _find_export_root(names, path)
    by_name = {name.as_posix(): info for info, name in entries}

    def loader(info: zipfile.ZipInfo) -> Callable[[], bytes]:
        def load() -> bytes:
            return read_entry(archive, info, path, MAX_FILE_BYTES)

        return load

    files = {_strip_root(root, n): loader(by_name[n]) for n in names if not root or n.startswith(root + "/")}
    return ExportFiles(path, files)


def load_json(path: str) -> Any:
    data = read_regular(path, MAX_FILE_BYTES, "settings export")
    try:
        # The wizard writes UTF-8, sometimes with a BOM.
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as err:
        raise InputError(f"{path}: not valid JSON: {err}") from None
    except RecursionError:
        raise InputError(f"{path}: not a settings export: the JSON is nested too deeply to read") from None
