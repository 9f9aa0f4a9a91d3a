"""The switch_plan filter plugin file (plugins/filter/switch_plan.py): servers_by_role."""

from __future__ import annotations

ACTIVE = {"installed": True, "configured": True, "staging_mode_enabled": False}
STAGING = {"installed": True, "configured": True, "staging_mode_enabled": True}
MISSING = {"installed": False, "configured": False, "staging_mode_enabled": None}
BINARIES = {"installed": True, "configured": False, "staging_mode_enabled": None}


def test_servers_by_role_keeps_the_given_order():
    from ansible_collections.hybrid_identity.entra_connect.plugins.filter.switch_plan import FilterModule

    roles = FilterModule().filters()["servers_by_role"](
        {"aadc03": MISSING, "aadc02": STAGING, "aadc01": ACTIVE, "aadc04": BINARIES}
    )
    assert roles == {"active": ["aadc01"], "staging": ["aadc02"], "not_configured": ["aadc03", "aadc04"]}
