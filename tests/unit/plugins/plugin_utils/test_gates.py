"""The gates model: entra_connect_gates checked once, every gate honoured on every path."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import InputError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._gates import (
    PromotionGates,
    gate_failure,
    validate,
)


def test_defaults_are_strict():
    gates = PromotionGates.from_dict(None)
    assert (gates.max_deletes, gates.max_adds, gates.max_updates, gates.max_total) == (0, 0, 0, None)


def test_an_unknown_gate_is_refused_naming_the_valid_ones():
    with pytest.raises(InputError) as caught:
        PromotionGates.from_dict({"max_delete": 10, "max_total": 5})
    assert caught.value.message == (
        "Invalid value given for 'entra_connect_gates': unknown key(s) max_delete; valid keys: max_deletes, "
        "max_adds, max_updates, max_total, ignore_attributes, ignore_object_types, allow_unknown_operations, "
        "count_tolerance_percent, max_sync_age_hours"
    )


def test_every_bad_value_is_named_at_once():
    with pytest.raises(InputError) as caught:
        PromotionGates.from_dict({"max_adds": -1, "ignore_attributes": "employeeType", "max_sync_age_hours": "x"})
    message = caught.value.message
    assert "'entra_connect_gates.max_adds': -1; use a whole number >= 0" in message
    assert "'entra_connect_gates.ignore_attributes': 'employeeType'; use a list of names" in message
    assert "'entra_connect_gates.max_sync_age_hours': 'x'; use a number >= 0" in message
    with pytest.raises(InputError, match="give a dict of gates"):
        validate(["max_adds"], ("max_adds",))
    with pytest.raises(InputError, match="max_deletes': True"):
        validate({"max_deletes": True}, ("max_deletes",))


def test_one_way_to_fail_from_a_gate():
    assert gate_failure({"passed": True, "violations": []}) == {}
    failed = {"passed": False, "violations": [{"message": "a"}, {"message": "b"}]}
    assert gate_failure(failed, "Configuration gate failed: ") == {
        "failed": True,
        "msg": "Configuration gate failed: a; b",
    }
