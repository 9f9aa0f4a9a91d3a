"""Configuration comparison on the real Contoso export and perturbed copies of it.

Every perturbation edits a copy of the Contoso files with lxml (never XML the code under test
wrote), and checks that exactly the expected category is reported at warning or error.
"""

from __future__ import annotations

import uuid

import pytest
from contoso_export import AAD_CONNECTOR, AD_CONNECTOR, DATA, MV, USER_JOIN_RULE
from lxml import etree

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig import (
    compare_configurations,
)

DSML = "{http://www.dsml.org/DSML}"


def significant(result):
    return [d for d in result["differences"] if d["severity"] != "info"]


def only_category(result, category):
    found = significant(result)
    assert found, f"expected a {category} difference, found none"
    assert {d["category"] for d in found} == {category}, found
    return found


def set_text(path, value):
    def change(root):
        root.find(path).text = value

    return change


def param(name, value):
    def change(root):
        for p in root.iterfind("mv-data/parameter-values/parameter"):
            if p.get("name") == name:
                p.text = value
                return
        raise AssertionError(name)

    return change


def test_contoso_against_itself_has_no_differences():
    result = compare_configurations(str(DATA), str(DATA))
    assert result["differences"] == []
    assert result["gate"] == {"passed": True, "violations": []}
    assert result["summary"]["reference"]["sync_rule_count"] == 62
    assert result["summary"]["reference"]["connector_count"] == 2
    assert result["findings"] == {"reference": [], "candidate": []}


def test_contoso_with_every_volatile_field_and_identifier_changed_has_no_differences(pair):
    reference, candidate = pair

    def connector_volatile(root):
        for tag in ("creation-time", "last-modification-time"):
            for e in root.iter(tag):
                e.text = "2026-11-24 01:02:03.456"
        root.find("version").text = "999"
        root.find("internal-version").text = "42"
        for e in root.iter("cookie", "water-mark"):
            e.text = "AAAA" + uuid.uuid4().hex
        for e in root.iter("last-dc"):
            e.text = "OTHER-DC07.contoso.com"
        for e in root.iter("modified-timestamp"):
            e.text = "2026-01-01 00:00:00.000"
        for p in root.iter("parameter"):
            if p.get("name") in ("cookie", "last-dc"):
                p.text = "changed"
            if p.get("name") == "forest-login-user":
                p.text = "MSOL_0123456789ab"
            if p.get("name") == "UserName":
                p.text = "Sync_CONTOSO-SYNC02_abcdef012345@contoso.onmicrosoft.com"
        for e in root.iter("forest-login-user"):
            e.text = "MSOL_0123456789ab"
        # Partition GUIDs, and the run profiles that refer to them.
        for part in root.iterfind("ma-partition-data/partition"):
            old = part.findtext("id").upper()
            new = "{" + str(uuid.uuid4()) + "}"
            part.find("id").text = new
            for ref in root.iterfind("ma-run-data/run-configuration/configuration/step/partition"):
                if ref.text.upper() == old:
                    ref.text = new.upper()
        for run in root.iterfind("ma-run-data/run-configuration"):
            run.find("id").text = "{" + str(uuid.uuid4()) + "}"

    candidate.edit(AD_CONNECTOR, connector_volatile)
    candidate.edit(AAD_CONNECTOR, connector_volatile)

    # A different AD connector GUID (it differs on every server), with the rules that refer to it.
    new_ad_id = "{" + str(uuid.uuid4()).upper() + "}"
    candidate.edit(AD_CONNECTOR, set_text("id", new_ad_id))
    (candidate.root / AD_CONNECTOR).rename(candidate.root / f"Connectors/Connector_{new_ad_id}.xml")
    for path in (candidate.root / "SynchronizationRules").iterdir():
        rel = f"SynchronizationRules/{path.name}"

        def rule_ids(root):
            if root.findtext("connector").upper() == "{AE4DB4CC-B16B-4EB2-ACF5-837CA84E4D7D}":
                root.find("connector").text = new_ad_id.lower()
            new = "{" + str(uuid.uuid4()) + "}"
            root.find("id").text = new
            root.find("internal-id").text = new
            root.find("version").text = "17"
            root.find("precedence-after").text = "{" + str(uuid.uuid4()) + "}"
            root.find("precedence-before").text = "{" + str(uuid.uuid4()) + "}"

        candidate.edit(rel, rule_ids)

    def mv_volatile(root):
        root.set("server", "CONTOSO-SYNC02")
        root.set("export-date", "2026-11-24 03:04:05.678")
        root.find("mv-data/version").text = "1234"

    candidate.edit(MV, mv_volatile)
    result = compare_configurations(str(reference), str(candidate))
    assert result["differences"] == []
    assert result["gate"]["passed"] is True


