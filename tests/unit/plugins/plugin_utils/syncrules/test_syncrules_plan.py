"""The plan: current rules and desired rules -> add / change / remove / unchanged per rule."""

from __future__ import annotations

import dataclasses

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules import load_rules, plan_rules
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._plan import CurrentRule

CONNECTORS = ["contoso.com", "contoso.onmicrosoft.com - AAD"]


def rule(name, precedence, **extra):
    return {
        "name": name,
        "connector": "contoso.com",
        "direction": "Inbound",
        "precedence": precedence,
        "source_object_type": "user",
        "target_object_type": "person",
        "attribute_flows": [{"destination": "department", "source": ["department"]}],
        **extra,
    }


def current(*rules, standard=()):
    found = [CurrentRule(f"id-{r.name}", r, False) for r in load_rules(list(rules)).rules]
    for name, precedence, disabled in standard:
        std = load_rules([rule(name, 0)]).rules[0]
        std = dataclasses.replace(std, precedence=precedence, disabled=disabled, immutable_tag="Microsoft.X.001")
        found.append(CurrentRule(f"id-{name}", std, True))
    return found


STANDARD = (("In from AD - User Join", 101, False), ("In from AD - User Common", 102, False))


def test_plan_finds_each_kind_of_drift_and_orders_removals_first():
    server = current(rule("A", 60), rule("C", 70), rule("Extra", 80, disabled=True), standard=STANDARD)
    desired = load_rules(
        {
            "rules": [rule("A", 50), rule("B", 55), rule("C", 70, description="changed")],
            "standard_rules": [{"name": "In from AD - User Join", "connector": "contoso.com", "disabled": True}],
        }
    )
    plan = plan_rules(server, desired, CONNECTORS, exclusive=True)
    by_name = {a.name: a for a in plan.actions}
    assert by_name["A"].action == "change" and by_name["A"].method == "set"
    assert by_name["A"].changes == [{"field": "precedence", "before": 60, "after": 50}]
    assert by_name["B"].action == "add"
    assert by_name["C"].method == "replace" and by_name["C"].identifier == "id-C"
    assert by_name["Extra"].action == "remove"
    assert by_name["In from AD - User Join"].changes == [{"field": "disabled", "before": False, "after": True}]
    assert plan.counts() == {"add": 1, "change": 3, "remove": 1, "unchanged": 0}
    assert plan.changes[0].name == "Extra"
    assert plan.full_sync_connectors == ["contoso.com"]
    assert "~ 'A' (contoso.com): precedence 60 -> 50" in plan.lines()
    assert plan.diff()["after"]["'Extra' (contoso.com)"] == {"present": False}


def test_plan_without_exclusive_keeps_and_reports_undeclared_custom_rules():
    plan = plan_rules(current(rule("A", 50), rule("Extra", 80)), load_rules([rule("A", 50)]), CONNECTORS)
    assert not plan.changed
    assert plan.undeclared == ["'Extra' (contoso.com)"]


def test_plan_is_empty_when_the_server_matches():
    server = current(rule("A", 50), standard=STANDARD)
    desired = load_rules(
        {
            "rules": [rule("A", 50)],
            "standard_rules": [{"name": "In from AD - User Join", "connector": "contoso.com", "disabled": False}],
        }
    )
    plan = plan_rules(server, desired, CONNECTORS, exclusive=True)
    assert plan.counts() == {"add": 0, "change": 0, "remove": 0, "unchanged": 2}
    assert plan.changed is False


def test_plan_ignores_scope_order_but_not_join_group_order():
    scope = [
        [{"attribute": "a", "operator": "EQUAL", "value": "1"}],
        [{"attribute": "b", "operator": "EQUAL", "value": "2"}],
    ]
    joins = [[{"cs_attribute": "a", "mv_attribute": "a"}], [{"cs_attribute": "b", "mv_attribute": "b"}]]
    server = current(rule("A", 50, scope_groups=scope, join_groups=joins))
    same_scope = plan_rules(
        server, load_rules([rule("A", 50, scope_groups=scope[::-1], join_groups=joins)]), CONNECTORS
    )
    assert not same_scope.changed
    other_joins = plan_rules(
        server, load_rules([rule("A", 50, scope_groups=scope, join_groups=joins[::-1])]), CONNECTORS
    )
    assert [c["field"] for c in other_joins.changes[0].changes] == ["join_groups"]


def test_plan_refuses_every_precedence_problem_before_any_change():
    server = current(rule("Kept", 40), standard=STANDARD)
    desired = load_rules([rule("A", 40), rule("B", 120), rule("C", 101)])
    with pytest.raises(InputError) as err:
        plan_rules(server, desired, CONNECTORS, host="aadc02")
    message = str(err.value)
    assert message.startswith("sync rules for aadc02: 4 problems before any change:")
    assert (
        "precedence 40 would be shared by 'A' (contoso.com) and 'Kept' (contoso.com) (on aadc02, not declared)"
        in message
    )
    assert "rule 'B' (contoso.com): precedence 120 is outside the range 0-99" in message
    assert (
        "rule 'C' (contoso.com): precedence 101 is the precedence of standard rule 'In from AD - User Join'" in message
    )


def test_plan_warns_instead_when_mirroring_a_server_outside_the_reserved_range():
    plan = plan_rules([], load_rules([rule("Late", 150)]), CONNECTORS, outside_reserved="warn")
    assert plan.changes[0].action == "add"
    assert "precedence 150 is outside the range 0-99" in plan.warnings[0]


def test_plan_refuses_an_unknown_connector_and_a_custom_rule_over_a_standard_one():
    server = current(standard=STANDARD)
    desired = load_rules([rule("In from AD - User Join", 10), rule("X", 11, connector="fabrikam.com")])
    with pytest.raises(InputError) as err:
        plan_rules(server, desired, CONNECTORS)
    assert "connector 'fabrikam.com' is not a connector of the server" in str(err.value)
    assert "rule 'In from AD - User Join' (contoso.com) is a standard rule on the server" in str(err.value)


def test_plan_never_removes_standard_rules_and_skips_unknown_ones_with_a_warning():
    server = current(standard=STANDARD)
    desired = load_rules({"standard_rules": [{"name": "Gone", "connector": "contoso.com", "disabled": True}]})
    plan = plan_rules(server, desired, CONNECTORS, exclusive=True)
    assert not plan.changed
    assert "standard rule 'Gone' (contoso.com) is not on the server" in plan.warnings[0]


def test_plan_moves_a_rule_out_of_a_precedence_before_another_takes_it():
    server = current(rule("A", 50), rule("B", 60))
    plan = plan_rules(server, load_rules([rule("A", 40), rule("B", 50)]), CONNECTORS)
    assert [a.name for a in plan.changes] == ["A", "B"]
    plan = plan_rules(server, load_rules([rule("B", 50), rule("A", 40)]), CONNECTORS)
    assert [a.name for a in plan.changes] == ["A", "B"]
