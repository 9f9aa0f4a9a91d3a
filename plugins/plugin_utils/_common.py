# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every package shares: the one version parser and the one timestamp parser. For internal collection use only.

Pure Python (no Ansible import).
"""

from __future__ import annotations

from datetime import UTC, datetime


def version_tuple(version: object) -> tuple[int, ...] | None:
    """``'2.4.18.0'`` -> ``(2, 4, 18, 0)``; None for anything that is not dotted whole numbers."""
    text = str(version).strip() if version is not None else ""
    parts = text.split(".")
    if not text or not all(p.isdigit() and p.isascii() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 time from a helper (``...Z`` or with an offset) as an aware datetime; None when unreadable.

    A time without an offset is taken as UTC: the helper contract sends UTC only.
    """
    if not text or not isinstance(text, str):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
