"""Damaged zips and settings JSON of the wrong shape: an error naming the file, never a raw exception."""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest
from contoso_export import DATA

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._archives import extract
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig import compare_configurations


def export_zip() -> bytes:
    """The Contoso export zipped (stored, so bytes of the entries can be damaged in place)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder, _dirs, files in os.walk(DATA):
            for name in files:
                full = os.path.join(folder, name)
                archive.write(full, os.path.relpath(full, DATA))
    return buffer.getvalue()


def first_entry(data: bytes) -> zipfile.ZipInfo:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return next(i for i in archive.infolist() if i.filename.startswith("Connectors/"))


def flip(data: bytes, offset: int, value: bytes) -> bytes:
    return data[:offset] + value + data[offset + len(value) :]


def bad_crc(data):
    info = first_entry(data)
    # The CRC of the central directory entry is what zipfile checks after reading.
    central = data.rindex(info.filename.encode(), 0, len(data)) - 46
    return flip(data, central + 16, (info.CRC ^ 1).to_bytes(4, "little"))


def bad_deflate(data):
    info = first_entry(data)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    return flip(data, start, b"\xff\xff\xff\xff")


def bad_local_header(data):
    info = first_entry(data)
    return flip(data, info.header_offset, b"XXXX")


def name_mismatch(data):
    info = first_entry(data)
    start = info.header_offset + 30
    return flip(data, start, b"X")


def unknown_method(data):
    info = first_entry(data)
    central = data.rindex(info.filename.encode(), 0, len(data)) - 46
    return flip(data, central + 10, (99).to_bytes(2, "little"))


def unknown_version(data):
    info = first_entry(data)
    central = data.rindex(info.filename.encode(), 0, len(data)) - 46
    return flip(data, central + 6, (99).to_bytes(2, "little"))


def encrypted(data):
    info = first_entry(data)
    central = data.rindex(info.filename.encode(), 0, len(data)) - 46
    return flip(data, central + 8, (info.flag_bits | 1).to_bytes(2, "little"))


def truncated(data):
    return data[: len(data) // 2]


def invalid_utf8_name(data):
    info = first_entry(data)
    central = data.rindex(info.filename.encode(), 0, len(data)) - 46
    data = flip(data, central + 8, (info.flag_bits | 0x800).to_bytes(2, "little"))
    return flip(data, central + 46, b"\xff")


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(zipfile.ZipInfo(name), content)
    return buffer.getvalue()


def empty_name(_data):
    return zip_of({"": b"x", "Connectors/a.xml": b"<x/>"})


def duplicate_name(_data):
    return zip_of({"Connectors/a.xml": b"<x/>", "Connectors\\A.xml": b"<y/>"})


DAMAGES = [
    (bad_crc, r"the entry 'Connectors/.*' is damaged: Bad CRC-32"),
    (bad_deflate, r"the entry 'Connectors/.*' is damaged: compressed data is damaged"),
    (bad_local_header, r"the entry 'Connectors/.*' is damaged: Bad magic number"),
    (name_mismatch, r"the entry 'Connectors/.*' is damaged: File name in directory"),
    (unknown_method, r"the entry 'Connectors/.*' is damaged: uses a zip feature that cannot be read"),
    (unknown_version, r"not a readable zip file: uses a zip feature that cannot be read \(zip file version 9.9\)"),
    (encrypted, r"the entry 'Connectors/.*' is encrypted; give a zip without a password"),
    (truncated, r"not a readable zip file: File is not a zip file"),
    (invalid_utf8_name, r"not a readable zip file: an entry name is not valid UTF-8"),
    (empty_name, r"an entry has an empty name"),
    (duplicate_name, r"the entry 'Connectors\\A.xml' is in the zip twice \(also as 'Connectors/a.xml'\)"),
]


@pytest.mark.parametrize(("damage", "message"), DAMAGES, ids=[d[0].__name__ for d in DAMAGES])
def test_a_damaged_zip_is_an_error_naming_the_file(tmp_path, damage, message):
    path = tmp_path / "candidate.zip"
    path.write_bytes(damage(export_zip()))
    with pytest.raises(InputError, match=rf"candidate\.zip: {message}"):
        compare_configurations(str(DATA), str(path))


@pytest.mark.parametrize(("damage", "message"), DAMAGES, ids=[d[0].__name__ for d in DAMAGES])
def test_a_damaged_fetched_zip_is_an_error_naming_the_file(tmp_path, damage, message):
    # The same zipfile use unpacks what settings_export and csexport fetch.
    path = tmp_path / "fetched.zip"
    path.write_bytes(damage(export_zip()))
    with pytest.raises(InputError, match=rf"fetched\.zip: {message}"):
        extract(path, tmp_path / "out")


def test_an_intact_zip_still_compares(tmp_path):
    path = tmp_path / "candidate.zip"
    path.write_bytes(export_zip())
    assert compare_configurations(str(DATA), str(path))["differences"] == []


def test_a_fifo_is_refused_as_a_zip(tmp_path):
    fifo = tmp_path / "candidate.zip"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"candidate\.zip: the zip file is a FIFO \(named pipe\)"):
        compare_configurations(str(DATA), str(fifo))


def settings(tmp_path, forest=None, rule=None, forests=None):
    forest = {"fullyQualifiedDomainName": "contoso.com", **(forest or {})}
    if rule is not None:
        forest["customSynchronizationRules"] = [{"name": "In from AD - custom", **rule}]
    data = {"onpremisesDirectoryPolicy": forests or [forest], "azureDirectoryPolicy": {}}
    path = tmp_path / "Applied-SynchronizationPolicy-1.json"
    path.write_text(json.dumps(data))
    return str(path)


WRONG_SHAPES = [
    (
        {"forest": {"partitionFilters": {"distinguishedName": "DC=x"}}},
        r"\[0\]\.partitionFilters' is \{.*expected a list of objects",
    ),
    ({"forest": {"partitionFilters": ["DC=x"]}}, r"\[0\]\.partitionFilters' is \['DC=x'\]; expected a list of objects"),
    (
        {"forest": {"partitionFilters": [{"distinguishedName": "DC=x", "containerInclusions": "OU=CORP"}]}},
        r"\[0\]\.partitionFilters\[0\]\.containerInclusions' is 'OU=CORP'; expected a list of texts",
    ),
    (
        {"rule": {"scopeFilters": "department"}},
        r"\[0\]\.customSynchronizationRules\[0\]\.scopeFilters' is 'department'; expected a list of objects",
    ),
    (
        {"rule": {"attributeMappings": {"a": 1}}},
        r"\[0\]\.customSynchronizationRules\[0\]\.attributeMappings' is \{'a': 1\}; expected a list of objects",
    ),
    (
        {"rule": {"precedence": "²"}},
        r"\[0\]\.customSynchronizationRules\[0\]\.precedence' is '²'; expected a whole number from 0 to 2147483647",
    ),
    (
        {"rule": {"precedence": "9" * 5000}},
        r"\[0\]\.customSynchronizationRules\[0\]\.precedence' is '9999.*\.\.\.; expected a whole number",
    ),
    (
        {"rule": {"precedence": True}},
        r"\[0\]\.customSynchronizationRules\[0\]\.precedence' is True; expected a whole number",
    ),
    (
        {"rule": {"precedence": -1}},
        r"\[0\]\.customSynchronizationRules\[0\]\.precedence' is -1; expected a whole number",
    ),
]


@pytest.mark.parametrize(("shape", "message"), WRONG_SHAPES)
def test_settings_json_of_the_wrong_shape_is_a_clear_error(tmp_path, shape, message):
    path = settings(tmp_path, **shape)
    with pytest.raises(InputError, match=rf"SynchronizationPolicy-1\.json: 'onpremisesDirectoryPolicy{message}"):
        compare_configurations(path, path)


def test_a_precedence_given_as_digits_is_read(tmp_path):
    path = settings(tmp_path, rule={"precedence": "100"})
    assert compare_configurations(path, path)["differences"] == []


def test_a_5000_digit_number_is_a_clear_error(tmp_path):
    path = tmp_path / "Applied-SynchronizationPolicy-1.json"
    path.write_text('{"onpremisesDirectoryPolicy": [{"fullyQualifiedDomainName": "x", "n": ' + "9" * 5000 + "}]}")
    with pytest.raises(InputError, match=r"SynchronizationPolicy-1\.json: not valid JSON: Exceeds the limit"):
        compare_configurations(str(path), str(path))


def test_deep_nesting_is_a_clear_error(tmp_path):
    path = tmp_path / "Applied-SynchronizationPolicy-1.json"
    path.write_text('{"onpremisesDirectoryPolicy": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(InputError, match=r"SynchronizationPolicy-1\.json: not a settings export: the JSON is nested"):
        compare_configurations(str(path), str(path))


def test_forests_differing_only_in_case_are_refused(tmp_path):
    path = settings(
        tmp_path,
        forests=[{"fullyQualifiedDomainName": "contoso.com"}, {"fullyQualifiedDomainName": "CONTOSO.com"}],
    )
    with pytest.raises(
        InputError,
        match=r"'onpremisesDirectoryPolicy\[1\]' is the forest 'CONTOSO.com' a second time \(as 'contoso.com'",
    ):
        compare_configurations(path, path)
