"""Pending-export analysis of csexport XML: every input the issue lists, each with a test."""

from __future__ import annotations

import tracemalloc

import pytest
from csexport_fixtures import cs_object, document, write

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.analysis import analyse


def xml_file(tmp_path, objects, name="contoso.com.xml", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(document(objects, encoding), encoding=encoding)
    return str(path)


def test_counts_every_operation_with_all_keys_present(tmp_path):
    path = tmp_path / "contoso.com.xml"
    expected = write(path, 80)
    summary = analyse([str(path)])["summary"]
    assert summary["objects"] == 80
    assert summary["operations"] == {
        op: expected.get(op, 0) for op in ("add", "update", "replace", "delete", "delete-add")
    }
    assert summary["object_types"] == {"contact": 20, "group": 20, "user": 40}
    assert summary["connectors"]["contoso.com"]["objects"] == 80
    # Deletes carry no attributes; the rest change displayName (replace), proxyAddresses (update), manager.
    non_delete = 80 - expected["delete"]
    assert summary["attributes"]["displayName"] == {"add": 0, "delete": 0, "replace": non_delete, "update": 0}
    assert summary["attributes"]["proxyAddresses"]["update"] == non_delete
    assert summary["attributes"]["manager"]["replace"] == non_delete
    assert summary["samples"]["delete"][0]["dn"].startswith("CN={")


def test_empty_export(tmp_path):
    result = analyse([xml_file(tmp_path, [])])
    assert result["summary"]["objects"] == 0
    assert result["gate"]["passed"] is True
    path = tmp_path / "selfclosing.xml"
    path.write_text("<cs-objects/>")
    assert analyse([str(path)])["summary"]["operations"]["add"] == 0


def test_utf16_with_bom(tmp_path):
    path = xml_file(tmp_path, [cs_object(1, "add", extra_value="Zürich - ☃")], encoding="utf-16")
    with open(path, "rb") as handle:
        assert handle.read(2) in (b"\xff\xfe", b"\xfe\xff")
    assert analyse([path])["summary"]["operations"]["add"] == 1


def test_escrowed_and_unconfirmed_sections_are_counted_not_gated(tmp_path):
    path = xml_file(
        tmp_path,
        [cs_object(1, "delete", section="escrowed-export"), cs_object(2, "delete", section="unconfirmed-export")],
    )
    result = analyse([path], gates={"max_deletes": 0})
    assert result["summary"]["sections"] == {"escrowed-export": 1, "unconfirmed-export": 1}
    assert result["summary"]["objects"] == 0
    assert result["gate"]["passed"] is True


def test_unknown_operation_is_counted_and_warned(tmp_path):
    result = analyse([xml_file(tmp_path, [cs_object(1, "obsolete")])])
    assert result["summary"]["unknown_operations"] == {"obsolete": 1}
    assert "unknown delta operation 'obsolete'" in result["summary"]["warnings"][0]


def test_gates_per_connector(tmp_path):
    path = tmp_path / "contoso.onmicrosoft.com - AAD.xml"
    expected = write(path, 80)
    deletes = expected["delete"] + expected["delete-add"]
    result = analyse([str(path)], gates={"max_deletes": deletes - 1, "max_adds": 1000})
    assert result["gate"]["passed"] is False
    [violation] = result["gate"]["violations"]
    assert violation == {
        "rule": "max_deletes",
        "limit": deletes - 1,
        "actual": deletes,
        "connector": "contoso.onmicrosoft.com - AAD",
        "message": f"Gate max_deletes failed for connector 'contoso.onmicrosoft.com - AAD': {deletes} > limit "
        f"{deletes - 1}; review pending-exports.csv or raise gates.max_deletes",
    }


def test_ignore_attributes_and_object_types(tmp_path):
    path = xml_file(tmp_path, [cs_object(1, "update"), cs_object(2, "update", object_type="contact")])
    result = analyse([path], gates={"ignore_object_types": ["contact"], "ignore_attributes": ["displayName"]})
    summary = result["summary"]
    assert summary["objects"] == 1 and summary["ignored_objects"] == 1
    assert "displayName" not in summary["attributes"]


def test_invalid_gate_values_are_clear_errors():
    with pytest.raises(InputError, match=r"'gates.max_deletes': -1; use a whole number"):
        analyse(["x.xml"], gates={"max_deletes": -1})
    with pytest.raises(InputError, match=r"unknown key\(s\) max_delete;"):
        analyse(["x.xml"], gates={"max_delete": 1})


def test_truncated_file_names_the_file_and_position(tmp_path):
    path = tmp_path / "truncated.xml"
    text = document([cs_object(i) for i in range(5)])
    path.write_text(text[: len(text) // 2])
    with pytest.raises(InputError, match=r"truncated\.xml: not a complete csexport XML file at line \d+, column \d+"):
        analyse([str(path)])


def test_not_xml_at_all(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text("OMODT,AMODT\nAdd,Add\n")
    with pytest.raises(InputError, match=r"report\.csv: not a complete csexport XML file"):
        analyse([str(path)])


def test_wrong_root_element(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<saved-mv-configuration/>")
    with pytest.raises(InputError, match=r"expected the root element <cs-objects>, found <saved-mv-configuration>"):
        analyse([str(path)])


def test_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<!DOCTYPE cs-objects [<!ENTITY s SYSTEM "file://{secret}">]>'
        '<cs-objects><cs-object cs-dn="CN=a" id="1" object-type="user"><unapplied-export>'
        '<delta operation="add" dn="&s;"/></unapplied-export></cs-object></cs-objects>'
    )
    with pytest.raises(InputError, match=r"xxe\.xml: (the file declares a DTD|refers to an XML entity)") as err:
        analyse([str(path)])
    assert "TOPSECRET" not in str(err.value)


def test_entity_expansion_bomb_is_refused_in_bounded_memory(tmp_path):
    entities = ['<!ENTITY a0 "' + "x" * 100 + '">'] + [
        f'<!ENTITY a{i} "{"&a" + str(i - 1) + ";" * 1}{("&a" + str(i - 1) + ";") * 9}">' for i in range(1, 10)
    ]
    path = tmp_path / "bomb.xml"
    path.write_text(
        f"<!DOCTYPE cs-objects [{''.join(entities)}]><cs-objects>"
        '<cs-object cs-dn="CN=a" id="1" object-type="user"><unapplied-export><delta operation="add" dn="CN=a">'
        '<attr name="info" type="string" multivalued="false" operation="add"><value>&a9;</value></attr>'
        "</delta></unapplied-export></cs-object></cs-objects>"
    )
    tracemalloc.start()
    with pytest.raises(InputError):
        analyse([str(path)])
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 1024 * 1024


def test_value_of_5_mb_is_analysed(tmp_path):
    path = xml_file(tmp_path, [cs_object(1, "update", extra_value="v" * 5_000_000)])
    assert analyse([path])["summary"]["attributes"]["info"]["replace"] == 1


def test_value_of_20_mb_is_a_clear_error_naming_the_limit(tmp_path):
    path = xml_file(tmp_path, [cs_object(1, "update", extra_value="v" * 20_000_000)])
    with pytest.raises(InputError, match=r"larger than libxml2's limit of 10,000,000 bytes"):
        analyse([path])


def test_baseline_comparison_keys_by_anchor_not_by_id(tmp_path):
    candidate = xml_file(tmp_path, [cs_object(1), cs_object(2), cs_object(3)], name="staging.xml")
    # The same objects on another server have other cs-object ids; keys are anchors.
    other = document([cs_object(2), cs_object(3), cs_object(4)]).replace("-1111-2222-", "-9999-8888-")
    baseline = tmp_path / "active.xml"
    baseline.write_text(other)
    comparison = analyse([candidate], baseline=[str(baseline)])["comparison"]
    assert (comparison["only_candidate"], comparison["only_baseline"], comparison["both"]) == (1, 1, 2)
    assert comparison["only_candidate_samples"] == ["anchor:anchor00000001"]


def test_connector_labels_must_match_the_files(tmp_path):
    path = xml_file(tmp_path, [])
    with pytest.raises(InputError, match=r"'connector' names 2 connector\(s\) for 1 file\(s\)"):
        analyse([path], connectors=["a", "b"])
