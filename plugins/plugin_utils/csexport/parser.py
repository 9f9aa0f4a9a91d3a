# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Streaming parser of csexport.exe XML (``csexport "<connector>" out.xml /f:x``).

For internal collection use only. Element and attribute names follow the connector space export
schema in the domain reference (§6.2, FIM "Connector Space Export XML"). One ``<cs-object>`` is
parsed at a time and cleared after use, so memory stays flat whatever the file size. Entity
resolution, DTD loading and network access are off, and libxml2's size limits stay on: a single
text node over 10,000,000 bytes is refused with a clear error.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._files import open_regular
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._xml import (
    SAFE_PARSER_OPTIONS,
    etree,
    require_lxml,
)

#: Sections of a cs-object that hold a delta (reference §6.2).
DELTA_SECTIONS = ("unapplied-export", "escrowed-export", "unconfirmed-export", "pending-import")
#: Hologram attributes that identify an object in reports (Microsoft's csanalyzer script).
IDENTITY_ATTRIBUTES = ("userPrincipalName", "displayName", "sourceAnchor", "mail", "proxyAddresses")
LIBXML2_TEXT_LIMIT = 10_000_000


@dataclass(slots=True)
class AttributeChange:
    name: str
    operation: str  # add | delete | replace | update (attr/@operation)
    multivalued: bool
    is_reference: bool  # dn-attr
    values: list[str] = field(default_factory=list)  # value, or value of a dn-value
    added: list[str] = field(default_factory=list)  # value/@operation="add"
    removed: list[str] = field(default_factory=list)  # value/@operation="delete"


@dataclass(slots=True)
class Delta:
    section: str
    operation: str
    dn: str
    anchor: str
    attributes: list[AttributeChange]


@dataclass(slots=True)
class CsObject:
    id: str
    dn: str
    object_type: str
    deltas: dict[str, Delta]
    identity: dict[str, str]  # from the unapplied-export hologram (else the synchronized one)


def _attribute(element) -> AttributeChange:
    change = AttributeChange(
        name=element.get("name", ""),
        operation=element.get("operation", ""),
        multivalued=element.get("multivalued", "false") == "true",
        is_reference=element.tag == "dn-attr",
    )
    for value in element:
        if value.tag == "value":
            text = value.text or ""
        elif value.tag == "dn-value":
            dn = value.find("dn")
            text = (dn.text or "") if dn is not None else ""
        else:
            continue
        op = value.get("operation")
        if op == "add":
            change.added.append(text)
        elif op == "delete":
            change.removed.append(text)
        else:
            change.values.append(text)
    return change


def _delta(section: str, element) -> Delta:
    anchor = ""
    attributes = []
    for child in element:
        tag = child.tag
        if tag == "attr" or tag == "dn-attr":
            attributes.append(_attribute(child))
        elif tag == "anchor":
            anchor = (child.text or "").strip()
    return Delta(section, element.get("operation", ""), element.get("dn", ""), anchor, attributes)


def _identity(hologram) -> dict[str, str]:
    found: dict[str, str] = {}
    entry = hologram.find("entry")
    if entry is None:
        return found
    for attr in entry:
        name = attr.get("name") if attr.tag == "attr" else None
        if name in IDENTITY_ATTRIBUTES:
            values = [v.text or "" for v in attr if v.tag == "value"]
            if name == "proxyAddresses":
                # csanalyzer.ps1 reports the primary SMTP address (upper-case prefix).
                primary = [v[5:] for v in values if v.startswith("SMTP:")]
                found["primarySMTP"] = primary[-1] if primary else ""
            else:
                found[name] = values[0] if values else ""
    return found


def _cs_object(element) -> CsObject:
    deltas: dict[str, Delta] = {}
    identity: dict[str, str] = {}
    for section in element:
        tag = section.tag
        if tag in DELTA_SECTIONS:
            delta = section.find("delta")
            if delta is not None:
                deltas[tag] = _delta(tag, delta)
        elif tag == "unapplied-export-hologram":
            identity = _identity(section) or identity
        elif tag == "synchronized-hologram" and not identity:
            identity = _identity(section)
    return CsObject(
        id=element.get("id", ""),
        dn=element.get("cs-dn", ""),
        object_type=element.get("object-type", ""),
        deltas=deltas,
        identity=identity,
    )


