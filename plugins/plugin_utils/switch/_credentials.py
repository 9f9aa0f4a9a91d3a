# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Entra connector's sign-in before a promotion. For internal collection use only.

Pure Python. Application-based authentication (authenticate-application-id.md, 2025-07-24): the
default for the Entra connector since 2.5.3.0, with a certificate the server rotates itself - and
"If the scheduler is suspended, autorotation can't happen." A candidate that takes over from an
active server using it must use it too, and must be able to rotate its certificate (the health
gates block a suspended scheduler, and say that the certificate cannot rotate then).
"""

from __future__ import annotations

from typing import Any

APPLICATION = "Application"
ONBOARD = (
    "switch it to application-based authentication first (the Entra Connect wizard's task, or "
    "Add-ADSyncApplicationRegistration; see https://learn.microsoft.com/entra/identity/hybrid/connect/"
    "authenticate-application-id)"
)


def credential_reasons(host: str, info: dict[str, Any], reference: dict[str, Any] | None) -> list[str]:
    """Why ``host`` must not be promoted over ``reference`` (the active server) because of its sign-in."""
    if not reference or reference.get("entra_credential_type") != APPLICATION:
        return []
    mine = info.get("entra_credential_type")
    reasons = []
    if mine != APPLICATION:
        what = "a service account" if mine == "ServiceAccount" else "an unknown sign-in (no credential type read)"
        reasons.append(
            f"{host}'s Entra connector signs in with {what}, while the active server uses application-based "
            f"authentication; {ONBOARD}"
        )
    # A suspended scheduler (no certificate rotation either) is the health gate's reason (_health.py).
    return reasons
