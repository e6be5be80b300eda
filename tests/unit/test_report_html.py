"""The HTML report as a string: escaping, gaps first, counts, ordering, and no remote loads."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from auditor.findings import Report, Status
from auditor.report.html import check_groups, content_security_policy, pass_rate_label, render_html
from auditor.report.json import render_json
from tests.report_factory import (
    ATTR_BREAK,
    IMG_XSS,
    make_finding,
    make_report,
    sample_report,
)


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(sample_report())


def _position(html: str, marker: str) -> int:
    index = html.find(marker)
    assert index >= 0, f"{marker!r} not in the report"
    return index


def test_attacker_named_resource_is_escaped(html: str) -> None:
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert IMG_XSS not in html
    assert "<img" not in html


def test_script_end_tag_in_values_never_appears_raw(html: str) -> None:
    # The only </script> is the one closing our own inline script.
    assert html.count("</script>") == 1
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_quote_in_a_resource_name_cannot_break_out_of_an_attribute(html: str) -> None:
    assert ATTR_BREAK not in html
    assert 'onmouseover="' not in html
    assert "&#34; onmouseover=&#34;alert(3)&#34; x=&#34;" in html


def test_evidence_is_escaped_pretty_json(html: str) -> None:
    assert "&#34;tags&#34;: {\n" in html
    assert "&#34;Name&#34;: &#34;&lt;script&gt;alert(4)&lt;/script&gt;&#34;" in html


def test_gaps_come_right_after_the_header_and_before_the_findings(html: str) -> None:
    header_end = _position(html, "</header>")
    gaps = _position(html, 'id="gaps"')
    assert header_end < gaps < _position(html, 'id="summary"') < _position(html, 'id="findings"')
    assert "1 read failed — these checks could not judge everything" in html


def test_gaps_list_each_failed_read_with_the_checks_it_left_unjudged(html: str) -> None:
    gaps = html[_position(html, 'id="gaps"') : _position(html, 'id="summary"')]
    assert "dynamodb:DescribeContinuousBackups" in gaps
    assert "AccessDeniedException" in gaps
    assert "denied &lt;b&gt;by&lt;/b&gt; SCP" in gaps
    assert "eu-central-1" in gaps
    assert '<a href="#check-dynamodb_table_pitr_enabled">' in gaps
    assert "&lt;img src=x onerror=alert(1)&gt;" in gaps  # the resource the read was about


def test_a_scan_with_failed_reads_has_an_incomplete_headline(html: str) -> None:
    assert "Incomplete scan: 1 finding could not be judged after 1 failed read." in html
    assert "All " not in html.split('id="summary"')[1].split("</div>")[0]


def test_error_findings_without_listed_reads_still_make_the_scan_incomplete() -> None:
    report = make_report([make_finding("rds_instance_multi_az", Status.ERROR, "db-1")], errors=[])
    html = render_html(report)
    assert _position(html, 'id="gaps"') < _position(html, 'id="findings"')
    assert "1 finding could not be judged" in html
    assert "Incomplete scan" in html


def test_a_complete_scan_has_no_gaps_section() -> None:
    html = render_html(sample_report(with_errors=False))
    assert 'id="gaps"' not in html
    assert "4 failing findings in 4 checks" in html
    assert "Incomplete" not in html


def test_counts_match_the_report(html: str) -> None:
    report = sample_report()
    assert html.count('<tr class="finding"') == len(report.findings) == 13
    for status in Status:
        rows = html.count(f'<tr class="finding" data-status="{status}"')
        assert rows == getattr(report.summary.by_status, status)
    assert (
        report.summary.by_status.PASS,
        report.summary.by_status.FAIL,
        report.summary.by_status.ERROR,
    ) == (8, 4, 1)
    assert '<p class="big">66.7%</p>' in html
    assert "8 of 12 judged resources pass" in html
    assert ">13 findings</p>" in html


def test_not_passing_tables_count_fail_and_error_per_severity_and_service(html: str) -> None:
    row = '<tr><th scope="row">{key}</th><td class="num">{fail}</td><td class="num">{error}</td>'
    assert row.format(key="dynamodb", fail=1, error=1) in html
    assert row.format(key="rds", fail=1, error=0) in html
    assert "s3</th>" not in html  # no FAIL or ERROR in s3: not listed
    medium = '<span class="sev sev-medium">medium</span>'
    assert row.format(key=medium, fail=1, error=1) in html


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


def test_check_sections_appear_in_group_order(html: str) -> None:
    findings = html[_position(html, 'id="findings"') :]
    sections = re.findall(r'<section class="check" id="check-([a-z0-9_]+)"', findings)
    assert sections == [g.check_id for g in check_groups(sample_report().findings)]


def test_failing_rows_come_first_inside_a_check(html: str) -> None:
    group = html[_position(html, 'id="check-dynamodb_table_pitr_enabled"') :]
    group = group[: group.index("</section>")]
    assert re.findall(r'data-status="(\w+)"', group) == ["FAIL", "ERROR", "PASS"]


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


def test_a_report_without_failures_says_all_judged_resources_pass() -> None:
    report = make_report(
        [
            make_finding("rds_instance_multi_az", Status.PASS, "db-1"),
            make_finding("s3_bucket_lifecycle_configured", Status.PASS, "logs"),
        ]
    )
    html = render_html(report)
    assert "All 2 judged resources pass" in html
    assert "How to fix" not in html
    assert "No service has a FAIL or ERROR finding." in html


def test_json_report_round_trips() -> None:
    report = sample_report()
    assert Report.model_validate_json(render_json(report)) == report
