"""The Markdown digest: its figures, its lists, its size, and hostile names kept inert (rendered
with markdown-it's CommonMark parser with tables, as GitHub renders a job summary)."""

from __future__ import annotations

import re
from datetime import timedelta

from markdown_it import MarkdownIt

from auditor.diff import compare, stamp_first_seen
from auditor.findings import Report, Status
from auditor.report.markdown import render_markdown
from tests.report_factory import IMG_XSS, SCRIPT_BREAK, make_finding, make_report, sample_report


def html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def with_owners(report: Report) -> Report:
    owners = {"orders": "data-team", "AdminAll": "platform", IMG_XSS: "data-team"}
    return report.model_copy(
        update={
            "findings": [
                f.model_copy(update={"owner": owners.get(f.resource.id)}) for f in report.findings
            ]
        }
    )


def later(report: Report, days: int, scan_id: str) -> Report:
    scan = report.scan.model_copy(
        update={"id": scan_id, "started_at": report.scan.started_at + timedelta(days=days)}
    )
    return report.model_copy(update={"scan": scan})


def test_digest_summary_changes_most_severe_and_owners() -> None:
    before = stamp_first_seen(sample_report())
    now_findings = [
        make_finding("dynamodb_table_pitr_enabled", Status.PASS, "orders")
        if f.resource.id == "orders"
        else f
        for f in sample_report().findings
    ] + [make_finding("rds_cluster_multi_az", Status.FAIL, "aurora-main")]
    now = later(with_owners(make_report(now_findings, checks=sample_report().scan.checks)), 7, "s2")
    text = render_markdown(compare(before, now))

    assert "**4 open FAIL(s)** (critical 1, high 2, low 1)" in text
    assert "### Since ` scan-0001 ` (2025-03-04)" in text
    assert "1 new FAIL(s), 1 fixed, 12 unchanged." in text
    new_table = text.split("#### New FAILs")[1].split("####")[0]
    assert "` aurora-main `" in new_table and "` orders `" not in new_table
    fixed_table = text.split("#### Fixed")[1].split("###")[0]
    assert "` orders `" in fixed_table
    most = text.split("most severe open findings")[1].split("###")[0]
    rows = [line for line in most.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [r.split("|")[1].strip() for r in rows] == ["critical", "high", "high", "low"]
    # AdminAll open since the first scan: 7 days; aurora-main new: 0
    assert rows[0].endswith("| 7 |") and "AdminAll" in rows[0]
    assert any("aurora-main" in r and r.endswith("| 0 |") for r in rows)
    owners = text.split("### Open FAILs by owner")[1]
    assert "| ` unowned ` | 0 | 1 | 0 | 1 | 0 | 2 |" in owners
    assert "| ` platform ` | 1 | 0 | 0 | 0 | 0 | 1 |" in owners
    assert "| ` data-team ` | 0 | 1 | 0 | 0 | 0 | 1 |" in owners
    assert "**Incomplete scan:**" not in text  # this scan's findings carry no failed read


def test_hostile_names_stay_inert_text() -> None:
    hostile = [
        "<img src=x onerror=alert(1)>",
        SCRIPT_BREAK,
        "a|b|c",
        "`` ``code`` ``",
        "[click](javascript:alert(1))",
        "line\nbreak ## heading",
        "\u202egnp.exe",
        "x" * 10_000,
    ]
    report = stamp_first_seen(
        make_report(
            [make_finding("rds_instance_multi_az", Status.FAIL, name) for name in hostile]
            + [make_finding("iam_policy_no_full_admin", Status.FAIL, "**bold**", region="global")]
        )
    )
    report = report.model_copy(
        update={
            "findings": [f.model_copy(update={"owner": "<b>team</b>"}) for f in report.findings]
        }
    )
    text = render_markdown(report)
    rendered = html(text)
    assert "<img" not in rendered and "<script" not in rendered and "<b>" not in rendered
    assert "<a " not in rendered and "<strong>**" not in rendered
    assert "\u202e" not in text and len(text) < 20_000
    # every table row keeps its 7 cells: no name split a row or opened a new block
    most = rendered.split("most severe open findings")[1].split("Open FAILs by owner")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", most, re.S)
    assert len(rows) == 1 + 9
    assert all(row.count("<td>") == 7 for row in rows[1:])
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered
    assert "a|b|c" in rendered


def test_digest_of_a_large_report_fits_a_pull_request_comment() -> None:
    findings = [
        make_finding("rds_instance_multi_az", Status.FAIL, f"db-{i}-" + "n" * 300)
        for i in range(5000)
    ]
    base = stamp_first_seen(make_report(findings[:2500]))
    now = later(make_report(findings[2500:]), 1, "s2")
    now = now.model_copy(
        update={
            "findings": [
                f.model_copy(update={"owner": f"team-{i}"}) for i, f in enumerate(now.findings)
            ]
        }
    )
    text = render_markdown(compare(base, now))
    assert len(text) < 65_536
    assert "… and 2480 more in the full report." in text  # new FAILs beyond the first 20
    assert "… and 2475 more owners in the full report." in text
