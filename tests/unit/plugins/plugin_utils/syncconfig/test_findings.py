"""Findings from the documented settings-import limitations, one perturbation each."""

from __future__ import annotations

from contoso_export import AAD_CONNECTOR, AD_CONNECTOR, MV
from lxml import etree

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig import (
    compare_configurations,
)


def candidate_findings(reference, candidate):
    return compare_configurations(str(reference), str(candidate), fail_on=[])["findings"]["candidate"]


def categories(findings):
    return [f["category"] for f in findings]


def test_custom_rule_precedence_outside_reserved_range(pair):
    reference, candidate = pair
    candidate.add_rule("In from AD - User Custom", 150)
    [finding] = candidate_findings(reference, candidate)
    assert finding["category"] == "custom_rule.precedence_out_of_range"
    assert finding["value"] == 150


def test_duplicate_custom_precedence_is_an_error(pair):
    reference, candidate = pair
    candidate.add_rule("In from AD - User Custom A", 50)
    candidate.add_rule("In from AD - User Custom B", 50)
    [finding] = candidate_findings(reference, candidate)
    assert (finding["category"], finding["severity"], finding["value"]) == (
        "custom_rule.duplicate_precedence",
        "error",
        50,
    )
    assert "Custom A" in finding["object"] and "Custom B" in finding["object"]


def test_disabled_custom_rule_on_an_old_version_is_a_warning(pair):
    reference, candidate = pair
    candidate.add_rule("In from AD - User Custom", 50, disabled=True)
    [finding] = candidate_findings(reference, candidate)
    # The Contoso export is from 1.1.130.0, before the 1.5.45.0 fix.
    assert (finding["category"], finding["severity"]) == ("custom_rule.disabled", "warning")


def _set_param(name, value):
    def change(root):
        for p in root.iterfind("mv-data/parameter-values/parameter"):
            if p.get("name") == name:
                p.text = value

    return change


def test_device_writeback_enabled(pair):
    reference, candidate = pair
    candidate.edit(MV, _set_param("Microsoft.OptionalFeature.DeviceWriteBack", "True"))
    assert "device_writeback.enabled" in categories(candidate_findings(reference, candidate))


def test_attribute_filtering(pair):
    reference, candidate = pair
    candidate.edit(MV, _set_param("Microsoft.OptionalFeature.FilterAAD", "True"))
    assert "connector.attribute_filtering" in categories(candidate_findings(reference, candidate))


def test_object_type_filtering_on_the_entra_connector(pair):
    reference, candidate = pair

    def drop_device(root):
        classes = root.find("ma-partition-data/partition/filter/object-classes")
        classes.remove(next(c for c in classes if c.text == "device"))

    candidate.edit(AAD_CONNECTOR, drop_device)
    [finding] = candidate_findings(reference, candidate)
    assert finding["category"] == "connector.object_type_filtering"
    assert finding["object"] == "contoso.onmicrosoft.com - AAD / partition default"


def test_custom_run_profile(pair):
    reference, candidate = pair

    def add_profile(root):
        runs = root.find("ma-run-data")
        extra = etree.fromstring(etree.tostring(runs[0]))
        extra.find("name").text = "Full Import (night)"
        runs.append(extra)

    candidate.edit(AD_CONNECTOR, add_profile)
    [finding] = candidate_findings(reference, candidate)
    assert (finding["category"], finding["value"]) == (
        "connector.custom_run_profiles",
        ["Full Import (night)"],
    )


def test_provisioning_hierarchy(pair):
    reference, candidate = pair

    def add_mapping(root):
        etree.SubElement(root.find("component_mappings"), "mapping").text = "OU=Sales"

    candidate.edit(AD_CONNECTOR, add_mapping)
    assert "connector.provisioning_hierarchy" in categories(candidate_findings(reference, candidate))
