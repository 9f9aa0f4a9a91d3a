"""Report files: written atomically, readable by admins, directory data only by the owner."""

from __future__ import annotations

import os
import stat

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.report.files import write_files


def test_reports_are_readable_by_admins_and_directory_data_only_by_the_owner(tmp_path):
    written = write_files(str(tmp_path), {"report.html": "<p>", "summary.json": "{}", "pending-objects.csv": "a"})
    modes = {os.path.basename(p): stat.S_IMODE(os.stat(p).st_mode) for p in written}
    assert modes == {"report.html": 0o644, "summary.json": 0o644, "pending-objects.csv": 0o600}
