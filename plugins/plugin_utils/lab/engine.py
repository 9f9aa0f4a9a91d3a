# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's sync engine: simplified, but with the product's principles. For internal collection use only.

* Import (full or delta) brings a connector space up to the current directory or tenant revision;
  the AD connector space holds only objects inside the server's OU scope.
* Synchronization projects the AD connector space through inbound rules into the metaverse and
  through outbound rules (the attribute flows of the server's version) into the Entra connector
  space; the pending exports are the difference from what the Entra connector space last imported
  from the tenant. Only attributes the server flows are managed: an older server leaves alone an
  attribute a newer one writes.
* Export applies the pending exports to the shared tenant, unless they exceed the deletion
  threshold (``stopped-deletion-threshold-exceeded``, nothing exported), as the real one does.

Which version adds which flow is a lab assumption (see ``VERSION_FLOWS``), not a product fact: it
exists so an upgraded staging server shows pending updates on many users, as real upgrades do.
"""

from __future__ import annotations

import base64
import functools
import uuid
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.directory import (
    Object,
    apply_changes,
    base_directory,
    in_scope,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import (
    WorldSettings,
    parse_version,
)

SUCCESS = "success"
THRESHOLD_EXCEEDED = "stopped-deletion-threshold-exceeded"
#: What a failing import reports in the lab. An MIIS-era run result (FIM 2010 run status values);
#: its exact wording on 2.x is unverified, and the collection treats every result but "success"
#: as a failure, so the word does not matter to the code under test.
IMPORT_FAILED = "stopped-extension-dll-exception"

BASE_FLOWS: dict[str, tuple[tuple[str, str], ...]] = {
    "user": (
        ("userPrincipalName", "userPrincipalName"),
        ("displayName", "displayName"),
        ("givenName", "givenName"),
        ("sn", "surname"),
        ("mail", "mail"),
        ("department", "department"),
        ("title", "jobTitle"),
        ("proxyAddresses", "proxyAddresses"),
        ("sAMAccountName", "onPremisesSamAccountName"),
    ),
    "group": (
        ("displayName", "displayName"),
        ("mail", "mail"),
        ("sAMAccountName", "onPremisesSamAccountName"),
    ),
    "contact": (
        ("displayName", "displayName"),
        ("mail", "mail"),
        ("proxyAddresses", "proxyAddresses"),
    ),
}
#: Lab assumption: from this version on, the standard rules also flow these attributes. Real
#: upgrades change the standard rules (2.2.1.0's "In from AD - User Common" began to flow
#: employeeType [VH]); the lab places that change on the 2.5 -> 2.6 step (2.6.1.0, the first 2.6
#: release in the versions table), so an upgraded server shows pending updates as real ones do.
FLOW_STEP_VERSION = "2.6.1.0"
VERSION_FLOWS: dict[tuple[int, ...], dict[str, tuple[tuple[str, str], ...]]] = {
    (2, 6, 1, 0): {"user": (("employeeType", "employeeType"),)},
}
DERIVED = {
    "user": ("sourceAnchor", "accountEnabled"),
    "group": ("sourceAnchor", "members"),
    "contact": ("sourceAnchor",),
}


def flows(version: str) -> dict[str, tuple[tuple[str, str], ...]]:
    current = parse_version(version)
    result = {kind: list(pairs) for kind, pairs in BASE_FLOWS.items()}
    for since, added in sorted(VERSION_FLOWS.items()):
        if current >= since:
            for kind, pairs in added.items():
                result[kind].extend(pairs)
    return {kind: tuple(pairs) for kind, pairs in result.items()}


def managed_attributes(version: str) -> dict[str, frozenset[str]]:
    return {
        kind: frozenset([pair[1] for pair in pairs] + list(DERIVED[kind])) for kind, pairs in flows(version).items()
    }


@functools.cache
def source_anchor(anchor: str) -> str:
    """The sourceAnchor (ImmutableId) of an object: its objectGUID bytes, base64."""
    return base64.b64encode(uuid.UUID(anchor).bytes_le).decode("ascii")


@functools.cache
def entra_dn(anchor: str) -> str:
    return "CN={" + uuid.UUID(anchor).hex.upper() + "}"


def project(objects: dict[str, Object], version: str) -> dict[str, Object]:
    """Outbound projection of (in-scope) directory objects to Entra objects, keyed by anchor."""
    table = flows(version)
    dn_to_anchor = {obj["dn"].lower(): anchor for anchor, obj in objects.items()}
    projected: dict[str, Object] = {}
    for anchor, obj in objects.items():
        kind = obj["type"]
        src = obj["attrs"]
        attrs: dict[str, Any] = {}
        for source, target in table[kind]:
            if src.get(source) not in (None, "", []):
                attrs[target] = src[source]
        attrs["sourceAnchor"] = source_anchor(anchor)
        if kind == "user":
            attrs["accountEnabled"] = "False" if int(src.get("userAccountControl", "512")) & 2 else "True"
        if kind == "group":
            members = [dn_to_anchor.get(dn.lower()) for dn in src.get("member", [])]
            attrs["members"] = sorted(source_anchor(a) for a in members if a)
        projected[anchor] = {"anchor": anchor, "dn": entra_dn(anchor), "type": kind, "attrs": attrs}
    return projected


class World:
    """The shared directory and tenant of one lab (a view over ``state['world']``)."""

    def __init__(self, settings: WorldSettings, state: dict[str, Any]) -> None:
        self.settings = settings
        self.state = state

    @classmethod
    def create(cls, settings: WorldSettings) -> dict[str, Any]:
        return {
            "key": settings.key(),
            "directory_revision": 0,
            "directory_changes": [],
            "tenant_revision": 0,
            "tenant_changes": [],
            "exports": [],
        }

    def directory(self, revision: int | None = None) -> dict[str, Object]:
        return apply_changes(base_directory(self.settings), self.state["directory_changes"], revision)

    def tenant(self, revision: int | None = None) -> dict[str, Object]:
        return apply_changes(dict(_base_tenant(self.settings)), self.state["tenant_changes"], revision)

    def change_directory(self, anchor: str, op: str = "update", **fields: Any) -> int:
        """Record a directory change (a lab control, not a helper); returns its revision."""
        self.state["directory_revision"] += 1
        change = {"rev": self.state["directory_revision"], "op": op, "anchor": anchor, **fields}
        change.setdefault("attrs", {})
        self.state["directory_changes"].append(change)
        return self.state["directory_revision"]

    def apply_exports(self, pending: list[dict[str, Any]], writer: str) -> int:
        self.state["tenant_revision"] += 1
        revision = self.state["tenant_revision"]
        for change in pending:
            record = {"rev": revision, "op": change["op"], "anchor": change["anchor"], "writer": writer}
            if change["op"] == "add":
                record.update(
                    dn=change["dn"], type=change["type"], attrs={k: v["new"] for k, v in change["attrs"].items()}
                )
            elif change["op"] == "update":
                record["attrs"] = {k: v["new"] for k, v in change["attrs"].items()}
            self.state["tenant_changes"].append(record)
        return revision


@functools.lru_cache(maxsize=2)
def _base_tenant(settings: WorldSettings) -> dict[str, Object]:
    """The tenant's starting content (cached: callers copy the top level, objects are never mutated)."""
    return project(base_directory(settings), settings.tenant_version)


def pending_exports(desired: dict[str, Object], current: dict[str, Object], version: str) -> list[dict[str, Any]]:
    """What the Entra connector would export: desired state minus what the tenant holds."""
    managed = managed_attributes(version)
    return diff_objects(desired, current, lambda kind: managed[kind])


def diff_objects(new: dict[str, Object], old: dict[str, Object], attributes: Any = None) -> list[dict[str, Any]]:
    """Changes that turn ``old`` into ``new``: add, update (per attribute) and delete.

    ``attributes(kind)`` limits updates to the attributes a side manages (all when None).
    """
    changes_list = []
    for anchor, want in new.items():
        have = old.get(anchor)
        if have is None:
            attrs = {k: {"op": "add", "old": None, "new": v} for k, v in sorted(want["attrs"].items())}
            changes_list.append({"anchor": anchor, "dn": want["dn"], "type": want["type"], "op": "add", "attrs": attrs})
            continue
        names = attributes(want["type"]) if attributes else set(want["attrs"]) | set(have["attrs"])
        changes = {}
        for name in sorted(names):
            before, after = have["attrs"].get(name), want["attrs"].get(name)
            if before == after:
                continue
            op = "add" if before is None else "delete" if after is None else "replace"
            changes[name] = {"op": op, "old": before, "new": after}
        if changes:
            changes_list.append(
                {"anchor": anchor, "dn": want["dn"], "type": want["type"], "op": "update", "attrs": changes}
            )
    for anchor, have in old.items():
        if anchor not in new:
            changes_list.append({"anchor": anchor, "dn": have["dn"], "type": have["type"], "op": "delete", "attrs": {}})
    return changes_list


def operation_counts(pending: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"add": 0, "update": 0, "delete": 0}
    for change in pending:
        counts[change["op"]] += 1
    return counts


def scoped_directory(world: World, revision: int, excluded: tuple[str, ...] | list[str]) -> dict[str, Object]:
    return {a: o for a, o in world.directory(revision).items() if in_scope(o["dn"], excluded)}
