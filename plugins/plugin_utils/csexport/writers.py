# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report files of a pending-export analysis. For internal collection use only.

The two CSV files can hold a row per object and attribute of a million-object export, so rows
stream into temporary files in the destination while the XML is read; only when the analysis
succeeds are all files renamed into place. On any error the temporary files are removed and an
earlier report in the same folder stays as it was; those of a run that was killed are removed by
the next run once stale, and the result says so (``removed_stale_files``).
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._files import remove_stale_temp
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._gates import gate_failure
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.analysis import analyse
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.files import (
    file_mode,
    markdown_header,
    markdown_table,
    md_text,
    safe_cell,
    to_json,
    write_files,
)

CHANGE_HEADER = [
    "connector",
    "object_id",
    "object_type",
    "dn",
    "object_operation",
    "attribute",
    "attribute_operation",
    "values_added",
    "values_removed",
    "added",
    "removed",
    "value",
]
OBJECT_HEADER = [
    "connector",
    "object_id",
    "object_type",
    "dn",
    "operation",
    "userPrincipalName",
    "displayName",
    "sourceAnchor",
    "anchor",
    "primarySMTP",
    "changed_attribute_count",
]


class StreamingReport:
    """Temporary CSV files in ``dest`` that become the report only on :meth:`commit`."""

    def __init__(self, dest: str) -> None:
        self.dest = dest
        try:
            os.makedirs(dest, exist_ok=True)
        except OSError as err:
            raise InputError(f"{dest}: cannot create the report folder: {err.strerror}") from None
        #: Temporary files of an interrupted earlier run in this folder, removed now.
        self.removed_stale = remove_stale_temp(dest)
        self._files: dict[str, tuple[str, Any]] = {}
        self.change_rows = self._open("pending-exports.csv", CHANGE_HEADER)
        self.object_rows = self._open("pending-objects.csv", OBJECT_HEADER)

    def _open(self, name: str, header: list[str]):
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=self.dest)
        handle = os.fdopen(fd, "w", encoding="utf-8-sig", newline="")
        self._files[name] = (tmp, handle)
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)

        def row(values: list[Any]) -> None:
            writer.writerow([safe_cell(v) for v in values])

        return row

    def commit(self, result: dict[str, Any], markdown: str) -> list[str]:
        for _tmp, handle in self._files.values():
            handle.close()
        written = write_files(self.dest, {"summary.json": to_json(result), "report.md": markdown})
        for name, (tmp, _handle) in self._files.items():
            final = os.path.join(self.dest, name)
            os.chmod(tmp, file_mode(name))
            os.replace(tmp, final)
            written.append(final)
        self._files = {}
        return written

    def abort(self) -> None:
        for tmp, handle in self._files.values():
            handle.close()
            if os.path.exists(tmp):
                os.unlink(tmp)
        self._files = {}


def render_markdown(result: dict[str, Any]) -> str:
    summary, gate = result["summary"], result["gate"]
    lines = markdown_header("Pending exports", gate, f"{summary['objects']} object(s) with a pending export.")
    operations = ["add", "update", "replace", "delete", "delete-add"]
    lines += markdown_table(
        ["connector", "objects", *operations],
        (
            [name, counts["objects"], *(counts["operations"][op] for op in operations)]
            for name, counts in summary["connectors"].items()
        ),
    )
    if gate["violations"]:
        lines += markdown_table(
            ["rule", "connector", "limit", "actual"],
            ([v["rule"], v["connector"], v["limit"], v["actual"]] for v in gate["violations"]),
            "Gate violations",
        )
    if summary["object_types"]:
        lines += markdown_table(["object type", "objects"], summary["object_types"].items(), "Object types")
    top = sorted(summary["attributes"].items(), key=lambda item: -sum(item[1].values()))[:20]
    if top:
        attribute_ops = ["add", "delete", "replace", "update"]
        lines += markdown_table(
            ["attribute", *attribute_ops],
            ([name, *(counts[op] for op in attribute_ops)] for name, counts in top),
            "Most-changed attributes",
        )
    comparison = result.get("comparison")
    if comparison:
        lines += [
            "",
            "## Compared with the baseline",
            "",
            f"Pending only in the candidate: {comparison['only_candidate']}; only in the baseline: "
            f"{comparison['only_baseline']}; in both: {comparison['both']}.",
        ]
    if summary["warnings"]:
        lines += ["", "## Warnings", ""] + [f"- {md_text(w)}" for w in summary["warnings"]]
    return "\n".join(lines) + "\n"


def analyse_with_report(
    paths: list[str],
    connectors: list[str] | None,
    gates: dict[str, Any],
    baseline: list[str],
    dest: str | None,
    fail_on_gate: bool,
    evidence: list[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The whole csexport_analyze/csexport result: analysis, report folder, gate failure.

    A report is output, not managed state: it is written in check mode too and never 'changed'.
    ``evidence`` (source path, file name) pairs are copied into the report folder after it is
    written, for example the XML the gates ran on.
    """
    report = StreamingReport(dest) if dest else None
    try:
        result = analyse(
            paths,
            connectors=connectors,
            gates=gates,
            baseline=baseline,
            change_rows=report.change_rows if report else None,
            object_rows=report.object_rows if report else None,
        )
        if report:
            result["report_files"] = report.commit(result, render_markdown(result))
            # housekeeping of dest, not part of the analysis: in the result, not in summary.json
            result["removed_stale_files"] = report.removed_stale
            for source, name in evidence:
                target = os.path.join(dest, name)
                shutil.copyfile(source, target)
                os.chmod(target, file_mode(name))
                result["report_files"].append(target)
    finally:
        if report:
            report.abort()
    if fail_on_gate:
        result.update(gate_failure(result["gate"]))
    return result
