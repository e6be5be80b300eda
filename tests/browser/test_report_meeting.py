"""The HTML report in a findings-review meeting, in headless Chromium at a laptop (1440x900),
a small laptop (1024x768) and a projector (1280x720 at 150 %, i.e. 853x480 CSS px): the
agenda on the first screen, nothing spilling out of its card, anchors clear of the sticky
filter bar, filters in the URL, search by tag / check id / title, and the printed pages."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from auditor.diff import compare
from auditor.findings import Finding, Report, Status
from tests.browser.conftest import OpenedReport
from tests.report_factory import ACCOUNT, IMG_XSS, SCRIPT_BREAK
from tests.reporting import OTHER_ACCOUNT, SCAN_START, finding, report_at

pytestmark = pytest.mark.browser

OpenReport = Callable[..., OpenedReport]
VIEWPORTS = {
    "laptop": (1440, 900, 1.0),
    "small-laptop": (1024, 768, 1.0),
    "projector": (853, 480, 1.5),
}
ADMIN = "iam_policy_no_full_admin"  # critical
RDS = "rds_instance_multi_az"  # high
S3 = "s3_bucket_lifecycle_configured"  # low


def _owned(f: Finding, owner: str) -> Finding:
    return f.model_copy(update={"owner": owner})


def _meeting_report() -> Report:
    """Last week against this week: two new FAILs, one fixed, a hostile owner and resource."""
    last_week = report_at(
        [
            finding(RDS, Status.FAIL, "beta-db"),
            finding(RDS, Status.FAIL, "gamma-db"),
            finding(S3, Status.FAIL, "logs"),
        ],
        SCAN_START - timedelta(days=7),
        scan_id="scan-last-week",
    )
    this_week = report_at(
        [
            _owned(finding(ADMIN, Status.FAIL, "AdminEverything"), "security@example.com"),
            _owned(finding(RDS, Status.FAIL, "beta-db", tags={"team": "ledger"}), "dba"),
            _owned(finding(RDS, Status.FAIL, IMG_XSS, account=OTHER_ACCOUNT), SCRIPT_BREAK),
            finding(RDS, Status.PASS, "gamma-db"),
            finding(S3, Status.FAIL, "logs", tags={"cost-centre": "4711"}),
            finding(S3, Status.PASS, "archive"),
        ],
        scan_id="scan-this-week",
    )
    return compare(last_week, this_week)


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_first_screen_is_the_agenda_with_the_right_numbers(
    open_report: OpenReport, viewport: tuple[int, int, float]
) -> None:
    opened = open_report(_meeting_report(), viewport=viewport)
    page = opened.page
    expect(page.locator(".headline-main")).to_have_text("4 failing findings in 3 checks")
    expect(page.locator(".headline-sub")).to_have_text("2 of 6 judged findings pass.")
    rows = page.locator("#fix-first tbody tr[data-check]")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.check)") == [ADMIN, RDS]
    rds = page.locator(f'#fix-first tr[data-check="{RDS}"]').inner_text()
    assert "RDS instances run Multi-AZ" in rds and "\t2\t" in rds
    assert ACCOUNT in rds and OTHER_ACCOUNT in rds and "dba" in rds and SCRIPT_BREAK in rds
    expect(page.locator("#fix-first tr.total td.num")).to_have_text("3")
    new = page.locator("#new .rid").all_inner_texts()
    assert sorted(new) == sorted(["AdminEverything", IMG_XSS])
    assert page.locator("#fixed .rid").all_inner_texts() == ["gamma-db"]
    # The headline and "Fix first" sit on the first screen, whatever the screen.
    box = page.locator("#fix-first h3").bounding_box()
    assert box is not None and box["y"] + box["height"] <= viewport[1]
    assert page.locator("img").count() == 0
    opened.assert_quiet()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_nothing_overflows_its_card_or_badge(
    open_report: OpenReport, viewport: tuple[int, int, float]
) -> None:
    opened = open_report(_meeting_report(), "status=FAIL,ERROR,PASS", viewport=viewport)
    page = opened.page
    spilling = page.evaluate(
        """() => Array.from(document.querySelectorAll(
            '.card, .panel, .check, .badge, .sev, .change, .filters, .table-wrap, main'))
          .filter((e) => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
          .map((e) => `${e.className}: ${e.scrollWidth} > ${e.clientWidth}`)"""
    )
    assert spilling == []
    # Badges keep their word on one line ("unchanged" never breaks).
    heights = page.locator(".change, .badge, .sev").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
    )
    assert heights and max(heights) < 2 * min(heights)
    # The finding text keeps a column of its own worth reading.
    widths = page.locator("tr.finding td.msg").evaluate_all(
        "cells => cells.map(c => c.getBoundingClientRect().width)"
    )
    assert min(widths) > 200
    bar = page.locator("#filters").bounding_box()
    assert bar is not None and bar["height"] <= viewport[1] / 5
    opened.assert_quiet()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_a_jump_to_a_check_leaves_its_heading_below_the_filter_bar(
    open_report: OpenReport, viewport: tuple[int, int, float]
) -> None:
    opened = open_report(_meeting_report(), viewport=viewport)
    page = opened.page
    assert page.locator(f'#fix-first a[href="#check-{S3}"]').count() == 0  # low severity
    page.locator(f'#fix-first a[href="#check-{RDS}"]').click()
    page.wait_for_timeout(50)
    heading = page.locator(f"#title-{RDS}").bounding_box()
    bar = page.locator("#filters").bounding_box()
    assert heading is not None and bar is not None
    assert bar["y"] + bar["height"] <= heading["y"] < viewport[1]
    # From the collapsed checks table too, for a check whose rows all pass by default.
    page.locator("#checks summary").click()
    page.locator(f'#checks tr[data-check="{S3}"] a').click()
    page.wait_for_timeout(50)
    heading = page.locator(f"#title-{S3}").bounding_box()
    bar = page.locator("#filters").bounding_box()
    assert heading is not None and bar is not None
    assert bar["y"] + bar["height"] <= heading["y"] < viewport[1]
    opened.assert_quiet()


def test_filters_round_trip_through_the_url(open_report: OpenReport) -> None:
    opened = open_report(_meeting_report(), viewport=VIEWPORTS["projector"])
    page = opened.page
    page.locator(".more-toggle").click()
    page.locator('#filters select[name="account"]').select_option(OTHER_ACCOUNT)
    page.locator('#filters input[name="status"][value="PASS"]').check()
    page.locator('#filters input[name="q"]').fill("multi-az")
    expect(page).to_have_url(re.compile("q=multi-az"))
    expect(page.locator("#shown-count")).to_have_text("1 of 6 findings shown")
    fragment = page.evaluate("location.hash")
    assert "account=" + OTHER_ACCOUNT in fragment and "q=multi-az" in fragment
    page.reload()
    expect(page.locator("#shown-count")).to_have_text("1 of 6 findings shown")
    expect(page.locator('#filters select[name="account"]')).to_have_value(OTHER_ACCOUNT)
    expect(page.locator('#filters input[name="q"]')).to_have_value("multi-az")
    expect(page.locator('#filters input[name="status"][value="PASS"]')).to_be_checked()
    expect(page.locator(".more-toggle")).to_have_attribute("aria-expanded", "true")
    page.locator('#filters button[type="reset"]').click()
    expect(page.locator("#shown-count")).to_have_text("4 of 6 findings shown")
    assert page.evaluate("location.hash") == ""
    # A hostile fragment sets nothing that is not an option, and runs nothing.
    page.goto(opened.url + "#account=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&q=%3Cb%3E")
    page.reload()  # a fragment alone navigates within the page
    expect(page.locator('#filters select[name="account"]')).to_have_value("")
    expect(page.locator('#filters input[name="q"]')).to_have_value("<b>")
    assert page.locator("b, img").count() == 0
    assert set(opened.requests) == {opened.url}  # the reloads fetch the file alone
    assert opened.console_errors == opened.page_errors == opened.dialogs == []


@pytest.mark.parametrize(
    ("term", "shown"),
    [
        ("team=ledger", ["beta-db"]),  # a tag, as key=value
        ("4711", ["logs"]),  # a tag value
        ("s3_bucket_lifecycle", ["logs", "archive"]),  # a check id
        ("full admin", ["AdminEverything"]),  # words of a title
        ("security@example", ["AdminEverything"]),  # an owner
    ],
)
def test_search_finds_by_tag_check_id_title_and_owner(
    open_report: OpenReport, term: str, shown: list[str]
) -> None:
    opened = open_report(_meeting_report(), "status=FAIL,ERROR,PASS")
    page = opened.page
    page.locator('#filters input[name="q"]').fill(term)
    expect(page.locator("#shown-count")).to_have_text(f"{len(shown)} of 6 findings shown")
    assert page.locator("#findings tr.finding:visible .rid").all_inner_texts() == shown
    # The collapsed checks table follows: only the checks with rows shown are listed.
    page.locator("#checks summary").click()
    listed = page.locator("#checks tr[data-check]:visible").evaluate_all(
        "rs => rs.map(r => r.dataset.check)"
    )
    assert listed == sorted({r for r in _checks_of(shown)}, key=listed.index)
    opened.assert_quiet()


def _checks_of(resources: list[str]) -> list[str]:
    return [f.check_id for f in _meeting_report().findings if f.resource.id in resources]


def _pdf_pages(page: Page) -> int:
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    pdf = page.pdf(format="A4")
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.fixture(scope="module")
def demo_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    auditor = Path(sys.executable).parent / "auditor"
    subprocess.run(
        [str(auditor), "demo", "--output-dir", str(out), "--quiet", "--format", "html"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out / "auditor-report.html"


def test_demo_critical_and_high_fails_print_on_six_a4_pages(
    browser: Browser, demo_html: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(demo_html.as_uri() + "#status=FAIL&severity=critical,high")
    counted = page.locator("#shown-count").inner_text()
    shown = int(counted.split(" of ")[0])
    assert shown > 20  # the demo fails on purpose, critical and high included
    pages = _pdf_pages(page)
    # The print holds the shown rows and nothing else: no filter bar, no collapsed table.
    page.emulate_media(media="print")
    expect(page.locator("#filters")).to_be_hidden()
    expect(page.locator("#checks")).to_be_hidden()
    expect(page.locator("#executive")).to_be_hidden()
    assert page.locator("tr.finding:visible").count() == shown
    print(f"\ndemo critical+high FAILs: {shown} rows on {pages} A4 pages")
    assert pages <= 6
    context.close()


def test_a_page_of_all_findings_prints_more_pages_than_the_filtered_view(
    browser: Browser, demo_html: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(demo_html.as_uri() + "#status=FAIL&severity=critical,high")
    filtered = _pdf_pages(page)
    page.goto(demo_html.as_uri() + "#status=FAIL")
    page.reload()  # a fragment alone navigates within the page
    assert _pdf_pages(page) > 2 * filtered
    context.close()