def test_next_start_time_and_staging_mode_are_info(pair):
    reference, candidate = pair
    candidate.edit(MV, param("Microsoft.Synchronize.NextStartTime", "Wed, 25 Nov 2026 10:00:00 GMT"))
    candidate.edit(MV, param("Microsoft.Synchronize.StagingMode", "True"))
    result = compare_configurations(str(reference), str(candidate))
    assert [(d["category"], d["severity"], d["object"]) for d in result["differences"]] == [
        ("global_setting", "info", "Microsoft.Synchronize.NextStartTime"),
        ("global_setting", "info", "Microsoft.Synchronize.StagingMode"),
    ]
    assert result["gate"]["passed"] is True


def test_global_setting_difference_names_the_parameter(pair):
    reference, candidate = pair
    candidate.edit(MV, param("Microsoft.OptionalFeature.PasswordHashSync", "True"))
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "global_setting")
    assert diff["object"] == "Microsoft.OptionalFeature.PasswordHashSync"
    assert (diff["reference"], diff["candidate"], diff["severity"]) == ("False", "True", "warning")


def test_custom_rule_added_on_candidate(pair):
    reference, candidate = pair
    candidate.add_rule("In from AD - User Custom", 50)
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "sync_rule.custom.added")
    assert diff["object"] == "Inbound | contoso.com | In from AD - User Custom"


def test_custom_rule_missing_on_candidate_is_an_error_and_fails_the_gate(pair):
    reference, candidate = pair
    reference.add_rule("In from AD - User Custom", 50)
    result = compare_configurations(str(reference), str(candidate))
    [diff] = only_category(result, "sync_rule.custom.removed")
    assert diff["severity"] == "error"
    assert result["gate"]["passed"] is False
    assert result["gate"]["violations"][0]["rule"] == "config.sync_rule.custom.removed"
    assert result["gate"]["violations"][0]["actual"] == 1


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("precedence", set_text("precedence", "60")),
        ("disabled", set_text("disabled", "True")),
        ("link_type", set_text("linkType", "Join")),
        (
            "scope",
            lambda root: root.find("synchronizationCriteria/conditions/scope/csValue").__setattr__("text", "X"),
        ),
        (
            "flows",
            lambda root: root.find("attribute-mappings/mapping/valueMergeType").__setattr__(
                "text", "MergeCaseInsensitive"
            ),
        ),
        (
            "join",
            lambda root: root.find("relationshipCriteria/conditions/condition/csAttribute").__setattr__("text", "mail"),
        ),
    ],
)
def test_custom_rule_changed_reports_the_field(pair, field, change):
    reference, candidate = pair
    reference.add_rule("In from AD - User Custom", 50)
    rel = candidate.add_rule("In from AD - User Custom", 50)
    candidate.edit(rel, change)
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "sync_rule.custom.changed")
    assert diff["field"] == field


def test_custom_rules_match_by_name_although_their_ids_differ(pair):
    reference, candidate = pair
    reference.add_rule(
        "Out to AAD - Custom",
        20,
        base="SynchronizationRules/SynchronizationRule_{039dcc3a-1513-4c08-b296-0973691e644a}.xml",
    )
    candidate.add_rule(
        "Out to AAD - Custom",
        20,
        base="SynchronizationRules/SynchronizationRule_{039dcc3a-1513-4c08-b296-0973691e644a}.xml",
    )
    assert compare_configurations(str(reference), str(candidate))["differences"] == []


