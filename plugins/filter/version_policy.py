# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter plugin hybrid_identity.entra_connect.version_policy (documentation in version_policy.yml)."""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._version_policy import (
    DEFAULT_MINIMUM,
    check_version,
)


def _version_policy(version, minimum=DEFAULT_MINIMUM, releases=None, behind=1):
    return check_version(str(version), str(minimum), [str(r) for r in releases or []], int(behind))


class FilterModule:
    def filters(self):
        return {"version_policy": _version_policy}
