# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pending-export analysis of csexport XML: counts, samples, gates, baseline comparison.

For internal collection use only. The pending export of an object is its ``unapplied-export``
delta (what the next export run would send, reference §6.2); escrowed and unconfirmed exports are
counted per section but do not enter the operation counts.
"""

from __future__ import annotations

import functools
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._gates import CSEXPORT_KEYS, validate
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport import parallel
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.parser import (
    CsObject,
    iter_cs_objects,
)

SCHEMA_VERSION = 1
OPERATIONS = ("add", "update", "replace", "delete", "delete-add")
ATTRIBUTE_OPERATIONS = ("add", "delete", "replace", "update")
SAMPLES_PER_OPERATION = 5
GATE_LIMITS = {
    "max_deletes": ("delete", "delete-add"),
    "max_adds": ("add",),
    "max_updates": ("update", "replace"),
    "max_total": None,  # every operation, the unknown ones too
}
#: Multi-valued changes with more values than this show counts only, like CSExportAnalyzer.
MAX_LISTED_VALUES = 10


@dataclass
class Gates:
    max_deletes: int | None = None
    max_adds: int | None = None
    max_updates: int | None = None
    max_total: int | None = None
    ignore_attributes: frozenset[str] = frozenset()
    ignore_object_types: frozenset[str] = frozenset()
    #: Delta operations outside OPERATIONS fail the gates unless this is set.
    allow_unknown_operations: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Gates:
        """The module's ``gates`` option, checked by the one gates validator (unknown keys refused)."""
        clean = validate(data, CSEXPORT_KEYS, "gates")
        return cls(
            **{key: clean.get(key) for key in GATE_LIMITS},
            ignore_attributes=frozenset(a.casefold() for a in clean.get("ignore_attributes") or []),
            ignore_object_types=frozenset(t.casefold() for t in clean.get("ignore_object_types") or []),
            allow_unknown_operations=bool(clean.get("allow_unknown_operations")),
        )


@dataclass
class Counts:
    objects: int = 0
    operations: Counter = field(default_factory=Counter)
    object_types: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "objects": self.objects,
            "operations": {op: self.operations.get(op, 0) for op in OPERATIONS},
            "object_types": dict(sorted(self.object_types.items())),
        }


def object_key(obj: CsObject, operation_dn: str = "") -> str:
    """Anchor when present, else DN, case-folded: never the cs-object id (it differs per server)."""
    delta = obj.deltas.get("unapplied-export")
    if delta is not None and delta.anchor:
        return "anchor:" + delta.anchor
    if obj.identity.get("sourceAnchor"):
        return "anchor:" + obj.identity["sourceAnchor"]
    return "dn:" + (operation_dn or obj.dn).casefold()


def _value_text(values: list[str]) -> str:
    if len(values) > MAX_LISTED_VALUES:
        return f"({len(values)} values)"
    return "; ".join(values)


