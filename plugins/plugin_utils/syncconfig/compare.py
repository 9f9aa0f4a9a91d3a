# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare two configurations, filter, gate and summarise. For internal collection use only."""

from __future__ import annotations

import fnmatch
from collections import Counter
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import (
    InputError,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.diff import (
    CATEGORIES,
    SEVERITIES,
    Difference,
    compare,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.findings import (
    find_issues,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.parser import (
    load_configuration,
)

SCHEMA_VERSION = 1
DEFAULT_FAIL_ON = ("warning", "error")


def _matches(pattern: str, difference: Difference) -> bool:
    pattern = pattern.casefold()
    return fnmatch.fnmatchcase(difference.category.casefold(), pattern) or fnmatch.fnmatchcase(
        difference.object.casefold(), pattern
    )


def validate_fail_on(fail_on: list[str]) -> None:
    unknown = [f for f in fail_on if f not in SEVERITIES and not any(fnmatch.fnmatchcase(c, f) for c in CATEGORIES)]
    if unknown:
        raise InputError(
            f"Invalid value given for 'fail_on': {', '.join(unknown)}; use severities "
            f"({', '.join(SEVERITIES)}) or categories ({', '.join(sorted(CATEGORIES))})"
        )


def gate(differences: list[Difference], fail_on: list[str]) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    for diff in differences:
        if diff.severity in fail_on or any(
            f not in SEVERITIES and fnmatch.fnmatchcase(diff.category, f) for f in fail_on
        ):
            counts[diff.category] += 1
    violations = [
        {
            "rule": f"config.{category}",
            "limit": 0,
            "actual": count,
            "connector": None,
            "message": f"{count} configuration difference(s) of category {category}; "
            "review report.md, fix the candidate, or, if the difference is expected, add the category "
            "to entra_connect_config_ignore (the config_compare module: its ignore option)",
        }
        for category, count in sorted(counts.items())
    ]
    return {"passed": not violations, "violations": violations}


def _describe(config: Any) -> dict[str, Any]:
    return {
        "source": config.source,
        "kind": config.kind,
        "server": config.server,
        "version": config.version,
        "connector_count": len(config.connectors),
        "sync_rule_count": len(config.rules),
    }


def compare_configurations(
    reference: str,
    candidate: str,
    connector_map: dict[str, str] | None = None,
    ignore: list[str] | None = None,
    fail_on: list[str] | None = None,
) -> dict[str, Any]:
    """The whole comparison as plain data: differences, findings, summary and gate."""
    fail_on = list(DEFAULT_FAIL_ON if fail_on is None else fail_on)
    validate_fail_on(fail_on)
    ref_config = load_configuration(reference)
    cand_config = load_configuration(candidate)
    differences, not_compared = compare(ref_config, cand_config, connector_map)
    ignore = ignore or []
    kept = [d for d in differences if not any(_matches(p, d) for p in ignore)]
    by_category = Counter(d.category for d in kept)
    by_severity = Counter(d.severity for d in kept)
    summary = {
        "schema_version": SCHEMA_VERSION,
        "reference": _describe(ref_config),
        "candidate": _describe(cand_config),
        "difference_count": len(kept),
        "ignored_count": len(differences) - len(kept),
        "categories": dict(sorted(by_category.items())),
        "severities": {s: by_severity.get(s, 0) for s in SEVERITIES},
        "not_compared": not_compared,
    }
    return {
        "differences": [d.to_dict() for d in kept],
        "findings": {
            "reference": [f.to_dict() for f in find_issues(ref_config)],
            "candidate": [f.to_dict() for f in find_issues(cand_config)],
        },
        "summary": summary,
        "gate": gate(kept, fail_on),
    }
