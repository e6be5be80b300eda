"""The HTML report as a string: escaping (markup and the embedded row JSON), gaps first, the
executive page's figures, the compliance view, the row payload, and no remote loads."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date, timedelta

import pytest
from markupsafe import escape

from auditor.diff import compare
from auditor.findings import Mute, Report, Status
from auditor.report.html import check_groups, content_security_policy, pass_rate_label, render_html
from auditor.report.json import render_json
from tests.report_factory import (
    ACCOUNT,
    ATTR_BREAK,
    IMG_XSS,
    SCRIPT_BREAK,
    make_finding,
    make_report,
    sample_report,
)
from tests.reporting import (
    OTHER_ACCOUNT,
    SCAN_START,
    finding,
    html_payload,
    html_rows,
    mute,
    report_at,
)


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(sample_report())


def _position(html: str, marker: str) -> int:
    index = html.find(marker)
    assert index >= 0, f"{marker!r} not in the report"
    return index


def _section(html: str, section_id: str) -> str:
    start = _position(html, f'<section id="{section_id}"')
    return html[start : html.index("</section>", start)]


def test_attacker_named_resource_is_escaped_in_markup(html: str) -> None:
    # The gap table names the resource a failed read was about.
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert IMG_XSS not in html
    assert "<img" not in html


def test_row_json_cannot_close_the_script_or_open_markup(html: str) -> None:
    data = re.search(r'id="report-data">(.*?)</script>', html, re.DOTALL)
    assert data is not None
    raw = data.group(1)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(2)" in raw
    # The only </script> tags are the data's own and our inline script's.
    assert html.count("</script>") == 2
    assert "<script>alert" not in html


def test_attacker_strings_survive_the_payload_exactly(html: str) -> None:
    rows = html_rows(html)
    rds = {r["id"]: r for r in rows["rds_instance_multi_az"]}
    assert rds[IMG_XSS]["message"] == f"DB instance {IMG_XSS} runs in a single AZ"
    assert rds[IMG_XSS]["arn"] == f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{IMG_XSS}"
    alarms = {r["id"]: r for r in rows["cloudwatch_alarm_has_action"]}
    assert alarms[SCRIPT_BREAK]["message"] == f"Alarm {SCRIPT_BREAK} ok"
    assert alarms[ATTR_BREAK]["evidence"] == {
        "alarm_actions": [],
        "tags": {"Name": "<script>alert(4)</script>"},
    }


def test_quote_in_a_resource_name_cannot_break_out_of_an_attribute(html: str) -> None:
    assert ATTR_BREAK not in html
    assert 'onmouseover="' not in html


def test_the_agenda_with_its_gaps_comes_first_and_the_check_tables_after_the_findings(
    html: str,
) -> None:
    header_end = _position(html, "</header>")
    fix_first = _position(html, 'id="fix-first"')
    gaps = _position(html, 'id="gaps"')
    executive = _position(html, 'id="executive"')
    assert header_end < fix_first < gaps < executive < _position(html, 'id="findings"')
    assert _position(html, 'id="findings"') < _position(html, 'id="checks"')
    assert "1 read failed — these checks could not judge everything" in html


def test_gaps_list_each_failed_read_with_the_checks_it_left_unjudged(html: str) -> None:
    gaps = html[_position(html, 'id="gaps"') : _position(html, 'id="executive"')]
    assert "dynamodb:DescribeContinuousBackups" in gaps
    assert "AccessDeniedException" in gaps
    assert "denied &lt;b&gt;by&lt;/b&gt; SCP" in gaps
    assert "eu-central-1" in gaps
    assert '<a href="#check-dynamodb_table_pitr_enabled">' in gaps
    assert "&lt;img src=x onerror=alert(1)&gt;" in gaps


def test_a_scan_with_failed_reads_has_an_incomplete_headline(html: str) -> None:
    assert "Incomplete scan: 1 finding could not be judged after 1 failed read." in html


def test_error_findings_without_listed_reads_still_make_the_scan_incomplete() -> None:
    report = make_report([make_finding("rds_instance_multi_az", Status.ERROR, "db-1")], errors=[])
    html = render_html(report)
    assert _position(html, 'id="gaps"') < _position(html, 'id="findings"')
    assert "1 finding could not be judged" in html


def test_a_complete_scan_has_no_gaps_section() -> None:
    html = render_html(sample_report(with_errors=False))
    assert 'id="gaps"' not in html
    assert "4 failing findings in 4 checks" in html
    assert "Incomplete" not in html


def test_every_finding_is_in_the_payload_once_with_its_status(html: str) -> None:
    report = sample_report()
    rows = html_rows(html)
    assert sum(len(r) for r in rows.values()) == len(report.findings) == 13
    statuses = [row["status"] for check in rows.values() for row in check]
    assert statuses.count("PASS") == 8
    assert statuses.count("FAIL") == 4
    assert statuses.count("ERROR") == 1
    assert '<p class="big">66.7%</p>' in html
    assert "8 of 12 judged findings pass" in html
    assert ">13 findings</span>" in html


def test_rows_of_a_check_come_failures_first(html: str) -> None:
    rows = html_rows(html)["dynamodb_table_pitr_enabled"]
    assert [r["status"] for r in rows] == ["FAIL", "ERROR", "PASS"]


def test_repeated_strings_are_stored_once() -> None:
    findings = [
        make_finding(
            "rds_instance_multi_az",
            Status.FAIL,
            f"db-{n}",
            message=f"DB instance db-{n} runs in a single AZ",
            arn=f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:db-{n}",
        )
        for n in range(50)
    ]
    payload = html_payload(render_html(make_report(findings)))
    assert "DB instance \x00 runs in a single AZ" in payload["strings"]
    assert f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:\x00" in payload["strings"]
    assert len(payload["strings"]) < 10


def test_open_fails_by_severity_leave_muted_ones_out() -> None:
    report = mute(
        make_report(
            [
                make_finding("rds_instance_multi_az", Status.FAIL, "db-1"),
                make_finding("rds_instance_multi_az", Status.FAIL, "db-2"),
                make_finding("s3_bucket_lifecycle_configured", Status.FAIL, "logs"),
            ]
        ),
        resource=["db-2"],
        reason="replica",
        owner="ops",
    )
    card = html_card(render_html(report), "open-fails")
    high = '<span class="sev sev-high">high</span></th><td class="num">1</td><td class="num">1</td>'
    assert high in card
    assert '<th scope="row">Total</th><td class="num">2</td><td class="num">1</td>' in card
    assert "1 of the failures is muted as accepted risks." in render_html(report)


def html_card(html: str, card_id: str) -> str:
    start = _position(html, f'id="{card_id}"')
    return html[start : html.index("</div>", start)]


def _week_pair() -> Report:
    before = [
        finding("rds_instance_multi_az", Status.FAIL, "db-old"),
        finding("rds_instance_multi_az", Status.FAIL, "db-fixed"),
        finding("s3_bucket_lifecycle_configured", Status.FAIL, "gone-bucket"),
    ]
    now = [
        finding("rds_instance_multi_az", Status.FAIL, "db-old"),
        finding("rds_instance_multi_az", Status.PASS, "db-fixed"),
        finding("rds_instance_multi_az", Status.FAIL, "db-new"),
        finding("s3_bucket_lifecycle_configured", Status.PASS, "logs"),
    ]
    baseline = report_at(before, SCAN_START - timedelta(days=7), scan_id="scan-last-week")
    return compare(baseline, report_at(now, scan_id="scan-this-week"))


def test_change_card_counts_new_fixed_and_still_failing() -> None:
    html = render_html(_week_pair())
    card = html_card(html, "change")
    assert '<dt>New FAILs</dt><dd class="bad">1</dd>' in card
    assert '<dt>Fixed</dt><dd class="good">2</dd>' in card
    assert "<dt>Still failing</dt><dd>1</dd>" in card
    assert "scan-last-week" in card


def test_fixed_panel_lists_the_fixed_and_the_gone() -> None:
    html = render_html(_week_pair())
    panel = html[_position(html, 'id="fixed"') : _position(html, 'id="by-account"')]
    assert '<span class="rid">db-fixed</span>' in panel
    assert '<span class="rid">gone-bucket</span>' in panel
    assert "2025-02-25" in panel  # open since the baseline's scan


def test_rows_carry_diff_state_and_age() -> None:
    rows = {r["id"]: r for r in html_rows(render_html(_week_pair()))["rds_instance_multi_az"]}
    assert (rows["db-old"]["diff"], rows["db-old"]["age"]) == ("unchanged", 7)
    assert (rows["db-new"]["diff"], rows["db-new"]["age"]) == ("new", 0)
    assert rows["db-fixed"]["diff"] == "fixed"


def test_oldest_open_findings_list_only_what_is_older_than_this_scan() -> None:
    html = render_html(_week_pair())
    panel = html[_position(html, 'id="oldest"') : _position(html, 'id="by-account"')]
    assert '<span class="rid">db-old</span>' in panel
    assert ">7 d</td>" in panel
    assert "db-new" not in panel  # first seen by this scan: no age to list
    assert '<a href="#check-rds_instance_multi_az">RDS instances run Multi-AZ</a>' in panel


def test_without_history_there_is_no_oldest_open_panel_of_zero_days() -> None:
    html = render_html(sample_report())
    assert 'id="oldest"' not in html
    assert ">0 d</td>" not in html


def test_without_a_baseline_the_change_card_says_how_to_get_one() -> None:
    card = html_card(render_html(sample_report()), "change")
    assert "No baseline" in card
    assert "--baseline PREVIOUS.json" in card


def test_per_account_table_counts_each_account() -> None:
    report = report_at(
        [
            finding("rds_instance_multi_az", Status.FAIL, "a", account=ACCOUNT),
            finding("rds_instance_multi_az", Status.PASS, "b", account=ACCOUNT),
            finding("rds_instance_multi_az", Status.PASS, "c", account=OTHER_ACCOUNT),
        ]
    )
    html = render_html(report)
    table = html[_position(html, 'id="by-account"') : _position(html, 'id="by-service"')]
    first = f'<th scope="row" class="nw">{ACCOUNT}</th><td class="num">1</td>'
    second = f'<th scope="row" class="nw">{OTHER_ACCOUNT}</th><td class="num">0</td>'
    assert first in table and second in table
    assert table.index(ACCOUNT) < table.index(OTHER_ACCOUNT)  # the failing account first
    assert f'data-show-account="{OTHER_ACCOUNT}"' in table
    assert html.count(f'<option value="{OTHER_ACCOUNT}">') == 1  # the account filter


def test_per_service_table_and_chart_follow_the_counts(html: str) -> None:
    table = html[_position(html, 'id="by-service"') :]
    assert '<th scope="row">dynamodb</th><td class="num">1</td><td class="num">0</td>' in table
    chart = html_card(html, "chart")
    # medium: 1 FAIL, 1 ERROR, 1 PASS of 3 → three thirds.
    assert '<rect class="seg seg-FAIL" x="0.0" y="28.0" width="33.333"' in chart
    assert "medium: 1 ERROR" in chart


def test_compliance_view_lists_controls_with_their_checks_status(html: str) -> None:
    view = _section(html, "compliance")
    assert "AWS Foundational Security Best Practices" in view
    row = view[view.index('data-control="fsbp:RDS.1"') :]
    row = row[: row.index("</tr>")]
    assert '<span class="badge st-FAIL">' in row
    assert "rds_instance_multi_az" in row
    s3 = view[view.index('data-control="fsbp:S3.1"') :]
    assert '<span class="badge st-PASS">' in s3[: s3.index("</tr>")]


def test_expired_mutes_are_listed_for_renewal() -> None:
    expired = Mute(
        entry=3,
        check=["rds_*"],
        tags={"team": "data"},
        reason="until the migration",
        owner="dba@example.com",
        expires=date(2025, 1, 31),
    )
    report = sample_report().model_copy(update={"expired_mutes": [expired]})
    html = render_html(report)
    box = html[_position(html, 'id="expired-mutes"') : _position(html, 'id="by-account"')]
    assert "1 suppression has expired — renew or remove it" in box
    assert "check rds_*; tag team=data" in box
    assert "dba@example.com" in box and "2025-01-31" in box


@pytest.mark.parametrize(
    ("passed", "failed", "label"),
    [
        (0, 0, "—"),
        (3, 0, "100%"),
        (0, 3, "0%"),
        (8, 4, "66.7%"),
        (9999, 1, "99.9%"),
        (1, 9999, "0.1%"),
    ],
)
def test_pass_rate_never_rounds_a_failure_away(passed: int, failed: int, label: str) -> None:
    assert pass_rate_label(passed, failed) == label


def test_checks_with_failures_come_first_worst_severity_first() -> None:
    order = [g.check_id for g in check_groups(sample_report().findings)]
    assert order == [
        "iam_policy_no_full_admin",
        "rds_instance_multi_az",
        "dynamodb_table_pitr_enabled",
        "cloudwatch_alarm_has_action",
        "s3_bucket_lifecycle_configured",
    ]


def test_check_sections_and_payload_follow_group_order(html: str) -> None:
    findings = html[_position(html, 'id="findings"') :]
    sections = re.findall(r'<section class="check" id="check-([a-z0-9_]+)"', findings)
    expected = [g.check_id for g in check_groups(sample_report().findings)]
    assert sections == expected
    assert [c["id"] for c in html_payload(html)["checks"]] == expected


def test_remediation_is_shown_once_per_failing_check(html: str) -> None:
    assert html.count("<summary>How to fix</summary>") == 4
    assert "aws rds fix --name &lt;resource-name&gt;" in html


def test_checks_without_findings_are_named(html: str) -> None:
    assert "<code>rds_cluster_multi_az</code>" in html
    assert "no resource in scope to judge" in html


def test_nothing_is_loaded_from_anywhere(html: str) -> None:
    tags = re.findall(r"<[a-zA-Z][^>]*>", html)
    assert tags, "the report has no tags at all"
    assert not [t for t in tags if re.search(r"\s(src|srcset|poster|data)\s*=", t, re.I)]
    assert "<link" not in html
    assert "@import" not in html
    assert "url(" not in html
    assert not re.search(r"""href\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)


