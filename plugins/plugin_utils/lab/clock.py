# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's clock: what time it is on a lab server and how the product writes times.

For internal collection use only. Pure Python. Every time a lab server reports or stamps (runs,
journal lines, exports, policy files) comes from :func:`now`, so a test can replace one function
to freeze the lab's time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta


def now() -> str:
    """The current time as the helpers send it: ISO 8601 UTC with milliseconds (``...T10:00:00.123Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def shift(timestamp: str, hours: float) -> str:
    """A helper timestamp moved by ``hours`` (negative: earlier), in the same format."""
    moved = datetime.fromisoformat(timestamp.replace("Z", "+00:00")) + timedelta(hours=hours)
    return moved.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def export_date(timestamp: str) -> str:
    """``export-date`` of a server configuration export: ``2026-01-01 10:00:00.123``."""
    return timestamp.replace("T", " ").rstrip("Z")


def file_stamp(timestamp: str) -> str:
    """The ``<date>-<time>`` part of a wizard policy file name: ``20260101-100000``."""
    digits = re.sub(r"[^0-9]", "", timestamp)[:14]
    return f"{digits[:8]}-{digits[8:14]}"
