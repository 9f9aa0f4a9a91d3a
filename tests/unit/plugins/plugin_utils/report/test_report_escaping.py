"""Text from a server never becomes HTML, Markdown or a spreadsheet formula in a report."""

from __future__ import annotations

import csv
import io
import re

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.files import (
    Markup,
    markdown_table,
    md_cell,
    md_text,
    safe_cell,
    to_csv,
)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_never_start_with_a_formula_character(start):
    # OWASP "CSV Injection": = + - @ and tab and carriage return.
    value = start + "cmd|' /C calc'!A0"
    assert safe_cell(value) == "'" + value
    row = next(csv.reader(io.StringIO(to_csv(["a"], [[value]]).split("\r\n", 1)[1])))
    assert row == ["'" + value]


def test_ordinary_csv_text_is_unchanged():
    assert safe_cell("CN=User 1,OU=CORP") == "CN=User 1,OU=CORP"


def test_server_html_and_markdown_are_escaped_in_a_table():
    hostile = '<img src=x onerror="alert(1)"> [click](https://evil.example) **bold** a|b `code`\nnext'
    (line,) = markdown_table(["dn"], [[hostile]])[2:]
    for special in "<>[]*`":  # every one escaped
        assert re.search(rf"(?<!\\){re.escape(special)}", line) is None, special
    assert line.startswith('| \\<img src=x onerror="alert(1)"\\> \\[click\\](https://evil.example) \\*\\*bold')
    assert line.endswith(" a\\|b \\`code\\` next |")


@pytest.mark.parametrize(("text", "safe"), [("- item", "\\- item"), ("1. x", "1\\. x"), ("# title", "\\# title")])
def test_a_list_item_from_a_server_cannot_start_markdown(text, safe):
    assert md_text(text) == safe


def test_the_report_s_own_markup_stays():
    assert md_cell(Markup("**FAIL**")) == "**FAIL**"
    assert md_cell("2.4.18.0") == "2.4.18.0"
