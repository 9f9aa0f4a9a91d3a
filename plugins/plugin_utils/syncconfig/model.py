# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The normalised model of one server's sync configuration. For internal collection use only.

Every identifier that differs between servers (connector, rule, partition and run-profile GUIDs)
is already resolved to a name here, and volatile fields (timestamps, cookies, watermarks, last DC,
internal versions, export dates) are not carried at all, so two models compare field by field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Entra connector GUID, the same on every server (reference §4.3).
ENTRA_CONNECTOR_ID = "{B891884F-051E-4A83-95AF-2544101C9083}"

#: What each kind of input carries. A comparison of two kinds covers their intersection.
ASPECTS_EXPORT = frozenset(
    {
        "connectors",
        "connector.partitions",
        "connector.object_types",
        "connector.attributes",
        "connector.run_profiles",
        "connector.other",
        "sync_rules",
        "sync_rule.disabled",
        "sync_rule.join",
        "global_settings",
        "metaverse.schema",
    }
)
ASPECTS_SETTINGS_JSON = frozenset({"connectors", "connector.partitions", "sync_rules"})

_TAG_VERSION = re.compile(r"^(?P<base>.+)\.(?P<version>\d+)$")


@dataclass(frozen=True)
class Partition:
    name: str
    selected: bool
    object_types: tuple[str, ...] = ()
    inclusions: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()


@dataclass
class Connector:
    name: str
    category: str  # AD | Extensible2 (Entra) | other connector categories
    subtype: str = ""
    partitions: dict[str, Partition] = field(default_factory=dict)
    attributes: tuple[str, ...] = ()
    run_profiles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    schema_attributes: tuple[str, ...] = ()
    other: dict[str, str] = field(default_factory=dict)
    #: False where the input does not describe this connector's partitions (the Entra
    #: connector in a settings JSON).
    carries_partitions: bool = True

    @property
    def is_entra(self) -> bool:
        return self.category == "Extensible2" and "Azure Active Directory" in self.subtype


@dataclass
class SyncRule:
    name: str
    direction: str
    connector: str  # connector name, resolved from the GUID
    immutable_tag: str
    precedence: int | None
    disabled: bool | None
    source_object_type: str
    target_object_type: str
    link_type: str
    description: str = ""
    scope: tuple = ()  # groups (OR) of conditions (AND): ((attribute, operator, value), ...)
    join: tuple = ()  # groups of (cs attribute, mv attribute, case sensitive)
    flows: tuple = ()  # sorted (destination, sources, expression, merge type, execute once)
    soft_delete_expiry: str = ""
    enable_password_sync: bool | None = None

    @property
    def is_standard(self) -> bool:
        """Out-of-box rule: its immutable tag starts with ``Microsoft.`` (reference §4.3)."""
        return self.immutable_tag.startswith("Microsoft.")

    @property
    def tag_base(self) -> str:
        match = _TAG_VERSION.match(self.immutable_tag)
        return match.group("base") if match else self.immutable_tag

    @property
    def key(self) -> str:
        return f"{self.direction} | {self.connector} | {self.name}"


@dataclass
class Configuration:
    """One server's configuration, from an export folder, a zip of it, or a settings JSON."""

    source: str
    kind: str  # server_configuration | settings_json
    aspects: frozenset[str]
    server: str = ""
    version: str = ""
    connectors: dict[str, Connector] = field(default_factory=dict)  # keyed by casefolded name
    rules: list[SyncRule] = field(default_factory=list)
    global_settings: dict[str, str] = field(default_factory=dict)
    metaverse_schema: dict[str, str] = field(default_factory=dict)  # path -> description
