# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Match two normalised configurations and classify every difference. Internal use only.

Connectors match by name case-insensitively (optionally through a connector map); rules match by
direction + connector + name, then by immutable tag. Nothing unmatched is dropped: it becomes an
added/removed difference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.model import (
    ENTRA_CONNECTOR_ID,
    Configuration,
    Connector,
    SyncRule,
)

INFO, WARNING, ERROR = "info", "warning", "error"
SEVERITIES = (INFO, WARNING, ERROR)

CATEGORIES = {
    "sync_rule.custom.added": WARNING,
    "sync_rule.custom.removed": ERROR,
    "sync_rule.custom.changed": WARNING,
    "sync_rule.standard.disabled": WARNING,
    "sync_rule.standard.version": INFO,
    "sync_rule.standard.modified": WARNING,
    # Not named by the issue; a standard rule present on one side only fits none of the above.
    "sync_rule.standard.added": WARNING,
    "sync_rule.standard.removed": WARNING,
    "connector.added": ERROR,
    "connector.removed": ERROR,
    "connector.partitions": ERROR,
    "connector.object_types": WARNING,
    "connector.attributes": WARNING,
    "connector.run_profiles": WARNING,
    "connector.other": WARNING,
    "global_setting": WARNING,
    "metaverse.schema": WARNING,
}

#: Global parameters that differ by role or by time between an active and a staging server.
ROLE_OR_TIME_PARAMETERS = {
    "Microsoft.Synchronize.StagingMode": "differs by role: an active and a staging server always differ here",
    "Microsoft.Synchronize.NextStartTime": "differs by time: the next scheduled cycle of each server",
    "Microsoft.Synchronize.ServerConfigurationVersion": (
        "the product version; expected to differ during a swing migration or upgrade"
    ),
}

_RULE_FIELDS = (
    # (field, attribute, aspect needed on both sides or None)
    ("precedence", "precedence", None),
    ("disabled", "disabled", "sync_rule.disabled"),
    ("scope", "scope", None),
    ("join", "join", "sync_rule.join"),
    ("flows", "flows", None),
    ("link_type", "link_type", None),
    ("source_object_type", "source_object_type", None),
    ("target_object_type", "target_object_type", None),
    ("description", "description", None),
    ("soft_delete_expiry", "soft_delete_expiry", "sync_rule.join"),
    ("enable_password_sync", "enable_password_sync", "sync_rule.join"),
)


