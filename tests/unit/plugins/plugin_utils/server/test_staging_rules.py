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
    ("version", "tools", "method"),
    [("2.4.18.0", False, "global_settings"), (None, False, "global_settings"), ("1.6.4.0", True, "adsynctools")],
)
def test_choose_method_auto_uses_the_global_setting_on_2x_and_adsynctools_before(version, tools, method):
    assert choose_method("auto", version, tools, "aadc01") == method


def test_choose_method_refuses_an_old_server_without_adsynctools():
    with pytest.raises(EntraConnectError, match=r"^aadc01 runs Entra Connect 1\.6\.4\.0, older than 2\.x: "):
        choose_method("auto", "1.6.4.0", False, "aadc01")


def test_choose_method_adsynctools_needs_the_module_and_explicit_methods_stand():
    with pytest.raises(EntraConnectError, match=r"^method=adsynctools, but the ADSyncTools staging functions"):
        choose_method("adsynctools", "2.4.18.0", False, "aadc01")
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
