"""The meeting features of the HTML report in headless Chromium: sortable tables, the account
filter, muted badges, changes since the baseline, paging, and printing every row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from auditor.diff import compare
from auditor.findings import Report, Status
from tests.browser.conftest import ALL_STATUSES, OpenedReport
from tests.report_factory import ACCOUNT
from tests.reporting import OTHER_ACCOUNT, SCAN_START, finding, mute, report_at

pytestmark = pytest.mark.browser

OpenReport = Callable[..., OpenedReport]
RDS = "rds_instance_multi_az"
S3 = "s3_bucket_lifecycle_configured"


def _rows(page: Page, check: str) -> list[str]:
    return page.locator(f"#check-{check} tr.finding .rid").all_inner_texts()


def _review_report() -> Report:
    """Last week's scan against this week's, in two accounts, with one FAIL muted."""
    last_week = report_at(
        [
            finding(RDS, Status.FAIL, "beta-db", account=ACCOUNT),
            finding(RDS, Status.FAIL, "alpha-db", account=OTHER_ACCOUNT),
            finding(RDS, Status.FAIL, "gamma-db", account=ACCOUNT),
        ],
        SCAN_START - timedelta(days=9),
        scan_id="scan-old",
    )
    this_week = report_at(
        [
            finding(RDS, Status.FAIL, "beta-db", account=ACCOUNT),
            finding(RDS, Status.FAIL, "alpha-db", account=OTHER_ACCOUNT),
            finding(RDS, Status.PASS, "gamma-db", account=ACCOUNT),
            finding(RDS, Status.FAIL, "delta-db", account=OTHER_ACCOUNT),
            finding(S3, Status.FAIL, "logs", account=ACCOUNT),
        ],
        scan_id="scan-new",
    )
    muted = mute(
        this_week,
        check=[S3],
        reason="Logs are pruned by a job",
        owner="platform@example.com",
        expires=date(2025, 6, 30),
    )
    return compare(last_week, muted)


def test_resource_column_sorts_both_ways(open_report: OpenReport) -> None:
    opened = open_report(_review_report(), ALL_STATUSES)
    page = opened.page
    # Default: FAILs first, new before unchanged, then by name.
    assert _rows(page, RDS) == ["delta-db", "alpha-db", "beta-db", "gamma-db"]
    header = page.locator(f"#check-{RDS} th.c-res")
    header.locator("button").click()
    assert _rows(page, RDS) == ["alpha-db", "beta-db", "delta-db", "gamma-db"]
    expect(header).to_have_attribute("aria-sort", "ascending")
    header.locator("button").click()
    assert _rows(page, RDS) == ["gamma-db", "delta-db", "beta-db", "alpha-db"]
    expect(header).to_have_attribute("aria-sort", "descending")
    opened.assert_quiet()


def test_age_column_sorts_oldest_first(open_report: OpenReport) -> None:
    opened = open_report(_review_report(), ALL_STATUSES)
    page = opened.page
    page.locator(f"#check-{RDS} th.c-age button").click()
    ages = page.locator(f"#check-{RDS} tr.finding td.age").all_inner_texts()
    assert ages == ["9 d", "9 d", "0 d", "0 d"]
    assert _rows(page, RDS)[:2] == ["alpha-db", "beta-db"]


def test_account_filter_and_the_per_account_button(open_report: OpenReport) -> None:
    opened = open_report(_review_report(), ALL_STATUSES)
    page = opened.page
    page.locator('#filters select[name="account"]').select_option(OTHER_ACCOUNT)
    assert _rows(page, RDS) == ["delta-db", "alpha-db"]
    expect(page.locator(f"#check-{S3}")).to_be_hidden()
    expect(page.locator("#shown-count")).to_have_text("2 of 5 findings shown")
    page.locator('#filters button[type="reset"]').click()
    expect(page.locator("#shown-count")).to_have_text("4 of 5 findings shown")  # PASS hidden
    page.locator(f'#by-account button[data-show-account="{ACCOUNT}"]').click()
    expect(page.locator('#filters select[name="account"]')).to_have_value(ACCOUNT)
    assert _rows(page, RDS) == ["beta-db"]  # gamma-db passes, hidden since the reset
    assert set(
        page.locator("#findings tr.finding").evaluate_all("rs => rs.map(r => r.dataset.account)")
    ) == {ACCOUNT}
    opened.assert_quiet()


def test_muted_row_shows_owner_and_expiry_and_can_be_hidden(open_report: OpenReport) -> None:
    opened = open_report(_review_report())
    page = opened.page
    row = page.locator(f"#check-{S3} tr.finding").first
    expect(row.locator(".muted-badge")).to_have_text("muted")
    expect(row.locator(".mute-meta")).to_have_text("until 2025-06-30 · platform@example.com")
    expect(row.locator(".mute-note")).to_have_text(
        "Muted until 2025-06-30 by platform@example.com: Logs are pruned by a job"
    )
    expect(row.locator(".badge.st-FAIL")).to_be_visible()  # the status stands
    page.locator('#filters select[name="muted"]').select_option("hide")
    expect(page.locator(f"#check-{S3}")).to_be_hidden()
    page.locator('#filters select[name="muted"]').select_option("only")
    assert page.locator("#findings tr.finding:visible .rid").all_inner_texts() == ["logs"]


def test_change_badges_and_filter(open_report: OpenReport) -> None:
    opened = open_report(_review_report(), ALL_STATUSES)
    page = opened.page
    changes = page.locator(f"#check-{RDS} tr.finding td.diff").all_inner_texts()
    assert changes == ["new", "unchanged", "unchanged", "fixed"]
    page.locator('#filters select[name="diff"]').select_option("1")
    assert page.locator("#findings tr.finding:visible .rid").all_inner_texts() == [
        "delta-db",
        "logs",
    ]
    page.locator('#filters select[name="diff"]').select_option("3")
    assert page.locator("#findings tr.finding:visible .rid").all_inner_texts() == ["gamma-db"]
    opened.assert_quiet()


def _many(count: int) -> Report:
    return report_at([finding(RDS, Status.FAIL, f"db-{n:04d}") for n in range(count)])


def test_a_large_check_pages_its_rows(open_report: OpenReport) -> None:
    opened = open_report(_many(330))
    page = opened.page
    section = page.locator(f"#check-{RDS}")
    expect(section.locator("tr.finding")).to_have_count(50)
    expect(section.locator(".page-note")).to_have_text("Showing 50 of 330 rows.")
    section.locator("button.show-more").click()
    expect(section.locator("tr.finding")).to_have_count(250)
    expect(section.locator("button.show-more")).to_have_text("Show 80 more")
    section.locator("button.show-all").click()
    expect(section.locator("tr.finding")).to_have_count(330)
    expect(section.locator(".paging")).to_be_hidden()
    # A search narrows the rows across every page, not only the ones drawn.
    page.locator('#filters input[name="q"]').fill("db-0329")
    expect(page.locator("#shown-count")).to_have_text("1 of 330 findings shown")
    assert _rows(page, RDS) == ["db-0329"]
    opened.assert_quiet()


def test_printing_draws_every_row_then_restores_the_page(open_report: OpenReport) -> None:
    opened = open_report(_many(330))
    page = opened.page
    rows = page.locator(f"#check-{RDS} tr.finding")
    expect(rows).to_have_count(50)
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    expect(rows).to_have_count(330)
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    expect(rows).to_have_count(50)
    opened.assert_quiet()
