"""Rules as data: the document shape and its validation."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules import load_rules

RULE = {
    "name": "In from AD - User Department",
    "connector": "contoso.com",
    "direction": "inbound",
    "precedence": 50,
    "source_object_type": "user",
    "target_object_type": "person",
    "scope_groups": [[{"attribute": "department", "operator": "isnotnull", "value": ""}]],
    "join_groups": [[{"cs_attribute": "objectGUID", "mv_attribute": "sourceAnchorBinary"}]],
    "attribute_flows": [
        {"destination": "department", "source": ["department"]},
        {"destination": "extensionAttribute1", "flow_type": "Constant", "source": "Sales"},
        {"destination": "info", "flow_type": "Expression", "expression": "Trim([info])", "merge_type": "update"},
    ],
}


def test_load_rules_fills_defaults_and_canonical_enum_names():
    desired = load_rules({"rules": [RULE]})
    rule = desired.rules[0]
    assert (rule.direction, rule.link_type, rule.disabled) == ("Inbound", "Join", False)
    assert rule.scope_groups[0][0].operator == "ISNOTNULL"
    assert [f.flow_type for f in rule.attribute_flows] == ["Direct", "Constant", "Expression"]
    assert rule.attribute_flows[1].source == ("Sales",)
    assert rule.attribute_flows[2].merge_type == "Update"
    assert rule.join_groups[0][0].case_sensitive is False


def test_load_rules_accepts_a_plain_list_and_round_trips():
    desired = load_rules([RULE])
    again = load_rules(desired.to_dict())
    assert again.rules[0].canonical() == desired.rules[0].canonical()


def test_load_rules_reports_every_problem_naming_rule_and_field():
    bad = {
        **RULE,
        "direction": "Sideways",
        "precedence": "high",
        "colour": "blue",
        "attribute_flows": [{"destination": "x", "flow_type": "Expression"}],
    }
    with pytest.raises(InputError) as err:
        load_rules({"rules": [bad]}, "rules.yml")
    message = str(err.value)
    assert message.startswith("rules.yml: 4 problems in the sync rules:")
    assert (
        "rule 'In from AD - User Department' (rules[0]): field 'direction' must be one of Inbound, Outbound" in message
    )
    assert "field 'precedence' must be a whole number, got 'high'" in message
    assert "field 'colour' is not a rule field" in message
    assert "field 'attribute_flows[0].expression' is required when flow_type is Expression" in message


def test_load_rules_refuses_a_rule_named_twice_on_one_connector():
    with pytest.raises(InputError, match=r"rules\[1\]\): field 'name' repeats rules\[0\]"):
        load_rules({"rules": [RULE, {**RULE, "precedence": 51}]})


def test_load_rules_refuses_more_than_disabled_on_a_standard_rule_with_microsofts_reason():
    with pytest.raises(InputError) as err:
        load_rules(
            {"standard_rules": [{"name": "In from AD - User Join", "connector": "contoso.com", "precedence": 5}]}
        )
    assert "field 'precedence' cannot be managed on a standard rule" in str(err.value)
    assert "reset on upgrade" in str(err.value)
    assert "field 'disabled' is required" in str(err.value)


def test_load_rules_refuses_a_standard_tag_among_custom_rules():
    with pytest.raises(InputError, match="list standard rules under standard_rules"):
        load_rules({"rules": [{**RULE, "immutable_tag": "Microsoft.InfromADUserJoin.003"}]})


def test_load_rules_takes_survey_strings_for_booleans_and_numbers():
    rule = load_rules({"rules": [{**RULE, "disabled": "true", "precedence": "42"}]}).rules[0]
    assert (rule.disabled, rule.precedence) == (True, 42)
