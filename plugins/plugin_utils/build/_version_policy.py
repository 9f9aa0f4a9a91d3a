# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The version policy for building and upgrading servers. For internal collection use only.

Pure Python. Two rules: a minimum version (default 2.4.18.0, the minimum the reference names:
below it, wizard actions that sign in to Entra fail), and Microsoft's advice to stay current,
expressed as "at most N releases behind the newest release the user declares" (default 1).
"""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._common import version_tuple

DEFAULT_MINIMUM = "2.4.18.0"


def check_version(
    version: str, minimum: str = DEFAULT_MINIMUM, releases: list[str] | None = None, behind: int = 1
) -> dict[str, Any]:
    """``{passed, problems}`` for ``version`` against the policy; bad input is a problem too."""
    problems = []
    parsed = version_tuple(version)
    floor = version_tuple(minimum)
    if parsed is None:
        return {"passed": False, "problems": [f"'{version}' is not a version like 2.4.18.0"]}
    if floor is None:
        return {"passed": False, "problems": [f"the minimum '{minimum}' is not a version like 2.4.18.0"]}
    if parsed < floor:
        problems.append(
            f"{version} is below the minimum version {minimum}: wizard actions that sign in to Microsoft Entra ID "
            "fail below it; install a newer release"
        )
    known = sorted({r for r in releases or [] if version_tuple(r)}, key=version_tuple)
    if known:
        newer = [r for r in known if version_tuple(r) > parsed]
        if len(newer) > behind:
            problems.append(
                f"{version} is {len(newer)} releases behind the newest declared release {known[-1]} "
                f"(at most {behind} allowed): {', '.join(newer)}"
            )
    return {"passed": not problems, "problems": problems}
