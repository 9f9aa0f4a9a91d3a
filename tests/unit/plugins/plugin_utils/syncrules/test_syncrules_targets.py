"""Which servers the sync_rules playbook converges, and to what."""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.syncrules._targets import (
    convergence_targets,
)

ACTIVE = {"role": "active"}
STAGING = {"role": "staging"}


def test_without_a_file_staging_servers_mirror_the_one_active_server():
    decision = convergence_targets({"a": ACTIVE, "b": STAGING, "c": STAGING, "d": {"role": "not_installed"}})
    assert decision["refused"] is False
    assert (decision["source"], decision["readers"], decision["targets"]) == ("a", ["a"], ["b", "c"])
    assert decision["outside_reserved"] == "warn" and decision["skipped"] == ["d"]


def test_with_a_file_the_active_server_converges_only_when_asked():
    assert convergence_targets({"a": ACTIVE, "b": STAGING}, "rules.yml")["targets"] == ["b"]
    decision = convergence_targets({"a": ACTIVE, "b": STAGING}, "rules.yml", include_active=True, defer=True)
    assert decision["targets"] == ["b", "a"] and decision["readers"] == []
    assert (decision["outside_reserved"], decision["run_full_sync"]) == ("fail", False)


def test_mirroring_refuses_without_exactly_one_active_server_and_include_active_without_a_file():
    refused = convergence_targets({"a": STAGING, "b": STAGING})
    assert refused["refused"] and "found 0 (none)" in refused["refusal"] and refused["targets"] == []
    assert "needs sync_rules_file" in convergence_targets({"a": ACTIVE}, include_active=True)["refusal"]
