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


def info(total=2400, staging=True, idle=True, ended="2026-11-24T05:00:00.000Z", threshold=(True, 500)):
    return {
        "computer_name": "AADC02",
        "configured": True,
        "idle": idle,
        "staging_mode_enabled": staging,
        "export_deletion_threshold": {"enabled": threshold[0], "count": threshold[1]},
        "connectors": [{"name": "contoso.com", "statistics": {"total_connector_count": total}}],
        "runs": [{"ended_at": ended}],
    }


PASSED = {"gate": {"passed": True, "violations": []}, "summary": {"difference_count": 0, "operations": {"delete": 0}}}


def test_a_server_that_passes_every_gate_is_ready():
    result = verdict("aadc02", info(), {**info(staging=False), "computer_name": "AADC01"}, PASSED, PASSED, now=NOW)
    assert (result["verdict"], result["reasons"], result["reference"]) == ("ready", [], "AADC01")
    assert result["sync_age_hours"] == 1.0


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
        "aadc02 has not synchronised within 48 hours (newest run: 2026-11-20T05:00:00+00:00); "
        "run import_and_sync first",
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
    assert any("newest run: none" in r for r in result["reasons"])


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
