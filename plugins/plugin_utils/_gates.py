# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gates model: ``entra_connect_gates`` validated once, and the one way to fail from a gate.

For internal collection use only. Pure Python (no Ansible import).

``entra_connect_gates`` is one dict shared by the verify and switch roles (DESIGN, "Variables users
set"). Every key is checked here, every error is reported at once, and an unknown key is an
error naming the valid ones: a misspelt ``max_delete`` must never silently mean "no limit".
The csexport modules take the pending-export subset through the same validator, so a gate means
the same on every path (verify, switch, csexport, csexport_analyze).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError

#: Pending-export limits (whole numbers >= 0); None means no limit.
LIMITS = ("max_deletes", "max_adds", "max_updates", "max_total")
#: Lists of names the pending-export gates leave out (compared case-insensitively).
IGNORES = ("ignore_attributes", "ignore_object_types")
#: Switches of the pending-export gates (booleans, default false).
SWITCHES = ("allow_unknown_operations",)
#: Promotion-only gates (numbers >= 0).
PROMOTION = ("count_tolerance_percent", "max_sync_age_hours")
CSEXPORT_KEYS = (*LIMITS, *IGNORES, *SWITCHES)
PROMOTION_KEYS = (*CSEXPORT_KEYS, *PROMOTION)
DEFAULT_NAME = "entra_connect_gates"


@dataclass(frozen=True)
class PromotionGates:
    """The gates before a promotion; defaults strict (no adds, updates or deletes)."""

    max_deletes: int = 0
    max_adds: int = 0
    max_updates: int = 0
    max_total: int | None = None
    ignore_attributes: list[str] = field(default_factory=list)
    ignore_object_types: list[str] = field(default_factory=list)
    allow_unknown_operations: bool = False
    count_tolerance_percent: float = 5
    max_sync_age_hours: float = 24

    @classmethod
    def from_dict(cls, data: Any, name: str = DEFAULT_NAME) -> PromotionGates:
        return cls(**validate(data, PROMOTION_KEYS, name))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def csexport(self, info: dict[str, Any] | None = None) -> dict[str, Any]:
        """The csexport modules' ``gates`` for a server: deletes capped by its export deletion threshold."""
        threshold = (info or {}).get("export_deletion_threshold") or {}
        max_deletes = self.max_deletes
        if threshold.get("enabled") and isinstance(threshold.get("count"), int):
            max_deletes = min(max_deletes, threshold["count"])
        return {
            "max_deletes": max_deletes,
            "max_adds": self.max_adds,
            "max_updates": self.max_updates,
            "max_total": self.max_total,
            "ignore_attributes": list(self.ignore_attributes),
            "ignore_object_types": list(self.ignore_object_types),
            "allow_unknown_operations": self.allow_unknown_operations,
        }


def validate(data: Any, allowed: tuple[str, ...], name: str = DEFAULT_NAME) -> dict[str, Any]:
    """The given gates, checked: only ``allowed`` keys, each of its type; every problem in one error."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"Invalid value given for '{name}': {data!r}; give a dict of gates ({', '.join(allowed)})")
    problems = []
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)}; valid keys: {', '.join(allowed)}")
    clean: dict[str, Any] = {}
    for key in allowed:
        if key not in data:
            continue
        value = data[key]
        if key in LIMITS:
            if value is not None and not _whole(value):
                problems.append(f"'{name}.{key}': {value!r}; use a whole number >= 0 (or null for no limit)")
                continue
        elif key in IGNORES:
            if value is None:
                value = []
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                problems.append(f"'{name}.{key}': {value!r}; use a list of names, for example [employeeType]")
                continue
            value = list(value)
        elif key in SWITCHES:
            value = _boolean(value)
            if value is None:
                problems.append(f"'{name}.{key}': {data[key]!r}; use true or false")
                continue
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            problems.append(f"'{name}.{key}': {value!r}; use a number >= 0")
            continue
        clean[key] = value
    if problems:
        raise InputError(f"Invalid value given for '{name}': " + "; ".join(problems))
    return clean


def _boolean(value: Any) -> bool | None:
    """A boolean as YAML or an AWX survey gives it (true, "true", "yes", "1"...); None if it is not one."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if text in ("true", "yes", "on", "1", "y"):
        return True
    if text in ("false", "no", "off", "0", "n", ""):
        return False
    return None


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def gate_failure(gate: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The result keys of a module whose gate did not pass (empty when it passed): the one way to fail from a gate.

    ``msg`` is every violation's message, after ``prefix`` when the messages do not say which gate.
    """
    if gate.get("passed", False):
        return {}
    messages = [v["message"] for v in gate.get("violations") or []] or ["no violation was recorded"]
    return {"failed": True, "msg": prefix + "; ".join(messages)}