@dataclass
class Difference:
    category: str
    severity: str
    object: str
    field: str
    reference: Any
    candidate: Any
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _plain(value: Any) -> Any:
    """Tuples (from the frozen model) become lists so results serialise as JSON."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


class _Collector:
    def __init__(self) -> None:
        self.items: list[Difference] = []

    def add(
        self,
        category: str,
        obj: str,
        field: str,
        reference: Any,
        candidate: Any,
        explanation: str,
        severity: str | None = None,
    ) -> None:
        self.items.append(
            Difference(
                category=category,
                severity=severity or CATEGORIES[category],
                object=obj,
                field=field,
                reference=_plain(reference),
                candidate=_plain(candidate),
                explanation=explanation,
            )
        )


def match_connectors(
    reference: Configuration, candidate: Configuration, connector_map: dict[str, str]
) -> tuple[list[tuple[Connector, Connector]], list[Connector], list[Connector]]:
    """Pair connectors by (mapped) name, case-insensitively; return pairs and the unmatched."""
    mapped = {k.casefold(): v.casefold() for k, v in (connector_map or {}).items()}
    pairs = []
    left = dict(candidate.connectors)
    unmatched_ref = []
    for key, conn in reference.connectors.items():
        target = mapped.get(key, key)
        if target in left:
            pairs.append((conn, left.pop(target)))
        else:
            unmatched_ref.append(conn)
    # A settings JSON does not name the Entra connector: pair it with the only Entra connector left.
    placeholder = ENTRA_CONNECTOR_ID.casefold()
    ref_entra = [c for c in unmatched_ref if c.is_entra]
    cand_entra = [k for k, c in left.items() if c.is_entra]
    if (
        len(ref_entra) == 1
        and len(cand_entra) == 1
        and (ref_entra[0].name.casefold() == placeholder or cand_entra[0] == placeholder)
    ):
        pairs.append((ref_entra[0], left.pop(cand_entra[0])))
        unmatched_ref.remove(ref_entra[0])
    return pairs, unmatched_ref, list(left.values())


def _connector_label(ref: Connector, cand: Connector) -> str:
    if ref.name == cand.name or cand.name == ENTRA_CONNECTOR_ID:
        return ref.name
    if ref.name == ENTRA_CONNECTOR_ID:
        return cand.name
    return f"{ref.name} -> {cand.name}"


def _set_diff(
    out: _Collector,
    category: str,
    obj: str,
    field: str,
    ref: Iterable[str],
    cand: Iterable[str],
    what: str,
) -> None:
    ref_set, cand_set = set(ref), set(cand)
    if ref_set != cand_set:
        missing = sorted(ref_set - cand_set)
        extra = sorted(cand_set - ref_set)
        parts = []
        if missing:
            parts.append(f"missing on the candidate: {', '.join(missing)}")
        if extra:
            parts.append(f"only on the candidate: {', '.join(extra)}")
        out.add(category, obj, field, sorted(ref_set), sorted(cand_set), f"{what} {'; '.join(parts)}")


def _compare_connector(out: _Collector, ref: Connector, cand: Connector, aspects: frozenset[str]) -> None:
    label = _connector_label(ref, cand)
    if "connector.partitions" in aspects and ref.carries_partitions and cand.carries_partitions:
        ref_parts = {k.casefold(): p for k, p in ref.partitions.items()}
        cand_parts = {k.casefold(): p for k, p in cand.partitions.items()}
        for key in sorted(set(ref_parts) | set(cand_parts)):
            rp, cp = ref_parts.get(key), cand_parts.get(key)
            obj = f"{label} / partition {(rp or cp).name}"
            if rp is None or cp is None or rp.selected != cp.selected:
                rsel = bool(rp and rp.selected)
                csel = bool(cp and cp.selected)
                if rsel != csel:
                    out.add(
                        "connector.partitions",
                        obj,
                        "selected",
                        rsel,
                        csel,
                        "partition selected on one server only: objects in it would be "
                        + ("deleted from" if rsel else "added to")
                        + " the cloud after promotion",
                    )
                if not (rp and cp):
                    continue
            _set_diff(
                out,
                "connector.partitions",
                obj,
                "inclusions",
                rp.inclusions,
                cp.inclusions,
                "OU inclusions differ:",
            )
            _set_diff(
                out,
                "connector.partitions",
                obj,
                "exclusions",
                rp.exclusions,
                cp.exclusions,
                "OU exclusions differ:",
            )
            if "connector.object_types" in aspects:
                _set_diff(
                    out,
                    "connector.object_types",
                    obj,
                    "object_types",
                    rp.object_types,
                    cp.object_types,
                    "selected object types differ (not carried by a settings import):",
                )
    if "connector.attributes" in aspects:
        _set_diff(
            out,
            "connector.attributes",
            label,
            "attributes",
            ref.attributes,
            cand.attributes,
            "selected attributes differ (not carried by a settings import):",
        )
    if "connector.run_profiles" in aspects:
        for name in sorted(set(ref.run_profiles) | set(cand.run_profiles)):
            rsteps, csteps = ref.run_profiles.get(name), cand.run_profiles.get(name)
            if rsteps != csteps:
                if rsteps is None or csteps is None:
                    why = "run profile exists on one server only (custom run profiles are not carried by an import)"
                else:
                    why = "run profile steps differ"
                out.add("connector.run_profiles", f"{label} / run profile {name}", "steps", rsteps, csteps, why)
    if "connector.other" in aspects:
        for key in sorted(set(ref.other) | set(cand.other)):
            rv, cv = ref.other.get(key), cand.other.get(key)
            if rv != cv:
                out.add("connector.other", label, key, rv, cv, "connector setting differs")
        if ref.schema_attributes != cand.schema_attributes:
            missing = sorted(set(ref.schema_attributes) - set(cand.schema_attributes))
            extra = sorted(set(cand.schema_attributes) - set(ref.schema_attributes))
            out.add(
                "connector.other",
                label,
                "schema",
                f"{len(ref.schema_attributes)} attributes",
                f"{len(cand.schema_attributes)} attributes",
                "connector schema differs (refresh the schema if the directory was extended); "
                f"missing on the candidate: {', '.join(missing) or 'none'}; only on the candidate: "
                f"{', '.join(extra) or 'none'}",
                severity=INFO,
            )


def _rule_index(rules: list[SyncRule], connector_names: dict[str, str]) -> dict[tuple[str, str, str], SyncRule]:
    return {
        (
            r.direction.casefold(),
            connector_names.get(r.connector.casefold(), r.connector.casefold()),
            r.name.casefold(),
        ): r
        for r in rules
    }


def _changed_fields(ref: SyncRule, cand: SyncRule, aspects: frozenset[str]) -> list[str]:
    return [
        field
        for field, attr, aspect in _RULE_FIELDS
        if (aspect is None or aspect in aspects) and getattr(ref, attr) != getattr(cand, attr)
    ]


def _compare_rules(
    out: _Collector,
    reference: Configuration,
    candidate: Configuration,
    pairs: list[tuple[Connector, Connector]],
    aspects: frozenset[str],
    versions_differ: bool,
) -> None:
    # Candidate connector name -> the reference connector name it matched (for rule keys).
    cand_to_ref = {c.name.casefold(): r.name.casefold() for r, c in pairs}
    ref_names = {r.name.casefold(): r.name.casefold() for r, _cand in pairs}
    ref_rules = _rule_index(reference.rules, ref_names)
    cand_rules = _rule_index(candidate.rules, cand_to_ref)
    matched: list[tuple[SyncRule, SyncRule]] = []
    for key in list(ref_rules):
        if key in cand_rules:
            matched.append((ref_rules.pop(key), cand_rules.pop(key)))
    # Second key: the immutable tag (without its version), for renamed standard rules.
    by_tag = {(k[0], k[1], r.tag_base.casefold()): k for k, r in cand_rules.items() if r.immutable_tag}
    for key, rule in list(ref_rules.items()):
        tag_key = (key[0], key[1], rule.tag_base.casefold())
        if rule.immutable_tag and tag_key in by_tag and by_tag[tag_key] in cand_rules:
            matched.append((ref_rules.pop(key), cand_rules.pop(by_tag.pop(tag_key))))
    connected = set(ref_names.values())
    for rule in ref_rules.values():
        if rule.connector.casefold() not in connected:
            continue  # reported with its connector (connector.removed)
        _unmatched_rule(out, rule, "removed", versions_differ)
    for rule in cand_rules.values():
        if cand_to_ref.get(rule.connector.casefold()) is None:
            continue  # reported with its connector (connector.added)
        _unmatched_rule(out, rule, "added", versions_differ)
    for ref, cand in matched:
        _compare_rule_pair(out, ref, cand, aspects)


def _unmatched_rule(out: _Collector, rule: SyncRule, side: str, versions_differ: bool) -> None:
    where = "candidate" if side == "added" else "reference"
    if rule.is_standard:
        severity = INFO if versions_differ else None
        why = f"out-of-box rule {rule.immutable_tag} exists on the {where} only"
        why += (
            "; the product versions differ, so this is expected drift"
            if versions_differ
            else "; Microsoft advises disabling out-of-box rules, never deleting them"
        )
        out.add(f"sync_rule.standard.{side}", rule.key, "rule", *_sides(rule, side), why, severity=severity)
    else:
        why = (
            "custom rule missing on the candidate: its effect would be lost after promotion"
            if side == "removed"
            else "custom rule exists on the candidate only"
        )
        out.add(f"sync_rule.custom.{side}", rule.key, "rule", *_sides(rule, side), why)


def _sides(rule: SyncRule, side: str) -> tuple[Any, Any]:
    summary = {"precedence": rule.precedence, "immutable_tag": rule.immutable_tag, "disabled": rule.disabled}
    return (None, summary) if side == "added" else (summary, None)


def _compare_rule_pair(out: _Collector, ref: SyncRule, cand: SyncRule, aspects: frozenset[str]) -> None:
    changed = _changed_fields(ref, cand, aspects)
    label = ref.key if ref.name == cand.name else f"{ref.key} (candidate: {cand.name})"
    if ref.is_standard and cand.is_standard:
        if "disabled" in changed:
            out.add(
                "sync_rule.standard.disabled",
                label,
                "disabled",
                ref.disabled,
                cand.disabled,
                "an out-of-box rule is enabled on one server and disabled on the other",
            )
            changed.remove("disabled")
        if ref.immutable_tag != cand.immutable_tag:
            out.add(
                "sync_rule.standard.version",
                label,
                "immutable_tag",
                ref.immutable_tag,
                cand.immutable_tag,
                "a newer release ships a newer version of this out-of-box rule"
                + (f" ({len(changed)} fields differ with it: {', '.join(changed)})" if changed else ""),
            )
            return
        if changed == ["precedence"]:
            out.add(
                "sync_rule.standard.modified",
                label,
                "precedence",
                ref.precedence,
                cand.precedence,
                "out-of-box rule precedence is assigned by the installer; differs only in order",
                severity=INFO,
            )
            return
        for field in changed:
            out.add(
                "sync_rule.standard.modified",
                label,
                field,
                getattr(ref, field),
                getattr(cand, field),
                "an out-of-box rule was edited (same tag, different content); Microsoft discourages "
                "this: clone the rule instead, since upgrades reset edited out-of-box rules",
            )
        return
    if ref.is_standard != cand.is_standard:
        changed.append("immutable_tag")
    for field in changed:
        out.add(
            "sync_rule.custom.changed",
            label,
            field,
            getattr(ref, field),
            getattr(cand, field),
            f"custom rule differs in {field.replace('_', ' ')}",
        )


def _compare_globals(out: _Collector, reference: Configuration, candidate: Configuration) -> None:
    names = sorted(set(reference.global_settings) | set(candidate.global_settings))
    for name in names:
        rv, cv = reference.global_settings.get(name), candidate.global_settings.get(name)
        if rv == cv:
            continue
        if name in ROLE_OR_TIME_PARAMETERS:
            out.add("global_setting", name, name, rv, cv, ROLE_OR_TIME_PARAMETERS[name], severity=INFO)
        else:
            out.add("global_setting", name, name, rv, cv, "global setting differs")


def _compare_metaverse(out: _Collector, reference: Configuration, candidate: Configuration) -> None:
    for key in sorted(set(reference.metaverse_schema) | set(candidate.metaverse_schema)):
        rv, cv = reference.metaverse_schema.get(key), candidate.metaverse_schema.get(key)
        if rv != cv:
            why = (
                "metaverse schema element on one server only"
                if rv is None or cv is None
                else "metaverse schema element differs"
            )
            out.add("metaverse.schema", key, "schema", rv, cv, why)


def compare(
    reference: Configuration, candidate: Configuration, connector_map: dict[str, str] | None = None
) -> tuple[list[Difference], list[str]]:
    """Return (differences, aspects not compared because one input cannot carry them)."""
    aspects = reference.aspects & candidate.aspects
    not_compared = sorted((reference.aspects | candidate.aspects) - aspects)
    out = _Collector()
    pairs, removed, added = match_connectors(reference, candidate, connector_map or {})
    for conn in removed:
        out.add(
            "connector.removed",
            conn.name,
            "connector",
            conn.name,
            None,
            "connector missing on the candidate: every object it syncs would be deleted from the "
            "cloud after promotion (use connector_map if it was only renamed)",
        )
    for conn in added:
        out.add(
            "connector.added",
            conn.name,
            "connector",
            None,
            conn.name,
            "connector exists on the candidate only (use connector_map if it was only renamed)",
        )
    for ref, cand in pairs:
        _compare_connector(out, ref, cand, aspects)
    versions_differ = bool(reference.version and candidate.version and reference.version != candidate.version)
    _compare_rules(out, reference, candidate, pairs, aspects, versions_differ)
    if "global_settings" in aspects:
        _compare_globals(out, reference, candidate)
    if "metaverse.schema" in aspects:
        _compare_metaverse(out, reference, candidate)
    return out.items, not_compared
