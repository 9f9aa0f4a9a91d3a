"""Damaged and hostile csexport inputs: a clear error, never a hang, a traceback or unbounded memory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from csexport_fixtures import cs_object, document

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport import analysis, parser

COLLECTIONS = os.path.join(os.path.dirname(__file__), *[".."] * 5, ".collections")


@pytest.fixture
def no_hang():
    """Fail instead of blocking forever if a FIFO is ever opened for reading again."""

    def expired(_signum, _frame):
        raise AssertionError("the reader blocked")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("split", [True, False])
def test_a_fifo_is_refused_without_blocking(tmp_path, no_hang, split):
    fifo = tmp_path / "AAD.xml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"AAD.xml: the csexport file is a FIFO \(named pipe\), not a regular file"):
        analysis.analyse([str(fifo)], parallel_min_bytes=1 if split else None)


def test_a_symlink_to_a_device_is_refused(tmp_path):
    link = tmp_path / "AAD.xml"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="the csexport file is a character device, not a regular file"):
        analysis.analyse([str(link)])


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(InputError, match="the csexport file is a folder"):
        analysis.analyse([str(tmp_path)])


def test_a_missing_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "missing.xml"
    with pytest.raises(InputError, match=r"missing.xml: the csexport file cannot be read: No such file or directory"):
        analysis.analyse([str(missing)])


@pytest.mark.parametrize(
    ("body", "tag", "line"),
    [
        ("<x/>{objects}", "x", 3),
        ("{objects}<x/>", "x", None),
        ("{first}<junk>text</junk>{objects}", "junk", None),
        ("<x>{objects}</x>", "x", 3),
    ],
)
def test_elements_other_than_objects_under_the_root_are_refused(tmp_path, body, tag, line):
    objects = [cs_object(i) for i in range(3)]
    text = document([body.format(objects="".join(objects), first=objects[0])])
    path = tmp_path / "junk.xml"
    path.write_text(text)
    where = rf" at line {line}" if line else r" at line \d+"
    with pytest.raises(InputError, match=rf"junk.xml: not a csexport file: <{tag}>{where} is not a <cs-object>"):
        analysis.analyse([str(path)])


def test_an_object_nested_in_an_object_is_refused(tmp_path):
    inner = cs_object(1)
    outer = cs_object(0).replace("</cs-object>", inner + "</cs-object>", 1)
    path = tmp_path / "nested.xml"
    path.write_text(document([outer]))
    with pytest.raises(InputError, match=r"is not a <cs-object>|not a csexport file"):
        list(parser.iter_cs_objects(str(path)))


def test_memory_stays_flat_on_50_mb_of_siblings(tmp_path):
    # 100 MB of <x/> siblings once took the reader to 3 GB: the tree was never cleared.
    path = tmp_path / "siblings.xml"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<cs-objects>' + cs_object(0))
        chunk = "<x/>" * 250_000
        for _round in range(50):
            handle.write(chunk)
        handle.write("</cs-objects>\n")
    script = textwrap.dedent(
        """
        import resource, sys
        sys.path.insert(0, sys.argv[2])
        from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
        from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.analysis import analyse
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            analyse([sys.argv[1]])
        except InputError as err:
            print(err)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(path), os.path.abspath(COLLECTIONS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    message, grown_kib = run.stdout.strip().splitlines()
    assert "<x> at line 2 is not a <cs-object>" in message
    assert int(grown_kib) < 64 * 1024, f"the reader grew by {int(grown_kib) // 1024} MB"


def unknown_operation_file(tmp_path):
    path = tmp_path / "AAD.xml"
    path.write_text(document([cs_object(0, "Delete"), cs_object(1, "update")]))
    return str(path)


def test_an_unknown_operation_fails_the_gates(tmp_path):
    result = analysis.analyse([unknown_operation_file(tmp_path)], gates={"max_deletes": 0, "max_updates": 5})
    assert result["summary"]["unknown_operations"] == {"Delete": 1}
    assert result["gate"]["passed"] is False
    (violation,) = result["gate"]["violations"]
    assert violation["rule"] == "unknown_operations"
    assert violation["message"].startswith(
        "Gate unknown_operations failed for connector 'AAD': delta operation(s) 'Delete' (1) are none of add,"
    )


def test_an_unknown_operation_passes_only_when_allowed(tmp_path):
    path = unknown_operation_file(tmp_path)
    result = analysis.analyse([path], gates={"max_deletes": 0, "allow_unknown_operations": "true"})
    assert result["gate"]["passed"] is True
    assert "counted (gates.allow_unknown_operations)" in result["summary"]["warnings"][0]


def test_max_total_counts_unknown_operations(tmp_path):
    path = unknown_operation_file(tmp_path)
    result = analysis.analyse([path], gates={"max_total": 1, "allow_unknown_operations": True})
    assert [(v["rule"], v["actual"]) for v in result["gate"]["violations"]] == [("max_total", 2)]


def test_allow_unknown_operations_must_be_a_boolean(tmp_path):
    with pytest.raises(InputError, match=r"'gates.allow_unknown_operations': 'maybe'; use true or false"):
        analysis.analyse([unknown_operation_file(tmp_path)], gates={"allow_unknown_operations": "maybe"})
