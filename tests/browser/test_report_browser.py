"""The HTML report in headless Chromium: inert attacker strings, filters, gaps first, print."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from auditor.findings import Status
from tests.browser.conftest import ALL_STATUSES, OpenedReport
from tests.report_factory import IMG_XSS, SCRIPT_BREAK, make_report, sample_report

pytestmark = pytest.mark.browser

OpenReport = Callable[..., OpenedReport]
TOTAL = len(sample_report().findings)


def _visible_rows(page: Page) -> list[str]:
    """Resource ids of the finding rows a reader can see, in page order."""
    return page.locator("#findings tr.finding:visible .rid").all_inner_texts()


def test_report_opens_quietly_and_fetches_nothing(open_report: OpenReport) -> None:
    opened = open_report(sample_report(), ALL_STATUSES)
    expect(opened.page.locator("#shown-count")).to_have_text(f"{TOTAL} of {TOTAL} findings shown")
    expect(opened.page.locator("#filters")).to_be_visible()
    opened.assert_quiet()


def test_attacker_named_resource_is_shown_as_text_and_runs_nothing(
    open_report: OpenReport,
) -> None:
    opened = open_report(sample_report(), ALL_STATUSES)
    page = opened.page
    row = page.locator("#check-rds_instance_multi_az tr.finding").first
    assert row.locator(".rid").inner_text() == IMG_XSS
    assert IMG_XSS in row.locator(".msg").inner_text()
    assert page.locator("#check-cloudwatch_alarm_has_action").get_by_text(SCRIPT_BREAK).count() == 2
    assert page.locator("img").count() == 0
    assert page.locator("#findings script").count() == 0
    # Give any injected handler its chance: hover every row and open every details.
    for cell in page.locator("#findings td.res").all():
        cell.hover()
    for summary in page.locator("#findings summary").all():
        summary.click()
    opened.assert_quiet()


def test_pass_rows_are_hidden_by_default_and_one_click_away(open_report: OpenReport) -> None:
    report = sample_report()
    not_passing = sum(1 for f in report.findings if f.status is not Status.PASS)
    opened = open_report(report)
    page = opened.page
    expect(page.locator("#shown-count")).to_have_text(f"{not_passing} of {TOTAL} findings shown")
    expect(page.locator('tr.finding[data-status="PASS"]:visible')).to_have_count(0)
    assert len(_visible_rows(page)) == not_passing == 5
    expect(page.locator("#check-s3_bucket_lifecycle_configured")).to_be_hidden()
    expect(page.locator("#check-rds_instance_multi_az .group-shown")).to_have_text("1 of 3 shown")
    page.locator('#filters input[name="status"][value="PASS"]').check()
    expect(page.locator("#shown-count")).to_have_text(f"{TOTAL} of {TOTAL} findings shown")
    expect(page.locator("#check-s3_bucket_lifecycle_configured")).to_be_visible()
    opened.assert_quiet()


def test_search_shows_only_matching_rows(open_report: OpenReport) -> None:
    opened = open_report(sample_report())
    page = opened.page
    page.locator('#filters input[name="q"]').fill("ORDERS")
    expect(page.locator("#shown-count")).to_have_text(f"1 of {TOTAL} findings shown")
    assert _visible_rows(page) == ["orders"]
    expect(page.locator("section.check:visible")).to_have_count(1)
    page.locator('#filters input[name="q"]').fill("no such resource")
    expect(page.locator("#shown-count")).to_have_text(f"0 of {TOTAL} findings shown")
    expect(page.locator("#no-match")).to_be_visible()
    opened.assert_quiet()


def test_region_and_severity_filters_combine_and_reset_restores(open_report: OpenReport) -> None:
    opened = open_report(sample_report(), ALL_STATUSES)
    page = opened.page
    page.locator('#filters select[name="region"]').select_option("us-east-1")
    assert sorted(_visible_rows(page)) == sorted(["cpu-high", "sessions", IMG_XSS, "db-billing"])
    page.locator('#filters input[name="severity"][value="high"]').uncheck()
    assert sorted(_visible_rows(page)) == ["cpu-high", "sessions"]
    page.locator('#filters select[name="service"]').select_option("dynamodb")
    assert _visible_rows(page) == ["sessions"]
    page.locator('#filters button[type="reset"]').click()
    not_passing = sum(1 for f in sample_report().findings if f.status is not Status.PASS)
    expect(page.locator("#shown-count")).to_have_text(f"{not_passing} of {TOTAL} findings shown")
    opened.assert_quiet()


def test_gaps_are_visible_on_the_agenda_before_the_summary(open_report: OpenReport) -> None:
    opened = open_report(sample_report())
    page = opened.page
    gaps = page.locator("#gaps")
    expect(gaps).to_be_visible()
    expect(gaps).to_contain_text("1 read failed — these checks could not judge everything")
    first = page.locator("main > section").first
    assert first.get_attribute("id") == "agenda"
    expect(first.locator("#gaps")).to_have_count(1)
    gaps_box, summary_box = gaps.bounding_box(), page.locator("#executive").bounding_box()
    assert gaps_box is not None and summary_box is not None
    assert gaps_box["y"] + gaps_box["height"] <= summary_box["y"]
    expect(page.locator(".headline-main")).to_contain_text("Incomplete scan")


def test_print_hides_filters_shows_the_fix_and_evidence_as_left(open_report: OpenReport) -> None:
    opened = open_report(sample_report())
    page = opened.page
    evidence = page.locator("#check-rds_instance_multi_az .evidence").first
    fix = page.locator("#check-rds_instance_multi_az .fix pre").first
    expect(fix).to_be_hidden()
    page.emulate_media(media="print")
    expect(page.locator("#filters")).to_be_hidden()
    expect(fix).to_be_visible()
    expect(evidence).to_be_hidden()  # collapsed on screen: not in the print
    page.emulate_media(media="screen")
    evidence.locator("summary").click()
    page.emulate_media(media="print")
    expect(evidence.locator("pre")).to_be_visible()


def test_report_without_findings_opens_quietly(open_report: OpenReport) -> None:
    opened = open_report(make_report([], checks=["rds_instance_multi_az"]))
    expect(opened.page.locator(".headline-main")).to_have_text(
        "No findings: the checks found nothing to judge"
    )
    expect(opened.page.locator("#gaps")).to_have_count(0)
    opened.assert_quiet()
