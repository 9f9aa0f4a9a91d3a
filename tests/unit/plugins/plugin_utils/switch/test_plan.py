"""The switch plan: declared roles vs actual roles -> ordered steps or a refusal."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._plan import (
    inventory_problems,
    switch_plan,
)

ACTIVE = {"installed": True, "configured": True, "staging_mode_enabled": False}
STAGING = {"installed": True, "configured": True, "staging_mode_enabled": True}
MISSING = {"installed": False, "configured": False, "staging_mode_enabled": None}
BINARIES = {"installed": True, "configured": False, "staging_mode_enabled": None}


def actions(plan):
    return [(s["action"], s["host"]) for s in plan.steps]


def test_a_converged_inventory_plans_nothing():
    plan = switch_plan({"aadc01": "active", "aadc02": "staging"}, {"aadc01": ACTIVE, "aadc02": STAGING})
    assert plan.converged and plan.steps == [] and plan.refusal is None


def test_switch_follows_the_only_safe_order():
    plan = switch_plan({"aadc01": "staging", "aadc02": "active"}, {"aadc01": ACTIVE, "aadc02": STAGING})
    assert (plan.candidate, plan.former) == ("aadc02", "aadc01")
    assert actions(plan) == [
        ("backup", "all"),
        ("verify", "aadc02"),
        ("demote", "aadc01"),
        ("confirm_zero_active", "all"),
        ("promote", "aadc02"),
        ("confirm_one_active", "aadc02"),
    ]
    assert plan.to_dict()["converged"] is False


REFERENCE = {"host": "aadc01", "path": "/b/aadc01/20261201T100000Z", "exported_at": "2026-12-01T10:00:00Z"}
ZERO = {"aadc01": STAGING, "aadc02": STAGING}


@pytest.mark.parametrize("declared_active", ["aadc01", "aadc02"])
def test_no_active_server_promotes_the_declared_one_verified_against_the_last_active_backup(declared_active):
    declared = {h: "active" if h == declared_active else "staging" for h in ZERO}
    plan = switch_plan(declared, ZERO, reference_backup=REFERENCE)
    assert (plan.candidate, plan.former, plan.refusal) == (declared_active, None, None)
    assert actions(plan) == [
        ("backup", "all"),
        ("verify", declared_active),
        ("confirm_zero_active", "all"),
        ("promote", declared_active),
        ("confirm_one_active", declared_active),
    ]
    recovery = plan.to_dict()["recovery"]
    assert (recovery["reference_host"], recovery["reference_backup"]) == ("aadc01", REFERENCE["path"])
    assert recovery["message"].startswith(f"Recovering from zero active servers: {declared_active} is verified")
    assert recovery["message"] in plan.messages()["show"]


def test_no_active_server_and_no_backup_of_an_active_one_refuses_naming_the_variable():
    plan = switch_plan({"aadc01": "active", "aadc02": "staging"}, ZERO)
    assert plan.status == "refused" and plan.steps == []
    assert "no server is active and no backup taken while a server of the pair was active" in plan.refusal
    assert "set entra_connect_promote_without_reference=true to promote aadc01" in plan.refusal


def test_no_active_server_without_a_reference_promotes_when_the_operator_accepts_it():
    plan = switch_plan({"aadc01": "active", "aadc02": "staging"}, ZERO, promote_without_reference=True)
    assert plan.status == "planned" and plan.recovery["without_reference"] is True
    assert ("promote", "aadc01") in actions(plan) and ("verify", "aadc01") in actions(plan)


def test_with_an_active_server_the_reference_backup_changes_nothing():
    declared = {"aadc01": "staging", "aadc02": "active"}
    actual = {"aadc01": ACTIVE, "aadc02": STAGING}
    assert (
        switch_plan(declared, actual, reference_backup=REFERENCE).to_dict() == switch_plan(declared, actual).to_dict()
    )
    assert switch_plan(declared, actual).recovery is None


def test_two_active_servers_are_demoted_first():
    plan = switch_plan(
        {"aadc01": "staging", "aadc02": "staging", "aadc03": "active"},
        {"aadc01": ACTIVE, "aadc02": ACTIVE, "aadc03": STAGING},
    )
    assert plan.extra_active == ["aadc02"]
    assert actions(plan)[0] == ("demote", "aadc02")
    assert actions(plan).index(("demote", "aadc01")) < actions(plan).index(("promote", "aadc03"))


def test_a_candidate_already_active_beside_another_only_demotes_the_other():
    plan = switch_plan({"aadc01": "staging", "aadc02": "active"}, {"aadc01": ACTIVE, "aadc02": ACTIVE})
    assert actions(plan) == [("demote", "aadc01"), ("confirm_one_active", "aadc02")]


@pytest.mark.parametrize(
    ("state", "what"), [(MISSING, "is not installed"), (BINARIES, "is installed but not configured")]
)
def test_an_unbuilt_candidate_is_refused(state, what):
    plan = switch_plan({"aadc01": "staging", "aadc03": "active"}, {"aadc01": ACTIVE, "aadc03": state})
    assert (
        plan.refusal
        == f"aadc03 is declared active but {what}; build it first (playbooks add_staging_server or swing_migration)"
    )
    assert plan.steps == []


@pytest.mark.parametrize(
    ("declared", "problem"),
    [
        ({"aadc01": "staging", "aadc02": "staging"}, "no host declares entra_connect_role=active; exactly one must"),
        (
            {"aadc01": "active", "aadc02": "active"},
            "2 hosts declare entra_connect_role=active (aadc01, aadc02); exactly one may",
        ),
        (
            {"aadc01": "active", "aadc02": "primary"},
            "aadc02 declares entra_connect_role='primary'; use one of: active, staging",
        ),
        (
            {"aadc01": "active", "aadc02": None},
            "aadc02 does not declare entra_connect_role; set it to active or staging",
        ),
    ],
)
def test_bad_inventories_are_refused_naming_the_hosts(declared, problem):
    assert problem in inventory_problems(declared)
    assert problem in switch_plan(declared, dict.fromkeys(declared, STAGING)).refusal


def test_a_declared_host_missing_from_the_group_is_named():
    assert inventory_problems({"aadc01": "active", "aadc09": "staging"}, ["aadc01"]) == [
        "aadc09 is declared but is not a host of the inventory group"
    ]


WRITEBACK = {**STAGING, "password_writeback_enabled": True}


def test_a_candidate_with_password_writeback_is_refused_in_the_plan():
    plan = switch_plan({"aadc01": "staging", "aadc02": "active"}, {"aadc01": ACTIVE, "aadc02": WRITEBACK})
    assert plan.status == "refused" and plan.steps == []
    assert plan.refusal.startswith("aadc02 has password writeback enabled.")
    assert "entra_connect_password_writeback_acknowledged=true" in plan.refusal
    assert not any(actions.demote or actions.promote for actions in plan.hosts.values())


def test_an_acknowledged_password_writeback_candidate_is_planned():
    plan = switch_plan(
        {"aadc01": "staging", "aadc02": "active"},
        {"aadc01": ACTIVE, "aadc02": WRITEBACK},
        writeback_acknowledged=True,
    )
    assert plan.status == "planned" and ("promote", "aadc02") in actions(plan)


def test_password_writeback_on_an_already_active_candidate_is_no_refusal():
    active = {**ACTIVE, "password_writeback_enabled": True}
    plan = switch_plan({"aadc01": "active", "aadc02": "staging"}, {"aadc01": active, "aadc02": STAGING})
    assert plan.converged
