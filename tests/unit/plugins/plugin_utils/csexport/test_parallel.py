"""Two processes on one large file give exactly the sequential result; anything unusual falls back."""

from __future__ import annotations

import pytest
from csexport_fixtures import cs_object, document, write

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport import analysis, parallel


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1)


def sequential(path, **kwargs):
    calls = []
    result = analysis.analyse([path], object_rows=calls.append, **kwargs)  # rows force one process
    return result, calls


def test_two_processes_give_the_sequential_result(tmp_path, small_threshold):
    path = tmp_path / "big.xml"
    write(str(path), 400)
    ranges = parallel.split(str(path))
    assert ranges is not None and len(ranges) == 2
    parallel_result = analysis.analyse([str(path)], gates={"max_deletes": 3})
    sequential_result, rows = sequential(str(path), gates={"max_deletes": 3})
    assert len(rows) == parallel_result["summary"]["objects"] > 0
    assert parallel_result == sequential_result


def test_unknown_operations_warn_once_across_parts(tmp_path, small_threshold):
    objects = [cs_object(i, "frobnicate" if i in (3, 390) else "update") for i in range(400)]
    path = tmp_path / "odd.xml"
    path.write_text(document(objects))
    result = analysis.analyse([str(path)])
    assert result["summary"]["unknown_operations"] == {"frobnicate": 2}
    assert len(result["summary"]["warnings"]) == 1
    assert result == sequential(str(path))[0]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (lambda objects: document(objects, encoding="utf-16").encode("utf-16"), "utf-16"),
        (
            lambda objects: (
                document(objects).replace("<cs-objects>", '<!DOCTYPE x [<!ENTITY e "x">]><cs-objects>').encode()
            ),
            "dtd",
        ),
        (lambda objects: document(objects).encode()[:-40], "truncated"),
        (lambda objects: document(objects).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode(), "latin-1"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_unusual_files_are_left_to_the_sequential_reader(tmp_path, small_threshold, content, why):
    path = tmp_path / f"{why}.xml"
    path.write_bytes(content([cs_object(i) for i in range(50)]))
    assert parallel.split(str(path)) is None


def test_a_part_that_does_not_parse_falls_back_to_the_sequential_error(tmp_path, small_threshold):
    objects = [cs_object(i) for i in range(300)]
    text = document(objects)
    middle = text.index("<cs-object ", len(text) // 2)
    broken = text[: middle + 200] + "<<broken" + text[middle + 200 :]
    path = tmp_path / "broken.xml"
    path.write_text(broken)
    with pytest.raises(InputError, match="not a complete csexport XML file"):
        analysis.analyse([str(path)])
