"""The lab's sync engine: what admins rely on staging servers and exports to do."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from lab_helpers import ENTRA, SALES, import_and_sync, lab_server, run, world_settings

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.analysis import analyse
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import controls
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.engine import source_anchor
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import LabStateError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.store import LabStore
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._archives import extract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.compare import (
    compare_configurations,
)


def pending_xml(server, tmp_path: Path, connector=ENTRA, filter_letter="x") -> Path:
    exported = server.call("Export-EntraConnectConnectorSpace", ConnectorName=connector, Filter=filter_letter)
    target = tmp_path / f"{server.host}-{filter_letter}"
    archive = server.fetch_archive(exported, tmp_path / f"{server.host}-{filter_letter}.zip")
    extract(archive, target)
    return target / "csexport.xml"


def pending_counts(server) -> dict:
    state = server.call("Get-EntraConnectServerState", RunHistoryCount=0)
    stats = state["connectors"][-1]["statistics"]
    return {k: stats[f"export_{k}_count"] for k in ("add", "update", "delete")}


def tenant_object(lab, anchor):
    return controls.tenant(lab, world_settings())[anchor]


def test_one_changed_attribute_flows_to_the_staging_csexport_then_to_the_tenant_after_promotion(tmp_path):
    lab = tmp_path / "lab"
    active = lab_server(lab, "aadc01")
    staging = lab_server(lab, "aadc02", staging=True)
    staging.call("Get-EntraConnectSyncStatus")  # both servers exist before the change
    user = controls.find_user(lab, world_settings(), "u000007")
    controls.change_directory(lab, world_settings(), user["anchor"], {"department": "Research"})

    import_and_sync(staging)
    result = analyse([str(pending_xml(staging, tmp_path))], connectors=[ENTRA])
    assert result["summary"]["operations"] == {"add": 0, "update": 1, "replace": 0, "delete": 0, "delete-add": 0}
    assert list(result["summary"]["attributes"]) == ["department"]
    assert tenant_object(lab, user["anchor"])["attrs"]["department"] == user["attrs"]["department"]

    active.call("Set-EntraConnectStagingMode", Enabled=True)
    staging.call("Set-EntraConnectStagingMode", Enabled=False)
    staging.call("Start-EntraConnectSyncCycle", PolicyType="Delta")
    assert tenant_object(lab, user["anchor"])["attrs"]["department"] == "Research"
    assert pending_counts(staging) == {"add": 0, "update": 0, "delete": 0}


def test_a_staging_server_accumulates_pending_exports_and_never_exports(tmp_path):
    lab = tmp_path / "lab"
    staging = lab_server(lab, "aadc02", staging=True, excluded_containers=[SALES])
    before = controls.tenant(lab, world_settings())
    counts = pending_counts(staging)
    assert counts["delete"] > 0
    for _cycle in range(3):
        staging.call("Start-EntraConnectSyncCycle", PolicyType="Delta")
    assert controls.tenant(lab, world_settings()) == before
    assert pending_counts(staging) == counts
    runs = staging.call("Get-EntraConnectRunHistory", NumberRequested=50)["runs"]
    assert "Export" not in {r["run_profile_name"] for r in runs}


def test_an_active_export_changes_the_tenant_and_the_threshold_stops_a_mass_delete(tmp_path):
    lab = tmp_path / "lab"
    active = lab_server(lab, "aadc01", deletion_threshold=5)
    sales = [o for o in controls.directory(lab, world_settings()).values() if o["dn"].endswith("," + SALES)]
    for obj in sales[:3]:
        controls.change_directory(lab, world_settings(), obj["anchor"], {}, op="delete")
    active.call("Start-EntraConnectSyncCycle", PolicyType="Delta")
    tenant = controls.tenant(lab, world_settings())
    assert all(obj["anchor"] not in tenant for obj in sales[:3])
    for obj in sales[3:10]:
        controls.change_directory(lab, world_settings(), obj["anchor"], {}, op="delete")
    active.call("Start-EntraConnectSyncCycle", PolicyType="Delta")
    runs = active.call("Get-EntraConnectRunHistory", NumberRequested=2)["runs"]
    exports = {r["connector_name"]: r["result"] for r in runs if r["run_profile_name"] == "Export"}
    assert exports[ENTRA] == "stopped-deletion-threshold-exceeded"
    assert all(obj["anchor"] in controls.tenant(lab, world_settings()) for obj in sales[3:10])


def test_an_active_delta_cycle_exports_on_every_connector_entra_first(tmp_path):
    active = lab_server(tmp_path / "lab", "aadc01")
    active.call("Start-EntraConnectSyncCycle", PolicyType="Delta")
    runs = active.call("Get-EntraConnectRunHistory", NumberRequested=6)["runs"]
    exports = [r["connector_name"] for r in reversed(runs) if r["run_profile_name"] == "Export"]
    assert exports == [ENTRA, "contoso.com"]
    assert all(r["result"] == "success" for r in runs)


def test_an_ou_out_of_the_staging_scope_shows_as_pending_deletes_the_analyser_counts(tmp_path):
    lab = tmp_path / "lab"
    staging = lab_server(lab, "aadc02", staging=True, excluded_containers=[SALES])
    in_sales = {
        source_anchor(o["anchor"])
        for o in controls.directory(lab, world_settings()).values()
        if o["dn"].endswith("," + SALES)
    }
    result = analyse([str(pending_xml(staging, tmp_path))], connectors=[ENTRA])
    summary = result["summary"]
    assert summary["operations"]["delete"] == len(in_sales) > 0
    # The groups that had Sales members lose them: updates of 'members' only.
    assert summary["operations"]["update"] == summary["object_types"]["group"]
    assert set(summary["attributes"]) == {"members"}


def test_an_upgraded_staging_server_shows_pending_updates_on_users(tmp_path):
    lab = tmp_path / "lab"
    lab_server(lab, "aadc01", version="2.5.190.0").call("Get-EntraConnectSyncStatus")
    upgraded = lab_server(lab, "aadc02", staging=True, version="2.6.92.0")
    result = analyse([str(pending_xml(upgraded, tmp_path))], connectors=[ENTRA])
    summary = result["summary"]
    assert summary["operations"]["update"] == summary["object_types"]["user"] == 200
    assert list(summary["attributes"]) == ["employeeType"]


def test_pending_imports_show_a_directory_change_before_the_import(tmp_path):
    lab = tmp_path / "lab"
    server = lab_server(lab)
    server.call("Get-EntraConnectSyncStatus")  # the server has imported before the change
    user = controls.find_user(lab, world_settings(), "u000001")
    controls.change_directory(lab, world_settings(), user["anchor"], {"title": "CTO"})
    document = ET.parse(pending_xml(server, tmp_path, "contoso.com", "m")).getroot()
    objects = document.findall("cs-object")
    assert len(objects) == 1
    delta = objects[0].find("pending-import/delta")
    assert (delta.get("operation"), [a.get("name") for a in delta.findall("attr")]) == ("update", ["title"])


def test_the_journal_records_every_flag_change_and_two_actives_as_conflicting_writers(tmp_path):
    lab = tmp_path / "lab"
    first = lab_server(lab, "aadc01")
    second = lab_server(lab, "aadc02", staging=True)
    second.call("Set-EntraConnectStagingMode", Enabled=False)  # two active servers: the mistake
    user = controls.find_user(lab, world_settings(), "u000003")
    controls.change_directory(lab, world_settings(), user["anchor"], {"title": "Chief"})
    first.call("Start-EntraConnectSyncCycle", PolicyType="Delta")
    second.call("Set-EntraConnectStagingMode", Enabled=True)
    lines = LabStore(lab).journal()
    flips = [
        (line["host"], line["changes"]["staging_mode_enabled"])
        for line in lines
        if line["helper"] != "lab:create" and "staging_mode_enabled" in line["changes"]
    ]
    assert flips == [("aadc02", [True, False]), ("aadc02", [False, True])]
    conflicts = [line for line in lines if line["helper"] == "lab:conflicting-writers"]
    assert [c["changes"]["active_servers"][1] for c in conflicts] == [["aadc01", "aadc02"]]
    assert "Get-EntraConnectSyncStatus" not in {line["helper"] for line in lines}


def test_configuration_exports_are_real_format_and_show_scope_and_version_differences(tmp_path):
    lab = tmp_path / "lab"
    active = lab_server(lab, "aadc01", version="2.5.190.0")
    staging = lab_server(lab, "aadc02", staging=True, version="2.6.92.0", excluded_containers=[SALES])
    folders = []
    for server in (active, staging):
        exported = server.call("Export-EntraConnectServerConfiguration")
        archive = server.fetch_archive(exported, tmp_path / f"{server.host}.zip")
        folders.append(tmp_path / server.host)
        extract(archive, folders[-1])
    result = compare_configurations(*(str(f / "ServerConfiguration") for f in folders))
    categories = result["summary"]["categories"]
    assert categories.get("connector.partitions") == 1
    assert categories.get("sync_rule.standard.version") == 1
    server_names = {result["summary"]["reference"]["server"], result["summary"]["candidate"]["server"]}
    assert server_names == {"AADC01", "AADC02"}


def test_changed_world_settings_without_a_reset_are_a_clear_error(tmp_path):
    lab = tmp_path / "lab"
    lab_server(lab).call("Get-EntraConnectSyncStatus")
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import LabBackend
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import read_settings
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facade import Server

    other = Server(LabBackend(lab, read_settings("aadc02", {"entra_connect_lab_seed": 7})), "aadc02")
    with pytest.raises(LabStateError, match=r"was created with world settings .* reset the lab"):
        other.call("Get-EntraConnectSyncStatus")
    controls.reset(lab)
    assert other.call("Get-EntraConnectSyncStatus")["busy_connectors"] == []


def test_run_profiles_record_results_in_order(tmp_path):
    server = lab_server(tmp_path / "lab")
    run(server, "contoso.com", "Delta Import")
    run(server, ENTRA, "Export")
    runs = server.call("Get-EntraConnectRunHistory", NumberRequested=2)["runs"]
    assert [(r["connector_name"], r["run_profile_name"], r["result"]) for r in runs] == [
        (ENTRA, "Export", "success"),
        ("contoso.com", "Delta Import", "success"),
    ]
    assert runs[0]["run_number"] == runs[1]["run_number"] + 1
