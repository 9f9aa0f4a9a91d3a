"""The promotion verdict: every gate, and the deletion threshold capping the delete gate."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._verdict import (
    csexport_gates,
    verdict,
)

NOW = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)


ENTRA = "contoso.onmicrosoft.com - AAD"
SCHEDULER = {"sync_cycle_enabled": True, "scheduler_suspended": False}


def info(total=2400, staging=True, idle=True, ended="2026-11-24T05:00:00.000Z", threshold=(True, 500)):
    return {
        "computer_name": "AADC02",
        "installed": True,
        "configured": True,
        "idle": idle,
        "staging_mode_enabled": staging,
        "product_version": "2.6.92.0",
        "engine_version": "2.6.92.0",
        "scheduler": SCHEDULER,
        "auto_upgrade_state": "Enabled",
        "entra_connector_name": ENTRA,
        "export_deletion_threshold": {"enabled": threshold[0], "count": threshold[1]},
        "connectors": [{"name": "contoso.com", "statistics": {"total_connector_count": total}}],
        "runs": [{"connector_name": ENTRA, "run_profile_name": "Delta Import", "result": "success", "ended_at": ended}],
    }


PASSED = {"gate": {"passed": True, "violations": []}, "summary": {"difference_count": 0, "operations": {"delete": 0}}}


def test_a_server_that_passes_every_gate_is_ready():
    result = verdict("aadc02", info(), {**info(staging=False), "computer_name": "AADC01"}, PASSED, PASSED, now=NOW)
    assert (result["verdict"], result["reasons"], result["reference"]) == ("ready", [], "AADC01")
    assert (result["sync_age_hours"], result["last_entra_import_at"]) == (1.0, "2026-11-24T05:00:00Z")
    assert [g["gate"] for g in result["health_gates"] if g["passed"]] == [
        "entra_import",
        "scheduler",
        "version",
        "upgrade",
    ]
    assert (result["support"]["status"], result["support"]["ends_on"]) == ("supported", None)


def test_every_failed_gate_is_a_reason():
    config = {"gate": {"passed": False, "violations": [{"message": "1 difference of category connector.partitions"}]}}
    pending = {"gate": {"passed": False, "violations": [{"message": "Gate max_deletes failed: 235 > limit 0"}]}}
    result = verdict(
        "aadc02",
        info(total=2000, staging=False, idle=False, ended="2026-11-20T05:00:00.000Z"),
        info(total=2400),
        config,
        pending,
        gates={"max_sync_age_hours": 48},
        now=NOW,
    )
    assert result["verdict"] == "blocked"
    assert result["reasons"] == [
        "aadc02 is busy (a sync cycle or run profile is in progress)",
        "aadc02 is not a staging server",
        "configuration: 1 difference of category connector.partitions",
        "pending exports: Gate max_deletes failed: 235 > limit 0",
        "connector 'contoso.com' holds 2000 objects, the active server 2400 (more than 5% apart)",
        "aadc02's newest successful import on the Microsoft Entra connector 'contoso.onmicrosoft.com - AAD' is "
        "97.0 hours old (2026-11-20T05:00:00Z; limit max_sync_age_hours=48); fix the import (the run history names "
        "the error), run an import and sync (verify_import_and_sync: true, or sync_cycle mode: import_and_sync) and "
        "verify again",
    ]


def test_an_analysis_that_failed_blocks_with_its_error_instead_of_crashing():
    failed = {"failed": True, "msg": "backups/aadc01/x/ServerConfiguration: no such file or folder"}
    result = verdict("aadc02", info(), {**info(staging=False)}, failed, PASSED, now=NOW)
    assert result["verdict"] == "blocked"
    assert result["reasons"] == [
        "configuration: could not be checked: backups/aadc01/x/ServerConfiguration: no such file or folder"
    ]


def test_no_reference_and_no_runs_block():
    result = verdict("aadc02", {**info(), "runs": []}, None, None, None, now=NOW)
    assert "no active server to compare with" in result["reasons"]
    assert any("has no successful import on the Microsoft Entra connector" in r for r in result["reasons"])


def test_deletes_are_capped_by_the_deletion_threshold():
    assert csexport_gates({"max_deletes": 1000}, info(threshold=(True, 500)))["max_deletes"] == 500
    assert csexport_gates({"max_deletes": 1000}, info(threshold=(False, 500)))["max_deletes"] == 1000
    assert csexport_gates({}, info())["max_deletes"] == 0


SCHEMA = json.loads(
    (Path(__file__).resolve().parents[5] / "docs" / "schemas" / "verify-summary.schema.json").read_text()
)


@pytest.mark.parametrize(
    "result",
    [
        verdict("aadc02", info(), {**info(staging=False), "computer_name": "AADC01"}, PASSED, PASSED, now=NOW),
        verdict("aadc02", {**info(), "runs": []}, None, None, None, now=NOW),
    ],
    ids=["ready", "blocked"],
)
def test_the_verdict_validates_against_the_published_schema(result):
    jsonschema.validate(json.loads(json.dumps(result)), SCHEMA)


def test_the_schema_refuses_a_ready_verdict_with_reasons():
    bad = verdict("aadc02", info(), {**info(staging=False), "computer_name": "AADC01"}, PASSED, PASSED, now=NOW)
    bad["reasons"] = ["something"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_with_no_active_server_the_backup_of_the_last_active_one_is_the_reference():
    backup = "/b/aadc01/20261201T100000Z"
    result = verdict("aadc02", info(), None, PASSED, PASSED, now=NOW, reference_backup=backup)
    assert (result["verdict"], result["reasons"], result["reference"]) == ("ready", [], backup)
    blocked = verdict("aadc02", info(), None, None, PASSED, now=NOW, reference_backup=backup)
    assert blocked["reasons"] == [f"the configuration was not compared with the backup {backup}"]
    failed = {"gate": {"passed": False, "violations": [{"message": "1 difference"}]}}
    assert verdict("aadc02", info(), None, failed, PASSED, now=NOW, reference_backup=backup)["reasons"] == [
        "configuration: 1 difference"
    ]


def test_with_no_reference_at_all_only_the_operators_acceptance_lifts_the_reference_gate():
    assert verdict("aadc02", info(), None, None, PASSED, now=NOW)["reasons"] == ["no active server to compare with"]
    accepted = verdict("aadc02", info(), None, None, PASSED, now=NOW, without_reference=True)
    assert (accepted["verdict"], accepted["reference"]) == ("ready", None)
    assert verdict(
        "aadc02",
        info(),
        None,
        None,
        {"gate": {"passed": False, "violations": [{"message": "d"}]}},
        now=NOW,
        without_reference=True,
    )["reasons"] == ["pending exports: d"]


@pytest.mark.parametrize(
    ("candidate", "suspended", "reason"),
    [
        ("ServiceAccount", False, "AADC02's Entra connector signs in with a service account, while the active server"),
        (None, False, "signs in with an unknown sign-in"),
        ("Application", True, "an application-based authentication certificate cannot rotate"),
    ],
    ids=["service-account", "unread", "suspended"],
)
def test_a_candidate_must_sign_in_like_an_application_based_active_server(candidate, suspended, reason):
    active = {**info(staging=False), "computer_name": "AADC01", "entra_credential_type": "Application"}
    mine = {**info(), "entra_credential_type": candidate, "scheduler": {**SCHEDULER, "scheduler_suspended": suspended}}
    result = verdict("AADC02", mine, active, PASSED, PASSED, now=NOW)
    assert result["verdict"] == "blocked"
    assert any(reason in r for r in result["reasons"]), result["reasons"]
    assert any("application" in r for r in result["reasons"])
    # the suspended scheduler is said once (the health gate), not again by the sign-in check
    assert len([r for r in result["reasons"] if "cannot rotate" in r]) == (1 if suspended else 0), result["reasons"]


def test_a_service_account_candidate_may_replace_a_service_account_active_server():
    active = {**info(staging=False), "computer_name": "AADC01", "entra_credential_type": "ServiceAccount"}
    mine = {**info(), "entra_credential_type": "ServiceAccount"}
    assert verdict("aadc02", mine, active, PASSED, PASSED, now=NOW)["verdict"] == "ready"


def partition_difference(field, reference, candidate):
    return {
        "category": "connector.partitions",
        "object": "contoso.com / partition DC=contoso,DC=com",
        "field": field,
        "reference": reference,
        "candidate": candidate,
        "explanation": f"OU {field} differ",
    }


OU = "OU=Sales,OU=CORP,DC=contoso,DC=com"
DOMAIN = "DC=contoso,DC=com"


@pytest.mark.parametrize(
    ("difference", "explains"),
    [
        (partition_difference("exclusions", [DOMAIN], [DOMAIN, OU]), True),  # an OU excluded on the candidate
        (partition_difference("exclusions", [DOMAIN, OU], [DOMAIN]), False),  # the candidate sees more: adds
        (partition_difference("inclusions", [DOMAIN, OU], [DOMAIN]), True),  # an OU included on the active only
        (partition_difference("selected", True, False), True),  # a partition selected on the active only
        (partition_difference("selected", False, True), False),
    ],
)
def test_pending_deletes_a_narrower_scope_explains_come_first(difference, explains):
    config = {
        "differences": [difference],
        "gate": {"passed": False, "violations": [{"message": "1 difference of category connector.partitions"}]},
    }
    pending = {
        "gate": {"passed": False, "violations": [{"message": "Gate max_deletes failed: 17 > limit 0"}]},
        "summary": {"operations": {"delete": 17}},
    }
    result = verdict("aadc02", info(), {**info(staging=False)}, config, pending, now=NOW)
    first = result["reasons"][0]
    if explains:
        assert first.startswith("the 17 pending delete(s) come from the candidate's narrower scope")
        assert "contoso.com / partition DC=contoso,DC=com: OU" in first
        assert len(result["reasons"]) == 3
    else:
        assert first == "configuration: 1 difference of category connector.partitions"
    no_deletes = {**pending, "summary": {"operations": {"delete": 0}}}
    assert not verdict("aadc02", info(), {**info(staging=False)}, config, no_deletes, now=NOW)["reasons"][0].startswith(
        "the "
    )
