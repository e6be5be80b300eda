"""Baseline and diff on hand-built pairs of results: renamed resources, new regions, a check
removed, statuses flipping, first_seen carried forward, and the --fail-on-new gate."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from auditor.diff import compare, describe, new_failures, stamp_first_seen
from auditor.findings import DiffState, Finding, Report, Severity, Status
from auditor.report.publish import ReportSettings, gate
from tests.report_factory import ACCOUNT
from tests.reporting import SCAN_START, finding, report_at

LAST_WEEK = SCAN_START - timedelta(days=7)
FIRST_SEEN = SCAN_START - timedelta(days=40)
RDS = "rds_instance_multi_az"
S3 = "s3_bucket_lifecycle_configured"
IAM = "iam_policy_no_full_admin"
REGIONS = ["eu-west-1", "us-east-1"]


def _old(*findings: Finding, checks: list[str] | None = None) -> Report:
    seen = [f.model_copy(update={"first_seen": FIRST_SEEN}) for f in findings]
    return report_at(
        seen, LAST_WEEK, scan_id="scan-old", checks=checks or [RDS, S3, IAM], regions=REGIONS
    )


def _new(
    *findings: Finding, checks: list[str] | None = None, regions: list[str] | None = None
) -> Report:
    return report_at(
        findings, scan_id="scan-new", checks=checks or [RDS, S3, IAM], regions=regions or REGIONS
    )


def _states(report: Report) -> dict[str, DiffState | None]:
    return {f"{f.check_id}:{f.region}:{f.resource.id}": f.diff_state for f in report.findings}


def _fixed(report: Report) -> list[str]:
    return [f.resource.id for f in report.fixed]


def test_same_fail_is_unchanged_and_keeps_its_first_seen() -> None:
    result = compare(
        _old(finding(RDS, Status.FAIL, "db-1")), _new(finding(RDS, Status.FAIL, "db-1"))
    )
    (f,) = result.findings
    assert f.diff_state is DiffState.UNCHANGED
    assert f.first_seen == FIRST_SEEN
    assert result.baseline is not None
    assert (result.baseline.new, result.baseline.unchanged, result.baseline.fixed) == (0, 1, 0)
    assert result.baseline.scan_id == "scan-old"


def test_first_seen_falls_back_to_the_baseline_scan_when_it_had_none() -> None:
    old = report_at([finding(RDS, Status.FAIL, "db-1")], LAST_WEEK, regions=REGIONS)
    (f,) = compare(old, _new(finding(RDS, Status.FAIL, "db-1"))).findings
    assert f.first_seen == LAST_WEEK


def test_statuses_flipping() -> None:
    old = _old(
        finding(RDS, Status.FAIL, "fail-to-pass"),
        finding(RDS, Status.PASS, "pass-to-fail"),
        finding(RDS, Status.FAIL, "fail-to-error"),
        finding(RDS, Status.ERROR, "error-to-fail"),
        finding(RDS, Status.PASS, "pass-to-pass"),
    )
    new = _new(
        finding(RDS, Status.PASS, "fail-to-pass"),
        finding(RDS, Status.FAIL, "pass-to-fail"),
        finding(RDS, Status.ERROR, "fail-to-error"),
        finding(RDS, Status.FAIL, "error-to-fail"),
        finding(RDS, Status.PASS, "pass-to-pass"),
    )
    result = compare(old, new)
    by_id = {f.resource.id: f for f in result.findings}
    assert by_id["fail-to-pass"].diff_state is DiffState.FIXED
    assert by_id["pass-to-fail"].diff_state is DiffState.NEW
    assert by_id["fail-to-error"].diff_state is DiffState.NEW  # not proven fixed
    assert by_id["error-to-fail"].diff_state is DiffState.NEW  # not proven old
    assert by_id["pass-to-pass"].diff_state is DiffState.UNCHANGED
    # A new status starts its own age; the unchanged one keeps the old.
    assert by_id["pass-to-fail"].first_seen == SCAN_START
    assert by_id["pass-to-pass"].first_seen == FIRST_SEEN
    assert _fixed(result) == ["fail-to-pass"]
    (fixed,) = result.fixed
    assert fixed.status is Status.FAIL  # as the baseline recorded it
    assert fixed.diff_state is DiffState.FIXED
    assert fixed.first_seen == FIRST_SEEN


def test_renamed_resource_is_a_new_finding_and_the_old_name_is_fixed() -> None:
    # The finding id includes the resource, so a rename cannot be matched: it shows as both.
    old = _old(finding(RDS, Status.FAIL, "orders-db"))
    new = _new(finding(RDS, Status.FAIL, "orders-db-v2"))
    result = compare(old, new)
    assert _states(result) == {f"{RDS}:eu-west-1:orders-db-v2": DiffState.NEW}
    assert _fixed(result) == ["orders-db"]
    assert new_failures(result.findings, Severity.HIGH) == result.findings


def test_findings_in_a_newly_scanned_region_are_new() -> None:
    old = _old(finding(RDS, Status.FAIL, "db-1"))
    new = _new(
        finding(RDS, Status.FAIL, "db-1"),
        finding(RDS, Status.FAIL, "db-tokyo", region="ap-northeast-1"),
        finding(RDS, Status.PASS, "db-tokyo-2", region="ap-northeast-1"),
        regions=[*REGIONS, "ap-northeast-1"],
    )
    result = compare(old, new)
    assert _states(result) == {
        f"{RDS}:eu-west-1:db-1": DiffState.UNCHANGED,
        f"{RDS}:ap-northeast-1:db-tokyo": DiffState.NEW,
        f"{RDS}:ap-northeast-1:db-tokyo-2": DiffState.NEW,
    }
    assert result.fixed == []


def test_a_region_no_longer_scanned_is_not_fixed() -> None:
    old = _old(finding(RDS, Status.FAIL, "db-us", region="us-east-1"))
    result = compare(old, _new(regions=["eu-west-1"]))
    assert result.fixed == []
    assert result.baseline is not None and result.baseline.unverified == 1


def test_a_removed_check_fixes_nothing() -> None:
    old = _old(finding(RDS, Status.FAIL, "db-1"), finding(S3, Status.FAIL, "logs"))
    new = _new(finding(RDS, Status.FAIL, "db-1"), checks=[RDS, IAM])
    result = compare(old, new)
    assert result.fixed == []
    assert result.baseline is not None and result.baseline.unverified == 1
    assert _states(result) == {f"{RDS}:eu-west-1:db-1": DiffState.UNCHANGED}


def test_an_account_no_longer_scanned_is_not_fixed() -> None:
    old = _old(finding(RDS, Status.FAIL, "db-1", account="210987654321"))
    result = compare(old, _new(finding(RDS, Status.PASS, "db-2")))
    assert result.fixed == []


def test_a_gone_resource_is_fixed_only_where_the_scope_was_read() -> None:
    old = _old(
        finding(RDS, Status.FAIL, "db-eu"), finding(RDS, Status.FAIL, "db-us", region="us-east-1")
    )
    region_error = finding(
        RDS, Status.ERROR, f"{ACCOUNT}/us-east-1", region="us-east-1", resource_type="AWS::::Region"
    )
    result = compare(old, _new(region_error))
    assert _fixed(result) == ["db-eu"]  # eu-west-1 was read and the instance is gone
    assert result.baseline is not None and result.baseline.unverified == 1


def test_an_account_wide_read_failure_blocks_fixes_of_global_findings() -> None:
    old = _old(finding(IAM, Status.FAIL, "AdminAll", region="global"))
    account_error = finding(
        IAM, Status.ERROR, ACCOUNT, region="global", resource_type="AWS::::Account"
    )
    assert compare(old, _new(account_error)).fixed == []
    assert _fixed(compare(old, _new())) == ["AdminAll"]


def test_a_bucket_in_an_unscanned_region_is_judged_by_the_account_wide_read() -> None:
    # S3 buckets are listed account-wide; a bucket's own region need not be a scanned one.
    old = _old(finding(S3, Status.FAIL, "archive", region="sa-east-1"))
    assert _fixed(compare(old, _new())) == ["archive"]
    s3_error = finding(S3, Status.ERROR, ACCOUNT, region="global", resource_type="AWS::::Account")
    assert compare(old, _new(s3_error)).fixed == []


def test_passes_that_disappear_are_not_fixed() -> None:
    result = compare(_old(finding(RDS, Status.PASS, "db-1")), _new())
    assert result.fixed == []
    assert result.baseline is not None and result.baseline.unverified == 0


def test_without_a_baseline_first_seen_is_this_scan() -> None:
    report = stamp_first_seen(report_at([finding(RDS, Status.FAIL, "db-1")]))
    assert report.findings[0].first_seen == SCAN_START
    assert report.findings[0].diff_state is None


def _settings(*, fail_on: Severity | None, fail_on_new: Severity | None = None) -> ReportSettings:
    return ReportSettings(
        output_dir=Path("."), formats=("json",), fail_on=fail_on, fail_on_new=fail_on_new
    )


def test_fail_on_new_fails_only_on_new_unmuted_findings_at_the_threshold() -> None:
    old = _old(finding(RDS, Status.FAIL, "old-high"))
    low_new = finding(S3, Status.FAIL, "new-low")
    result = compare(old, _new(finding(RDS, Status.FAIL, "old-high"), low_new))
    only_new_high = _settings(fail_on=None, fail_on_new=Severity.HIGH)
    assert gate(result, only_new_high) == 0  # the high FAIL is old, the new one is low
    assert gate(result, _settings(fail_on=None, fail_on_new=Severity.LOW)) == 1
    assert gate(result, _settings(fail_on=Severity.HIGH)) == 1  # plain --fail-on still sees it

    new_high = compare(
        old, _new(finding(RDS, Status.FAIL, "old-high"), finding(RDS, Status.FAIL, "new-high"))
    )
    assert gate(new_high, only_new_high) == 1
    muted = [
        f.model_copy(update={"muted": True}) if f.resource.id == "new-high" else f
        for f in new_high.findings
    ]
    assert gate(new_high.model_copy(update={"findings": muted}), only_new_high) == 0


def test_muted_fails_never_set_the_exit_code() -> None:
    report = stamp_first_seen(report_at([finding(RDS, Status.FAIL, "db-1")]))
    assert gate(report, _settings(fail_on=Severity.LOW)) == 1
    muted = report.model_copy(
        update={"findings": [report.findings[0].model_copy(update={"muted": True})]}
    )
    assert gate(muted, _settings(fail_on=Severity.LOW)) == 0
    error = stamp_first_seen(report_at([finding(RDS, Status.ERROR, "db-2")]))
    assert gate(error, _settings(fail_on=Severity.LOW)) == 3


def test_without_a_baseline_every_fail_counts_as_new() -> None:
    report = stamp_first_seen(report_at([finding(RDS, Status.FAIL, "db-1")]))
    assert gate(report, _settings(fail_on=None, fail_on_new=Severity.HIGH)) == 1


def test_describe_names_new_and_fixed() -> None:
    old = _old(finding(RDS, Status.FAIL, "db-fixed"), finding(RDS, Status.FAIL, "db-old"))
    new = _new(
        finding(RDS, Status.PASS, "db-fixed"),
        finding(RDS, Status.FAIL, "db-old"),
        finding(RDS, Status.FAIL, "db-new"),
    )
    lines = describe(compare(old, new))
    assert lines[0] == (
        "Since scan scan-old (2025-02-25 09:30 UTC): 1 new FAIL(s), 1 fixed, 1 unchanged"
    )
    assert lines[1].split() == ["new", "high", RDS, ACCOUNT, "eu-west-1", "db-new"]
    assert lines[2].split() == ["fixed", "high", RDS, ACCOUNT, "eu-west-1", "db-fixed"]
    assert describe(new) == []
