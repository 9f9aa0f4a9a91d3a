"""require_configured: one refusal, in one wording, for every module that needs a sync engine."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._facts import require_configured


def test_require_configured_accepts_a_configured_server():
    assert require_configured({"installed": True, "configured": True}, "aadc01", "switch staging mode") is None


@pytest.mark.parametrize("installed", [True, False])
def test_require_configured_names_the_host_the_action_and_the_fix(installed):
    with pytest.raises(EntraConnectError) as caught:
        require_configured({"installed": installed, "configured": False}, "aadc03", "change the scheduler")
    assert caught.value.message == (
        "Cannot change the scheduler on aadc03: it has no configured Entra Connect sync engine "
        f"(installed: {str(installed).lower()}); configure it first (see the staging_server role)"
    )
