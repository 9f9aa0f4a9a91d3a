"""What an admin meets next (issue 21): refusals before any change, on the lab, as the CLI runs them."""

from __future__ import annotations

import json

import yaml
from lab_runs import make_inventory, reset, run_playbook

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
