"""Behaviours of real 2026 servers, rehearsed with real ansible-playbook runs on the lab (issue 16).

Each test changes the lab the way a real server behaves (a stopped ADSync service, an Export on
every connector, a wizard that leaves the scheduler off) and runs the user's playbook.
"""

from __future__ import annotations

import yaml
from lab_runs import make_inventory, reset, run_playbook


def set_server(inventory, host, **settings):
    path = inventory / "host_vars" / f"{host}.yml"
    data = yaml.safe_load(path.read_text()) if path.exists() else {}
    data["entra_connect_lab_server"] = {**(data.get("entra_connect_lab_server") or {}), **settings}
    path.write_text(yaml.safe_dump(data))


def write_playbook(inventory, name, text):
    path = inventory.parent / f"{name}.yml"
    path.write_text(text)
    return path


def test_after_a_switch_the_new_active_server_exported_on_every_connector(tmp_path):
    inventory = make_inventory(tmp_path, declared={"aadc01": "staging", "aadc02": "active"})
    assert reset(inventory).rc == 0
    result = run_playbook(inventory, "switch_roles")
    assert result.rc == 0, result.output[-3000:]
    assert result.active() == {"aadc02"}
    runs = result.state()["servers"]["aadc02"]["runs"]
    exports = {r["connector_name"]: r["result"] for r in runs if r["run_profile_name"] == "Export"}
    assert exports == {"contoso.com": "success", "contoso.onmicrosoft.com - AAD": "success"}


SERVER_INFO = """
- name: Read a server whose ADSync service is stopped
  hosts: aadc02
  gather_facts: false
  tasks:
    - name: Read it
      hybrid_identity.entra_connect.server_info:
        run_history_count: 5
      register: info

    - name: It answers, saying the service is stopped and the engine unknown
      ansible.builtin.assert:
        that:
          - info.configured is none
          - info.role == 'service_stopped'
          - info.engine_state == 'service_stopped'
          - info.service.state == 'Stopped'
          - info.product_version | length > 0
"""


def test_server_info_answers_while_the_adsync_service_is_stopped(tmp_path):
    inventory = make_inventory(tmp_path, declared={"aadc01": "active", "aadc02": "staging"})
    set_server(inventory, "aadc02", service="Stopped")
    assert reset(inventory).rc == 0
    result = run_playbook(inventory, write_playbook(inventory, "read_stopped", SERVER_INFO))
    assert result.rc == 0, result.output[-3000:]
    assert result.says("[WARNING]: The ADSync service on AADC02 is Stopped"), result.output[-3000:]


def test_a_stopped_service_is_refused_by_the_build_never_built_over(tmp_path):
    inventory = make_inventory(tmp_path)
    set_server(inventory, "aadc02", service="Stopped")
    assert reset(inventory).rc == 0
    result = run_playbook(inventory, "add_staging_server")
    assert result.rc != 0
    assert "aadc02: the ADSync service is Stopped, so its sync engine cannot be read" in result.output
    changes = [line for line in result.journal() if not line["helper"].startswith("lab:create")]
    assert changes == [], changes


