# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writing report files atomically. For internal collection use only.

Every file of a report is rendered in memory first; then each is written to a temporary file in
the destination folder and renamed over its final name, so a reader never sees a partial file and
a failed run leaves the previous report intact.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import (
    InputError,
)

#: First characters a spreadsheet may run as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Characters with a meaning in Markdown or HTML, escaped in text from a server.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!])")
#: A list marker at the start of a list item's text (CommonMark §5.2): "- ", "+ ", "1. ", "1) ".
_MARKDOWN_LEADING = re.compile(r"^([ \t]*\d{0,9})([-+.)])(?=[ \t]|$)")


class Markup(str):
    """Text the report itself writes as Markdown (for example ``**FAIL**``): never escaped."""


def md_text(value: Any, line_start: bool = True) -> str:
    """Text from a server, safe in Markdown: HTML and Markdown characters backslash-escaped, one line.

    A connector name, DN or message could otherwise inject HTML or links into report.md.
    ``line_start``: the text starts a line (a list item), so a list marker there is escaped too.
    """
    if isinstance(value, Markup):
        return str(value)
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    text = " ".join(text.splitlines())
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _MARKDOWN_LEADING.sub(r"\1\\\2", text) if line_start else text


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def to_csv(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def safe_cell(value: Any) -> str:
    """One CSV cell: lists and dicts as JSON, and no text that a spreadsheet runs as a formula."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict, bool)) else str(value)
    # Spreadsheet formula injection: a text cell must not start with a formula character
    # (OWASP "CSV Injection": = + - @, tab and carriage return).
    if value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


#: Reports are read by the admins who open them from a share; the CSV tables (and the csexport
#: XML kept as evidence) list directory objects row by row (names, DNs, attribute values), so only
#: the account that ran the job may read them.
REPORT_MODE = 0o644
DIRECTORY_DATA_MODE = 0o600


def file_mode(name: str) -> int:
    """The mode of a report file: 0600 for the files that hold directory data, 0644 for the rest."""
    return DIRECTORY_DATA_MODE if name.lower().endswith((".csv", ".xml")) else REPORT_MODE


def write_files(dest: str, files: dict[str, str]) -> list[str]:
    """Write ``name -> text`` into ``dest`` atomically, with :func:`file_mode`; return the written paths."""
    try:
        os.makedirs(dest, exist_ok=True)
    except OSError as err:
        raise InputError(f"{dest}: cannot create the report folder: {err.strerror}") from None
    written = []
    for name, text in files.items():
        final = os.path.join(dest, name)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=dest)
        try:
            # utf-8-sig for CSV so spreadsheet programs detect the encoding.
            encoding = "utf-8-sig" if name.endswith(".csv") else "utf-8"
            with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
                handle.write(text)
            os.chmod(tmp, file_mode(name))
            os.replace(tmp, final)
        except OSError as err:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise InputError(f"{final}: cannot write the report file: {err.strerror}") from None
        written.append(final)
    return written


def markdown_header(title: str, gate: dict[str, Any], counts: str) -> list[str]:
    """The first lines of every report.md: title, then the gate verdict and what was counted."""
    verdict = "PASSED" if gate["passed"] else "FAILED"
    return [f"# {title}", "", f"**Gate: {verdict}** — {counts}", ""]


def md_cell(value: Any) -> str:
    """One Markdown table cell: JSON for non-text, Markdown and HTML escaped, one line, at most 120 characters."""
    if isinstance(value, Markup):
        return str(value)
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    text = text if len(text) <= 120 else text[:117] + "..."
    return md_text(text, line_start=False)


def markdown_table(header: list[str], rows: Iterable[Iterable[Any]], title: str = "") -> list[str]:
    """A Markdown table (preceded by a ``##`` title when given) as lines."""
    lines = ["", f"## {title}", ""] if title else []
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows]
    return lines
