"""The switch filter plugin file (plugins/filter/switch_plan.py): every filter's wrapper."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid_identity.entra_connect.plugins.filter.switch_plan import FilterModule

ACTIVE = {"installed": True, "configured": True, "staging_mode_enabled": False}
STAGING = {"installed": True, "configured": True, "staging_mode_enabled": True}
MISSING = {"installed": False, "configured": False, "staging_mode_enabled": None}
BINARIES = {"installed": True, "configured": False, "staging_mode_enabled": None}


def test_servers_by_role_keeps_the_given_order():

    roles = FilterModule().filters()["servers_by_role"](
        {"aadc03": MISSING, "aadc02": STAGING, "aadc01": ACTIVE, "aadc04": BINARIES}
    )
    assert roles == {
        "active": ["aadc01"],
        "staging": ["aadc02"],
        "not_configured": ["aadc03", "aadc04"],
        "unknown": [],
        "unfinished": [],
    }


def test_a_staging_server_that_never_synced_is_a_build_to_finish():
    ran = {"contoso.com": {"Full Import": {"result": "success"}}}
    fresh = {**STAGING, "connectors": [{"name": "contoso.com", "last_runs": {}}, {"name": "aad", "last_runs": {}}]}
    synced = {**STAGING, "connectors": [{"name": "contoso.com", "last_runs": ran}, {"name": "aad", "last_runs": {}}]}
    active = {**ACTIVE, "connectors": fresh["connectors"]}
    roles = FilterModule().filters()["servers_by_role"](
        {"aadc01": active, "aadc02": synced, "aadc03": fresh, "aadc04": STAGING}
    )
    assert roles["unfinished"] == ["aadc03"]
    assert roles["staging"] == ["aadc02", "aadc03", "aadc04"] and roles["active"] == ["aadc01"]


def test_a_server_whose_service_is_stopped_is_unknown_never_one_to_build():
    stopped = {"installed": True, "configured": None, "engine_state": "service_stopped"}
    roles = FilterModule().filters()["servers_by_role"](
        {"aadc01": ACTIVE, "aadc02": stopped, "aadc03": {"failed": True}}
    )
    assert roles["not_configured"] == [] and roles["unknown"] == ["aadc02", "aadc03"]


FILTERS = (
    __import__(
        "ansible_collections.hybrid_identity.entra_connect.plugins.filter.switch_plan", fromlist=["FilterModule"]
    )
    .FilterModule()
    .filters()
)
ACTIVE = {"installed": True, "configured": True, "staging_mode_enabled": False}
STAGING = {"installed": True, "configured": True, "staging_mode_enabled": True}


def _plan():
    return FILTERS["switch_plan"]({"aadc01": "staging", "aadc02": "active"}, {"aadc01": ACTIVE, "aadc02": STAGING})


def test_switch_plan_takes_a_candidate_and_refuses_a_bad_gate_before_any_change():
    targeted = FILTERS["switch_plan"](None, {"aadc01": ACTIVE, "aadc02": STAGING}, candidate="aadc02")
    assert (targeted["status"], targeted["candidate"], targeted["hosts"]["aadc01"]["demote"]) == (
        "planned",
        "aadc02",
        True,
    )
    refused = FILTERS["switch_plan"](
        {"aadc01": "active", "aadc02": "staging"}, {"aadc01": ACTIVE, "aadc02": STAGING}, gates={"max": 1}
    )
    assert refused["status"] == "refused" and "unknown key(s) max" in refused["messages"]["refused"]
    with pytest.raises(AnsibleFilterError, match="switch candidate 'aadc09' is not a host"):
        FILTERS["switch_plan"]({}, {"aadc01": ACTIVE}, candidate="aadc09")


@pytest.mark.parametrize(("answer", "status"), [("false", "refused"), ("true", "planned"), (False, "refused")])
def test_switch_plan_reads_a_survey_string_as_the_acknowledgement_it_spells(answer, status):
    writeback = {**STAGING, "password_writeback_enabled": True}
    plan = FILTERS["switch_plan"](
        {"aadc01": "staging", "aadc02": "active"},
        {"aadc01": ACTIVE, "aadc02": writeback},
        writeback_acknowledged=answer,
    )
    assert plan["status"] == status


def test_switch_plan_refuses_an_acknowledgement_that_is_no_boolean():
    with pytest.raises(AnsibleFilterError, match="writeback_acknowledged must be a boolean"):
        FILTERS["switch_plan"]({"aadc01": "active"}, {"aadc01": ACTIVE}, writeback_acknowledged="maybe")


def test_switch_outcome_reads_nulls_and_skipped_reads_as_not_yet_read():
    plan = _plan()
    nothing = {"aadc01": None, "aadc02": {"skipped": True}}
    out = FILTERS["switch_outcome"](plan, {"mid": nothing, "after": nothing, "promote": None})
    assert out["status"] == "promoting" and not out["failed"]
    still = FILTERS["switch_outcome"](plan, {"mid": {"aadc01": ACTIVE, "aadc02": STAGING}})
    assert still["failed"] and still["message"].startswith("Still active after the demotion: aadc01")
    with pytest.raises(AnsibleFilterError, match="unknown result"):
        FILTERS["switch_outcome"](plan, {"promotion": {}})


def test_switch_failure_and_upgrade_plan_wrappers():
    failure = FILTERS["switch_failure"](_plan(), {"failed": True, "msg": "boom."}, None, "Promote the candidate")
    assert failure == {"event": "step 'Promote the candidate' failed: boom.", "message": "boom"}
    plan = FILTERS["upgrade_plan"]({"aadc01": ACTIVE, "aadc02": STAGING}, "2.5.190.0")
    assert (plan["staging"], plan["active"], plan["candidate"]) == (["aadc02"], ["aadc01"], "aadc02")
    with pytest.raises(AnsibleFilterError, match="upgrade_plan expects the server_info results by host"):
        FILTERS["upgrade_plan"](["aadc01"], "2.5.190.0")


def test_switch_plan_with_zero_active_reads_the_backup_folder_and_takes_survey_strings(tmp_path):
    zero = {"aadc01": STAGING, "aadc02": STAGING}
    declared = {"aadc01": "staging", "aadc02": "active"}
    refused = FILTERS["switch_plan"](declared, zero, backup_dir=str(tmp_path))
    assert "entra_connect_promote_without_reference=true" in refused["refusal"]
    accepted = FILTERS["switch_plan"](declared, zero, backup_dir=str(tmp_path), promote_without_reference="true")
    assert accepted["status"] == "planned" and accepted["recovery"]["without_reference"] is True
    assert FILTERS["switch_plan"](declared, zero, promote_without_reference="no")["status"] == "refused"
    with pytest.raises(AnsibleFilterError, match="'entra_connect_promote_without_reference': 'maybe'"):
        FILTERS["switch_plan"](declared, zero, promote_without_reference="maybe")
    folder = tmp_path / "aadc01" / "20261201T100000Z"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text('{"staging_mode_enabled": false, "exported_at": "2026-12-01T10:00:00Z"}')
    found = FILTERS["switch_plan"](declared, zero, backup_dir=str(tmp_path))
    assert (found["status"], found["recovery"]["reference_backup"]) == ("planned", str(folder))


def test_switch_failure_names_the_step_and_error_of_the_host_that_failed():
    tasks = {"aadc01": None, "aadc02": {"name": "Promote the candidate"}}
    results = {"aadc01": None, "aadc02": {"failed": True, "msg": "timeout waiting for an idle engine"}}
    failure = FILTERS["switch_failure"](_plan(), {}, None, None, [], tasks=tasks, results=results)
    assert failure["event"] == "step 'Promote the candidate' on 'aadc02' failed: timeout waiting for an idle engine"


def test_switch_failure_says_the_report_path_once():
    blocked = {"failed": True, "msg": "aadc02 is blocked: pending exports. Report: /r/1/report.html"}
    assert FILTERS["switch_failure"](_plan(), blocked, None, "Stop")["message"] == "aadc02 is blocked: pending exports"
