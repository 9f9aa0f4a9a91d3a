"""The csexport action plugin, on both backends: pending exports made on the server, fetched, analysed, cleaned up."""

from __future__ import annotations

from ec_harness import ENTRA, remote_leftovers, run_action

from ansible_collections.hybrid_identity.entra_connect.plugins.action.csexport import ActionModule as Csexport
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.directory import base_directory
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import WorldSettings

SALES = "OU=Sales,OU=CORP,DC=contoso,DC=com"


def test_csexport_fetches_and_gates_the_pending_deletes_of_an_ou_out_of_scope(backend, tmp_path):
    lab, dest = tmp_path / "lab", tmp_path / "report"
    host_vars = {"entra_connect_lab_server": {"staging": True, "excluded_containers": [SALES]}}
    expected = sum(1 for o in base_directory(WorldSettings()).values() if o["dn"].endswith("," + SALES))
    args = {"connectors": [ENTRA], "gates": {"max_deletes": 10}, "dest": str(dest)}
    result, _unused = run_action(Csexport, args, backend=backend, lab_dir=lab, host_vars=host_vars, check_mode=True)
    assert result["failed"] is True
    assert result["summary"]["operations"]["delete"] == expected > 100
    violation = result["gate"]["violations"][0]
    assert (violation["rule"], violation["limit"], violation["actual"]) == ("max_deletes", 10, expected)
    assert (dest / f"{ENTRA}.xml").is_file()
    assert (dest / "summary.json").is_file()
    assert remote_leftovers(lab) == []


def test_csexport_names_an_unknown_connector(backend, tmp_path):
    result, _unused = run_action(Csexport, {"connectors": ["fabrikam.com"]}, backend=backend, lab_dir=tmp_path)
    assert result["failed"] is True
    assert result["msg"] == (f"No connector named 'fabrikam.com' on aadc01; its connectors are: contoso.com, {ENTRA}")
