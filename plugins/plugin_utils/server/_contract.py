# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The helper contract: every PowerShell helper, its parameters and the shape of its result.

For internal collection use only. Pure Python (no Ansible import). Three parties obey it:

* ``plugins/module_utils/_EntraConnect.psm1`` (checked statically by ``tools/helpercheck.py``):
  each helper exists with exactly these parameters, calls only catalogued ADSync cmdlets and
  undocumented ones only where ``undocumented`` gives the reason, and builds its result objects
  with these field names;
* the lab backend (its results are validated at run time in the tests);
* the Python callers: :func:`validate_result` turns an unexpected shape from a real server into
  a :class:`ContractError` naming the helper and the field.

Wire types (``../DESIGN.md``): DateTime as ISO 8601 UTC strings (``datetime``), TimeSpan as
seconds (``seconds``), enums by name (``enum`` with ``choices`` or ``str``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError

PARAM_TYPES = {"str": "string", "int": "int", "bool": "bool"}  # contract type -> PowerShell type literal
_ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$")


class ContractError(EntraConnectError):
    """A helper returned something its contract does not allow."""


@dataclass(frozen=True)
class Field:
    """One result field. ``type`` is a scalar type, ``object`` (``fields``), ``list`` (of ``items``)
    or ``map`` (string keys, values of ``items``)."""

    name: str
    type: str
    nullable: bool = False
    fields: tuple[Field, ...] = ()
    items: Field | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Param:
    """One helper parameter (PascalCase, as PowerShell declares it)."""

    name: str
    type: str
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Helper:
    name: str
    description: str
    mutates: bool
    result: tuple[Field, ...]
    params: tuple[Param, ...] = ()
    #: undocumented cmdlet -> why this helper needs it (the only place it may be called).
    undocumented: dict[str, str] = field(default_factory=dict)

    @property
    def snake_name(self) -> str:
        """``Get-EntraConnectServerState`` -> ``get_server_state`` (the facade and lab method)."""
        verb, noun = self.name.split("-", 1)
        noun = noun.removeprefix("EntraConnect")
        return verb.lower() + re.sub(r"([A-Z])", r"_\1", noun).lower()

    @property
    def depth(self) -> int:
        """The serialisation depth that carries the deepest result value untruncated."""
        return 1 + max((_field_depth(f) for f in self.result), default=0)

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


def _field_depth(f: Field) -> int:
    if f.type == "object":
        return 1 + max((_field_depth(c) for c in f.fields), default=0)
    if f.type in ("list", "map") and f.items is not None:
        return 1 + _field_depth(f.items)
    return 0


def obj(name: str, *fields: Field, nullable: bool = False) -> Field:
    return Field(name, "object", nullable=nullable, fields=fields)


def listof(name: str, item: Field) -> Field:
    return Field(name, "list", items=item)


def scalar(name: str, kind: str, nullable: bool = False, choices: tuple[str, ...] = ()) -> Field:
    return Field(name, kind, nullable=nullable, choices=choices)


def object_shapes(fields: tuple[Field, ...]) -> list[frozenset[str]]:
    """The key sets of every object in a result: the top level first, then nested ones."""
    shapes = [frozenset(f.name for f in fields)]
    for f in fields:
        node = f.items if f.type in ("list", "map") else f
        while node is not None and node.type in ("list", "map"):
            node = node.items
        if node is not None and node.type == "object":
            shapes.extend(object_shapes(node.fields))
    return shapes


# ---------------------------------------------------------------------------------------------
# Shapes shared by several helpers
# ---------------------------------------------------------------------------------------------

SCHEDULER = obj(
    "scheduler",
    scalar("allowed_sync_cycle_interval_seconds", "seconds"),
    scalar("currently_effective_sync_cycle_interval_seconds", "seconds"),
    scalar("customized_sync_cycle_interval_seconds", "seconds", nullable=True),
    scalar("next_sync_cycle_policy_type", "enum", choices=("Unspecified", "Delta", "Initial")),
    scalar("next_sync_cycle_start_at", "datetime", nullable=True),
    scalar("purge_run_history_interval_seconds", "seconds"),
    scalar("sync_cycle_enabled", "bool"),
    scalar("maintenance_enabled", "bool"),
    scalar("staging_mode_enabled", "bool"),
    scalar("scheduler_suspended", "bool"),
    scalar("sync_cycle_in_progress", "bool"),
    nullable=True,
)

CONNECTOR_OVERRIDE = obj(
    "override",
    scalar("full_import_required", "bool"),
    scalar("full_sync_required", "bool"),
    nullable=True,
)

CONNECTOR = obj(
    "connector",
    scalar("name", "str"),
    scalar("identifier", "str"),
    scalar("type", "str"),
    scalar("subtype", "str", nullable=True),
    listof("partitions", obj("partition", scalar("name", "str"), scalar("selected", "bool"))),
    listof("run_profiles", scalar("run_profile", "str")),
)

RUN = obj(
    "run",
    scalar("run_history_id", "str"),
    scalar("connector_name", "str"),
    scalar("run_profile_name", "str"),
    scalar("run_number", "int"),
    scalar("result", "str"),
    scalar("is_run_complete", "bool"),
    scalar("started_at", "datetime", nullable=True),
    scalar("ended_at", "datetime", nullable=True),
)

STATISTICS = obj(
    "statistics",
    scalar("export_add_count", "int"),
    scalar("export_update_count", "int"),
    scalar("export_delete_count", "int"),
    scalar("import_add_count", "int"),
    scalar("import_update_count", "int"),
    scalar("import_delete_count", "int"),
    scalar("import_no_change_count", "int"),
    scalar("total_connector_count", "int"),
    nullable=True,
)

ARCHIVE_FIELDS = (
    scalar("temp_path", "str"),
    scalar("archive_path", "str"),
    scalar("archive_sha256", "str"),
    scalar("archive_size", "int"),
    listof("files", scalar("file", "str")),
    # EntraConnect-* temp folders of helpers that died, removed before this one made its own.
    listof("removed_stale_temp", scalar("folder", "str")),
)

_GLOBAL_SETTINGS_READ = (
    "Reads the global settings parameters (staging flag Microsoft.Synchronize.StagingMode, "
    "Microsoft.OptionalFeature.ExportDeletionThreshold/Value, PasswordWriteback, AutoUpgradeState, "
    "ServerConfigurationVersion). Microsoft's ADSyncDiagnostics scripts read them the same way; the "
    "documented Get-ADSyncExportDeletionThreshold needs tenant credentials."
)
_CONNECTOR_READ = (
    "Lists connectors, their partitions and run profiles: the ADSync reference uses it without a "
    "section of its own and there is no documented alternative."
)

_RUN_STATUS_READ = "Busy connectors; the scheduler documentation polls it to wait for an idle engine."
_TOOLS_STAGING = (
    "Microsoft's workaround for servers too old to switch staging in the wizard after the MSOnline "
    "retirement; used only there or when asked (method=adsynctools)."
)

#: Get-EntraConnectServerState engine_state: the ADSync engine was read; its service exists but is
#: not running (ADSync cmdlets throw, so the engine's state is unknown); there is no sync engine.
ENGINE_STATES = ("read", "service_stopped", "absent")
#: Get-ADSyncEntraConnectorCredential ConnectorIdentityType (2.5.x, authenticate-application-id.md).
ENTRA_CREDENTIAL_TYPES = ("ServiceAccount", "Application")

HELPERS: tuple[Helper, ...] = (
    Helper(
        name="Get-EntraConnectServerState",
        description=(
            "Everything server_info reports, in one round trip: binaries installed (the wizard's "
            "WizardPath registry value), sync engine configured (ADSync service and connectors), "
            "versions, service, database, scheduler, global parameters, connectors with statistics "
            "and scheduler overrides, busy connectors, recent runs, ADSyncTools staging cmdlets."
        ),
        mutates=False,
        params=(Param("RunHistoryCount", "int"),),
        undocumented={
            "Get-ADSyncGlobalSettings": _GLOBAL_SETTINGS_READ,
            "Get-ADSyncConnector": _CONNECTOR_READ,
            "Get-ADSyncConnectorStatistics": (
                "Connector object counts per connector; Microsoft support uses it and no documented "
                "cmdlet returns them."
            ),
            "Get-ADSyncConnectorRunStatus": _RUN_STATUS_READ,
        },
        result=(
            scalar("computer_name", "str"),
            scalar("collected_at", "datetime"),
            scalar("installed", "bool"),
            # None while the ADSync service is not running: unknown, never "not configured".
            scalar("configured", "bool", nullable=True),
            scalar("engine_state", "enum", choices=ENGINE_STATES),
            scalar("product_version", "str", nullable=True),
            scalar("engine_version", "str", nullable=True),
            scalar("install_path", "str", nullable=True),
            obj(
                "service",
                scalar("account", "str", nullable=True),
                scalar("state", "str"),
                scalar("start_mode", "str"),
                nullable=True,
            ),
            obj(
                "database",
                scalar("local_db", "bool"),
                scalar("server", "str", nullable=True),
                scalar("instance", "str", nullable=True),
                scalar("name", "str", nullable=True),
                scalar("used_space_mb", "float", nullable=True),
                nullable=True,
            ),
            SCHEDULER,
            Field("global_parameters", "map", items=scalar("value", "str", nullable=True)),
            listof(
                "connectors",
                obj(
                    "connector",
                    *CONNECTOR.fields,
                    STATISTICS,
                    CONNECTOR_OVERRIDE,
                ),
            ),
            listof("busy_connectors", scalar("connector_name", "str")),
            scalar("auto_upgrade_state", "enum", nullable=True, choices=("Enabled", "Suspended", "Disabled")),
            scalar("entra_credential_type", "enum", nullable=True, choices=ENTRA_CREDENTIAL_TYPES),
            scalar("wizard_running", "bool"),
            listof("runs", RUN),
            scalar("adsynctools_staging_available", "bool"),
        ),
    ),
    Helper(
        name="Get-EntraConnectSyncStatus",
        description="The scheduler and the busy connectors: the short read that waits poll.",
        mutates=False,
        undocumented={
            "Get-ADSyncConnectorRunStatus": _RUN_STATUS_READ,
            "Get-ADSyncGlobalSettings": _GLOBAL_SETTINGS_READ,
        },
        result=(
            SCHEDULER,
            listof("busy_connectors", scalar("connector_name", "str")),
            scalar("staging_mode_global_setting", "str", nullable=True),
        ),
    ),
    Helper(
        name="Get-EntraConnectRunHistory",
        description="The newest run profile results, newest first.",
        mutates=False,
        params=(Param("NumberRequested", "int"),),
        result=(listof("runs", RUN),),
    ),
    Helper(
        name="Get-EntraConnectConnectorList",
        description="Connectors with their partitions and run profile names.",
        mutates=False,
        undocumented={"Get-ADSyncConnector": _CONNECTOR_READ},
        result=(listof("connectors", CONNECTOR),),
    ),
    Helper(
        name="Set-EntraConnectStagingMode",
        description=(
            "Writes the global setting Microsoft.Synchronize.StagingMode ('True' or 'False'). The "
            "caller reads StagingModeEnabled back; this helper only writes."
        ),
        mutates=True,
        params=(Param("Enabled", "bool"),),
        undocumented={
            "Get-ADSyncGlobalSettings": "Set-ADSyncGlobalSettings takes the whole settings object read first.",
            "Set-ADSyncGlobalSettings": (
                "The only non-wizard way to switch staging mode on current 2.x servers "
                "(Set-ADSyncScheduler has no staging parameter); the module documents Microsoft's "
                "support position."
            ),
        },
        result=(scalar("previous_value", "str", nullable=True), scalar("value", "str")),
    ),
    Helper(
        name="Enable-EntraConnectToolsStagingMode",
        description="Runs ADSyncTools Enable-ADSyncToolsStagingMode (old servers only).",
        mutates=True,
        undocumented={"Enable-ADSyncToolsStagingMode": _TOOLS_STAGING},
        result=(scalar("command", "str"),),
    ),
    Helper(
        name="Disable-EntraConnectToolsStagingMode",
        description="Runs ADSyncTools Disable-ADSyncToolsStagingMode (old servers only).",
        mutates=True,
        undocumented={"Disable-ADSyncToolsStagingMode": _TOOLS_STAGING},
        result=(scalar("command", "str"),),
    ),
    Helper(
        name="Start-EntraConnectSyncCycle",
        description="Starts a scheduler sync cycle (asynchronous; the caller polls for the end).",
        mutates=True,
        params=(Param("PolicyType", "str", choices=("Delta", "Initial")),),
        result=(scalar("result", "str"),),
    ),
    Helper(
        name="Invoke-EntraConnectRunProfile",
        description=(
            "Runs one run profile on one connector; Invoke-ADSyncRunProfile returns when the "
            "connector completes. The caller reads the result from the run history."
        ),
        mutates=True,
        params=(Param("ConnectorName", "str"), Param("RunProfileName", "str")),
        result=(scalar("connector_name", "str"), scalar("run_profile_name", "str")),
    ),
    Helper(
        name="Set-EntraConnectScheduler",
        description="Sets the settable scheduler fields that are given, one Set-ADSyncScheduler call each.",
        mutates=True,
        params=(
            Param("SyncCycleEnabled", "bool", required=False),
            Param("MaintenanceEnabled", "bool", required=False),
            Param("NextSyncCyclePolicyType", "str", required=False, choices=("Delta", "Initial")),
            Param("CustomizedSyncCycleIntervalSeconds", "int", required=False),
            Param("PurgeRunHistoryIntervalSeconds", "int", required=False),
        ),
        result=(listof("fields", scalar("field", "str")),),
    ),
    Helper(
        name="Set-EntraConnectSchedulerConnectorOverride",
        description="Sets the full import / full sync flags of one connector for the next cycle.",
        mutates=True,
        params=(
            Param("ConnectorName", "str"),
            Param("FullImportRequired", "bool"),
            Param("FullSyncRequired", "bool"),
        ),
        result=(
            scalar("connector_name", "str"),
            scalar("full_import_required", "bool"),
            scalar("full_sync_required", "bool"),
        ),
    ),
    Helper(
        name="Set-EntraConnectAutoUpgrade",
        description="Sets automatic upgrade to Enabled or Disabled (the only settable states).",
        mutates=True,
        params=(Param("State", "str", choices=("Enabled", "Disabled")),),
        result=(scalar("state", "str"),),
    ),
    Helper(
        name="Export-EntraConnectServerConfiguration",
        description=(
            "Writes Get-ADSyncServerConfiguration output and the newest Applied-/Exported-"
            "SynchronizationPolicy JSON files into a new temp folder, compresses it and hashes the "
            "archive. Server state is unchanged; the caller fetches the archive and removes the folder."
        ),
        mutates=False,
        undocumented={
            "Get-ADSyncServerConfiguration": (
                "The server configuration tree; Microsoft's MigrateSettings.ps1 and the Configuration "
                "Documenter use it and no documented cmdlet exports it."
            ),
            "Get-ADSyncGlobalSettings": _GLOBAL_SETTINGS_READ,
        },
        result=(
            *ARCHIVE_FIELDS,
            scalar("product_version", "str", nullable=True),
            scalar("staging_mode_enabled", "bool"),
            scalar("exported_at", "datetime"),
        ),
    ),
    Helper(
        name="Export-EntraConnectConnectorSpace",
        description=(
            "Runs csexport.exe for one connector and filter into a new temp folder, compresses it "
            "and hashes the archive. Read-only; the caller fetches and removes the folder."
        ),
        mutates=False,
        params=(Param("ConnectorName", "str"), Param("Filter", "str", choices=("x", "m", "e", "i", "s"))),
        result=(*ARCHIVE_FIELDS, scalar("output", "str")),
    ),
    Helper(
        name="Remove-EntraConnectTempFolder",
        description=(
            "Removes a temp folder an Export- helper created (refuses any other path). Server "
            "state is unchanged, so it also runs in check mode."
        ),
        mutates=False,
        params=(Param("Path", "str"),),
        result=(scalar("path", "str"), scalar("removed", "bool")),
    ),
)

HELPERS += (
    Helper(
        name="Get-EntraConnectPrerequisites",
        description=(
            "The facts Microsoft's installation prerequisites depend on: operating system build and "
            "installation type, PowerShell and .NET Framework versions, the TLS 1.2 registry values of "
            "the TLS enforcement page, domain membership, free space on the system drive and pending "
            "reboots. Python judges them."
        ),
        mutates=False,
        result=(
            scalar("os_caption", "str"),
            scalar("os_build", "int"),
            scalar("installation_type", "str"),
            scalar("powershell_version", "str"),
            scalar("dotnet_release", "int", nullable=True),
            Field("tls12_registry", "map", items=scalar("value", "int", nullable=True)),
            scalar("domain_joined", "bool"),
            scalar("domain", "str"),
            scalar("system_drive_free_mb", "int"),
            listof("pending_reboot_reasons", scalar("reason", "str")),
        ),
    ),
    Helper(
        name="Get-EntraConnectFileHash",
        description="Whether a file exists on the server, with its SHA-256 and size (installer and settings checks).",
        mutates=False,
        params=(Param("Path", "str"),),
        result=(
            scalar("path", "str"),
            scalar("exists", "bool"),
            scalar("sha256", "str", nullable=True),
            scalar("size", "int", nullable=True),
        ),
    ),
)

# ---------------------------------------------------------------------------------------------
# Sync rules (issue 17): read every rule; upsert one; set Disabled/Precedence; remove one
# ---------------------------------------------------------------------------------------------

_RULE_CMDLETS = (
    "the rule cmdlets are how Microsoft moves custom rules between servers: the Rules Editor's exported "
    "scripts, the Configuration Documenter and the 2025 group-writeback migration (reference section 0)"
)
SCOPE_CONDITION = obj(
    "scope_condition",
    scalar("attribute", "str"),
    scalar("operator", "str"),
    scalar("value", "str", nullable=True),
)
JOIN_CONDITION = obj(
    "join_condition",
    scalar("cs_attribute", "str"),
    scalar("mv_attribute", "str"),
    scalar("case_sensitive", "bool"),
)
ATTRIBUTE_FLOW = obj(
    "attribute_flow",
    scalar("destination", "str"),
    scalar("flow_type", "enum", choices=("Direct", "Constant", "Expression")),
    listof("source", scalar("attribute", "str")),
    scalar("expression", "str", nullable=True),
    scalar("merge_type", "enum", choices=("Update", "Replace", "MergeCaseInsensitive", "Merge")),
    scalar("execute_once", "bool"),
)
SYNC_RULE = obj(
    "rule",
    scalar("identifier", "str"),
    scalar("name", "str"),
    scalar("description", "str", nullable=True),
    scalar("connector_id", "str"),
    scalar("connector_name", "str", nullable=True),
    scalar("direction", "enum", choices=("Inbound", "Outbound")),
    scalar("precedence", "int"),
    scalar("disabled", "bool"),
    scalar("immutable_tag", "str", nullable=True),
    scalar("is_standard_rule", "bool"),
    scalar("source_object_type", "str"),
    scalar("target_object_type", "str"),
    scalar("link_type", "enum", choices=("Provision", "StickyJoin", "Join", "JoinNoFlow")),
    scalar("soft_delete_expiry_seconds", "seconds"),
    scalar("enable_password_sync", "bool"),
    listof("scope_groups", obj("scope_group", listof("conditions", SCOPE_CONDITION))),
    listof("join_groups", obj("join_group", listof("conditions", JOIN_CONDITION))),
    listof("attribute_flows", ATTRIBUTE_FLOW),
)
RULE_WARNINGS = listof("warnings", scalar("warning", "str"))

HELPERS += (
    Helper(
        name="Get-EntraConnectSyncRules",
        description=(
            "Every sync rule (Get-ADSyncRule) with its scope and join condition groups and attribute "
            "flows, each rule's connector GUID resolved to the connector's name (Get-ADSyncConnector)."
        ),
        mutates=False,
        undocumented={
            "Get-ADSyncRule": "The only way to read sync rules; " + _RULE_CMDLETS + ".",
            "Get-ADSyncConnector": _CONNECTOR_READ,
        },
        result=(listof("rules", SYNC_RULE),),
    ),
    Helper(
        name="Set-EntraConnectSyncRule",
        description=(
            "Creates or replaces one custom rule in the documented script shape: New-ADSyncRule, "
            "Add-ADSyncAttributeFlowMapping, Add-ADSyncScopeConditionGroup, Add-ADSyncJoinConditionGroup, "
            "Add-ADSyncRule (an upsert: an existing Identifier is updated in place). RuleJson is the rule "
            "document's rule with its groups as {conditions: [...]} objects; ConnectorId is this server's "
            "GUID of the rule's connector. Returns Add-ADSyncRule's warnings (the full sync it flags)."
        ),
        mutates=True,
        params=(Param("RuleJson", "str"), Param("ConnectorId", "str"), Param("Identifier", "str", required=False)),
        undocumented={
            "New-ADSyncRule": "Builds the rule in memory; " + _RULE_CMDLETS + ".",
            "Add-ADSyncAttributeFlowMapping": "Adds each attribute flow in memory; " + _RULE_CMDLETS + ".",
            "Add-ADSyncScopeConditionGroup": "Adds each scope group in memory; " + _RULE_CMDLETS + ".",
            "Add-ADSyncJoinConditionGroup": "Adds each join group in memory; " + _RULE_CMDLETS + ".",
            "Add-ADSyncRule": "Writes the rule to the server; " + _RULE_CMDLETS + ".",
        },
        result=(
            scalar("identifier", "str"),
            scalar("name", "str"),
            scalar("connector_id", "str"),
            RULE_WARNINGS,
        ),
    ),
    Helper(
        name="Set-EntraConnectSyncRuleState",
        description=(
            "Sets Disabled and/or Precedence of one existing rule the way Microsoft's scripts do: "
            "Get-ADSyncRule -Identifier, set the property, Add-ADSyncRule."
        ),
        mutates=True,
        params=(
            Param("Identifier", "str"),
            Param("Disabled", "bool", required=False),
            Param("Precedence", "int", required=False),
        ),
        undocumented={
            "Get-ADSyncRule": "Reads the rule to change by its Identifier; " + _RULE_CMDLETS + ".",
            "Add-ADSyncRule": "Writes the changed rule back (an upsert); " + _RULE_CMDLETS + ".",
        },
        result=(
            scalar("identifier", "str"),
            scalar("name", "str"),
            scalar("disabled", "bool"),
            scalar("precedence", "int"),
            RULE_WARNINGS,
        ),
    ),
    Helper(
        name="Remove-EntraConnectSyncRule",
        description="Removes one custom rule by its Identifier (Remove-ADSyncRule -Identifier).",
        mutates=True,
        params=(Param("Identifier", "str"),),
        undocumented={"Remove-ADSyncRule": "Removes a custom rule; " + _RULE_CMDLETS + "."},
        result=(scalar("identifier", "str"), scalar("removed", "bool")),
    ),
)

_RECORD_NAME = (
    "Name: lower-case letters, digits and '_'; the file is C:\\ProgramData\\hybrid_identity.entra_connect\\<Name>.json."
)

#: The collection's own records on the servers (``_records.py``): plain files, no ADSync cmdlet.
HELPERS += (
    Helper(
        name="Get-EntraConnectRecord",
        description="Reads one of the collection's records (the text of its file, or none). " + _RECORD_NAME,
        mutates=False,
        params=(Param("Name", "str"),),
        result=(scalar("path", "str"), scalar("exists", "bool"), scalar("content", "str", nullable=True)),
    ),
    Helper(
        name="Set-EntraConnectRecord",
        description=(
            "Compare-and-swap of one record: under an exclusive lock of the file, writes Content only when "
            "the file holds exactly ExpectedContent (empty: no file). Returns the text the file holds "
            "afterwards. " + _RECORD_NAME
        ),
        mutates=True,
        params=(Param("Name", "str"), Param("Content", "str"), Param("ExpectedContent", "str", required=False)),
        result=(scalar("path", "str"), scalar("written", "bool"), scalar("content", "str", nullable=True)),
    ),
    Helper(
        name="Remove-EntraConnectRecord",
        description=(
            "Removes one record, only when the file holds exactly ExpectedContent (the same lock as "
            "Set-EntraConnectRecord). " + _RECORD_NAME
        ),
        mutates=True,
        params=(Param("Name", "str"), Param("ExpectedContent", "str")),
        result=(scalar("path", "str"), scalar("removed", "bool"), scalar("content", "str", nullable=True)),
    ),
)

#: Functions in the helper file that are not helpers: shared conversions used by helpers.
PRIVATE_FUNCTIONS = (
    "Get-EntraConnectRecordPath",
    "Lock-EntraConnectRecord",
    "ConvertTo-EntraConnectUtcString",
    "Get-EntraConnectRegistryValues",
    "Get-EntraConnectSyncService",
    "Get-EntraConnectWriteError",
    "Import-EntraConnectADSync",
    "New-EntraConnectArchive",
    "Remove-EntraConnectStaleTempFolder",
    "ConvertTo-EntraConnectSchedulerResult",
    "ConvertTo-EntraConnectRunResult",
    "ConvertTo-EntraConnectConnectorResult",
    "ConvertTo-EntraConnectSyncRuleResult",
)

BY_NAME: dict[str, Helper] = {h.name: h for h in HELPERS}
BY_SNAKE_NAME: dict[str, Helper] = {h.snake_name: h for h in HELPERS}


def helper(name: str) -> Helper:
    """The helper called ``name`` (PowerShell or snake_case name)."""
    found = BY_NAME.get(name) or BY_SNAKE_NAME.get(name)
    if found is None:
        raise ContractError(f"No helper named '{name}' in the contract")
    return found


def validate_params(h: Helper, params: dict[str, Any]) -> dict[str, Any]:
    """Check the parameters a caller passes to a helper (a programming error if they are wrong)."""
    known = {p.name: p for p in h.params}
    unknown = sorted(set(params) - set(known))
    missing = sorted(p.name for p in h.params if p.required and params.get(p.name) is None)
    problems = [f"unknown parameter {n}" for n in unknown] + [f"missing parameter {n}" for n in missing]
    for name, value in params.items():
        p = known.get(name)
        if p is None or value is None:
            continue
        expected = {"str": str, "int": int, "bool": bool}[p.type]
        if not isinstance(value, expected) or (p.type == "int" and isinstance(value, bool)):
            problems.append(f"parameter {name} must be {p.type}, got {type(value).__name__}")
        elif p.choices and value not in p.choices:
            problems.append(f"parameter {name} must be one of {', '.join(p.choices)}, got {value!r}")
    if problems:
        raise ContractError(f"Call of helper {h.name}: " + "; ".join(problems))
    return {k: v for k, v in params.items() if v is not None}


def validate_result(h: Helper, value: Any) -> dict[str, Any]:
    """Return ``value`` if it matches the helper's result shape, else raise :class:`ContractError`."""
    _check_object(h.name, "", h.result, value)
    return value


def _fail(helper_name: str, path: str, problem: str) -> None:
    where = f"field '{path}'" if path else "the result"
    raise ContractError(
        f"Helper {helper_name} returned an unexpected result: {where} {problem}. The server's "
        "ADSync version may not be supported; run server_info and report the output."
    )


def _check_object(helper_name: str, path: str, fields: tuple[Field, ...], value: Any) -> None:
    if not isinstance(value, dict):
        _fail(helper_name, path, f"must be an object, got {_kind(value)}")
    expected = {f.name for f in fields}
    missing = sorted(expected - set(value))
    extra = sorted(set(value) - expected)
    if missing:
        _fail(helper_name, _join(path, missing[0]), "is missing")
    if extra:
        _fail(helper_name, _join(path, extra[0]), "is not in the contract")
    for f in fields:
        _check_field(helper_name, _join(path, f.name), f, value[f.name])


def _check_field(helper_name: str, path: str, f: Field, value: Any) -> None:
    if value is None:
        if not f.nullable:
            _fail(helper_name, path, "must not be null")
        return
    if f.type == "object":
        _check_object(helper_name, path, f.fields, value)
    elif f.type == "list":
        if not isinstance(value, list):
            _fail(helper_name, path, f"must be a list, got {_kind(value)}")
        for index, item in enumerate(value):
            _check_field(helper_name, f"{path}[{index}]", f.items, item)
    elif f.type == "map":
        if not isinstance(value, dict):
            _fail(helper_name, path, f"must be an object, got {_kind(value)}")
        for key, item in value.items():
            _check_field(helper_name, f"{path}[{key!r}]", f.items, item)
    else:
        problem = _scalar_problem(f, value)
        if problem:
            _fail(helper_name, path, problem)


def _scalar_problem(f: Field, value: Any) -> str | None:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if f.type in ("str", "enum"):
        if not isinstance(value, str):
            return f"must be a string, got {_kind(value)}"
        if f.choices and value not in f.choices:
            return f"must be one of {', '.join(f.choices)}, got {value!r}"
    elif f.type == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            return f"must be an integer, got {_kind(value)}"
    elif f.type in ("float", "seconds"):
        if not number:
            return f"must be a number, got {_kind(value)}"
    elif f.type == "bool":
        if not isinstance(value, bool):
            return f"must be a boolean, got {_kind(value)}"
    elif f.type == "datetime" and (not isinstance(value, str) or not _ISO_UTC.match(value)):
        return f"must be an ISO 8601 UTC time, got {value!r}"
    return None


def _kind(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"[:80]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
