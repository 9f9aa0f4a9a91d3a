"""Two processes on one large file give exactly the sequential result; anything unusual falls back."""

from __future__ import annotations

import functools
import os

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
    found = parallel.split(str(path))
    assert found is not None and len(found[1]) == 2
    assert found[0] == b'<?xml version="1.0" encoding="UTF-8"?>\n<cs-objects>\n'
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


def outcome(path, split):
    """The analysis, or the error text, by two processes (split) or by one."""
    try:
        return analysis.analyse([path], gates={"max_deletes": 0}, parallel_min_bytes=1 if split else 1 << 60)
    except InputError as err:
        return str(err)


@pytest.mark.parametrize("opening", ["<cs-object\n", "<cs-object\t", "<cs-object\r\n"])
def test_an_object_before_the_first_literal_mark_is_counted(tmp_path, opening):
    # The delete is written with a newline after the tag name: the old split started at the first
    # "<cs-object " and never counted it, so max_deletes: 0 passed; the one-process reader failed it.
    objects = [cs_object(0, "delete").replace("<cs-object ", opening, 1)] + [cs_object(i) for i in range(1, 60)]
    path = tmp_path / "delete-first.xml"
    path.write_text(document(objects))
    assert parallel.split(str(path), min_bytes=1) is None
    result = outcome(str(path), split=True)
    assert result["summary"]["operations"]["delete"] == 1
    assert result["gate"]["passed"] is False
    assert result == outcome(str(path), split=False)


@pytest.mark.parametrize(
    ("tail", "why"),
    [
        ("</cs-objects>\ngarbage\n", "trailing text"),
        ("</cs-objects></cs-objects>\n", "second root end"),
        ("</cs-objects><cs-objects></cs-objects>", "second root"),
        ("</cs-objects><x/>", "element after the root"),
    ],
)
def test_anything_after_the_root_is_refused_by_both_readers(tmp_path, tail, why):
    text = document([cs_object(i) for i in range(60)]).replace("</cs-objects>\n", tail)
    path = tmp_path / "tail.xml"
    path.write_text(text)
    assert parallel.split(str(path), min_bytes=1) is None, why
    result = outcome(str(path), split=True)
    assert isinstance(result, str) and "not a complete csexport XML file" in result
    assert result == outcome(str(path), split=False)


@pytest.mark.parametrize(
    "before",
    ["garbage", "<x/>", "<!-- a comment -->", "<?pi x?>"],
)
def test_content_before_the_first_object_is_left_to_the_sequential_reader(tmp_path, before):
    text = document([cs_object(i) for i in range(60)]).replace("<cs-objects>\n", "<cs-objects>\n" + before, 1)
    path = tmp_path / "head.xml"
    path.write_text(text)
    assert parallel.split(str(path), min_bytes=1) is None
    assert outcome(str(path), split=True) == outcome(str(path), split=False)


def test_a_cut_inside_a_comment_falls_back(tmp_path):
    text = document([cs_object(i) for i in range(60)])
    before_middle = text.rindex("<cs-object ", 0, len(text) // 2)
    comment = "<!-- " + "x" * 10_000 + " <cs-object -->"
    path = tmp_path / "comment.xml"
    path.write_text(text[:before_middle] + comment + text[before_middle:])
    head, ranges = parallel.split(str(path), min_bytes=1)
    with open(path, "rb") as handle:
        handle.seek(ranges[0][1])
        assert handle.read(16) == b"<cs-object --><c"  # the cut is inside the comment
    factory = functools.partial(analysis.Analysis, analysis.Gates())
    parts = parallel.analyse_in_parts(factory, str(path), "c", head, ranges)
    assert parts is None  # the first part ends inside an unterminated comment
    result = outcome(str(path), split=True)
    assert result["summary"]["objects"] == 60
    assert result == outcome(str(path), split=False)


def test_the_split_threshold_is_the_default_for_real_files(tmp_path):
    path = tmp_path / "small.xml"
    write(str(path), 20)
    assert os.path.getsize(path) < parallel.PARALLEL_MIN_BYTES
    assert parallel.split(str(path)) is None
    assert parallel.split(str(path), min_bytes=1) is not None