class Analysis:
    """Accumulates one or more csexport files; optional row sinks receive CSV rows."""

    def __init__(
        self,
        gates: Gates,
        change_rows=None,
        object_rows=None,
        keep_keys: bool = False,
        parallel_min_bytes: int | None = None,
    ) -> None:
        self.gates = gates
        #: Smallest file read by two processes (None: parallel.PARALLEL_MIN_BYTES); tests lower it.
        self.parallel_min_bytes = parallel_min_bytes
        self.connectors: dict[str, Counts] = {}
        self.attributes: dict[str, Counter] = defaultdict(Counter)
        self.sections: Counter = Counter()
        self.unknown_operations: Counter = Counter()
        self.ignored_objects = 0
        self.samples: dict[str, list[dict[str, Any]]] = {op: [] for op in OPERATIONS}
        self.warnings: list[str] = []
        self.change_rows = change_rows
        self.object_rows = object_rows
        self.keys: dict[str, str] | None = {} if keep_keys else None

    @staticmethod
    def new_counts() -> Counts:
        return Counts()

    def add_file(self, path: str, connector: str) -> None:
        counts = self.connectors.setdefault(connector, Counts())
        if self.change_rows is None and self.object_rows is None and self.keys is None:
            # Counting only: a large file is read by two processes (see parallel.py).
            found = parallel.split(path, min_bytes=self.parallel_min_bytes)
            partials = (
                parallel.analyse_in_parts(functools.partial(Analysis, self.gates), path, connector, *found)
                if found
                else None
            )
            if partials is not None:
                for part in partials:
                    self.merge(part, connector)
                return
        for obj in iter_cs_objects(path):
            self.add_object(obj, connector, counts)

    def partial(self) -> dict[str, Any]:
        """The state a worker hands back (picklable)."""
        return {
            "connectors": self.connectors,
            "attributes": dict(self.attributes),
            "sections": self.sections,
            "unknown_operations": self.unknown_operations,
            "ignored_objects": self.ignored_objects,
            "samples": self.samples,
            "warnings": self.warnings,
        }

    def merge(self, part: dict[str, Any], connector: str) -> None:
        """Add a worker's partial analysis of the next part of a file (file order is kept)."""
        target, source = self.connectors[connector], part["connectors"][connector]
        target.objects += source.objects
        target.operations.update(source.operations)
        target.object_types.update(source.object_types)
        for name, counts in part["attributes"].items():
            self.attributes[name].update(counts)
        self.sections.update(part["sections"])
        for operation, count in part["unknown_operations"].items():
            if not self.unknown_operations[operation]:
                self.warnings.extend(w for w in part["warnings"] if f"'{operation}'" in w)
            self.unknown_operations[operation] += count
        self.ignored_objects += part["ignored_objects"]
        for operation, samples in part["samples"].items():
            room = SAMPLES_PER_OPERATION - len(self.samples[operation])
            self.samples[operation].extend(samples[: max(room, 0)])

    def add_object(self, obj: CsObject, connector: str, counts: Counts) -> None:
        for section in obj.deltas:
            self.sections[section] += 1
        delta = obj.deltas.get("unapplied-export")
        if delta is None or delta.operation in ("", "none"):
            return
        if obj.object_type.casefold() in self.gates.ignore_object_types:
            self.ignored_objects += 1
            return
        ignored = self.gates.ignore_attributes
        changes = [c for c in delta.attributes if c.name.casefold() not in ignored] if ignored else delta.attributes
        operation = delta.operation
        if operation in ("update", "replace") and ignored and not changes:
            self.ignored_objects += 1  # only ignored attributes change
            return
        if operation not in OPERATIONS:
            if not self.unknown_operations[operation]:
                self.warnings.append(
                    f"{connector}: unknown delta operation '{operation}' (first on {obj.dn}); "
                    + (
                        "counted (gates.allow_unknown_operations)"
                        if self.gates.allow_unknown_operations
                        else "counted; it fails the gates unless gates.allow_unknown_operations is true"
                    )
                )
            self.unknown_operations[operation] += 1
        counts.objects += 1
        counts.operations[operation] += 1
        counts.object_types[obj.object_type] += 1
        for change in changes:
            self.attributes[change.name][change.operation or "none"] += 1
        samples = self.samples.get(operation)
        if samples is not None and len(samples) < SAMPLES_PER_OPERATION:
            samples.append(
                {
                    "connector": connector,
                    "dn": delta.dn or obj.dn,
                    "object_type": obj.object_type,
                    # The names people know the object by (the Entra DN is CN={GUID}).
                    "user_principal_name": obj.identity.get("userPrincipalName") or None,
                    "display_name": obj.identity.get("displayName") or None,
                    "attributes": sorted(c.name for c in changes),
                }
            )
        anchor = delta.anchor or obj.identity.get("sourceAnchor", "")
        if self.keys is not None:
            self.keys[object_key(obj, delta.dn)] = operation
        if self.object_rows is not None:
            self.object_rows(
                [
                    connector,
                    obj.id,
                    obj.object_type,
                    delta.dn or obj.dn,
                    operation,
                    obj.identity.get("userPrincipalName", ""),
                    obj.identity.get("displayName", ""),
                    obj.identity.get("sourceAnchor", ""),
                    anchor,
                    obj.identity.get("primarySMTP", ""),
                    len(changes),
                ]
            )
        if self.change_rows is not None:
            for change in changes:
                self.change_rows(
                    [
                        connector,
                        obj.id,
                        obj.object_type,
                        delta.dn or obj.dn,
                        operation,
                        change.name,
                        change.operation,
                        len(change.added) if change.multivalued else "",
                        len(change.removed) if change.multivalued else "",
                        _value_text(change.added),
                        _value_text(change.removed),
                        _value_text(change.values),
                    ]
                )

    def gate(self) -> dict[str, Any]:
        violations = []
        for rule, operations in GATE_LIMITS.items():
            limit = getattr(self.gates, rule)
            if limit is None:
                continue
            for connector, counts in sorted(self.connectors.items()):
                chosen = counts.operations if operations is None else operations
                actual = sum(counts.operations.get(op, 0) for op in chosen)
                if actual > limit:
                    violations.append(
                        {
                            "rule": rule,
                            "limit": limit,
                            "actual": actual,
                            "connector": connector,
                            "message": f"Gate {rule} failed for connector '{connector}': {actual} > limit {limit}; "
                            f"review pending-exports.csv or raise gates.{rule}",
                        }
                    )
        if not self.gates.allow_unknown_operations:
            for connector, counts in sorted(self.connectors.items()):
                unknown = {op: n for op, n in sorted(counts.operations.items()) if op not in OPERATIONS}
                if unknown:
                    found = ", ".join(f"'{op}' ({n})" for op, n in unknown.items())
                    violations.append(
                        {
                            "rule": "unknown_operations",
                            "limit": 0,
                            "actual": sum(unknown.values()),
                            "connector": connector,
                            "message": f"Gate unknown_operations failed for connector '{connector}': delta "
                            f"operation(s) {found} are none of {', '.join(OPERATIONS)}; review "
                            "pending-exports.csv or set gates.allow_unknown_operations",
                        }
                    )
        return {"passed": not violations, "violations": violations}

    def summary(self) -> dict[str, Any]:
        total = Counts()
        for counts in self.connectors.values():
            total.objects += counts.objects
            total.operations.update(counts.operations)
            total.object_types.update(counts.object_types)
        data = total.as_dict()
        data.update(
            {
                "schema_version": SCHEMA_VERSION,
                "attributes": {
                    name: {op: counts.get(op, 0) for op in ATTRIBUTE_OPERATIONS}
                    for name, counts in sorted(self.attributes.items())
                },
                "connectors": {name: counts.as_dict() for name, counts in sorted(self.connectors.items())},
                "sections": dict(sorted(self.sections.items())),
                "unknown_operations": dict(sorted(self.unknown_operations.items())),
                "ignored_objects": self.ignored_objects,
                "samples": dict(self.samples),
                "warnings": list(self.warnings),
            }
        )
        return data


