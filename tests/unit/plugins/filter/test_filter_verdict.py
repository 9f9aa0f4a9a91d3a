"""The verdict filter plugin file (plugins/filter/verdict.py): verdict, csexport_gates and gates."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.filter.verdict import FilterModule
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.csexport.analysis import Gates

FILTERS = FilterModule().filters()

#: server_info of a configured, idle staging server (as tests/unit/plugins/plugin_utils/switch/test_verdict.py has it).
INFO = {
    "computer_name": "AADC02",
    "configured": True,
    "idle": True,
    "staging_mode_enabled": True,
    "export_deletion_threshold": {"enabled": True, "count": 500},
    "connectors": [{"name": "contoso.com", "statistics": {"total_connector_count": 2400}}],
    "runs": [{"ended_at": "2026-11-24T05:00:00.000Z"}],
}


def test_max_total_reaches_the_csexport_gates_and_the_threshold_caps_deletes():
    info = {"export_deletion_threshold": {"enabled": True, "count": 500}}
    gates = FILTERS["csexport_gates"]({"max_total": 3, "max_deletes": 1000}, info)
    assert gates["max_total"] == 3 and gates["max_deletes"] == 500
    # ... and the csexport modules take exactly that dict.
    assert Gates.from_dict(gates).max_total == 3


def test_the_filters_refuse_an_unknown_gate_with_the_message():
    from ansible.errors import AnsibleFilterError

    for call in (lambda: FILTERS["csexport_gates"]({"max_totl": 1}, {}), lambda: FILTERS["gates"]({"max_totl": 1})):
        with pytest.raises(AnsibleFilterError, match="unknown key\\(s\\) max_totl"):
            call()
    assert FILTERS["gates"]({"max_total": 2})["max_total"] == 2


def test_missing_gates_and_results_are_empty_not_errors():
    assert FILTERS["csexport_gates"](None, None)["max_adds"] == 0
    assert FILTERS["verdict"](INFO, "aadc02", gates=None)["verdict"] == "blocked"
