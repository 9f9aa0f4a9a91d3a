"""Prerequisites and import limitations: the pure rules behind staging_server (filters: tests/unit/plugins/filter)."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._prerequisites import (
    TLS_EXPECTED,
    judge,
    tls_check,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import DEFAULT_PREREQUISITES

GOOD_TLS = TLS_EXPECTED


def facts(**changes):
    return {**DEFAULT_PREREQUISITES, "tls12_registry": dict(GOOD_TLS), **changes}


def failed(checks):
    return {c.name: c for c in checks if not c.passed}


def test_a_good_server_passes_every_check():
    assert failed(judge(facts(), "2.4.18.0")) == {}


@pytest.mark.parametrize(
    ("changes", "name", "fix"),
    [
        ({"os_build": 9600, "os_caption": "Windows Server 2012 R2"}, "windows_server", "supported Windows Server"),
        ({"installation_type": "Server Core"}, "full_gui", "Desktop Experience"),
        ({"powershell_version": "5.0.10586.117"}, "powershell", "Windows Management Framework 5.1"),
        ({"dotnet_release": None}, "dotnet_framework", ".NET Framework 4.7.2"),
        ({"domain_joined": False}, "domain_joined", "join the server"),
        ({"system_drive_free_mb": 1024}, "free_disk", "free space"),
        ({"pending_reboot_reasons": ["Component Based Servicing"]}, "pending_reboot", "restart"),
    ],
)
def test_each_unmet_prerequisite_says_what_to_fix(changes, name, fix):
    unmet = failed(judge(facts(**changes), "2.4.18.0"))
    assert list(unmet) == [name]
    assert fix in unmet[name].fix


def test_windows_server_2025_is_supported_and_its_server_core_refused():
    server_2025 = {"os_build": 26100, "os_caption": "Microsoft Windows Server 2025 Datacenter"}
    checks = {c.name: c for c in judge(facts(**server_2025), "2.6.92.0")}
    assert checks["windows_server"].passed and checks["windows_server"].actual == "Windows Server 2025 (build 26100)"
    assert failed(judge(facts(**server_2025), "2.6.92.0")) == {}
    core = failed(judge(facts(**server_2025, installation_type="Server Core"), "2.6.92.0"))
    assert list(core) == ["full_gui"] and core["full_gui"].actual == "Server Core"


def test_windows_11_on_the_same_build_is_no_server():
    client = {"os_build": 26100, "os_caption": "Microsoft Windows 11 Enterprise", "installation_type": "Client"}
    unmet = failed(judge(facts(**client), "2.6.92.0"))
    assert list(unmet) == ["windows_server", "full_gui"]
    assert unmet["windows_server"].actual == "Microsoft Windows 11 Enterprise (build 26100)"


def test_tls_registry_values_are_required_only_for_the_enforcement_versions():
    partial = {**GOOD_TLS, "dotnet32/SchUseStrongCrypto": None}
    assert tls_check(partial, "2.4.18.0").passed is False
    assert tls_check(partial, "2.4.18.0").actual == {"dotnet32/SchUseStrongCrypto": None}
    assert tls_check(partial, "2.4.131.0").passed is True
    disabled = {**GOOD_TLS, "schannel_client/Enabled": 0}
    assert tls_check(disabled, "2.5.79.0").passed is False


def test_the_limitations_table_names_its_microsoft_source_and_the_fixing_versions():
    from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build import _limitations as table

    assert len(table.BY_KEY) == len(table.LIMITATIONS)
    assert all(
        row.source.startswith("https://learn.microsoft.com/entra/identity/hybrid/connect/") for row in table.LIMITATIONS
    )
    versioned = {row.key: row.version for row in table.LIMITATIONS if row.version}
    assert versioned == {"custom_rule.disabled": "1.5.45.0", "custom_rule.duplicate_precedence": "1.6.2.4"}
    assert all(
        row.version in row.documented and row.version in row.limitation for row in table.LIMITATIONS if row.version
    )
    assert (table.DISABLED_RULES_KEPT_SINCE, table.DUPLICATE_PRECEDENCE_FAILS_SINCE) == ((1, 5, 45, 0), (1, 6, 2, 4))
    assert [table.precedence_reserved(p) for p in (0, 99, 100, -1, "50", None)] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]


def test_the_limitations_table_imports_without_ansible():
    import subprocess
    import sys

    code = (
        "import sys; import ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._limitations;"
        "import ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncconfig.findings;"
        "print(sorted(m for m in sys.modules if m == 'ansible' or m.startswith('ansible.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONPATH": ":".join(sys.path)}
    )
    assert done.stdout.strip() == "[]"
