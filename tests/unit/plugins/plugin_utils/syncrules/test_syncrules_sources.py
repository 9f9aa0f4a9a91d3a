"""Rules as data from a configuration export, and the Rules Editor's script shape."""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules import load_rules
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._render import (
    ps_string,
    to_powershell,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._sources import (
    rules_from_export,
    timespan_seconds,
)

ROOT = Path(__file__).resolve().parents[5]
sys.path.insert(0, str(ROOT / "tools"))

import helpercheck  # noqa: E402

CONTOSO = ROOT / "plugins" / "plugin_utils" / "lab" / "templates" / "server-configuration"
ACCOUNT_ENABLED = "SynchronizationRules/SynchronizationRule_{0a1f95e3-265a-44fc-ad7c-80e267b05c06}.xml"


@pytest.fixture
def export(tmp_path):
    target = tmp_path / "export"
    shutil.copytree(CONTOSO, target)
    return target


def add_custom_rule(export: Path, name: str, precedence: int, disabled: bool = False) -> None:
    """A custom clone of a standard rule, as the Rules Editor's "Edit" of a standard rule makes one."""
    source = next(
        p
        for p in (export / "SynchronizationRules").iterdir()
        if "<name>In from AD - User AccountEnabled<" in p.read_text()
    )
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"<immutable-tag>[^<]*</immutable-tag>", "<immutable-tag />", text)
    text = re.sub(r"<name>[^<]*</name>", f"<name>{name}</name>", text, count=1)
    text = re.sub(r"<precedence>\d+</precedence>", f"<precedence>{precedence}</precedence>", text)
    text = re.sub(r"<disabled>\w+</disabled>", f"<disabled>{disabled}</disabled>", text)
    (export / "SynchronizationRules" / f"SynchronizationRule_{{{name}}}.xml").write_text(text, encoding="utf-8")


def test_rules_from_export_reads_standard_rule_states_and_custom_rules_in_full(export):
    add_custom_rule(export, "In from AD - User Enabled Custom", 40, disabled=True)
    desired = rules_from_export(str(export))
    assert len(desired.standard_rules) == 62
    assert {s.connector for s in desired.standard_rules} == {"contoso.com", "contoso.onmicrosoft.com - AAD"}
    [custom] = desired.rules
    assert (custom.name, custom.connector, custom.precedence, custom.disabled) == (
        "In from AD - User Enabled Custom",
        "contoso.com",
        40,
        True,
    )
    kinds = {f.destination: f.flow_type for f in custom.attribute_flows}
    assert (kinds["accountEnabled"], kinds["cn"], kinds["domainFQDN"]) == ("Constant", "Direct", "Expression")
    constant = next(f for f in custom.attribute_flows if f.destination == "accountEnabled")
    assert constant.source == ("True",)  # <src>True</src>: the constant's value
    # what the export gives back is a valid rules document
    assert load_rules(desired.to_dict()).rules[0].canonical() == custom.canonical()


def test_rules_from_export_reads_a_zip_too(export, tmp_path):
    add_custom_rule(export, "Zipped", 41)
    archive = tmp_path / "settings.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in export.rglob("*.xml"):
            handle.write(path, "ServerConfiguration/" + str(path.relative_to(export)))
    assert [r.name for r in rules_from_export(str(archive)).rules] == ["Zipped"]


def test_rules_from_export_refuses_a_settings_json_saying_why(tmp_path):
    path = tmp_path / "Applied-SynchronizationPolicy-1.json"
    path.write_text("{}")
    with pytest.raises(InputError, match="carries no join conditions, flow types or expressions"):
        rules_from_export(str(path))


def test_rules_from_export_names_the_file_of_a_rule_on_an_unknown_connector(export):
    add_custom_rule(export, "Orphan", 42)
    (export / "Connectors" / "Connector_{ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d}.xml").unlink()
    with pytest.raises(InputError, match=r"SynchronizationRule_.*refers to connector \{AE4DB4CC"):
        rules_from_export(str(export))


def test_timespan_seconds_reads_days_and_refuses_garbage():
    assert timespan_seconds("1.02:03:04") == 93784
    assert timespan_seconds("00:00:00") == 0
    with pytest.raises(InputError, match="not a time span"):
        timespan_seconds("soon", "rule.xml")


def test_script_is_parseable_powershell_calling_only_catalogued_cmdlets_and_parameters(export):
    add_custom_rule(export, "It's mine", 43, disabled=True)
    desired = rules_from_export(str(export))
    script = to_powershell(desired, "aadc01")
    assert helpercheck.check_script_cmdlets(script.encode("utf-8")) == []
    assert "Get-ADSyncConnector | Where-Object -FilterScript { $_.Name -eq 'contoso.com' }" in script
    assert "-Name 'It''s mine'" in script
    assert script.count("Add-ADSyncRule -SynchronizationRule $syncRule[0]") == 1
    assert "    -Disabled `" in script
    assert "{b891884f" not in script.lower() and "ae4db4cc" not in script.lower()  # no connector GUID pasted


def test_script_check_fails_on_an_invented_parameter():
    bad = b"New-ADSyncRule -Name 'x' -Colour 'blue'\n"
    assert [p.rule for p in helpercheck.check_script_cmdlets(bad)] == ["cmdlets"]


def test_ps_string_doubles_quotes():
    assert ps_string("O'Brien") == "'O''Brien'"