def compare_keys(candidate: dict[str, str], baseline: dict[str, str], limit: int = 20) -> dict[str, Any]:
    """Objects pending only in the candidate, only in the baseline, and in both (keyed by anchor/DN)."""
    only_candidate = sorted(set(candidate) - set(baseline))
    only_baseline = sorted(set(baseline) - set(candidate))
    both = sorted(set(candidate) & set(baseline))
    return {
        "only_candidate": len(only_candidate),
        "only_baseline": len(only_baseline),
        "both": len(both),
        "only_candidate_samples": only_candidate[:limit],
        "only_baseline_samples": only_baseline[:limit],
    }


def connector_label(path: str) -> str:
    """Default connector label: the file name without its extension."""
    return os.path.splitext(os.path.basename(path))[0]


def analyse(
    paths: Iterable[str],
    connectors: list[str] | None = None,
    gates: dict[str, Any] | None = None,
    baseline: Iterable[str] | None = None,
    change_rows=None,
    object_rows=None,
    parallel_min_bytes: int | None = None,
) -> dict[str, Any]:
    paths = list(paths)
    if not paths:
        raise InputError("no csexport file given in 'path'")
    labels = list(connectors or [])
    if labels and len(labels) != len(paths):
        raise InputError(
            f"'connector' names {len(labels)} connector(s) for {len(paths)} file(s); give one per file or none"
        )
    labels = labels or [connector_label(p) for p in paths]
    gate_config = Gates.from_dict(gates)
    baseline = list(baseline or [])
    analysis = Analysis(
        gate_config, change_rows, object_rows, keep_keys=bool(baseline), parallel_min_bytes=parallel_min_bytes
    )
    for path, label in zip(paths, labels, strict=True):
        analysis.add_file(path, label)
    result = {"summary": analysis.summary(), "gate": analysis.gate()}
    if baseline:
        reference = Analysis(gate_config, keep_keys=True)
        for path in baseline:
            reference.add_file(path, connector_label(path))
        result["comparison"] = compare_keys(analysis.keys or {}, reference.keys or {})
    return result
