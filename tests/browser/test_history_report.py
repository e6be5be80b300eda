"""The meeting report with --history in headless Chromium: the trend table and charts, the
owner table, what changed since the last review and the mutes about to expire, built through
the real CLI (history import, then report --history), with a hostile owner kept inert."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from auditor.findings import Finding, Report, Status
from auditor.report.json import render_json
from tests.e2e.conftest import run_auditor
from tests.history.test_lifecycle import admin, alarm, at, orders
from tests.report_factory import IMG_XSS

pytestmark = pytest.mark.browser


def owned(finding: Finding, owner: str) -> Finding:
    return finding.model_copy(update={"owner": owner})


def write(tmp_path: Path, report: Report) -> Path:
    path = tmp_path / f"{report.scan.id}.json"
    path.write_text(render_json(report))
    return path


def test_history_section_shows_the_right_numbers(browser: Browser, tmp_path: Path) -> None:
    fail, ok, err = Status.FAIL, Status.PASS, Status.ERROR
    team = IMG_XSS  # an owner tag value an account owner controls
    scans = [
        at(0, [owned(orders(fail), team), owned(admin(fail), "platform"), alarm(fail)]),
        at(10, [owned(orders(ok), team), owned(admin(fail), "platform"), alarm(err)]),
        at(20, [owned(orders(fail), team), owned(admin(ok), "platform"), alarm(ok)]),
    ]
    paths = [write(tmp_path, r) for r in scans]
    db = tmp_path / "h.db"
    imported = run_auditor(tmp_path, "history", "import", str(db), *map(str, paths[:2]))
    assert imported.code == 0, imported.stderr
    mutes = tmp_path / "mute.yaml"
    mutes.write_text(
        "mutes:\n  - check: dynamodb_table_pitr_enabled\n    reason: migration <b>soon</b>\n"
        "    owner: dba@example.com\n    expires: 2026-01-30\n"
    )
    out = tmp_path / "out"
    result = run_auditor(
        tmp_path,
        "report",
        str(paths[2]),
        "--history",
        str(db),
        "--mutelist",
        str(mutes),
        "--format",
        "html,json",
        "--output-dir",
        str(out),
        "--fail-on",
        "none",
    )
    assert result.code == 0, result.stderr

    page = browser.new_context().new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((out / "auditor-report.html").as_uri())

    rows = page.locator("#trend-table tbody tr")
    assert rows.count() == 3
    # critical, high, medium, low open; new, fixed, reopened; mean days to fix
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(3)]
    assert cells == [
        ["1", "0", "1", "1", "3", "0", "0", "—"],
        ["1", "0", "0", "0", "0", "1", "0", "10.0"],
        ["0", "0", "0", "0", "1", "2", "1", "20.0"],  # orders muted now: not open
    ]
    assert page.locator("#trend-open polyline").count() == 4
    assert page.locator("#trend-change rect.bar-fixed title").all_text_contents() == [
        "fixed 0",
        "fixed 1",
        "fixed 2",
    ]
    mttf = page.locator("#mttf-table tbody tr").all_inner_texts()
    assert [" ".join(r.split()).lower() for r in mttf] == [
        "critical 20.0 1",
        "medium 10.0 1",
        "low 20.0 1",
    ]

    owners = {
        r.locator("th").inner_text(): r.locator("td").all_inner_texts()
        for r in page.locator("#owner-table tbody tr").all()
    }
    # nothing open now (orders is muted); platform's one critical was fixed: down from 1
    assert owners == {"platform": ["0", "0", "0", "0", "0", "0", "0", "↓"]}
    assert page.locator("#since-reopened tbody tr td:nth-child(3)").all_inner_texts() == ["orders"]
    fixed = page.locator("#since-fixed tbody tr td:nth-child(3)").all_inner_texts()
    assert sorted(fixed) == ["AdminAll", "cpu"]
    assert page.locator("#since-reopened tbody tr td:nth-child(6)").inner_text() == IMG_XSS
    expiring = page.locator("#expiring-mutes tbody tr td").all_inner_texts()
    assert expiring == ["1", "dba@example.com", "migration <b>soon</b>", "2026-01-30", "5", "1"]
    assert page.locator("#history img").count() == 0 and dialogs == []


def test_owner_filter_narrows_the_findings(browser: Browser, tmp_path: Path) -> None:
    from auditor.diff import stamp_first_seen
    from auditor.report.html import render_html
    from tests.report_factory import sample_report

    owners = {"orders": "data-team", "AdminAll": "platform"}
    report = stamp_first_seen(sample_report())
    report = report.model_copy(
        update={
            "findings": [
                f.model_copy(update={"owner": owners.get(f.resource.id, IMG_XSS)})
                for f in report.findings
            ]
        }
    )
    path = tmp_path / "r.html"
    path.write_text(render_html(report), encoding="utf-8")
    page = browser.new_context().new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri() + "#status=FAIL,ERROR,PASS")  # PASS rows too
    options = page.locator('select[name="owner"] option').all_inner_texts()
    assert options == ["all", IMG_XSS, "data-team", "platform"]
    assert page.locator("tr.finding").count() == 13
    page.select_option('select[name="owner"]', "data-team")
    visible = page.locator("tr.finding:visible")
    assert visible.count() == 1
    assert visible.first.get_attribute("data-owner") == "data-team"
    assert "owner: data-team" in visible.first.inner_text()
    page.select_option('select[name="owner"]', IMG_XSS)
    assert page.locator("tr.finding:visible").count() == 11
    assert page.locator("#findings img").count() == 0 and dialogs == []
