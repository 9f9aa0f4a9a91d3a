"""The module summaries the collection ships a JSON Schema for match it, passing gate or failing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.analysis import analyse
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig import compare_configurations

ROOT = Path(__file__).resolve().parents[5]
SCHEMAS = ROOT / "docs" / "schemas"
# The Contoso export is stored once, as the lab's runtime template (MIT; SOURCE.md and LICENSE.txt there).
CONTOSO = ROOT / "plugins" / "plugin_utils" / "lab" / "templates" / "server-configuration"
CSEXPORT = ROOT / "tests" / "data" / "csexport" / "contoso.onmicrosoft.com - AAD.xml"


def schema(name):
    data = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(data)
    return data


def test_every_shipped_schema_is_a_valid_draft_2020_12_schema():
    names = sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    assert names == [
        "config-compare-summary.schema.json",
        "csexport-summary.schema.json",
        "run-summary.schema.json",
        "verify-summary.schema.json",
    ]
    for name in names:
        schema(name.removesuffix(".schema.json"))


def test_config_compare_summary_matches_its_schema(tmp_path):
    candidate = tmp_path / "candidate"
    shutil.copytree(CONTOSO, candidate)
    same = compare_configurations(str(CONTOSO), str(CONTOSO))
    assert same["differences"] == []
    jsonschema.validate(same, schema("config-compare-summary"))
    # One sync rule fewer on the candidate: a failing gate.
    sorted((candidate / "SynchronizationRules").iterdir())[0].unlink()
    different = compare_configurations(str(CONTOSO), str(candidate))
    assert not different["gate"]["passed"] and different["differences"]
    jsonschema.validate(different, schema("config-compare-summary"))


@pytest.mark.parametrize("gates", [{}, {"max_deletes": 0, "max_adds": 0, "max_updates": 0, "max_total": 0}])
def test_csexport_summary_matches_its_schema(gates):
    result = analyse([str(CSEXPORT)], gates=gates)
    jsonschema.validate(result, schema("csexport-summary"))
    with_baseline = analyse([str(CSEXPORT)], gates=gates, baseline=[str(CSEXPORT)])
    jsonschema.validate(with_baseline, schema("csexport-summary"))
    assert with_baseline["comparison"]["only_candidate"] == 0


def rejection(document, name):
    """The one error the schema finds in a document: (validator, path)."""
    errors = list(jsonschema.Draft202012Validator(schema(name)).iter_errors(document))
    assert len(errors) == 1, [e.message for e in errors]
    return errors[0].validator, list(errors[0].absolute_path)


def test_the_schemas_reject_what_they_must():
    good = analyse([str(CSEXPORT)])
    jsonschema.validate(good, schema("csexport-summary"))
    negative = json.loads(json.dumps(good))
    negative["summary"]["operations"]["delete"] = -1
    assert rejection(negative, "csexport-summary") == ("minimum", ["summary", "operations", "delete"])
    newer = json.loads(json.dumps(good))
    newer["summary"]["schema_version"] = 2
    assert rejection(newer, "csexport-summary")[1] == ["summary", "schema_version"]
    misspelt = json.loads(json.dumps(good))
    misspelt["summary"]["operation"] = misspelt["summary"].pop("operations")
    assert {e.validator for e in jsonschema.Draft202012Validator(schema("csexport-summary")).iter_errors(misspelt)} == {
        "required",
        "additionalProperties",
    }
