"""server_facts on what real servers report (issue 16): a stopped service, versions that disagree,
a LocalDB near its limit, a service-account sign-in, an open wizard."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import (
    local_db_status,
    require_configured,
    server_role,
    version_mismatch,
)


def test_a_stopped_service_is_unknown_never_not_configured():
    stopped = {"installed": True, "configured": None, "engine_state": "service_stopped"}
    assert server_role(stopped) == "service_stopped"
    assert server_role({"installed": True, "configured": None}) == "service_stopped"
    assert server_role({"installed": True, "configured": False}) == "not_configured"
    with pytest.raises(EntraConnectError, match="its ADSync service is not running"):
        require_configured(stopped, "aadc02", "switch staging mode")


@pytest.mark.parametrize(
    ("product", "configuration", "expected"),
    [("2.5.190.0", "2.5.190.0", False), ("2.6.92.0", "2.5.190.0", True), (None, "2.5.190.0", None)],
)
def test_the_product_version_is_cross_checked_with_the_server_configuration_version(product, configuration, expected):
    assert version_mismatch(product, configuration) is expected


@pytest.mark.parametrize(
    ("used_mb", "status"),
    [(180.5, "ok"), (8191, "ok"), (8192, "auto_upgrade_blocked"), (9727, "auto_upgrade_blocked"), (9728, "near_limit")],
)
def test_local_db_warns_at_8_gb_and_refuses_near_10_gb(used_mb, status):
    assert local_db_status({"local_db": True, "used_space_mb": used_mb})["status"] == status
    assert local_db_status({"local_db": False, "used_space_mb": used_mb}) is None
