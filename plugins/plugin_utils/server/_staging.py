# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The staging-mode rules of the staging_mode module. For internal collection use only.

Pure Python. Which method switches staging mode on a server, whether a switch is needed, and
the password writeback guard that refuses a promotion the wizard would have handled.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import version_tuple

#: Servers older than this cannot switch staging through the global setting path we trust for 2.x;
#: for them (and only when asked otherwise) the ADSyncTools functions are Microsoft's workaround.
GLOBAL_SETTINGS_SINCE = (2, 0, 0, 0)

WRITEBACK_GUARD = (
    "Refusing to disable staging mode on {host}: password writeback is enabled on it. The wizard, "
    "when it takes a server out of staging, also configures password writeback on the tenant side "
    "(only one active server can use it; a second one disrupts the first one's Service Bus), and a "
    "raw global-setting flip does not. Take the server out of staging in the wizard (Configure "
    "staging mode), or set force: true if you have handled password writeback yourself."
)


def choose_method(method: str, version: str | None, tools_available: bool, host: str) -> str:
    """Resolve ``auto``: the global setting on 2.x servers, ADSyncTools only on older ones."""
    if method != "auto":
        if method == "adsynctools" and not tools_available:
            raise EntraConnectError(
                f"method=adsynctools, but the ADSyncTools staging functions are not available on {host}; "
                "install the ADSyncTools module (Install-Module ADSyncTools) or use method=global_settings"
            )
        return method
    parsed = version_tuple(version)
    if parsed is None or parsed >= GLOBAL_SETTINGS_SINCE:
        return "global_settings"
    if tools_available:
        return "adsynctools"
    raise EntraConnectError(
        f"{host} runs Entra Connect {version}, older than 2.x: install ADSyncTools for its staging functions, "
        "or set method=global_settings to use the global setting anyway"
    )


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