def test_standard_rule_disabled_on_one_side(pair):
    reference, candidate = pair
    candidate.edit(USER_JOIN_RULE, set_text("disabled", "True"))
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "sync_rule.standard.disabled")
    assert (diff["reference"], diff["candidate"]) == (False, True)


def test_standard_rule_newer_version_is_info_drift(pair):
    reference, candidate = pair

    def newer(root):
        root.find("immutable-tag").text = "Microsoft.InfromADUserJoin.004"
        root.find("attribute-mappings/mapping/expression").text = "Trim([cn])"

    candidate.edit(USER_JOIN_RULE, newer)
    result = compare_configurations(str(reference), str(candidate))
    assert significant(result) == []
    [diff] = result["differences"]
    assert diff["category"] == "sync_rule.standard.version"
    assert (diff["reference"], diff["candidate"]) == (
        "Microsoft.InfromADUserJoin.003",
        "Microsoft.InfromADUserJoin.004",
    )


def test_standard_rule_edited_in_place_is_modified(pair):
    reference, candidate = pair
    candidate.edit(
        USER_JOIN_RULE,
        lambda root: root.find("attribute-mappings/mapping/valueMergeType").__setattr__("text", "MergeCaseInsensitive"),
    )
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "sync_rule.standard.modified")
    assert diff["field"] == "flows"


def test_renamed_standard_rule_matches_by_immutable_tag(pair):
    reference, candidate = pair
    candidate.edit(USER_JOIN_RULE, set_text("name", "In from AD - User Join (renamed)"))
    result = compare_configurations(str(reference), str(candidate))
    # Only the name differs, and the tag matches the rule: no rule is reported added or removed.
    assert result["differences"] == []


def test_connector_added_and_removed(pair):
    reference, candidate = pair
    candidate.clone_connector("fabrikam.com")
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "connector.added")
    assert diff["object"] == "fabrikam.com"
    [diff] = only_category(compare_configurations(str(candidate), str(reference)), "connector.removed")
    assert diff["severity"] == "error"


def test_connector_names_match_case_insensitively(pair):
    reference, candidate = pair
    candidate.edit(AD_CONNECTOR, set_text("name", "CONTOSO.COM"))
    assert significant(compare_configurations(str(reference), str(candidate))) == []


def test_connector_map_pairs_a_renamed_connector(pair):
    reference, candidate = pair
    candidate.edit(AD_CONNECTOR, set_text("name", "corp.contoso.com"))
    unmapped = compare_configurations(str(reference), str(candidate))
    assert {d["category"] for d in significant(unmapped)} == {"connector.added", "connector.removed"}
    mapped = compare_configurations(str(reference), str(candidate), connector_map={"contoso.com": "corp.contoso.com"})
    assert mapped["differences"] == []


def test_ou_inclusion_missing_on_candidate_is_a_partition_error(pair):
    reference, candidate = pair

    def drop_ou(root):
        inclusion = root.find("ma-partition-data/partition/filter/containers/inclusions/inclusion")
        inclusion.getparent().remove(inclusion)

    candidate.edit(AD_CONNECTOR, drop_ou)
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "connector.partitions")
    assert diff["field"] == "inclusions"
    assert diff["severity"] == "error"
    assert "OU=CORP,DC=contoso,DC=com" in diff["explanation"]


def test_partition_deselected(pair):
    reference, candidate = pair
    candidate.edit(AD_CONNECTOR, set_text("ma-partition-data/partition/selected", "0"))
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "connector.partitions")
    assert diff["field"] == "selected"


def test_object_type_removed(pair):
    reference, candidate = pair

    def drop_contact(root):
        classes = root.find("ma-partition-data/partition/filter/object-classes")
        classes.remove(next(c for c in classes if c.text == "contact"))

    candidate.edit(AD_CONNECTOR, drop_contact)
    result = compare_configurations(str(reference), str(candidate))
    [diff] = only_category(result, "connector.object_types")
    assert diff["reference"] != diff["candidate"]
    assert [f["category"] for f in result["findings"]["candidate"]] == ["connector.object_type_filtering"]


