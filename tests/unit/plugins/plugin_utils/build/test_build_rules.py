"""Prerequisites, version policy and import limitations: the pure rules behind staging_server."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid_identity.entra_connect.plugins.filter.import_tasks import FilterModule as TasksFilter
from ansible_collections.hybrid_identity.entra_connect.plugins.filter.version_policy import (
    FilterModule as PolicyFilter,
)
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._limitations import import_tasks
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
        ({"os_build": 26100}, "windows_server", "supported Windows Server"),
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


def test_tls_registry_values_are_required_only_for_the_enforcement_versions():
    partial = {**GOOD_TLS, "dotnet32/SchUseStrongCrypto": None}
    assert tls_check(partial, "2.4.18.0").passed is False
    assert tls_check(partial, "2.4.18.0").actual == {"dotnet32/SchUseStrongCrypto": None}
    assert tls_check(partial, "2.4.131.0").passed is True
    disabled = {**GOOD_TLS, "schannel_client/Enabled": 0}
    assert tls_check(disabled, "2.5.79.0").passed is False


def test_version_policy():
    policy = PolicyFilter().filters()["version_policy"]
    assert policy("2.4.18.0") == {"passed": True, "problems": []}
    low = policy("2.3.20.0")
    assert low["passed"] is False
    assert low["problems"][0].startswith("2.3.20.0 is below the minimum version 2.4.18.0")
    releases = ["2.4.18.0", "2.4.21.0", "2.5.3.0", "2.5.79.0"]
    assert policy("2.5.3.0", releases=releases)["passed"] is True
    behind = policy("2.4.21.0", releases=releases)
    assert behind["problems"] == [
        "2.4.21.0 is 2 releases behind the newest declared release 2.5.79.0 (at most 1 allowed): 2.5.3.0, 2.5.79.0"
    ]
    assert policy("latest")["problems"] == ["'latest' is not a version like 2.4.18.0"]
    assert policy("2.5.79.0", minimum="x")["passed"] is False


def difference(category, obj, field, reference, candidate):
    return {"category": category, "object": obj, "field": field, "reference": reference, "candidate": candidate}


def test_import_tasks_turn_import_limitations_into_operator_actions():
    comparison = {
        "differences": [
            difference("sync_rule.custom.changed", "Inbound | contoso.com | Custom A", "precedence", 150, 200),
            difference("sync_rule.custom.changed", "Inbound | contoso.com | Custom B", "disabled", True, False),
            difference("connector.run_profiles", "contoso.com", "run_profiles", ["Nightly"], []),
            difference("global_setting", "Microsoft.OptionalFeature.DeviceWriteBack", "value", "True", "False"),
            difference("global_setting", "Microsoft.Synchronize.StagingMode", "value", "False", "True"),
            difference("sync_rule.standard.version", "Outbound | AAD | Out", "immutable_tag", "x.005", "x.006"),
        ]
    }
    tasks = TasksFilter().filters()["import_tasks"](comparison)
    assert [t["action"] for t in tasks] == [
        "Synchronization Rules Editor > 'Custom A' > Edit: set Precedence to 150",
        "Synchronization Rules Editor > 'Custom B' > Disable",
        "wizard > Customize synchronization options > Optional features: Device writeback",
        "Synchronization Service > Connectors > contoso.com > Configure Run Profiles: create ['Nightly']",
    ]
    assert all(not t["reapplicable"] for t in tasks)
    assert "New-ADSyncRule" in tasks[0]["reason_not_reapplied"]
    assert import_tasks({"differences": []}) == []
    with pytest.raises(AnsibleFilterError, match="expects the registered result of config_compare"):
        TasksFilter().filters()["import_tasks"]("nope")


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
