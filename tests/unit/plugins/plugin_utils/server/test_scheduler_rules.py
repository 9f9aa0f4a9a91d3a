"""The scheduler rules: settable fields, connector overrides, the diff, what did not take."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._scheduler import (
    not_taken,
    override_changes,
    scheduler_changes,
    scheduler_diff,
    wanted_overrides,
)

CURRENT = {
    "sync_cycle_enabled": True,
    "maintenance_enabled": True,
    "next_sync_cycle_policy_type": "Delta",
    "customized_sync_cycle_interval_seconds": None,
    "purge_run_history_interval_seconds": 604800,
    "sync_cycle_in_progress": False,
}
CONNECTORS = [
    {"name": "contoso.com", "override": None},
    {"name": "contoso.onmicrosoft.com - AAD", "override": {"full_import_required": True, "full_sync_required": False}},
]


def test_scheduler_changes_lists_only_given_options_that_differ():
    params = {
        "sync_cycle_enabled": True,
        "maintenance_enabled": False,
        "next_sync_cycle_policy_type": None,
        "customized_sync_cycle_interval_seconds": 3600,
        "purge_run_history_interval_seconds": 604800,
    }
    assert scheduler_changes(CURRENT, params) == {
        "MaintenanceEnabled": False,
        "CustomizedSyncCycleIntervalSeconds": 3600,
    }


def test_scheduler_changes_compares_the_policy_type_as_the_scheduler_names_it():
    assert scheduler_changes(CURRENT, {"next_sync_cycle_policy_type": "delta"}) == {}
    assert scheduler_changes(CURRENT, {"next_sync_cycle_policy_type": "initial"}) == {
        "NextSyncCyclePolicyType": "Initial"
    }


def test_override_changes_treats_a_missing_override_as_all_false_and_keeps_unset_flags():
    wanted = [
        {"connector": "contoso.com", "full_import_required": False, "full_sync_required": None},
        {"connector": "contoso.onmicrosoft.com - AAD", "full_import_required": None, "full_sync_required": True},
    ]
    assert override_changes(CONNECTORS, wanted) == [
        {
            "connector": "contoso.onmicrosoft.com - AAD",
            "before": {"full_import_required": True, "full_sync_required": False},
            "after": {"full_import_required": True, "full_sync_required": True},
        }
    ]


def test_override_changes_names_an_unknown_connector_and_the_known_ones():
    with pytest.raises(EntraConnectError) as caught:
        override_changes(CONNECTORS, [{"connector": "fabrikam.com"}])
    assert caught.value.message == (
        "connector_overrides names 'fabrikam.com', which is not a connector of this server "
        "(connectors: contoso.com, contoso.onmicrosoft.com - AAD)"
    )


def test_wanted_overrides_clear_sets_every_present_override_to_false():
    given = [{"connector": "contoso.com", "full_import_required": True}]
    assert wanted_overrides(CONNECTORS, given, clear=False) is given
    assert wanted_overrides(CONNECTORS, [], clear=True) == [
        {"connector": "contoso.onmicrosoft.com - AAD", "full_import_required": False, "full_sync_required": False}
    ]


def test_scheduler_diff_shows_only_what_changes():
    overrides = [
        {
            "connector": "contoso.com",
            "before": {"full_import_required": False, "full_sync_required": False},
            "after": {"full_import_required": True, "full_sync_required": False},
        }
    ]
    assert scheduler_diff(CURRENT, {"SyncCycleEnabled": False}, overrides) == {
        "before": {
            "scheduler": {"sync_cycle_enabled": True},
            "connector_overrides": {"contoso.com": {"full_import_required": False, "full_sync_required": False}},
        },
        "after": {
            "scheduler": {"sync_cycle_enabled": False},
            "connector_overrides": {"contoso.com": {"full_import_required": True, "full_sync_required": False}},
        },
    }


def test_not_taken_names_fields_sorted_then_connectors():
    left = {"SyncCycleEnabled": False, "MaintenanceEnabled": False}
    assert not_taken(left, [{"connector": "contoso.com"}]) == [
        "maintenance_enabled",
        "sync_cycle_enabled",
        "contoso.com",
    ]
    assert not_taken({}, []) == []
