"""Property: on any document, the two-process reader gives exactly what the one-process reader gives.

Documents are generated from csexport objects (the fixtures' real format) and the damage the
attack on the lab used: tag names followed by a newline or tab, comments and CDATA holding
"<cs-object ", elements that are not objects, text, DTDs, namespaces and other encodings in the
head, trailing garbage, a second root end, truncation. The split threshold is lowered to one
byte so every document is a candidate for two processes; the example count is bounded so the
test stays fast in `make test`.
"""

from __future__ import annotations

import os
import tempfile

from csexport_fixtures import cs_object
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport import analysis, parallel

OPERATIONS = ("add", "update", "replace", "delete", "delete-add", "none", "Delete", "frobnicate")
DECLARATIONS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    "<?xml version='1.0' encoding='utf-8'?>",
    '<?xml version="1.0"?>\r\n',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
    '<?xml version="1.0" encoding="ISO-8859-1"?>\n',
    "",
    "\ufeff",
    '\ufeff<?xml version="1.0" encoding="UTF-8"?>',
    "<!-- csexport -->\n",
    '<!DOCTYPE cs-objects [<!ENTITY e "x">]>\n',
    "garbage",
)
ROOTS = ("<cs-objects>", "<cs-objects >", '<cs-objects xmlns="urn:x">', "<cs-objects a='1'>", "<cs-object>", "<x>")
SEPARATORS = ("\n", "", "\r\n", "\t", "  ")
INSERTS = (
    "<!-- <cs-object  -->",
    "<?pi <cs-object ?>",
    "<x/>",
    '<x><cs-object id="n"/></x>',
    "text",
    "</cs-objects><cs-objects>",
    "&amp;",
    "<cs-object",
)
TAILS = (
    "\n</cs-objects>\n",
    "</cs-objects>",
    "\n</cs-objects>\ngarbage",
    "\n</cs-objects></cs-objects>\n",
    "\n</cs-objects>\n<!-- end -->\n",
    "\n</cs-objects >\n",
    "\n</cs-object>",
    "",
)


@st.composite
def csexport_objects(draw, index):
    text = cs_object(index, draw(st.sampled_from(OPERATIONS)), draw(st.sampled_from(("user", "group"))))
    opening = draw(st.sampled_from(("<cs-object ", "<cs-object\n", "<cs-object\t", "<cs-object\r\n")))
    text = opening + text[len("<cs-object ") :]
    if draw(st.integers(0, 9)) == 0:
        text = text.replace("User ", "<![CDATA[<cs-object ]]>", 1)
    return text


@st.composite
def documents(draw):
    count = draw(st.integers(1, 8))
    parts = [draw(st.sampled_from(DECLARATIONS)) if draw(st.integers(0, 2)) else DECLARATIONS[0]]
    parts.append(draw(st.sampled_from(ROOTS)) if not draw(st.integers(0, 3)) else ROOTS[0])
    for index in range(count):
        parts.append(draw(st.sampled_from(SEPARATORS)))
        if not draw(st.integers(0, 7)):
            parts.append(draw(st.sampled_from(INSERTS)))
        parts.append(draw(csexport_objects(index)))
    parts.append(draw(st.sampled_from(TAILS)) if not draw(st.integers(0, 2)) else TAILS[0])
    data = "".join(parts).encode("utf-8")
    if not draw(st.integers(0, 7)):
        data = data[: draw(st.integers(0, len(data)))]
    return data


def outcome(path, split):
    try:
        return analysis.analyse([path], gates={"max_deletes": 0}, parallel_min_bytes=1 if split else 1 << 62)
    except InputError as err:
        return str(err)


@settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents())
def test_both_readers_agree_on_any_document(data):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "AAD.xml")
        with open(path, "wb") as handle:
            handle.write(data)
        assert outcome(path, split=True) == outcome(path, split=False)


def splits(data):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "AAD.xml")
        with open(path, "wb") as handle:
            handle.write(data)
        return parallel.split(path, min_bytes=1) is not None


def test_the_generator_reaches_both_paths():
    # The property is only worth something if generated documents take both paths.
    quick = settings(max_examples=200, database=None, deadline=None)
    assert splits(find(documents(), splits, settings=quick))
    assert not splits(find(documents(), lambda data: not splits(data), settings=quick))
