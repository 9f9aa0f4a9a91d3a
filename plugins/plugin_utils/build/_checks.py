# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Is a server what the build declared, after the operator's wizard step? For internal collection use only.

Pure Python. A new server must come out of the wizard in staging mode (it must never export
before it is verified and switched); an in-place upgrade keeps the server's role; the sync
engine runs the declared version, under the declared service account when one is declared.
"""

from __future__ import annotations

from typing import Any

#: server_info roles of a server the build configures in the wizard from a settings file.
NEW_SERVER_ROLES = ("not_installed", "not_configured")


def build_steps(host: str, before: dict[str, Any], version: str, after: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the staging_server role does on ``host``: refuse, install the binaries, hand the wizard to the operator.

    ``before`` is server_info before the build, ``after`` (when known) after the installer or a
    later read. A server whose ADSync service is not running has an unknown configuration: it is
    refused before any change, never taken for a server to build (the installer and the wizard
    would run on a live server). After the MSI of an in-place upgrade the service may be stopped
    until the wizard's upgrade has run: that server still waits for the operator, as an upgrade.
    """
    role = before.get("role")
    refusal = None
    if role == "service_stopped":
        state = (before.get("service") or {}).get("state") or "not running"
        refusal = (
            f"{host}: the ADSync service is {state}, so whether its sync engine is configured is unknown; nothing "
            "was changed. If an upgrade or the wizard is in progress, let it finish; otherwise start the service "
            "(Start-Service ADSync). Then run again."
        )
    elif role not in (*NEW_SERVER_ROLES, "active", "staging"):
        refusal = f"{host}: server_info did not read the server (role {role!r}); nothing was changed"
    new_server = role in NEW_SERVER_ROLES
    steps: dict[str, Any] = {
        "refusal": refusal,
        "new_server": new_server,
        "install": refusal is None and before.get("product_version") != version,
        "operator": None,
    }
    if after is not None and refusal is None:
        steps["operator"] = (
            after.get("role") == "service_stopped"
            or after.get("configured") is not True
            or after.get("engine_version") != version
        )
    return steps


def built_server_problems(
    host: str,
    final: dict[str, Any],
    before: dict[str, Any],
    version: str,
    service_account: str = "",
) -> list[str]:
    """Every way ``final`` (server_info after the wizard) differs from what the build declared; empty when none."""
    problems = []
    if final.get("role") == "service_stopped" or ("configured" in final and final["configured"] is None):
        problems.append(
            f"{host}: the ADSync service is not running after the wizard, so the server cannot be checked; "
            "let the wizard finish or start the service (Start-Service ADSync), then run again"
        )
        return problems
    if not final.get("configured"):
        problems.append(f"{host} has no configured sync engine after the wizard; finish the wizard on it")
        return problems
    if final.get("engine_version") != version:
        problems.append(f"{host} runs sync engine {final.get('engine_version')}, not the declared {version}")
    staging = final.get("staging_mode_enabled")
    if not before.get("configured") and staging is not True:
        problems.append(
            f"{host} is a new server but is not in staging mode (staging={staging}): a new server must never "
            "export before it is verified; enable staging mode in the wizard (Configure staging mode) now"
        )
    if before.get("configured") and staging != before.get("staging_mode_enabled"):
        problems.append(
            f"{host} changed its role in the upgrade (staging {before.get('staging_mode_enabled')} -> {staging}); "
            "an upgrade keeps the server's role: check the wizard's last page"
        )
    account = ((final.get("service") or {}).get("account") or "").lower()
    if service_account and account != service_account.lower():
        problems.append(f"{host} runs the sync service as {account or 'unknown'}, not the declared {service_account}")
    return problems
