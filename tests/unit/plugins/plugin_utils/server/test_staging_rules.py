"""The staging-mode rules: the method, whether to write, the password writeback guard."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils._errors import EntraConnectError
from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.server._staging import (
    choose_method,
    staging_change,
)

ACTIVE = {"staging_mode_enabled": False, "staging_mode_global_setting": False, "password_writeback_enabled": False}
STAGING = {**ACTIVE, "staging_mode_enabled": True, "staging_mode_global_setting": True}


@pytest.mark.parametrize(
    ("version", "tools"), [("2.5.190.0", False), (None, False), ("1.6.4.0", True), ("2.4.18.0", True)]
)
def test_choose_method_auto_is_always_the_global_setting(version, tools):
    assert choose_method("auto", version, tools, "aadc01") == "global_settings"


@pytest.mark.parametrize("version", ["1.6.4.0", "2.4.18.0", "2.5.78.9", None])
def test_choose_method_refuses_adsynctools_below_the_supported_floor(version):
    with pytest.raises(EntraConnectError, match=r"^Refusing method=adsynctools on aadc01: .* below 2\.5\.79\.0"):
        choose_method("adsynctools", version, True, "aadc01")


def test_choose_method_adsynctools_needs_the_module_and_explicit_methods_stand():
    with pytest.raises(EntraConnectError, match=r"^method=adsynctools, but the ADSyncTools staging functions"):
        choose_method("adsynctools", "2.5.79.0", False, "aadc01")
    assert choose_method("adsynctools", "2.5.190.0", True, "aadc01") == "adsynctools"
    assert choose_method("global_settings", "1.6.4.0", False, "aadc01") == "global_settings"


def test_staging_change_is_not_needed_when_both_sources_agree_or_the_setting_is_unknown():
    assert staging_change(STAGING, True, False, "aadc01", {}) is False
    assert staging_change({**STAGING, "staging_mode_global_setting": None}, True, False, "aadc01", {}) is False
    assert staging_change({**STAGING, "staging_mode_global_setting": False}, True, False, "aadc01", {}) is True
    assert staging_change(ACTIVE, True, False, "aadc01", {}) is True


def test_staging_change_refuses_a_promotion_under_password_writeback_unless_forced():
    writeback = {**STAGING, "password_writeback_enabled": True}
    with pytest.raises(
        EntraConnectError, match=r"^Refusing to disable staging mode on aadc02: password writeback"
    ) as caught:
        staging_change(writeback, False, False, "aadc02", {"method": "global_settings"})
    assert caught.value.details == {"method": "global_settings"}
    assert staging_change(writeback, False, True, "aadc02", {}) is True
