# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The staging-mode rules of the staging_mode module. For internal collection use only.

Pure Python. Which method switches staging mode on a server, whether a switch is needed, and
the password writeback guard that refuses a promotion the wizard would have handled.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._lifecycle import version_table
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import version_tuple

#: The ADSyncTools route is deprecated: Microsoft withdrew it (2025-09 revision of the hardening page).
ADSYNCTOOLS_REMOVED_IN = "2.0.0"
ADSYNCTOOLS_DEPRECATION = (
    "staging_mode method=adsynctools is deprecated: Microsoft withdrew the ADSyncTools staging workaround "
    "(Enable-/Disable-ADSyncToolsStagingMode; it only worked on versions that still depended on MSOnline). "
    "Switch staging mode in the wizard (Configure staging mode) or use method=global_settings."
)

PHS_AFTER_RAW_PROMOTION = (
    "{host} left staging mode through the global setting, not the wizard. Leaving staging in the wizard also "
    "enables password sync and password writeback; this switch did neither. Password hash sync is enabled in "
    "this server's settings: check that it runs (Microsoft Entra Connect wizard > Troubleshoot > Diagnose "
    "password hash synchronization, or Get-ADSyncAADPasswordSyncConfiguration -SourceConnector <AD connector>) "
    "and, if it does not, run the wizard's Configure staging mode task once."
)

WRITEBACK_GUARD = (
    "Refusing to disable staging mode on {host}: password writeback is enabled on it. The wizard, "
    "when it takes a server out of staging, also configures password writeback on the tenant side "
    "(only one active server can use it; a second one disrupts the first one's Service Bus), and a "
    "raw global-setting flip does not. Take the server out of staging in the wizard (Configure "
    "staging mode), or set force: true if you have handled password writeback yourself."
)


def choose_method(method: str, version: str | None, tools_available: bool, host: str) -> str:
    """Resolve ``auto`` (always the global setting: the ADSyncTools route was withdrawn) and refuse
    ``adsynctools`` on servers below the supported floor - every server that needed it."""
    if method != "adsynctools":
        return "global_settings" if method == "auto" else method
    # The versions table's floor: below it synchronization fails (build/versions.yml, its sources).
    table = version_table()
    floor, since = table.floor, table.floor_since.isoformat()
    parsed = version_tuple(version)
    if parsed is None or parsed < version_tuple(floor):
        raise EntraConnectError(
            f"Refusing method=adsynctools on {host}: it runs Entra Connect {version or 'of unknown version'}, below "
            f"{floor}, where synchronization fails since {since}, and Microsoft withdrew the ADSyncTools staging "
            f"workaround. Upgrade {host} to {floor} or later, then switch staging mode in the wizard (Configure "
            "staging mode) or with method=global_settings."
        )
    if not tools_available:
        raise EntraConnectError(
            f"method=adsynctools, but the ADSyncTools staging functions are not available on {host}; "
            "use method=global_settings (the ADSyncTools route is deprecated)"
        )
    return method


def staging_change(facts: dict[str, Any], want: bool, force: bool, host: str, result: dict[str, Any]) -> bool:
    """Whether staging mode must be written to be ``want``; refuse a promotion under password writeback.

    Args:
        facts: server_facts of the server.
        want: True for staging (enabled), False for active.
        force: the operator handled password writeback on the tenant side.
        host: the host, as the refusal names it.
        result: the module result so far, kept in the refusal.
    """
    if facts["staging_mode_enabled"] == want and facts["staging_mode_global_setting"] in (want, None):
        return False
    if not want and facts["password_writeback_enabled"] and not force:
        raise EntraConnectError(WRITEBACK_GUARD.format(host=host), **result)
    return True
