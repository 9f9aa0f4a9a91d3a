# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Is a server what the build declared, after the operator's wizard step? For internal collection use only.

Pure Python. A new server must come out of the wizard in staging mode (it must never export
before it is verified and switched); an in-place upgrade keeps the server's role; the sync
engine runs the declared version, under the declared service account when one is declared.
"""

from __future__ import annotations

from typing import Any


def built_server_problems(
    host: str,
    final: dict[str, Any],
    before: dict[str, Any],
    version: str,
    service_account: str = "",
) -> list[str]:
    """Every way ``final`` (server_info after the wizard) differs from what the build declared; empty when none."""
    problems = []
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
