"""Interrupted switches on the lab (issue #22): zero active servers, two runs at once, a kill -9 anywhere.

A switch killed between "Demote the active server" and "Promote the candidate" leaves every
server in staging; the next switch_roles must converge to the declared server (verified against
the backup of the server that was active last), or refuse naming the variable that accepts a
promotion without a reference, and say in its report how it recovered.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest
from lab_runs import (
    ROOT,
    Run,
    final_failure,
    make_inventory,
    never_two_active,
    playbook_command,
    reset,
    run_playbook,
)

FAILED_MSG = re.compile(r'"msg": "((?:[^"\\]|\\.)*)"')

DEMOTE = """
- name: Demote the active server and stop, as a killed switch does
  hosts: aadc01
  gather_facts: false
  tasks:
    - name: Demote aadc01
      hybrid_identity.entra_connect.staging_mode:
        state: enabled
"""


def zero_active_lab(tmp_path: Path, declared_active: str, backup_first: bool) -> Path:
    other = "aadc02" if declared_active == "aadc01" else "aadc01"
    inventory = make_inventory(tmp_path, declared={declared_active: "active", other: "staging"})
    assert reset(inventory).rc == 0
    if backup_first:
        backed = run_playbook(inventory, "backup")
        assert backed.rc == 0, backed.output[-3000:]
    playbook = tmp_path / "demote.yml"
    playbook.write_text(DEMOTE)
    demoted = run_playbook(inventory, playbook)
    assert demoted.rc == 0 and demoted.active() == set(), demoted.output[-3000:]
    return inventory


def events(inventory: Path) -> list[tuple[str, str]]:
    newest = sorted((inventory / ".reports").glob("*/summary.json"))[-1]
    return [(e["status"], e["message"]) for e in json.loads(newest.read_text())["events"]]


@pytest.mark.parametrize("declared_active", ["aadc01", "aadc02"])
def test_zero_active_converges_to_the_declared_server_verified_against_the_last_active_backup(
    tmp_path, declared_active
):
    inventory = zero_active_lab(tmp_path, declared_active, backup_first=True)
    result = run_playbook(inventory, "switch_roles")
    assert result.rc == 0, result.output[-3000:]
    assert result.active() == {declared_active}
    assert never_two_active(result) == []
    reported = events(inventory)
    assert [status for status, _message in reported] == ["planned", "verified", "done"]
    assert reported[0][1].startswith(f"Recovering from zero active servers: {declared_active} is verified against")
    assert "recovered from zero active servers: verified against the backup of aadc01" in reported[-1][1]
    again = run_playbook(inventory, "switch_roles")
    assert again.rc == 0 and again.changed_count() == 0, again.output[-3000:]


def test_zero_active_with_no_backup_refuses_naming_the_variable_then_accepts_it(tmp_path):
    inventory = zero_active_lab(tmp_path, "aadc02", backup_first=False)
    refused = run_playbook(inventory, "switch_roles")
    assert refused.rc != 0 and refused.active() == set()
    message = (final_failure(refused) or ("", ""))[1]
    assert message.startswith("Switch refused, nothing was changed: no server is active and no backup")
    assert "set entra_connect_promote_without_reference=true to promote aadc02" in message
    accepted = run_playbook(inventory, "switch_roles", extra={"entra_connect_promote_without_reference": "true"})
    assert accepted.rc == 0, accepted.output[-3000:]
    assert accepted.active() == {"aadc02"}
    assert "recovered from zero active servers without a configuration reference" in events(inventory)[-1][1]


def test_two_switches_started_together_one_refuses_before_any_change_naming_the_other(tmp_path):
    inventory = make_inventory(tmp_path, declared={"aadc01": "staging", "aadc02": "active"})
    assert reset(inventory).rc == 0
    runs = [playbook_command(inventory, "switch_roles") for _attempt in range(2)]
    started = [
        subprocess.Popen(c, cwd=ROOT, env=e, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for c, e in runs
    ]
    outputs = [p.communicate(timeout=900)[0] for p in started]
    codes = sorted(p.returncode for p in started)
    assert codes[0] == 0 and codes[1] != 0, "\n\n".join(o[-2000:] for o in outputs)
    loser = outputs[[p.returncode for p in started].index(codes[1])]
    run_ids = sorted(p.name for p in (inventory / ".reports").iterdir())
    assert len(run_ids) == 2, run_ids  # distinct run ids, even when started in the same second
    message = next(m for m in FAILED_MSG.findall(loser) if "another run holds this pair's lease" in m)
    assert any(f"run {run_id} by " in message for run_id in run_ids), message
    assert "until 20" in message
    assert "changed: [" not in loser, loser[-3000:]  # nothing was changed by the run that refused
    finished = Run(0, "", inventory)
    assert finished.active() == {"aadc02"} and never_two_active(finished) == []


def test_a_run_killed_after_the_promotion_is_confirmed_by_the_rerun(tmp_path):
    declared = {"aadc01": "staging", "aadc02": "active"}
    short = {"entra_connect_lease_seconds": 1}
    clean = make_inventory(tmp_path / "clean", declared=declared)
    assert reset(clean).rc == 0
    recorded = run_playbook(clean, "switch_roles", extra=short)
    assert recorded.rc == 0, recorded.output[-3000:]
    promotion = recorded.state()["write_log"].index("aadc02 Set-EntraConnectStagingMode") + 1
    inventory = make_inventory(tmp_path / "killed", declared=declared)
    assert reset(inventory).rc == 0
    killed = run_playbook(
        inventory, "switch_roles", extra=short, env={"ENTRA_CONNECT_LAB_KILL_AT_WRITE": str(promotion)}
    )
    assert killed.rc == -9 and killed.active() == {"aadc02"}
    cycles = killed.state()["calls"]["aadc02"].get("Start-EntraConnectSyncCycle", 0)
    time.sleep(2)  # the killed run's lease expires
    rerun = run_playbook(inventory, "switch_roles", extra=short)
    assert rerun.rc == 0, rerun.output[-3000:]
    assert "aadc02 was promoted but its export was never confirmed; confirming the export" in rerun.output
    assert rerun.state()["calls"]["aadc02"]["Start-EntraConnectSyncCycle"] == cycles + 1
    assert [status for status, _message in events(inventory)] == ["planned", "done"]
    assert events(inventory)[0][1].startswith("Took over the expired lease of run ")
    assert rerun.active() == {"aadc02"} and never_two_active(rerun) == []
    records = list((inventory / ".lab" / "remote").glob("*/C/ProgramData/hybrid_identity.entra_connect/intent.json"))
    assert records == []  # the confirmed switch removed its record