def test_attribute_deselected(pair):
    reference, candidate = pair

    def drop_attribute(root):
        inclusion = root.find("attribute-inclusion")
        inclusion.remove(inclusion[0])

    candidate.edit(AD_CONNECTOR, drop_attribute)
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "connector.attributes")
    assert "adminDescription" in diff["explanation"]


def test_run_profile_step_changed(pair):
    reference, candidate = pair
    candidate.edit(
        AD_CONNECTOR,
        lambda root: root.find("ma-run-data/run-configuration/configuration/step/step-type").set(
            "type", "delta-import"
        ),
    )
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "connector.run_profiles")
    assert diff["object"] == "contoso.com / run profile Full Import"


def test_connector_other_setting(pair):
    reference, candidate = pair
    candidate.edit(AD_CONNECTOR, set_text("password-sync/maximum-retry-count", "3"))
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "connector.other")
    assert diff["field"] == "password-sync/maximum-retry-count"


def test_metaverse_schema_attribute_removed(pair):
    reference, candidate = pair

    def drop(root):
        person = root.find(f"mv-data/schema/{DSML}dsml/{DSML}directory-schema/{DSML}class")
        person.remove(person.find(f"{DSML}attribute"))

    candidate.edit(MV, drop)
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "metaverse.schema")
    assert diff["object"] == "class person / accountEnabled"


def test_ignore_and_fail_on(pair):
    reference, candidate = pair
    candidate.edit(MV, param("Microsoft.OptionalFeature.PasswordHashSync", "True"))
    ignored = compare_configurations(str(reference), str(candidate), ignore=["global_*"])
    assert ignored["differences"] == [] and ignored["summary"]["ignored_count"] == 1
    report_only = compare_configurations(str(reference), str(candidate), fail_on=[])
    assert report_only["gate"]["passed"] is True
    by_category = compare_configurations(str(reference), str(candidate), fail_on=["connector.*"])
    assert by_category["gate"]["passed"] is True
    strict = compare_configurations(str(reference), str(candidate), fail_on=["global_setting"])
    assert strict["gate"]["passed"] is False


def test_unknown_fail_on_value_is_a_clear_error():
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError

    with pytest.raises(InputError, match=r"Invalid value given for 'fail_on': severe; use severities"):
        compare_configurations(str(DATA), str(DATA), fail_on=["severe"])


def test_zip_of_the_export_compares_equal_to_the_folder(tmp_path):
    import shutil

    archive = shutil.make_archive(str(tmp_path / "contoso"), "zip", root_dir=DATA.parent, base_dir=DATA.name)
    result = compare_configurations(str(DATA), archive)
    assert result["differences"] == []
    assert result["summary"]["candidate"]["sync_rule_count"] == 62


def test_files_written_by_a_real_lxml_round_trip_parse_the_same(make_export):
    export = make_export("roundtrip")
    for path in (export.root / "SynchronizationRules").iterdir():
        tree = etree.parse(str(path))
        tree.write(str(path), encoding="utf-16")
    assert compare_configurations(str(DATA), str(export))["differences"] == []


def test_standard_rule_deleted_on_candidate_of_the_same_version(pair):
    reference, candidate = pair
    (candidate.root / USER_JOIN_RULE).unlink()
    [diff] = only_category(compare_configurations(str(reference), str(candidate)), "sync_rule.standard.removed")
    assert "never deleting them" in diff["explanation"]


def test_standard_rule_missing_after_a_version_change_is_info(pair):
    reference, candidate = pair
    (candidate.root / USER_JOIN_RULE).unlink()
    candidate.edit(MV, param("Microsoft.Synchronize.ServerConfigurationVersion", "2.6.92.0"))
    result = compare_configurations(str(reference), str(candidate))
    assert significant(result) == []
    assert {(d["category"], d["severity"]) for d in result["differences"]} == {
        ("sync_rule.standard.removed", "info"),
        ("global_setting", "info"),
    }
