# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The installer and the import wizard, as the lab performs them. For internal collection use only.

Microsoft supports configuring Entra Connect only in its wizard, so the collection automates
everything around that one operator step. In the lab the operator is emulated: once the settings
file and the instruction file the staging_server role writes are on the server (the lab's
``remote/<host>/import/``), the next read of the server finds it configured from that file, in
staging mode - unless the lab settings say the operator is absent. No file, no configuration.

The import carries the documented limitations of the version being installed, as the one table
in ``build/_limitations.py`` lists them (reference §8): custom rules with a precedence outside the
reserved range are shifted behind the standard rules, device writeback is not applied, and before
1.5.45.0 a disabled custom rule is imported enabled. Synchronized object types, selected attributes
and custom run profiles are not carried either; the lab does not model them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._instructions import (
    IMPORT_FOLDER,
    INSTRUCTIONS_FILE,
    SETTINGS_FILE,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._limitations import (
    DEVICE_WRITEBACK,
    DISABLED_RULES_KEPT_SINCE,
    precedence_reserved,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import engine
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import server as lab
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import require
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.models import LabServer
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import (
    LabSettings,
    parse_version,
)

#: Lab rendering of "rules may shift as standard rules are added": behind the standard rules.
SHIFTED_PRECEDENCE_START = 200


def import_folder(remote_dir: Path) -> Path:
    """The lab path of IMPORT_FOLDER (see LabBackend.local_path)."""
    return remote_dir.joinpath("C", *IMPORT_FOLDER.split("\\")[1:])


def install(server: LabServer, version: str) -> bool:
    """Lay down the binaries at ``version`` (the MSI step); returns whether anything changed.

    On a configured server this is the first half of an in-place upgrade: the sync engine keeps
    running its version until the wizard's upgrade page has run (the operator step).
    """
    if server.installed and server.version == version:
        return False
    server.installed = True
    server.version = version
    # The MSI starts the wizard when it finishes; it stays open until the operator's step.
    server.wizard_open = True
    if server.configured:
        server.upgrade_pending = True
        # The upgrade window: the wizard's upgrade stops the ADSync service while it replaces the
        # sync engine [UPG]; the lab stops it from the MSI on, so every read in the window sees it.
        server.service_state = "Stopped"
    return True


def complete_upgrade(server: LabServer) -> None:
    """The wizard's upgrade page: the engine takes the new version and records full steps."""
    require(
        server.global_parameters is not None and server.version is not None,
        "server.global_parameters is not None and server.version is not None",
    )
    server.engine_version = server.version
    server.global_parameters["Microsoft.Synchronize.ServerConfigurationVersion"] = server.version
    server.upgrade_pending = False
    server.service_state = "Running"
    server.wizard_open = False
    leave_scheduler_off(server)
    server.entra_credential_type = lab.entra_credential_after_upgrade(server.entra_credential_type, server.version)
    # An upgrade records the full import and full sync it needs as scheduler overrides [UPG].
    server.overrides = {
        name: {"full_import_required": True, "full_sync_required": True} for name in server.connector_names()
    }


def still_in_wizard(server: LabServer, settings: LabSettings) -> bool:
    """Whether this read still finds the operator in the wizard (``entra_connect_lab_wizard_reads``)."""
    if server.wizard_reads_left is None:
        server.wizard_reads_left = settings.world.wizard_reads
    server.wizard_reads_left -= 1
    if server.wizard_reads_left > 0:
        return True
    server.wizard_reads_left = None
    return False


def leave_scheduler_off(server: LabServer) -> None:
    """The emulated operator unticks "Start the synchronization process" on the wizard's last page,
    as Microsoft's upgrade guidance has them do to defer the full steps [UPG]: the scheduler stays
    disabled until someone enables it (``Set-ADSyncScheduler -SyncCycleEnabled $true``)."""
    require(server.scheduler is not None, "configured servers have a scheduler")
    server.scheduler.sync_cycle_enabled = False


def imported_rules(policy: dict[str, Any], version: str) -> list[dict[str, Any]]:
    """The custom rules an import creates, in rules-as-data shape, with the documented limitations.

    Lab simplification: a rule is rebuilt from the JSON keys the reference lists (§4.1: name,
    description, direction, precedence, source, target, linkType, scopeFilters as one group,
    attributeMappings as direct flows) and ``disabled``; the lab's JSON has no key for join
    conditions, flow types or expressions, so those are not recreated (sync_rules converges them).
    """
    keeps_disabled = parse_version(version) >= DISABLED_RULES_KEPT_SINCE
    rules = []
    shifted = SHIFTED_PRECEDENCE_START
    for forest in policy.get("onpremisesDirectoryPolicy") or []:
        connector = forest.get("fullyQualifiedDomainName") or forest.get("friendlyName")
        for rule in forest.get("customSynchronizationRules") or []:
            precedence = rule.get("precedence", 50)
            if not precedence_reserved(precedence):
                precedence, shifted = shifted, shifted + 1
            scope = [
                {"attribute": f.get("attribute", ""), "operator": f.get("condition", ""), "value": f.get("value", "")}
                for f in rule.get("scopeFilters") or []
            ]
            rules.append(
                {
                    "name": rule.get("name"),
                    "connector": connector,
                    "description": rule.get("description", ""),
                    "direction": rule.get("direction") or "Inbound",
                    "precedence": precedence,
                    "source_object_type": rule.get("source") or "user",
                    "target_object_type": rule.get("target") or "person",
                    "link_type": rule.get("linkType") or "Join",
                    "disabled": bool(rule.get("disabled")) and keeps_disabled,
                    "scope_groups": [scope] if scope else [],
                    "attribute_flows": [
                        {"destination": m["destination"], "flow_type": "Direct", "source": [m["source"]]}
                        for m in rule.get("attributeMappings") or []
                        if m.get("source") and m.get("destination")
                    ],
                }
            )
    return rules


def read_import(folder: Path) -> dict[str, Any] | None:
    """The settings JSON the role placed, or None when the files are not both there."""
    settings, instructions = folder / SETTINGS_FILE, folder / INSTRUCTIONS_FILE
    if not (settings.is_file() and instructions.is_file()):
        return None
    return json.loads(settings.read_text(encoding="utf-8-sig"))


def operator_step(server: LabServer, settings: LabSettings, world: engine.World, folder: Path) -> bool:
    """Run the import wizard if an operator is present and the files are in place."""
    if settings.world.operator != "present" or not server.installed:
        return False
    if server.configured:
        if server.upgrade_pending and (folder / INSTRUCTIONS_FILE).is_file():
            if still_in_wizard(server, settings):
                return False
            complete_upgrade(server)
            return True
        return False
    policy = read_import(folder)
    if policy is None or still_in_wizard(server, settings):
        return False
    forests = policy.get("onpremisesDirectoryPolicy") or []
    excluded = tuple(
        dn
        for forest in forests
        for partition in forest.get("partitionFilters") or []
        for dn in partition.get("containerExclusions") or []
    )
    lab.configure(
        server,
        settings,
        world,
        staging=True,  # "Staging mode is intentionally enabled by default" on import
        excluded=excluded,
        custom_rules=tuple(imported_rules(policy, str(server.version))),
        first_sync=False,
    )
    server.settings_file = str(folder / SETTINGS_FILE)
    server.wizard_open = False
    leave_scheduler_off(server)
    require(server.global_parameters is not None, "configure() set them")
    server.global_parameters[DEVICE_WRITEBACK] = "False"  # catalogued by the import, not applied
    return True
