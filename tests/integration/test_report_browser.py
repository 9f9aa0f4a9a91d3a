"""The HTML run report in a real browser: Debian's Chromium driven by Playwright (no browser download).

The lab demo (a swing migration) and the bad promotion each write report.html; Chromium opens it
from disk, the verdict and the SVG charts must be visible, no request may leave the page (the
page's Content-Security-Policy must not have had to block one either), and a full-page screenshot
is kept in tests/output/browser/ as the test artefact.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lab_runs import ROOT, make_inventory, reset, run_playbook
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("ENTRA_CONNECT_CHROMIUM", "/usr/bin/chromium")
# One folder per ansible-core leg (tools/legs.py runs the legs at the same time).
SCREENSHOTS = ROOT / "tests" / "output" / "browser" / os.environ.get("ENTRA_CONNECT_LEG", "")
# Headless, and none of Chromium's own background connections (this machine's network is closed).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} not found: run `make browser-deps` (installs Debian's chromium) or set ENTRA_CONNECT_CHROMIUM"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def open_report(browser, report: Path, name: str):
    """The page with every request it made and every console message; a screenshot is saved."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests, console = [], []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.on("console", lambda message: console.append(message.text))
    page.goto(report.as_uri(), wait_until="load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    return context, page, requests, console


def assert_self_contained(report: Path, requests: list[str], console: list[str]) -> None:
    assert requests == [report.as_uri()], f"requests beyond the page itself: {requests}"
    assert [m for m in console if "Content Security Policy" in m] == []


def assert_verdict(page, word: str, sentence: str) -> None:
    verdict = page.locator("#verdict strong")
    assert verdict.is_visible() and verdict.inner_text() == word
    assert sentence in page.locator("#verdict").inner_text()


def visible_charts(page) -> list[dict]:
    charts = page.locator("svg.chart")
    found = []
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box["width"] > 100 and box["height"] > 10
        found.append({"label": chart.get_attribute("aria-label"), "box": box})
    return found


def lab_report(tmp_path: Path, source: str, playbook: str, succeeds: bool) -> Path:
    """The report.html of one playbook run on a fresh copy of a lab inventory."""
    inventory = make_inventory(tmp_path, source=source)
    assert reset(inventory).rc == 0
    run = run_playbook(inventory, playbook)
    assert (run.rc == 0) == succeeds, run.output[-3000:]
    return next((inventory / ".reports").glob("*/report.html"))


def test_the_lab_demo_report_reads_done_in_chromium(tmp_path, browser):
    report = lab_report(tmp_path, "lab", "swing_migration", succeeds=True)
    context, page, requests, console = open_report(browser, report, "swing-migration-ready")
    try:
        assert_verdict(page, "DONE", "aadc03 is the only active server")
        assert [c["label"] for c in visible_charts(page)] == [
            "Pending exports per operation",
            "Pending exports per object type",
            "Most-changed attributes (objects)",
        ]
        assert page.get_by_role("heading", name="Verification of aadc03").is_visible()
        assert_self_contained(report, requests, console)
    finally:
        context.close()


def test_the_bad_promotion_report_reads_blocked_with_the_deletes_drawn(tmp_path, browser):
    report = lab_report(tmp_path, "lab-bad-promotion", "switch_roles", succeeds=False)
    context, page, requests, console = open_report(browser, report, "bad-promotion-blocked")
    try:
        assert_verdict(page, "BLOCKED", "aadc02 must not be promoted")
        assert len(visible_charts(page)) == 3
        # The delete bar is drawn (rendered wider than nothing) and the expected drift is folded away.
        delete_bar = page.locator("svg.chart").first.locator("rect[fill='#c62828']")
        assert delete_bar.bounding_box()["width"] > 50
        drift = page.get_by_text("differs by role").first
        assert drift.count() == 1 and not drift.is_visible()
        page.get_by_text("Expected drift:").click()
        assert drift.is_visible()
        assert_self_contained(report, requests, console)
    finally:
        context.close()
