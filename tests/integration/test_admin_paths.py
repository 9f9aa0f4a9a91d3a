"""What an admin meets next (issue 21): refusals before any change, on the lab, as the CLI runs them."""

from __future__ import annotations

import json

import pytest
import yaml
from lab_runs import add_faults, make_inventory, reset, run_playbook

SWITCH_TO_AADC02 = {"aadc01": "staging", "aadc02": "active"}


def set_lab_server(inventory, host, **settings):
    path = inventory / "host_vars" / f"{host}.yml"
    data = yaml.safe_load(path.read_text()) if path.exists() else {}
    data["entra_connect_lab_server"] = {**data.get("entra_connect_lab_server", {}), **settings}
    path.write_text(yaml.safe_dump(data))


def changes(run):
    """The journal lines of a run that are not the lab's own creation of its servers."""
    return [line for line in run.journal() if not line["helper"].startswith("lab:create")]


def test_a_candidate_with_password_writeback_is_refused_before_any_change(tmp_path):
    inventory = make_inventory(tmp_path, declared=SWITCH_TO_AADC02)
    # Both servers have it (the same settings, as a pair should): only the acknowledgement is missing.
    for host in ("aadc01", "aadc02"):
        set_lab_server(inventory, host, password_writeback=True)
    assert reset(inventory).rc == 0
    refused = run_playbook(inventory, "switch_roles")
    assert refused.rc != 0
    assert "Switch refused, nothing was changed: aadc02 has password writeback enabled." in refused.output
    assert "entra_connect_password_writeback_acknowledged=true" in refused.output
    assert changes(refused) == [], refused.output[-3000:]
    assert refused.active() == {"aadc01"}
    # The acknowledgement as a survey or -e sends it: a string.
    done = run_playbook(inventory, "switch_roles", "-e", "entra_connect_password_writeback_acknowledged=true")
    assert done.rc == 0, done.output[-3000:]
    assert done.active() == {"aadc02"}


def test_a_declined_acknowledgement_string_is_read_as_false(tmp_path):
    inventory = make_inventory(tmp_path, declared=SWITCH_TO_AADC02)
    set_lab_server(inventory, "aadc02", password_writeback=True)
    assert reset(inventory).rc == 0
    refused = run_playbook(inventory, "switch_roles", "-e", "entra_connect_password_writeback_acknowledged=false")
    assert refused.rc != 0 and "aadc02 has password writeback enabled." in refused.output
    assert changes(refused) == [] and refused.active() == {"aadc01"}


def test_a_candidate_that_would_delete_written_back_groups_in_ad_is_blocked(tmp_path):
    """Group writeback on the active server, not on the candidate: deletes pending on the AD connector."""
    inventory = make_inventory(tmp_path, declared=SWITCH_TO_AADC02)
    group_vars = inventory / "group_vars" / "all.yml"
    group_vars.write_text(group_vars.read_text() + "entra_connect_lab_writeback_groups: 12\n")
    set_lab_server(inventory, "aadc01", group_writeback=True)
    assert reset(inventory).rc == 0
    result = run_playbook(inventory, "switch_roles")
    assert result.rc != 0
    assert "pending exports: Gate max_deletes failed for connector 'contoso.com': 12 > limit 0" in result.output
    assert result.active() == {"aadc01"}
    assert [line for line in changes(result) if "staging_mode_enabled" in line["changes"]] == []
    summary = json.loads(next((inventory / ".reports").glob("*/verify/aadc02/summary.json")).read_text())
    assert summary["verdict"] == "blocked"
    assert summary["connectors_checked"]["contoso.com"]["delete"] == 12
    assert summary["connectors_checked"]["contoso.onmicrosoft.com - AAD"]["delete"] == 0
    report = next((inventory / ".reports").glob("*/verify/aadc02/report.md")).read_text()
    assert "Connectors checked by the gates, each on its own: contoso.com (delete 12)" in report


@pytest.mark.parametrize("playbook", ["verify", "switch_roles", "swing_migration", "backup"])
def test_a_misnamed_group_fails_naming_entra_connect_group(tmp_path, playbook):
    inventory = make_inventory(tmp_path)
    result = run_playbook(inventory, playbook, "-e", "entra_connect_group=entra_conect")
    assert result.rc != 0
    assert "The inventory group 'entra_conect' (entra_connect_group) does not exist in this inventory" in result.output
    assert "groups in this inventory: entra_connect" in result.output
    assert not (inventory / ".lab" / "journal.jsonl").exists()