def test_the_upgrade_path_survives_the_service_stopped_in_the_upgrade_window(tmp_path):
    inventory = make_inventory(tmp_path, declared={"aadc01": "active", "aadc02": "staging"})
    assert reset(inventory).rc == 0
    installer = inventory.parent / "installers" / "AzureADConnect-2.6.92.0.msi"
    # The operator's wizard takes three reads: the wait loop polls through the stopped service.
    extra = {
        "upgrade_version": "2.6.92.0",
        "upgrade_installer_src": str(installer),
        "entra_connect_lab_wizard_reads": 3,
    }
    result = run_playbook(inventory, "upgrade", extra=extra)
    assert result.rc == 0, result.output[-3000:]
    # (ansible-core 2.21 names the role in the retry line, 2.16 does not)
    retries = [line for line in result.output.splitlines() if line.startswith("FAILED - RETRYING: [aadc02]:")]
    assert any("Wait for the operator to finish the wizard" in line for line in retries), result.output[-3000:]
    # The read after the MSI found the service stopped (the wizard's upgrade not done yet) ...
    assert result.says("[WARNING]: The ADSync service on AADC02 is Stopped"), result.output[-3000:]
    # The MSI left the wizard open (it suspends the scheduler): the read after it says so.
    assert result.says("[WARNING]: The Entra Connect wizard is open on AADC02"), result.output[-3000:]
    # ... and the role waited for the operator instead of failing or building over the server.
    servers = result.state()["servers"]
    assert {h: (s["engine_version"], s["service_state"]) for h, s in servers.items()} == {
        "aadc01": ("2.6.92.0", "Running"),
        "aadc02": ("2.6.92.0", "Running"),
    }


def scheduler_enabled(run):
    return {h: (s.get("scheduler") or {}).get("sync_cycle_enabled") for h, s in run.state()["servers"].items()}


def test_every_configured_server_syncs_after_add_staging_server(tmp_path):
    inventory = make_inventory(tmp_path)
    assert reset(inventory).rc == 0
    result = run_playbook(inventory, "add_staging_server")
    assert result.rc == 0, result.output[-3000:]
    # The lab's operator unticks "Start the synchronization process"; the role turns it on.
    assert scheduler_enabled(result) == {"aadc01": True, "aadc02": True, "aadc03": True}
    values = [
        (line["helper"], line["changes"]["scheduler.sync_cycle_enabled"][1])
        for line in result.journal()
        if line["host"] == "aadc03" and "scheduler.sync_cycle_enabled" in line["changes"]
    ]
    assert values == [("lab:operator", False), ("Set-EntraConnectScheduler", True)]


def test_an_awx_string_false_leaves_the_scheduler_as_the_wizard_left_it(tmp_path):
    inventory = make_inventory(tmp_path)
    assert reset(inventory).rc == 0
    result = run_playbook(inventory, "add_staging_server", extra={"staging_server_enable_scheduler": "false"})
    assert scheduler_enabled(result)["aadc03"] is False
    # Built, but not ready for a promotion: the verification's scheduler gate says so and what to do.
    assert result.rc != 0
    assert "aadc03's sync scheduler is disabled (SyncCycleEnabled false)" in result.output


def test_a_service_account_candidate_is_blocked_when_the_active_server_uses_an_application(tmp_path):
    inventory = make_inventory(tmp_path, declared={"aadc01": "staging", "aadc02": "active"})
    set_server(inventory, "aadc01", version="2.5.190.0")
    set_server(inventory, "aadc02", version="2.5.190.0", entra_credential="ServiceAccount")
    assert reset(inventory).rc == 0
    result = run_playbook(inventory, "switch_roles")
    assert result.rc != 0
    assert "Entra connector signs in with a service account, while the active server uses application-based" in (
        result.output
    )
    assert result.active() == {"aadc01"}
    assert result.says("[WARNING]: The Entra connector of AADC02 still signs in with a service account"), result.output[
        -3000:
    ]


def test_a_localdb_near_its_limit_is_refused_before_any_change(tmp_path):
    inventory = make_inventory(tmp_path, declared={"aadc01": "staging", "aadc02": "active"})
    set_server(inventory, "aadc02", database_used_mb=9800)
    set_server(inventory, "aadc01", database_used_mb=8500)
    assert reset(inventory).rc == 0
    result = run_playbook(inventory, "switch_roles")
    assert result.rc != 0
    assert "aadc02: the LocalDB uses 9800 MB, near its 10-GB limit" in result.output
    assert result.says("[WARNING]: The LocalDB of AADC01 uses 8500 MB: automatic upgrade is blocked from 8 GB"), (
        result.output[-3000:]
    )
    assert [line for line in result.journal() if not line["helper"].startswith("lab:create")] == []
