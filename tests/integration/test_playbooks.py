"""The playbooks as users run them, on the lab: the story, idempotence, check mode, bad inventories."""

from __future__ import annotations

import json

import pytest
from lab_runs import deprecations, make_inventory, never_two_active, reset, run_playbook, validate_summaries


def test_swing_migration_tells_the_story_and_a_rerun_changes_nothing(lab):
    first = run_playbook(lab, "swing_migration")
    assert first.rc == 0, first.output[-3000:]
    assert first.active() == {"aadc03"}
    assert "Plan to make aadc03 active:" in first.output
    assert never_two_active(first) == []
    # On every ansible-core leg (2.16 and the newest), the documented story warns of no deprecation.
    assert deprecations(first) == []
    for playbook in ("swing_migration", "switch_roles", "backup", "add_staging_server"):
        again = run_playbook(lab, playbook)
        assert again.rc == 0, again.output[-3000:]
        assert again.changed_count() == 0, f"{playbook} changed something on a rerun:\n{again.output[-3000:]}"
        assert deprecations(again) == [], playbook
    counts = validate_summaries(lab)
    assert all(counts.values()), counts
    # The first run folder is the swing migration's (run ids are UTC times).
    run = json.loads(sorted((lab / ".reports").glob("*/summary.json"))[0].read_text())
    assert run["kind"] == "swing_migration" and run["verdict"] == "done"
    assert [e["status"] for e in run["events"]] == ["planned", "verified", "done"]
    assert {s["host"]: s["actual_role"] for s in run["servers"]} == {
        "aadc01": "staging",
        "aadc02": "staging",
        "aadc03": "active",
    }
    # Each server's support status and the date it ends (2.6.92.0: the newest release, no end yet).
    support = {s["host"]: (s["version"], s["support"]["ends_on"]) for s in run["servers"]}
    assert support == {
        "aadc01": ("2.5.190.0", "2027-02-02"),
        "aadc02": ("2.5.190.0", "2027-02-02"),
        "aadc03": ("2.6.92.0", None),
    }
    assert next(s for s in run["servers"] if s["host"] == "aadc03")["support"]["supported"] is True


@pytest.mark.parametrize("playbook", ["add_staging_server", "swing_migration"])
def test_check_mode_of_the_build_playbooks_succeeds_and_changes_nothing(lab, playbook):
    """Runbook step 2 on a freshly reset lab: the rehearsal runs as far as the wizard, exit 0."""
    result = run_playbook(lab, playbook, "--check")
    assert result.rc == 0, result.output[-3000:]
    # the settings the rehearsal exported must outlive the export (task names may say "cannot be read")
    unread = [line for line in result.output.splitlines() if "cannot be read" in line and not line.startswith("TASK [")]
    assert not unread, result.output[-3000:]
    assert [line for line in result.journal() if not line["helper"].startswith("lab:create")] == [], result.output[
        -3000:
    ]
    assert result.active() == {"aadc01"}
    assert not (lab / ".backups").exists()


# The servers that exist in a fresh lab, with a switch declared (aadc02 active): the rehearsal
# plans and verifies the switch and stops before the first write.
EXISTING_SWITCHED = {"aadc01": "staging", "aadc02": "active"}


@pytest.mark.parametrize("playbook", ["backup", "verify", "switch_roles"])
def test_check_mode_of_the_other_playbooks_succeeds_and_changes_nothing(tmp_path, playbook):
    inventory = make_inventory(tmp_path, declared=EXISTING_SWITCHED)
    assert reset(inventory).rc == 0
    result = run_playbook(inventory, playbook, "--check")
    assert result.rc == 0, result.output[-3000:]
    assert [line for line in result.journal() if not line["helper"].startswith("lab:create")] == [], result.output[
        -3000:
    ]
    assert result.active() == {"aadc01"}


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ({"aadc01": "staging", "aadc02": "staging"}, "no host declares entra_connect_role=active"),
        ({"aadc01": "active", "aadc02": "active"}, "2 hosts declare entra_connect_role=active (aadc01, aadc02)"),
        ({"aadc01": "active", "aadc02": "primary"}, "aadc02 declares entra_connect_role='primary'"),
        ({"aadc01": "active", "aadc02": None}, "aadc02 does not declare entra_connect_role"),
    ],
    ids=["zero-active", "two-active", "unknown-role", "no-role"],
)
@pytest.mark.parametrize("playbook", ["switch_roles", "swing_migration"])
def test_bad_inventories_fail_before_any_change(tmp_path, declared, message, playbook):
    inventory = make_inventory(tmp_path, declared=declared)
    result = run_playbook(inventory, playbook)
    assert result.rc != 0
    assert message in result.output
    assert "Inventory contract broken, nothing was changed" in result.output
    assert not (inventory / ".lab" / "journal.jsonl").exists()


def test_a_declared_server_that_does_not_exist_stops_switch_roles(lab):
    result = run_playbook(lab, "switch_roles")
    assert result.rc != 0
    assert "aadc03 is declared (active) but is not installed; build it first" in result.output
    assert [line for line in result.journal() if not line["helper"].startswith("lab:create")] == []


@pytest.mark.parametrize(
    ("playbook", "refusal"),
    [("verify", ""), ("switch_roles", "Switch refused, nothing was changed: ")],
)
def test_a_misspelt_gate_is_refused_before_any_change(tmp_path, playbook, refusal):
    inventory = make_inventory(tmp_path, declared={"aadc01": "staging", "aadc02": "active"})
    assert reset(inventory).rc == 0
    result = run_playbook(inventory, playbook, extra={"entra_connect_gates": {"max_delete": 0}})
    assert result.rc != 0
    assert (
        f"{refusal}Invalid value given for 'entra_connect_gates': unknown key(s) max_delete; valid keys: max_deletes"
        in result.output
    )
    assert [line for line in result.journal() if not line["helper"].startswith("lab:create")] == []