@pytest.mark.parametrize("playbook", ["switch_roles", "swing_migration", "verify"])
def test_a_limit_that_splits_the_pair_is_refused_with_a_sentence(tmp_path, playbook):
    inventory = make_inventory(tmp_path)
    result = run_playbook(inventory, playbook, "--limit", "aadc01")
    assert result.rc != 0
    assert "HostVarsVars" not in result.output
    assert "The limit leaves out aadc02, aadc03 of the group 'entra_connect' (entra_connect_group)." in result.output
    assert "remove --limit" in result.output
    assert not (inventory / ".lab" / "journal.jsonl").exists()


def test_a_local_host_without_a_backend_is_told_which_variable_to_set(tmp_path):
    inventory = make_inventory(tmp_path)
    group_vars = inventory / "group_vars" / "all.yml"
    group_vars.write_text(group_vars.read_text().replace("entra_connect_backend: lab\n", ""))
    result = run_playbook(inventory, "verify")
    assert result.rc != 0
    assert "module interpreter" not in result.output
    assert "sets no 'entra_connect_backend' and connects with ansible_connection=local" in result.output
    assert "set entra_connect_backend: lab" in result.output


def test_lab_runs_are_stamped_and_a_lab_host_with_ansible_host_is_warned(tmp_path):
    inventory = make_inventory(tmp_path, declared={"aadc01": "active", "aadc02": "staging"})
    host_vars = inventory / "host_vars" / "aadc02.yml"
    host_vars.write_text(host_vars.read_text() + "ansible_host: aadc02.contoso.com\n")
    assert reset(inventory).rc == 0
    result = run_playbook(inventory, "verify")
    assert result.rc == 0, result.output[-3000:]
    assert "LAB (emulated) - declared active" in result.output
    assert "aadc02 uses the lab backend (emulated servers on the controller), but sets ansible_host=" in result.output
    assert "aadc01 uses the lab backend" not in result.output
    run_dir = next((inventory / ".reports").glob("*/summary.json")).parent
    assert json.loads((run_dir / "summary.json").read_text())["lab"] is True
    html = (run_dir / "report.html").read_text()
    assert html.index("LAB (emulated)") < html.index("<h1>")


def test_a_report_after_a_failed_switch_shows_the_servers_as_read_after_the_failure(tmp_path):
    """The candidate stops answering when it is promoted: its state is unknown, the former one demoted."""
    inventory = make_inventory(tmp_path, declared=SWITCH_TO_AADC02)
    assert reset(inventory).rc == 0
    add_faults(inventory, "aadc02", [{"helper": "Set-EntraConnectStagingMode", "on_call": 1, "effect": "unreachable"}])
    result = run_playbook(inventory, "switch_roles")
    assert result.rc != 0
    summary = json.loads(next((inventory / ".reports").glob("*/summary.json")).read_text())
    roles = {s["host"]: s["actual_role"] for s in summary["servers"]}
    assert roles == {"aadc01": "staging", "aadc02": "unknown"}, result.output[-3000:]
    assert summary["now"]["unknown"] == ["aadc02"] and "aadc01: active -> staging" in summary["now"]["changes"]
    report = next((inventory / ".reports").glob("*/report.md")).read_text()
    assert report.split("\n")[4].startswith("Active now: no server (aadc02 did not answer: state unknown).")
    assert "a step failed" not in report


def test_a_failed_promotion_names_the_step_and_error(tmp_path):
    inventory = make_inventory(tmp_path, declared=SWITCH_TO_AADC02)
    assert reset(inventory).rc == 0
    add_faults(inventory, "aadc02", [{"helper": "Set-EntraConnectStagingMode", "on_call": 1, "effect": "error"}])
    result = run_playbook(inventory, "switch_roles")
    assert result.rc != 0
    assert result.active() == {"aadc01"}
    summary = json.loads(next((inventory / ".reports").glob("*/summary.json")).read_text())
    assert {s["host"]: s["actual_role"] for s in summary["servers"]} == {"aadc01": "active", "aadc02": "staging"}
    assert summary["verdict"] == "failed"
    assert "aadc01: active -> staging" not in summary["now"]["changes"]


def test_the_advised_entra_connect_config_ignore_lets_an_expected_difference_pass(tmp_path):
    inventory = make_inventory(tmp_path, declared=SWITCH_TO_AADC02)
    set_lab_server(inventory, "aadc02", password_writeback=True)  # a global setting differs
    assert reset(inventory).rc == 0
    ack = "entra_connect_password_writeback_acknowledged=true"
    blocked = run_playbook(inventory, "switch_roles", "-e", ack)
    assert blocked.rc != 0
    assert "add the category to entra_connect_config_ignore" in blocked.output
    done = run_playbook(
        inventory, "switch_roles", "-e", ack, "-e", '{"entra_connect_config_ignore": ["global_setting"]}'
    )
    assert done.rc == 0, done.output[-3000:]
    assert done.active() == {"aadc02"}