def test_content_security_policy_blocks_fetches_and_pins_the_inline_code(html: str) -> None:
    csp = content_security_policy()
    assert csp.startswith("default-src 'none';")
    assert "unsafe-inline" not in csp
    for tag in ("style", "script"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", html, re.DOTALL)
        assert body is not None
        digest = base64.b64encode(hashlib.sha256(body.group(1).encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in csp
    assert csp.replace("'", "&#39;") in html


def test_filters_offer_each_region_and_service_once(html: str) -> None:
    for value in ("eu-central-1", "eu-west-1", "us-east-1", "global"):
        assert html.count(f'<option value="{value}">') == 1
    for service in ("cloudwatch", "dynamodb", "iam", "rds", "s3"):
        assert html.count(f'<option value="{service}">') == 1


def test_a_report_with_no_findings_says_so() -> None:
    html = render_html(make_report([], checks=["rds_instance_multi_az"]))
    assert "No findings: the checks found nothing to judge" in html
    assert "none of the 1 checks had a resource to judge" in html
    assert 'id="filters"' not in html
    assert '<p class="big">—</p>' in html
    assert html_payload(html)["checks"] == []


def test_a_report_without_failures_says_all_judged_resources_pass() -> None:
    report = make_report(
        [
            make_finding("rds_instance_multi_az", Status.PASS, "db-1"),
            make_finding("s3_bucket_lifecycle_configured", Status.PASS, "logs"),
        ]
    )
    html = render_html(report)
    assert "All 2 judged findings pass" in html
    assert "How to fix" not in html
    assert "No open critical or high FAIL." in html
    assert 'id="oldest"' not in html


def test_json_report_round_trips() -> None:
    report = sample_report()
    assert Report.model_validate_json(render_json(report)) == report


def test_each_check_section_shows_its_rationale_and_references() -> None:
    from auditor.registry import load_checks

    meta = load_checks({"rds"})["rds_instance_multi_az"].metadata
    html = render_html(sample_report())
    section = html[_position(html, 'id="check-rds_instance_multi_az"') :]
    why = section[section.index('<div class="why">') : section.index("</div>")]
    assert str(escape(meta.rationale)) in why
    assert meta.references
    for ref in meta.references:
        assert f'<span class="ref">{ref}</span>' in why  # text: the page links nowhere
