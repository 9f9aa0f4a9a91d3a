"""built_server_problems: a new server comes out of the wizard in staging; an upgrade keeps its role."""

from __future__ import annotations

import pytest

from ansible_collections.hybrid_identity.entra_connect.plugins.plugin_utils.build._checks import (
    build_steps,
    built_server_problems,
)

NEW = {"installed": False, "configured": False, "staging_mode_enabled": None}


def server(staging=True, version="2.5.190.0", account="CONTOSO\\aadsync"):
    return {
        "configured": True,
        "staging_mode_enabled": staging,
        "engine_version": version,
        "service": {"account": account},
    }


def test_a_new_server_in_staging_at_the_declared_version_passes():
    assert built_server_problems("aadc03", server(), NEW, "2.5.190.0", "contoso\\AADSYNC") == []


def test_a_new_server_that_would_export_is_refused():
    (problem,) = built_server_problems("aadc03", server(staging=False), NEW, "2.5.190.0")
    assert problem.startswith("aadc03 is a new server but is not in staging mode (staging=False)")
    assert "enable staging mode in the wizard" in problem


@pytest.mark.parametrize(("before", "after", "ok"), [(True, True, True), (False, False, True), (True, False, False)])
def test_an_upgrade_keeps_the_role(before, after, ok):
    problems = built_server_problems("aadc01", server(staging=after), server(staging=before), "2.5.190.0")
    assert (problems == []) is ok
    if not ok:
        assert "changed its role in the upgrade (staging True -> False)" in problems[0]


def test_every_difference_is_named():
    problems = built_server_problems(
        "aadc03", server(version="2.6.92.0", account="NT SERVICE\\ADSync"), NEW, "2.5.190.0", "CONTOSO\\aadsync"
    )
    assert problems == [
        "aadc03 runs sync engine 2.6.92.0, not the declared 2.5.190.0",
        "aadc03 runs the sync service as nt service\\adsync, not the declared CONTOSO\\aadsync",
    ]
    assert built_server_problems("aadc03", NEW, NEW, "2.5.190.0") == [
        "aadc03 has no configured sync engine after the wizard; finish the wizard on it"
    ]


STOPPED = {"installed": True, "configured": None, "role": "service_stopped", "service": {"state": "Stopped"}}


def test_a_server_whose_service_is_stopped_is_refused_never_built():
    steps = build_steps("aadc02", {**STOPPED, "product_version": "2.5.190.0"}, "2.6.92.0")
    assert steps["refusal"].startswith(
        "aadc02: the ADSync service is Stopped, so whether its sync engine is configured"
    )
    assert (steps["new_server"], steps["install"]) == (False, False)
    assert built_server_problems("aadc02", STOPPED, server(), "2.6.92.0")[0].startswith(
        "aadc02: the ADSync service is not running after the wizard"
    )


@pytest.mark.parametrize(
    ("before", "after", "new_server", "install", "operator"),
    [
        ({"role": "not_installed", "product_version": None}, {"role": "not_configured"}, True, True, True),
        ({"role": "staging", "product_version": "2.5.190.0"}, STOPPED, False, True, True),  # the upgrade window
        (
            {"role": "staging", "product_version": "2.6.92.0"},
            {**server(version="2.6.92.0"), "role": "staging"},
            False,
            False,
            False,
        ),
    ],
    ids=["new", "upgrade-window", "done"],
)
def test_build_steps(before, after, new_server, install, operator):
    steps = build_steps("aadc02", before, "2.6.92.0", after=after)
    assert (steps["refusal"], steps["new_server"], steps["install"], steps["operator"]) == (
        None,
        new_server,
        install,
        operator,
    )
