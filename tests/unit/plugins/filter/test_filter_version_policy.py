"""The version_policy and server_support filter plugins (plugins/filter/version_policy.py)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid_identity.entra_connect.plugins.filter.version_policy import FilterModule as PolicyFilter

FILTERS = PolicyFilter().filters()


def test_version_policy_passes_a_supported_version_and_names_its_end():
    policy = FILTERS["version_policy"]
    result = policy("2.6.84.0", today="2026-12-01")
    assert (result["passed"], result["problems"], result["ends_on"]) == (True, [], "2027-09-16")


def test_version_policy_refuses_below_the_floor_and_withdrawn_builds():
    policy = FILTERS["version_policy"]
    low = policy("2.4.18.0", today="2026-12-01")
    assert low["passed"] is False
    assert low["problems"][0].startswith("2.4.18.0 is below the minimum version 2.5.79.0")
    assert policy("2.6.79.0", today="2026-12-01")["status"] == "withdrawn"
    assert policy("latest")["problems"] == ["'latest' is not a version like 2.6.92.0; read the server first"]


def test_version_policy_takes_the_inventory_rows():
    rows = [{"version": "2.6.84.0", "withdrawn": True}]
    assert FILTERS["version_policy"]("2.6.84.0", versions=rows, today="2026-12-01")["passed"] is False


@pytest.mark.parametrize(("kwargs", "message"), [({"today": "soon"}, "'today'"), ({"versions": "x"}, "give a list")])
def test_bad_arguments_are_filter_errors(kwargs, message):
    with pytest.raises(AnsibleFilterError, match=message):
        FILTERS["version_policy"]("2.6.92.0", **kwargs)


def test_server_support_reads_a_server_info_result():
    info = {"installed": True, "product_version": "2.5.190.0", "engine_version": "2.5.190.0"}
    assert FILTERS["server_support"](info, today="2026-12-01")["ends_on"] == "2027-02-02"
    assert FILTERS["server_support"]({"installed": False}) is None
