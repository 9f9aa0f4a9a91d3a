# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules as a PowerShell script in the Rules Editor's shape. For internal collection use only.

Pure Python. The script is what Microsoft tells admins to keep ("use the sync rule editor to
generate PowerShell scripts to move any custom rule between servers" [FAQ]; "Export them from the
Rules Editor as PowerShell for DR" [BP]) in the shape of the Configuration Documenter's generated
scripts (SyncRuleDocumenter.cs) and Microsoft's group-writeback migration [MGW]:
``New-ADSyncRule ... -OutVariable syncRule``, ``Add-ADSyncAttributeFlowMapping``,
``Add-ADSyncScopeConditionGroup``, ``Add-ADSyncJoinConditionGroup``, ``Add-ADSyncRule``, with the
conditions built by ``New-Object ...ObjectModel.ScopeCondition/JoinCondition`` as Microsoft does.

One difference makes it restorable on any server: the connector is looked up **by name** when the
script runs (``Get-ADSyncConnector``), never pasted as a GUID - the step [UPG] asks admins to do
by hand. A rule of the same name on that connector is updated in place (its Identifier is kept;
``Add-ADSyncRule`` is an upsert). Standard rules are only enabled or disabled
(``Get-ADSyncRule``, set ``Disabled``, ``Add-ADSyncRule``).
"""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._model import DesiredRules, Rule

EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
SCOPE_CONDITION = "Microsoft.IdentityManagement.PowerShell.ObjectModel.ScopeCondition"
JOIN_CONDITION = "Microsoft.IdentityManagement.PowerShell.ObjectModel.JoinCondition"


def ps_string(value: str) -> str:
    """A PowerShell single-quoted string (no expansion; a quote is doubled)."""
    return "'" + str(value).replace("'", "''").replace("\u2019", "\u2019\u2019").replace("\u2018", "\u2018\u2018") + "'"


def _connector_lookup(connector: str, variable: str) -> list[str]:
    return [
        f"${variable} = Get-ADSyncConnector | Where-Object -FilterScript {{ $_.Name -eq {ps_string(connector)} }}",
        f"if (-not ${variable}) {{ throw {ps_string(f'Connector {connector!r} is not a connector of this server')} }}",
    ]


def _rule_lines(rule: Rule, index: int) -> list[str]:
    connector = f"connector{index}"
    lines = [f"# Custom rule {rule.name!r} on connector {rule.connector!r}"]
    lines += _connector_lookup(rule.connector, connector)
    lines.append(
        f"$existing = Get-ADSyncRule | Where-Object -FilterScript {{ $_.Name -eq {ps_string(rule.name)} "
        f"-and $_.Connector -eq ${connector}.Identifier }}"
    )
    lines.append("$identifier = [Guid]::NewGuid()")
    lines.append("if ($existing) { $identifier = $existing.Identifier }")
    new_rule = [
        "New-ADSyncRule `",
        f"    -Name {ps_string(rule.name)} `",
        "    -Identifier $identifier `",
        f"    -Description {ps_string(rule.description)} `",
        f"    -Direction {ps_string(rule.direction)} `",
        f"    -Precedence {int(rule.precedence)} `",
        f"    -PrecedenceAfter {ps_string(EMPTY_GUID)} `",
        f"    -PrecedenceBefore {ps_string(EMPTY_GUID)} `",
        f"    -SourceObjectType {ps_string(rule.source_object_type)} `",
        f"    -TargetObjectType {ps_string(rule.target_object_type)} `",
        f"    -Connector ${connector}.Identifier `",
        f"    -LinkType {ps_string(rule.link_type)} `",
        f"    -SoftDeleteExpiryInterval ([TimeSpan]::FromSeconds({int(rule.soft_delete_expiry_seconds)})) `",
        "    -ImmutableTag '' `",
    ]
    if rule.enable_password_sync:
        new_rule.append("    -EnablePasswordSync `")
    if rule.disabled:
        new_rule.append("    -Disabled `")
    new_rule.append("    -OutVariable syncRule | Out-Null")
    lines += new_rule
    for flow in rule.attribute_flows:
        call = ["Add-ADSyncAttributeFlowMapping `", "    -SynchronizationRule $syncRule[0] `"]
        if flow.flow_type != "Expression":
            call.append(f"    -Source @({', '.join(ps_string(s) for s in flow.source)}) `")
        call += [
            f"    -Destination {ps_string(flow.destination)} `",
            f"    -FlowType {ps_string(flow.flow_type)} `",
            f"    -ValueMergeType {ps_string(flow.merge_type)} `",
        ]
        if flow.expression:
            call.append(f"    -Expression {ps_string(flow.expression)} `")
        if flow.execute_once:
            call.append("    -ExecuteOnce `")
        call.append("    -OutVariable syncRule | Out-Null")
        lines += call
    for group in rule.scope_groups:
        names = []
        for ci, condition in enumerate(group):
            names.append(f"$condition{ci}[0]")
            lines.append(
                f"New-Object -TypeName {ps_string(SCOPE_CONDITION)} -ArgumentList "
                f"{ps_string(condition.attribute)}, {ps_string(condition.value)}, {ps_string(condition.operator)} "
                f"-OutVariable condition{ci} | Out-Null"
            )
        lines.append(
            f"Add-ADSyncScopeConditionGroup -SynchronizationRule $syncRule[0] -ScopeConditions @({', '.join(names)}) "
            "-OutVariable syncRule | Out-Null"
        )
    for group in rule.join_groups:
        names = []
        for ci, condition in enumerate(group):
            names.append(f"$condition{ci}[0]")
            flag = "$true" if condition.case_sensitive else "$false"
            lines.append(
                f"New-Object -TypeName {ps_string(JOIN_CONDITION)} -ArgumentList "
                f"{ps_string(condition.cs_attribute)}, {ps_string(condition.mv_attribute)}, {flag} "
                f"-OutVariable condition{ci} | Out-Null"
            )
        lines.append(
            f"Add-ADSyncJoinConditionGroup -SynchronizationRule $syncRule[0] -JoinConditions @({', '.join(names)}) "
            "-OutVariable syncRule | Out-Null"
        )
    lines.append("Add-ADSyncRule -SynchronizationRule $syncRule[0] | Out-Null")
    return lines


def to_powershell(desired: DesiredRules, generated_from: str = "") -> str:
    """The whole rules document as one script to run in an elevated PowerShell on the target server."""
    lines = [
        "# Sync rules in the Synchronization Rules Editor's script shape, written by hybrid_identity.entra_connect.",
        f"# Source: {generated_from}" if generated_from else "# Source: rules as data",
        "# Run it in an elevated Windows PowerShell on the Entra Connect server to restore these rules.",
        "# Connectors are resolved by name on the server that runs it; a rule of the same name on that",
        "# connector is updated in place. Add-ADSyncRule flags the connector for a full sync on the next",
        "# scheduled cycle. The rule cmdlets ignore -WhatIf: read the script before running it.",
        "#Requires -RunAsAdministrator",
        "$ErrorActionPreference = 'Stop'",
        "$ConfirmPreference = 'None'",
        "Import-Module -Name ADSync",
        "",
    ]
    for index, rule in enumerate(desired.rules):
        lines += _rule_lines(rule, index)
        lines.append("")
    for index, state in enumerate(desired.standard_rules):
        variable = f"standardConnector{index}"
        lines.append(f"# Standard rule {state.name!r} on connector {state.connector!r}: only its disabled state")
        lines += _connector_lookup(state.connector, variable)
        lines.append(
            f"$syncRule = Get-ADSyncRule | Where-Object -FilterScript {{ $_.Name -eq {ps_string(state.name)} "
            f"-and $_.Connector -eq ${variable}.Identifier }}"
        )
        flag = "$true" if state.disabled else "$false"
        lines.append(f"if ($syncRule -and $syncRule.Disabled -ne {flag}) {{")
        lines.append(f"    $syncRule.Disabled = {flag}")
        lines.append("    Add-ADSyncRule -SynchronizationRule $syncRule | Out-Null")
        lines.append("}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