def _syntax_error(path: str, err: Exception) -> InputError:
    message = getattr(err, "msg", str(err))
    position = ""
    if getattr(err, "position", None):
        line, column = err.position
        position = f" at line {line}, column {column}"
    if "huge" in message.lower():
        return InputError(
            f"{path}: a value{position} is larger than libxml2's limit of {LIBXML2_TEXT_LIMIT:,} bytes "
            f"for one text node, which stays on for safety ({message.strip()})"
        )
    if "entity" in message.lower():
        return InputError(
            f"{path}: refers to an XML entity{position}, which csexport never writes; entities are never "
            f"resolved ({message.strip()})"
        )
    return InputError(f"{path}: not a complete csexport XML file{position}: {message.strip()}; nothing was written")


def _check_document(path: str, root) -> None:
    if root is None or root.tag != "cs-objects":
        tag = "nothing" if root is None else f"<{root.tag}>"
        raise InputError(f"{path}: not a csexport file: expected the root element <cs-objects>, found {tag}")
    if root.getroottree().docinfo.doctype:
        raise InputError(f"{path}: the file declares a DTD, which csexport never writes; refusing it")


#: The root element must start within this many bytes (csexport writes it on the second line).
ROOT_WITHIN_BYTES = 1 << 20


class _WatchedSource:
    """The file as lxml reads it, in chunks; before each chunk the tree so far is checked.

    iterparse with a tag filter hands back only the elements asked for, so anything else under
    the root would pile up in memory unseen (100 MB of ``<x/>`` siblings took 3 GB). lxml asks
    for the next chunk only once every queued event was handled, so the root then holds at most
    the last object, already cleared, and the element being read: anything else is refused here.
    """

    __slots__ = ("_check", "_handle", "read_bytes")

    def __init__(self, handle: BinaryIO, check) -> None:
        self._handle = handle
        self._check = check
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        self._check()
        data = self._handle.read(size)
        self.read_bytes += len(data)
        return data


def _not_an_object(path: str, element) -> InputError:
    tag = element.tag if isinstance(element.tag, str) else "an XML node"
    line = f" at line {element.sourceline}" if element.sourceline else ""
    return InputError(
        f"{path}: not a csexport file: <{tag}>{line} is not a <cs-object>; csexport writes only <cs-object> "
        "elements under <cs-objects>; nothing was written"
    )


def iter_cs_objects(path: str, source: Any = None) -> Iterator[CsObject]:
    """Yield the objects of a csexport XML file, one at a time.

    ``source`` (a binary file object) replaces the file at ``path``, which then only names it in
    messages; the parallel reader uses it for one part of a large file. The file itself must be a
    regular file (a FIFO or a device is refused, never read). Only ``<cs-object>`` elements may
    sit under the root; each is cleared after use, so memory stays flat whatever the file holds.
    """
    require_lxml()
    handle = open_regular(path, "csexport file") if source is None else source
    root = None

    def check_tree() -> None:
        if root is None:
            if watched.read_bytes > ROOT_WITHIN_BYTES:
                raise InputError(
                    f"{path}: not a csexport file: no root element <cs-objects> in the first "
                    f"{ROOT_WITHIN_BYTES:,} bytes"
                )
            return
        for child in root:
            if child.tag != "cs-object":
                raise _not_an_object(path, child)

    watched = _WatchedSource(handle, check_tree)
    try:
        context = etree.iterparse(
            watched, events=("start", "end"), tag=("cs-objects", "cs-object"), **SAFE_PARSER_OPTIONS
        )
        for event, element in context:
            if event == "start":
                if root is None and element.tag == "cs-objects" and element.getparent() is None:
                    _check_document(path, element)
                    root = element
                continue
            if element.tag != "cs-object":
                continue
            parent = element.getparent()
            if parent is not root:  # under another root, or inside another element
                if root is None:
                    _check_document(path, element.getroottree().getroot())
                raise _not_an_object(path, parent)
            yield _cs_object(element)
            element.clear(keep_tail=False)
            # Drop the processed siblings so the tree never grows (lxml's iterparse advice).
            while element.getprevious() is not None:
                if parent[0].tag != "cs-object":
                    raise _not_an_object(path, parent[0])
                del parent[0]
        if root is None:
            _check_document(path, context.root)
        check_tree()
    except etree.XMLSyntaxError as err:
        raise _syntax_error(path, err) from None
    except OSError as err:
        raise InputError(f"{path}: cannot be read: {err.strerror or err}") from None
    finally:
        if source is None:
            handle.close()
