"""Inputs the comparison must refuse clearly, and settings JSON files it must read."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest
from contoso_export import DATA

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig import (
    compare_configurations,
)


def test_missing_folder_names_the_path(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(InputError, match=rf"^{missing}: no such file or folder$"):
        compare_configurations(str(DATA), str(missing))


def test_folder_without_the_three_subfolders(tmp_path):
    (tmp_path / "Connectors").mkdir()
    (tmp_path / "Connectors" / "a.xml").write_text("<ma-data/>")
    with pytest.raises(InputError, match=r"not a Get-ADSyncServerConfiguration export: expected the folders"):
        compare_configurations(str(DATA), str(tmp_path))


def test_invalid_xml_names_the_file_and_line(make_export):
    export = make_export("broken")
    (export.root / "GlobalSettings" / "MV.xml").write_text("<saved-mv-configuration>\n<mv-data>\n</oops>")
    with pytest.raises(InputError, match=r"GlobalSettings/MV\.xml: line 3 is not well-formed XML"):
        compare_configurations(str(DATA), str(export))


def test_entities_are_never_resolved(make_export, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    export = make_export("xxe")
    mv = export.root / "GlobalSettings" / "MV.xml"
    mv.write_text(
        f'<!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>'
        "<saved-mv-configuration><mv-data>&s;</mv-data></saved-mv-configuration>"
    )
    with pytest.raises(InputError, match=r"declares a DTD") as err:
        compare_configurations(str(DATA), str(export))
    assert "TOPSECRET" not in str(err.value)


def test_zip_with_path_traversal_entry_is_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../etc/cron.d/evil", "x")
        zf.writestr("Connectors/a.xml", "<ma-data/>")
    with pytest.raises(InputError, match=r"evil\.zip: unsafe entry '\.\./\.\./etc/cron\.d/evil'"):
        compare_configurations(str(DATA), str(archive))


def test_not_a_zip(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip")
    with pytest.raises(InputError, match=r"bad\.zip: not a readable zip file"):
        compare_configurations(str(DATA), str(bad))


def test_json_that_is_not_a_settings_export(tmp_path):
    bad = tmp_path / "other.json"
    bad.write_text(json.dumps({"hello": "world"}))
    with pytest.raises(InputError, match=r"other\.json: not an Entra Connect settings export"):
        compare_configurations(str(DATA), str(bad))


def test_json_that_is_not_json(tmp_path):
    bad = tmp_path / "Applied-SynchronizationPolicy-1.json"
    bad.write_text("{oops")
    with pytest.raises(InputError, match=r"Applied-SynchronizationPolicy-1\.json: not valid JSON"):
        compare_configurations(str(DATA), str(bad))


def test_unknown_file_kind(tmp_path):
    odd = tmp_path / "config.txt"
    odd.write_text("x")
    with pytest.raises(InputError, match=r"config\.txt: unknown kind of configuration"):
        compare_configurations(str(DATA), str(odd))


def test_rule_referring_to_an_unknown_connector(make_export):
    export = make_export("orphan")
    rel = export.add_rule("Orphan", 10)
    export.edit(rel, lambda root: root.find("connector").__setattr__("text", "{00000000-0000-0000-0000-000000000001}"))
    with pytest.raises(InputError, match=r"refers to connector \{00000000-0000-0000-0000-000000000001\}"):
        compare_configurations(str(DATA), str(export))


def settings_json(tmp_path, inclusions, rules=None):
    data = {
        "policyMetadata": {"type": "migration", "azureADConnectVersion": "1.1.130.0"},
        "deploymentMetadata": {"hostName": "CONTOSO-SYNC01"},
        "onpremisesDirectoryPolicy": [
            {
                "friendlyName": "contoso.com",
                "fullyQualifiedDomainName": "contoso.com",
                "partitionFilters": [
                    {
                        "distinguishedName": "DC=contoso,DC=com",
                        "containerInclusions": inclusions,
                        "containerExclusions": ["DC=contoso,DC=com"],
                    }
                ],
                "customSynchronizationRules": rules or [],
                "standardSynchronizationRules": [],
            }
        ],
        "azureDirectoryPolicy": {"customSynchronizationRules": [], "standardSynchronizationRules": []},
    }
    path = tmp_path / "Applied-SynchronizationPolicy-20261124.json"
    path.write_text(json.dumps(data), encoding="utf-8-sig")
    return str(path)


def test_export_against_settings_json_compares_what_both_carry(tmp_path):
    path = settings_json(tmp_path, ["OU=CORP,DC=contoso,DC=com"])
    result = compare_configurations(str(DATA), path, fail_on=["connector.*", "sync_rule.custom.*"])
    assert "global_settings" in result["summary"]["not_compared"]
    assert "connector.object_types" in result["summary"]["not_compared"]
    # The JSON lists no standard rules in this sample, so those show as standard.removed only.
    assert {d["category"] for d in result["differences"]} == {"sync_rule.standard.removed"}
    assert result["gate"]["passed"] is True


def test_settings_json_missing_an_ou_is_a_partition_difference(tmp_path):
    path = settings_json(tmp_path, [])
    result = compare_configurations(str(DATA), path, ignore=["sync_rule.standard.*"])
    [diff] = result["differences"]
    assert (diff["category"], diff["field"]) == ("connector.partitions", "inclusions")


def test_settings_json_custom_rule_missing_on_export(tmp_path):
    rule = {"name": "In from AD - Custom", "direction": "Inbound", "precedence": 50, "immutableTag": ""}
    path = settings_json(tmp_path, ["OU=CORP,DC=contoso,DC=com"], [rule])
    result = compare_configurations(path, str(DATA), ignore=["sync_rule.standard.*"])
    [diff] = result["differences"]
    assert (diff["category"], diff["object"]) == (
        "sync_rule.custom.removed",
        "Inbound | contoso.com | In from AD - Custom",
    )


def test_folder_holding_one_export_below_it_is_found(tmp_path):
    shutil.copytree(DATA, tmp_path / "Exported-ServerConfiguration-1234")
    assert compare_configurations(str(DATA), str(tmp_path))["differences"] == []
