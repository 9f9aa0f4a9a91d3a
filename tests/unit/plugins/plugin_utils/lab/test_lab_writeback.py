"""The lab's group writeback: the deletes a server without it stages on the AD connector."""

from __future__ import annotations

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.lab import writeback


def test_a_server_without_group_writeback_stages_the_deletion_of_every_written_back_group():
    pending = writeback.ad_pending(False, 3, "contoso.com")
    assert [c["op"] for c in pending] == ["delete"] * 3
    assert pending[0]["dn"] == "CN=Group_0001,OU=Microsoft 365 Groups,DC=contoso,DC=com"
    assert {c["anchor"] for c in pending} == set(writeback.written_back_groups(3, "contoso.com"))


def test_a_server_with_group_writeback_or_no_written_back_groups_stages_nothing():
    assert writeback.ad_pending(True, 3, "contoso.com") == []
    assert writeback.ad_pending(False, 0, "contoso.com") == []
