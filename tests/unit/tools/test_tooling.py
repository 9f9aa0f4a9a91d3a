"""The make test tooling: the ansible-core legs, the import gate's reading of galaxy-importer, the EE check."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tools"))

import check_ee  # noqa: E402
import legs  # noqa: E402
import run_importer  # noqa: E402


def test_a_leg_without_its_python_is_skipped_with_a_message_not_silently():
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "legs.py"), "integration", "core216"],
        env={"PYTHON_core216": "/nonexistent/python3.11", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[core216] integration: SKIPPED - /nonexistent/python3.11 not found: set PYTHON_core216=" in done.stdout
    assert re.search(r"^  core216 +integration +SKIPPED ", done.stdout, re.M), done.stdout


def test_an_unknown_leg_or_check_is_refused():
    assert legs.main(["integration", "core219"]) == 2
    assert legs.main(["units"]) == 2


def test_a_leg_venv_is_remade_when_a_requirements_file_changes(tmp_path, monkeypatch):
    requirements = tmp_path / "requirements-core216.txt"
    requirements.write_text("ansible-core>=2.16,<2.17\n")
    leg = legs.Leg("core216", "python3.11")
    monkeypatch.setattr(leg, "requirements", requirements)
    before = legs.requirements_hash(leg)
    requirements.write_text("# a comment does not remake the venv\nansible-core>=2.16,<2.17  # pinned\n\n")
    assert legs.requirements_hash(leg) == before
    requirements.write_text("ansible-core>=2.16,<2.17\nplaywright>=1.45\n")
    assert legs.requirements_hash(leg) != before


def test_the_import_gate_fails_on_every_warning_and_error_galaxy_importer_logs():
    log = "\n".join(
        [
            "Importing with galaxy-importer 0.4.44",
            "Linting collection via ansible-lint 26.10.1...",
            "WARNING: roles/x/tasks/main.yml:9: jinja[invalid]: An unhandled exception occurred",
            "ERROR: Timeout on call to ansible-lint",
            "Importer processing completed successfully",
        ]
    )
    assert run_importer.findings(log) == [
        "WARNING: roles/x/tasks/main.yml:9: jinja[invalid]: An unhandled exception occurred",
        "ERROR: Timeout on call to ansible-lint",
    ]
    assert run_importer.findings("Importer processing completed successfully") == []


def test_a_module_or_filter_without_documentation_from_ansible_doc_is_reported():
    result = {
        "docs_blob": {
            "contents": [
                {"content_type": "module", "content_name": "csexport", "doc_strings": {"doc": {}}},
                {"content_type": "module", "content_name": "csexport", "doc_strings": None},
                {"content_type": "filter", "content_name": "gates", "doc_strings": None},
                {"content_type": "action", "content_name": "csexport", "doc_strings": None},
                {"content_type": "role", "content_name": "verify", "doc_strings": None},
            ]
        }
    }
    assert run_importer.undocumented(result) == ["filter gates"]


def test_requirement_names_drop_versions_extras_and_comments():
    lines = [
        "# comment",
        "lxml>=5.2,<7",
        "pywinrm[kerberos]>=0.4.3  # from collection x",
        "",
        "PyPSRP ; python_version>'3'",
    ]
    assert check_ee.requirement_names(lines) == {"lxml", "pywinrm", "pypsrp"}


def test_the_ee_check_knows_every_definition_in_meta():
    assert sorted(p.stem for p in (ROOT / "meta").glob("ee-definition-*.yml")) == sorted(check_ee.DEFINITIONS)
