"""The by_host and run_id filter plugins (plugins/filter/by_host.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.hybrid_identity.entra_connect.plugins.filter.by_host import FilterModule

FILTERS = FilterModule().filters()
by_host = FILTERS["by_host"]
run_id = FILTERS["run_id"]

SKIPPED = {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}
READ = {"installed": True, "configured": True, "staging_mode_enabled": True}
HOSTVARS = {
    "aadc01": {"entra_connect_role": "active", "_info": READ},
    "aadc02": {"entra_connect_role": "staging", "_info": SKIPPED, "_info_before": READ},
    "aadc03": {},
}


def test_a_mapping_of_host_to_vars_works_as_hostvars():
    assert by_host(["aadc01", "aadc02"], HOSTVARS, "entra_connect_role") == {"aadc01": "active", "aadc02": "staging"}


def test_the_result_follows_the_hosts_given_not_hostvars():
    assert list(by_host(["aadc02", "aadc01"], HOSTVARS, "entra_connect_role")) == ["aadc02", "aadc01"]
    assert by_host([], HOSTVARS, "entra_connect_role") == {}
    assert by_host(("aadc01",), HOSTVARS, "entra_connect_role") == {"aadc01": "active"}


def test_a_host_without_the_variable_gets_the_default():
    assert by_host(["aadc01", "aadc03"], HOSTVARS, "entra_connect_role") == {"aadc01": "active", "aadc03": None}
    assert by_host(["aadc03"], HOSTVARS, "entra_connect_role", default="staging") == {"aadc03": "staging"}
    assert by_host(["aadc03"], HOSTVARS, "entra_connect_role", "staging") == {"aadc03": "staging"}


def test_a_list_of_names_picks_the_first_present_that_is_not_a_skipped_result():
    names = ["_info", "_info_before"]
    assert by_host(["aadc01", "aadc02", "aadc03"], HOSTVARS, names) == {
        "aadc01": READ,  # the first name is present and not skipped
        "aadc02": READ,  # the first name is a skipped result: the next one
        "aadc03": None,  # none present: the default
    }
    assert by_host(["aadc02"], HOSTVARS, ("_missing", "_info_before")) == {"aadc02": READ}
    only_skipped = {"aadc04": {"_info": SKIPPED, "_info_before": {"skipped": True}}}
    assert by_host(["aadc04"], only_skipped, names, default={}) == {"aadc04": {}}


def test_a_result_that_merely_mentions_skipped_is_not_skipped():
    hostvars = {"aadc01": {"_info": {"skipped": False, "x": 1}, "_info_before": READ}}
    assert by_host(["aadc01"], hostvars, ["_info", "_info_before"]) == {"aadc01": {"skipped": False, "x": 1}}


def test_a_single_name_gives_the_value_as_it_is():
    assert by_host(["aadc02"], HOSTVARS, "_info") == {"aadc02": SKIPPED}
    assert by_host(["aadc01"], {"aadc01": {"flag": False}}, "flag", default=True) == {"aadc01": False}


@pytest.mark.parametrize("hosts", ["aadc01", 42, None], ids=["a string", "an int", "None"])
def test_hosts_that_are_not_a_list_are_refused(hosts):
    with pytest.raises(AnsibleFilterError) as caught:
        by_host(hosts, HOSTVARS, "entra_connect_role")
    assert str(caught.value) == f"by_host expects a list of hosts, got {type(hosts).__name__}"


def test_an_unknown_host_is_named():
    with pytest.raises(AnsibleFilterError) as caught:
        by_host(["aadc01", "aadc09"], HOSTVARS, "entra_connect_role")
    assert str(caught.value) == "by_host: 'aadc09' is not a host of the inventory"


@pytest.mark.parametrize("name", [None, "", [], ["_info", ""], ["_info", 3], 7, {"_info": 1}])
def test_a_bad_variable_name_is_refused(name):
    with pytest.raises(AnsibleFilterError) as caught:
        by_host(["aadc01"], HOSTVARS, name)
    assert str(caught.value) == "by_host expects the name of a host variable (or a list of names) after hostvars"


@pytest.mark.parametrize("given", ["20261124T072326Z", "nightly-42", "switch_2026.11.24"])
def test_run_id_keeps_a_given_id(given):
    assert run_id(given) == given


@pytest.mark.parametrize("given", [None, ""], ids=["None", "empty"])
def test_run_id_makes_a_utc_timestamp_when_none_is_given(given):
    before = datetime.now(UTC).replace(microsecond=0)
    made = run_id(given)
    after = datetime.now(UTC)
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", made)
    stamp = datetime.strptime(made.split("-")[0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before <= stamp <= after + timedelta(seconds=1)


def test_run_id_of_runs_started_in_the_same_second_differ():
    made = {run_id(None) for _attempt in range(50)}
    assert len(made) == 50
    assert len({m.split("-")[0] for m in made}) <= 2  # the same second (or the next), told apart by the tag


@pytest.mark.parametrize("given", ["runs/2026", "../escape", "/abs"])
def test_run_id_refuses_an_id_with_a_slash(given):
    with pytest.raises(AnsibleFilterError) as caught:
        run_id(given)
    assert str(caught.value).startswith(f"Invalid value given for 'entra_connect_run_id': {given!r}; use letters, ")
    assert "it names the report folder of the run" in str(caught.value)
