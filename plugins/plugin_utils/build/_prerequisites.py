# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judging a server against Microsoft's installation prerequisites. For internal collection use only.

Pure Python. The facts come from Get-EntraConnectPrerequisites; the rules are Microsoft's, from
``how-to-connect-install-prerequisites.md`` and ``reference-connect-tls-enforcement.md``
(MicrosoftDocs/entra-docs): a domain-joined Windows Server 2016, 2019, 2022 or 2025 with the full
GUI (Server Core is not supported; Windows Server 2025 is supported since February 2026, "What's
new in Microsoft Entra", docs/fundamentals/whats-new.md, ms.date 03/12/2026), .NET Framework
4.7.2 (the page's banner; its body names 4.6.2 as the minimum), TLS 1.2 set in the registry for
versions 2.3.20.0 to 2.4.129.0 (later versions do not require it before installation, but
installation fails when TLS 1.2 is disabled). PowerShell 5.1, free disk and pending reboots are this
collection's checks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._common import version_tuple

SUPPORTED_BUILDS = {
    14393: "Windows Server 2016",
    17763: "Windows Server 2019",
    20348: "Windows Server 2022",
    26100: "Windows Server 2025",
}
DOTNET_472 = 461808
TLS_ENFORCEMENT_VERSIONS = ((2, 3, 20, 0), (2, 4, 129, 0))
TLS_EXPECTED = {
    "dotnet64/SystemDefaultTlsVersions": 1,
    "dotnet64/SchUseStrongCrypto": 1,
    "dotnet32/SystemDefaultTlsVersions": 1,
    "dotnet32/SchUseStrongCrypto": 1,
    "schannel_server/Enabled": 1,
    "schannel_server/DisabledByDefault": 0,
    "schannel_client/Enabled": 1,
    "schannel_client/DisabledByDefault": 0,
}
TLS_DISABLED = {"schannel_server/Enabled": 0, "schannel_client/Enabled": 0}


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    actual: Any
    expected: str
    fix: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check(name: str, passed: bool, actual: Any, expected: str, fix: str) -> Check:
    return Check(name, bool(passed), actual, expected, fix)


def tls_check(registry: dict[str, int | None], version: str | None) -> Check:
    parsed = version_tuple(version)
    enforced = parsed is not None and TLS_ENFORCEMENT_VERSIONS[0] <= parsed <= TLS_ENFORCEMENT_VERSIONS[1]
    disabled = sorted(k for k, v in TLS_DISABLED.items() if registry.get(k) == v)
    if registry.get("schannel_server/DisabledByDefault") == 1 or registry.get("schannel_client/DisabledByDefault") == 1:
        disabled.append("DisabledByDefault=1")
    if enforced:
        wrong = sorted(k for k, v in TLS_EXPECTED.items() if registry.get(k) != v)
        return _check(
            "tls12",
            not wrong,
            {k: registry.get(k) for k in wrong} or "set",
            f"the eight TLS 1.2 registry values Microsoft requires for {version} (2.3.20.0 to 2.4.129.0)",
            "set them as 'TLS 1.2 enforcement for Microsoft Entra Connect' shows, then restart the server",
        )
    return _check(
        "tls12",
        not disabled,
        disabled or "not disabled",
        "TLS 1.2 not disabled (installation of 2.x fails without it)",
        "enable TLS 1.2 in SCHANNEL (Enabled=1, DisabledByDefault=0) and restart the server",
    )


def judge(
    facts: dict[str, Any], version: str | None, min_dotnet_release: int = DOTNET_472, min_free_disk_mb: int = 20480
) -> list[Check]:
    build = facts["os_build"]
    # Windows 11 24H2 shares build 26100 with Server 2025: only a server installation type is a server.
    server = str(facts["installation_type"]).startswith("Server")
    os_name = (SUPPORTED_BUILDS.get(build) if server else None) or facts["os_caption"]
    powershell = version_tuple(facts["powershell_version"]) or (0,)
    reasons = facts["pending_reboot_reasons"]
    return [
        _check(
            "windows_server",
            server and build in SUPPORTED_BUILDS,
            f"{os_name} (build {build})",
            "Windows Server 2016, 2019, 2022 or 2025",
            "install Entra Connect on a supported Windows Server version",
        ),
        _check(
            "full_gui",
            facts["installation_type"] == "Server",
            facts["installation_type"],
            "Server (with the full GUI; Server Core is not supported)",
            "use a server with the Desktop Experience",
        ),
        _check(
            "powershell",
            powershell[:2] >= (5, 1),
            facts["powershell_version"],
            "Windows PowerShell 5.1",
            "install Windows Management Framework 5.1",
        ),
        _check(
            "dotnet_framework",
            (facts["dotnet_release"] or 0) >= min_dotnet_release,
            facts["dotnet_release"],
            f".NET Framework release {min_dotnet_release} or later (461808 is 4.7.2)",
            "install .NET Framework 4.7.2 or later (4.8 recommended)",
        ),
        tls_check(facts["tls12_registry"], version),
        _check(
            "domain_joined",
            facts["domain_joined"],
            facts["domain"] if facts["domain_joined"] else "workgroup",
            "a domain-joined server",
            "join the server to the domain",
        ),
        _check(
            "free_disk",
            facts["system_drive_free_mb"] >= min_free_disk_mb,
            f"{facts['system_drive_free_mb']} MB",
            f"{min_free_disk_mb} MB free on the system drive",
            "free space on the system drive or raise the disk size",
        ),
        _check(
            "pending_reboot",
            not reasons,
            reasons or "none",
            "no pending reboot",
            "restart the server first",
        ),
    ]
