"""The lifecycle of Entra Connect versions (plugins/plugin_utils/build/_lifecycle.py and versions.yml)."""

from __future__ import annotations

from datetime import date

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._lifecycle import (
    add_months,
    server_support,
    server_version,
    support_status,
    version_table,
)

TODAY = date(2026, 12, 1)


def status(version, today=TODAY, overrides=None):
    return support_status(version, today, version_table(overrides))


def test_below_the_floor_synchronization_fails_since_the_deadline():
    result = status("2.4.18.0")
    assert (result.status, result.supported, result.ends_on) == ("below_floor", False, "2026-09-30")
    assert result.message.startswith(
        "2.4.18.0 is below the minimum version 2.5.79.0: synchronization fails since 2026-09-30"
    )
    assert "upgrade to 2.6.92.0, from the Microsoft Entra admin center" in result.message


def test_before_the_deadline_the_floor_says_when_synchronization_will_fail():
    assert "synchronization fails from 2026-09-30" in status("2.3.20.0", date(2026, 9, 29)).message


def test_a_version_retires_twelve_months_after_its_successor_by_date():
    assert status("2.5.79.0", date(2026, 10, 22)).status == "supported"
    retired = status("2.5.79.0", date(2026, 10, 23))
    assert (retired.status, retired.supported, retired.ends_on, retired.successor) == (
        "retired",
        False,
        "2026-10-23",
        "2.5.190.0",
    )
    assert "its support ended on 2026-10-23 (12 months after 2.5.190.0 was released on 2025-10-23)" in retired.message


def test_a_supported_version_names_its_end_and_warns_when_it_is_near():
    far = status("2.6.84.0")
    assert (far.status, far.ends_on, far.days_left) == ("supported", "2027-09-16", 289)
    assert "plan the upgrade" not in far.message
    near = status("2.5.190.0")
    assert (near.ends_on, near.days_left) == ("2027-02-02", 63)
    assert near.message.endswith("63 days left, plan the upgrade")


def test_the_newest_release_has_no_end_date_until_a_newer_one_is_released():
    assert (status("2.6.92.0").status, status("2.6.92.0").ends_on) == ("supported", None)
    newer = [{"version": "2.6.95.0", "released": "2027-01-20"}]
    assert status("2.6.92.0", overrides=newer).ends_on is None  # not released yet on TODAY
    assert status("2.6.92.0", date(2027, 1, 20), overrides=newer).ends_on == "2028-01-20"


def test_a_withdrawn_build_is_refused_and_does_not_retire_its_predecessor():
    withdrawn = status("2.6.79.0")
    assert (withdrawn.status, withdrawn.supported) == ("withdrawn", False)
    assert "withdrawn build" in withdrawn.message and "uninstall it" in withdrawn.message
    # 2.6.3.0's published end is 12 months after 2.6.84.0, not after the withdrawn 2.6.79.0.
    assert (status("2.6.3.0").ends_on, status("2.6.3.0").successor) == ("2027-07-07", "2.6.84.0")


def test_the_table_reproduces_the_published_end_dates():
    published = {
        "2.5.79.0": "2026-10-23",
        "2.5.190.0": "2027-02-02",
        "2.6.1.0": "2027-03-10",
        "2.6.3.0": "2027-07-07",
        "2.6.84.0": "2027-09-16",
        "2.6.91.0": "2027-09-23",
    }
    assert {v: status(v, date(2026, 10, 1)).ends_on for v in published} == published


def test_an_unknown_version_says_so():
    newer = status("2.7.0.0")
    assert (newer.status, newer.supported, newer.known, newer.ends_on) == ("unknown", True, False, None)
    assert "not in the versions table" in newer.message and "entra_connect_versions" in newer.message
    between = status("2.6.50.0")
    assert (between.status, between.supported, between.ends_on) == ("unknown", True, "2027-07-07")
    assert "at the latest 12 months after 2.6.84.0" in between.message
    assert status("2.5.80.0", date(2026, 10, 23)).supported is False


@pytest.mark.parametrize("bad", ["latest", "", None, "2.6"])
def test_a_value_that_is_no_version_is_invalid(bad):
    result = status(bad)
    assert (result.status, result.supported) == ("invalid", False)
    assert result.message.endswith("read the server first")


def test_secondary_dates_are_marked():
    assert status("2.6.92.0").secondary_source is True
    assert status("2.3.20.0").secondary_source is False


def test_the_inventory_overrides_a_row_and_keeps_the_rest():
    table = version_table([{"version": "2.6.92.0", "withdrawn": True, "notes": "pulled"}])
    row = table.find("2.6.92.0")
    assert (row.withdrawn, row.released, row.notes, row.source) == (True, date(2026, 9, 23), "pulled", "SEC")
    assert support_status("2.6.91.0", TODAY, table).ends_on is None
    added = version_table([{"version": "2.6.95.0", "released": date(2026, 11, 1)}]).find("2.6.95.0")
    assert added.source == "inventory"


def test_every_problem_of_the_override_is_named_at_once():
    with pytest.raises(InputError) as err:
        version_table([{"version": "two"}, {"version": "2.6.95.0", "released": "soon", "withdrawn": "yes", "x": 1}])
    message = err.value.message
    assert message.startswith("Invalid value given for 'entra_connect_versions': ")
    assert "entra_connect_versions[0].version: 'two' is not a version like 2.6.92.0" in message
    assert "entra_connect_versions[1].released: 'soon' is not a date like 2026-09-23" in message
    assert "entra_connect_versions[1].withdrawn: 'yes'; use true or false" in message
    assert "entra_connect_versions[1]: unknown key(s) x" in message
    with pytest.raises(InputError, match="give a list of rows"):
        version_table({"version": "2.6.95.0"})


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(date(2025, 10, 23), 12) == date(2026, 10, 23)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_a_server_is_judged_by_the_lower_of_product_and_engine():
    info = {"installed": True, "product_version": "2.6.92.0", "engine_version": "2.5.3.0"}
    assert server_version(info) == "2.5.3.0"
    assert server_support(info, TODAY)["status"] == "below_floor"
    assert server_support({"installed": False}, TODAY) is None
    assert server_version({"installed": True, "product_version": "2.6.92.0", "engine_version": None}) == "2.6.92.0"
