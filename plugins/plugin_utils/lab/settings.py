# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab settings from inventory variables: the starting state of each server and of the world.

For internal collection use only. Settings are data, so every scenario (including the
bad-promotion demo) is inventory, not code. They are separate from the declared roles
(``entra_connect_role``): the lab starts as the settings say, and playbooks converge it.

Host variables:
  entra_connect_lab_server   dict: installed, configured, version, staging, forests,
                             excluded_containers, password_writeback, group_writeback,
                             auto_upgrade, adsynctools,
                             deletion_threshold, custom_rules (rules-as-data, see syncrules/_model.py;
                             connector defaults to the first forest), disabled_standard_rules
                             (names), service (Running|Stopped), entra_credential
                             (ServiceAccount|Application), database_used_mb, prerequisites
                             (overrides of the facts Get-EntraConnectPrerequisites reports),
                             sync_age_hours (how long ago the starting sync ran), failing_imports
                             (connector kinds, entra or ad, whose imports fail: the scheduler's
                             latest cycle failed there, and every later import does)
  entra_connect_lab_faults   list of {helper, on_call, effect}
World variables (the same for every host of the lab; set them in group_vars/all):
  entra_connect_lab_seed, entra_connect_lab_size {users, groups, contacts},
  entra_connect_lab_domain, entra_connect_lab_tenant, entra_connect_lab_tenant_version,
  entra_connect_lab_cycle_polls, entra_connect_lab_operator (present|absent),
  entra_connect_lab_wizard_reads (reads the operator's wizard step takes; default 1)
  entra_connect_lab_writeback_groups (groups group writeback created on premises; lab/writeback.py)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._common import version_tuple
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import LabSettingsError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.faults import EFFECTS as FAULT_EFFECTS
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.faults import Fault
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server import _contract as contract

DEFAULT_VERSION = "2.5.190.0"
AUTO_UPGRADE_STATES = ("Enabled", "Disabled", "Suspended")
SERVICE_STATES = ("Running", "Stopped")


def parse_version(text: str) -> tuple[int, ...]:
    """A lab version as a tuple; ValueError for anything else (the settings validation reports it)."""
    parsed = version_tuple(text)
    if parsed is None:
        raise ValueError(f"not a version: {text!r}")
    return parsed


@dataclass(frozen=True)
class ServerSettings:
    installed: bool = True
    configured: bool = True
    version: str = DEFAULT_VERSION
    staging: bool = False
    forests: tuple[str, ...] = ()
    excluded_containers: tuple[str, ...] = ()
    password_writeback: bool = False
    group_writeback: bool = False
    auto_upgrade: str = "Enabled"
    adsynctools: bool = False
    deletion_threshold: int = 500
    custom_rules: tuple[dict[str, Any], ...] = ()
    #: Names of standard rules that start disabled.
    disabled_standard_rules: tuple[str, ...] = ()
    #: The ADSync service's state at the start: Running, or Stopped (after a crash).
    service: str = "Running"
    #: The Entra connector's credential type (ServiceAccount or Application; empty: the version's default).
    entra_credential: str = ""
    #: The LocalDB's used space in MB (automatic upgrade is blocked from 8 GB; the limit is 10 GB).
    database_used_mb: float = 180.5
    #: Overrides of the prerequisite facts a lab server reports (see DEFAULT_PREREQUISITES).
    prerequisites: tuple[tuple[str, Any], ...] = ()
    #: How many hours ago the starting sync of a configured server ran.
    sync_age_hours: float = 0
    #: Connector kinds ("entra", "ad") whose imports fail after the starting sync.
    failing_imports: tuple[str, ...] = ()


FAILING_IMPORT_KINDS = ("entra", "ad")


DEFAULT_PREREQUISITES: dict[str, Any] = {
    "os_caption": "Microsoft Windows Server 2022 Standard",
    "os_build": 20348,
    "installation_type": "Server",
    "powershell_version": "5.1.20348.2849",
    "dotnet_release": 528449,
    "domain_joined": True,
    "domain": "contoso.com",
    "system_drive_free_mb": 81920,
    "pending_reboot_reasons": [],
}


@dataclass(frozen=True)
class WorldSettings:
    seed: int = 42
    users: int = 2000
    groups: int = 300
    contacts: int = 100
    domain: str = "contoso.com"
    tenant: str = "contoso.onmicrosoft.com"
    tenant_version: str = DEFAULT_VERSION
    cycle_polls: int = 2
    operator: str = "present"
    #: How many server reads the operator's wizard step takes once its files are in place (the
    #: reads before the last one see the wizard still running: on an upgrade, the service stopped).
    wizard_reads: int = 1
    #: Groups that group writeback created on premises (see lab/writeback.py).
    writeback_groups: int = 0

    def key(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "users": self.users,
            "groups": self.groups,
            "contacts": self.contacts,
            "domain": self.domain,
            "tenant": self.tenant,
            "tenant_version": self.tenant_version,
            "writeback_groups": self.writeback_groups,
        }


@dataclass(frozen=True)
class LabSettings:
    host: str
    server: ServerSettings
    world: WorldSettings
    faults: tuple[Fault, ...] = field(default=())


class _Reader:
    """Collects every problem, then raises one error naming the host and the fields."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.problems: list[str] = []

    def get(self, data: dict[str, Any], name: str, kind: type | tuple[type, ...], default: Any, where: str) -> Any:
        value = data.get(name, default)
        if value is None:
            return default
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            self.problems.append(f"{where}.{name} must be {expected}, got {value!r}")
            return default
        return value

    def done(self) -> None:
        if self.problems:
            raise LabSettingsError(f"Invalid lab settings for host {self.host}: " + "; ".join(self.problems))


def _mapping(reader: _Reader, value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        reader.problems.append(f"{where} must be a dict, got {value!r}")
        return {}
    return value


def read_settings(host: str, hostvars: dict[str, Any]) -> LabSettings:
    """Lab settings of ``host`` from its (templated) variables; every problem reported at once."""
    reader = _Reader(host)
    raw = _mapping(reader, hostvars.get("entra_connect_lab_server"), "entra_connect_lab_server")
    known = set(ServerSettings.__dataclass_fields__)
    for name in sorted(set(raw) - known):
        reader.problems.append(
            f"entra_connect_lab_server.{name} is not a lab setting (known: {', '.join(sorted(known))})"
        )
    where = "entra_connect_lab_server"
    installed = reader.get(raw, "installed", bool, True, where)
    version = str(reader.get(raw, "version", (str, float), DEFAULT_VERSION, where))
    try:
        parse_version(version)
    except ValueError:
        reader.problems.append(f"{where}.version must look like 2.6.92.0, got {version!r}")
        version = DEFAULT_VERSION
    auto_upgrade = reader.get(raw, "auto_upgrade", str, "Enabled", where)
    if auto_upgrade not in AUTO_UPGRADE_STATES:
        reader.problems.append(f"{where}.auto_upgrade must be one of {', '.join(AUTO_UPGRADE_STATES)}")
    service = reader.get(raw, "service", str, "Running", where)
    if service not in SERVICE_STATES:
        reader.problems.append(f"{where}.service must be one of {', '.join(SERVICE_STATES)}")
    entra_credential = reader.get(raw, "entra_credential", str, "", where)
    if entra_credential not in ("", *contract.ENTRA_CREDENTIAL_TYPES):
        reader.problems.append(f"{where}.entra_credential must be one of {', '.join(contract.ENTRA_CREDENTIAL_TYPES)}")
    server = ServerSettings(
        installed=installed,
        service=service,
        entra_credential=entra_credential,
        database_used_mb=float(reader.get(raw, "database_used_mb", (int, float), 180.5, where)),
        configured=reader.get(raw, "configured", bool, installed, where),
        version=version,
        staging=reader.get(raw, "staging", bool, False, where),
        forests=tuple(reader.get(raw, "forests", list, [], where)),
        excluded_containers=tuple(reader.get(raw, "excluded_containers", list, [], where)),
        password_writeback=reader.get(raw, "password_writeback", bool, False, where),
        group_writeback=reader.get(raw, "group_writeback", bool, False, where),
        auto_upgrade=auto_upgrade,
        adsynctools=reader.get(raw, "adsynctools", bool, False, where),
        deletion_threshold=reader.get(raw, "deletion_threshold", int, 500, where),
        custom_rules=tuple(reader.get(raw, "custom_rules", list, [], where)),
        disabled_standard_rules=tuple(str(n) for n in reader.get(raw, "disabled_standard_rules", list, [], where)),
        prerequisites=tuple(sorted(_mapping(reader, raw.get("prerequisites"), f"{where}.prerequisites").items())),
        sync_age_hours=reader.get(raw, "sync_age_hours", (int, float), 0, where),
        failing_imports=tuple(reader.get(raw, "failing_imports", list, [], where)),
    )
    if any(kind not in FAILING_IMPORT_KINDS for kind in server.failing_imports):
        reader.problems.append(f"{where}.failing_imports must list connector kinds: {', '.join(FAILING_IMPORT_KINDS)}")
    if isinstance(server.sync_age_hours, bool) or server.sync_age_hours < 0:
        reader.problems.append(f"{where}.sync_age_hours must be a number of hours >= 0")
    if server.custom_rules:
        from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import rules as lab_rules

        forest = (server.forests or ("",))[0] or str(hostvars.get("entra_connect_lab_domain") or "contoso.com")
        try:
            lab_rules.normalise(server.custom_rules, forest, f"{where}.custom_rules")
        except EntraConnectError as err:
            reader.problems.append(err.message)
    for name in sorted(dict(server.prerequisites)):
        if name not in DEFAULT_PREREQUISITES and name != "tls12_registry":
            reader.problems.append(f"{where}.prerequisites.{name} is not a prerequisite fact")
    if server.configured and not server.installed:
        reader.problems.append(f"{where}.configured cannot be true when installed is false")

    size = _mapping(reader, hostvars.get("entra_connect_lab_size"), "entra_connect_lab_size")
    world = WorldSettings(
        seed=reader.get(hostvars, "entra_connect_lab_seed", int, 42, "vars"),
        users=reader.get(size, "users", int, 2000, "entra_connect_lab_size"),
        groups=reader.get(size, "groups", int, 300, "entra_connect_lab_size"),
        contacts=reader.get(size, "contacts", int, 100, "entra_connect_lab_size"),
        domain=reader.get(hostvars, "entra_connect_lab_domain", str, "contoso.com", "vars"),
        tenant=reader.get(hostvars, "entra_connect_lab_tenant", str, "contoso.onmicrosoft.com", "vars"),
        tenant_version=str(reader.get(hostvars, "entra_connect_lab_tenant_version", str, DEFAULT_VERSION, "vars")),
        cycle_polls=reader.get(hostvars, "entra_connect_lab_cycle_polls", int, 2, "vars"),
        operator=reader.get(hostvars, "entra_connect_lab_operator", str, "present", "vars"),
        wizard_reads=reader.get(hostvars, "entra_connect_lab_wizard_reads", int, 1, "vars"),
        writeback_groups=reader.get(hostvars, "entra_connect_lab_writeback_groups", int, 0, "vars"),
    )
    if world.wizard_reads < 1:
        reader.problems.append("vars.entra_connect_lab_wizard_reads must be 1 or more")
    if world.operator not in ("present", "absent"):
        reader.problems.append("vars.entra_connect_lab_operator must be present or absent")

    faults = []
    raw_faults = hostvars.get("entra_connect_lab_faults") or []
    if not isinstance(raw_faults, list):
        reader.problems.append("entra_connect_lab_faults must be a list of {helper, on_call, effect}")
        raw_faults = []
    for index, item in enumerate(raw_faults):
        where = f"entra_connect_lab_faults[{index}]"
        item = _mapping(reader, item, where)
        name = reader.get(item, "helper", str, "", where)
        on_call = reader.get(item, "on_call", int, 1, where)
        effect = reader.get(item, "effect", str, "", where)
        if name not in contract.BY_NAME:
            reader.problems.append(f"{where}.helper {name!r} is not a contract helper")
        if effect not in FAULT_EFFECTS:
            reader.problems.append(f"{where}.effect must be one of {', '.join(FAULT_EFFECTS)}, got {effect!r}")
        if on_call < 1:
            reader.problems.append(f"{where}.on_call must be 1 or more")
        faults.append(Fault(name, on_call, effect))
    reader.done()
    return LabSettings(host=host, server=server, world=world, faults=tuple(faults))
