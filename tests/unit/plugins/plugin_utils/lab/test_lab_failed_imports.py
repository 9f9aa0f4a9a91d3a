"""The lab's stale and failing imports: the states the promotion's health gates must see."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lab_helpers import ENTRA, SMALL, lab_server, run

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._common import parse_time
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.errors import LabSettingsError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab.settings import read_settings
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import server_facts
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.switch._health import health_gates


def state(server):
    return server_facts(server.call("Get-EntraConnectServerState", RunHistoryCount=20))


def test_the_starting_sync_can_be_hours_old(tmp_path):
    facts = state(lab_server(tmp_path, "aadc02", staging=True, sync_age_hours=30))
    ended = [parse_time(r["ended_at"]) for r in facts["runs"]]
    assert all(27 < (datetime.now(UTC) - t).total_seconds() / 3600 < 33 for t in ended)
    gates = health_gates("aadc02", facts, datetime.now(UTC), 24)
    assert "hours old" in gates["reasons"][0]


def test_a_failing_entra_import_fails_its_latest_and_later_imports(tmp_path):
    server = lab_server(tmp_path, "aadc02", staging=True, sync_age_hours=30, failing_imports=["entra"])
    newest = state(server)["runs"][0]
    assert (newest["connector_name"], newest["run_profile_name"], newest["result"]) == (
        ENTRA,
        "Delta Import",
        "stopped-extension-dll-exception",
    )
    run(server, ENTRA, "Delta Import")
    run(server, "contoso.com", "Delta Import")
    results = {(r["connector_name"], r["result"]) for r in state(server)["runs"][:2]}
    assert results == {(ENTRA, "stopped-extension-dll-exception"), ("contoso.com", "success")}
    (reason,) = health_gates("aadc02", state(server), datetime.now(UTC), 24)["reasons"]
    assert "its newest import, Delta Import, ended 'stopped-extension-dll-exception'" in reason


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"failing_imports": ["aad"]}, "failing_imports must list connector kinds: entra, ad"),
        ({"sync_age_hours": -1}, "sync_age_hours must be a number of hours >= 0"),
    ],
)
def test_bad_settings_are_named(settings, message):
    with pytest.raises(LabSettingsError, match=message):
        read_settings("aadc02", {**SMALL, "entra_connect_lab_server": settings})
