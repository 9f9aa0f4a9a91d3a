"""The version_policy filter plugin (plugins/filter/version_policy.py)."""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.filter.version_policy import FilterModule as PolicyFilter


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
