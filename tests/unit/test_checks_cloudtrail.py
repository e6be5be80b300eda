"""The CloudTrail checks (multi-region coverage, log file validation, KMS, CloudWatch Logs) on
hand-built trails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import (
    ACCOUNT,
    REGION,
    by_resource,
    dataset_denied,
    denied,
    engine_findings,
    only_verdict,
    run_check,
    scope_snapshot,
)

from auditor.findings import Status
from auditor.models import CollectionError, ScopeSnapshot, Trail, TrailEventSelectors
from checks.cloudtrail import (
    cloudtrail_cloudwatch_logs,
    cloudtrail_kms_encrypted,
    cloudtrail_log_file_validation,
    cloudtrail_multi_region_enabled,
)

ALL_EVENTS = TrailEventSelectors(management_read=True, management_write=True)


READ_AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DELIVERED = READ_AT - timedelta(hours=1)


def trail(
    name: str,
    *,
    home_region: str = REGION,
    account: str = ACCOUNT,
    is_logging: bool | CollectionError = True,
    selectors: TrailEventSelectors | CollectionError = ALL_EVENTS,
    **fields: Any,
) -> Trail:
    # Delivered an hour before its status was read, unless a test says otherwise.
    fields = {"cloudwatch_logs_delivered_at": DELIVERED, "status_read_at": READ_AT, **fields}
    return Trail(
        arn=f"arn:aws:cloudtrail:{home_region}:{account}:trail/{name}",
        name=name,
        home_region=home_region,
        is_logging=is_logging,
        event_selectors=selectors,
        **fields,
    )


def trails(*items: Trail) -> ScopeSnapshot:
    return scope_snapshot(cloudtrail_trails=list(items))


# --- cloudtrail_multi_region_enabled -----------------------------------------------------------


def test_logging_multi_region_trail_recording_reads_and_writes_passes() -> None:
    verdict = only_verdict(
        cloudtrail_multi_region_enabled,
        trails(
            trail("regional-only"),
            # Homed elsewhere: a shadow trail here, and it covers this region too.
            trail("org-audit", home_region="us-east-1", multi_region=True),
        ),
    )

    assert verdict.status is Status.PASS
    assert verdict.resource.id == ACCOUNT
    assert verdict.resource.type == "AWS::::Account"
    assert verdict.message == (
        f"Management events in {REGION} are recorded by the multi-region trail org-audit, "
        "which is logging and records reads and writes."
    )
    assert verdict.evidence["qualifying_trails"] == ["org-audit"]


def test_only_single_region_trails_fail() -> None:
    verdict = only_verdict(cloudtrail_multi_region_enabled, trails(trail("regional-only")))

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        f"No multi-region CloudTrail trail records {REGION}'s management events."
    )
    assert verdict.evidence["multi_region_trails"] == {}


def test_stopped_write_only_or_excluding_multi_region_trails_fail_with_each_reason() -> None:
    verdict = only_verdict(
        cloudtrail_multi_region_enabled,
        trails(
            trail("stopped", multi_region=True, is_logging=False),
            trail(
                "writes-only",
                multi_region=True,
                selectors=TrailEventSelectors(management_read=False, management_write=True),
            ),
            trail(
                "no-kms-events",
                multi_region=True,
                selectors=TrailEventSelectors(
                    management_read=True,
                    management_write=True,
                    excluded_event_sources=["kms.amazonaws.com"],
                ),
            ),
        ),
    )

    assert verdict.status is Status.FAIL
    assert verdict.evidence["multi_region_trails"] == {
        "no-kms-events": "it leaves out kms.amazonaws.com management events",
        "stopped": "logging is stopped",
        "writes-only": "it does not record read management events",
    }
    assert "stopped: logging is stopped" in verdict.message


def test_unreadable_status_is_an_error_unless_another_trail_qualifies() -> None:
    error = denied("cloudtrail", "GetTrailStatus", "locked", region="us-east-1")
    locked = trail("locked", home_region="us-east-1", multi_region=True, is_logging=error)

    alone = only_verdict(cloudtrail_multi_region_enabled, trails(locked))
    beside_good = only_verdict(
        cloudtrail_multi_region_enabled, trails(locked, trail("audit", multi_region=True))
    )

    assert alone.status is Status.ERROR
    assert alone.evidence == {"operation": "GetTrailStatus", "error_code": "AccessDeniedException"}
    assert beside_good.status is Status.PASS


def test_unreadable_trail_list_is_an_error() -> None:
    [finding] = engine_findings(
        cloudtrail_multi_region_enabled,
        scope_snapshot(cloudtrail_trails=dataset_denied("cloudtrail", "DescribeTrails")),
    )

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeTrails"


# --- per-trail checks: judged once, in the home region of the owning account -------------------


def test_per_trail_checks_skip_shadow_and_other_account_trails() -> None:
    snapshot = trails(
        trail("here", log_file_validation=True),
        trail("shadow", home_region="us-east-1", multi_region=True),
        trail("org-trail", account="210987654321", multi_region=True, organization_trail=True),
    )

    for check in (
        cloudtrail_log_file_validation,
        cloudtrail_kms_encrypted,
        cloudtrail_cloudwatch_logs,
    ):
        assert list(by_resource(run_check(check, snapshot))) == ["here"], check.id


def test_log_file_validation_passes_and_fails() -> None:
    verdicts = by_resource(
        run_check(
            cloudtrail_log_file_validation,
            trails(trail("signed", log_file_validation=True), trail("unsigned")),
        )
    )

    assert verdicts["signed"].status is Status.PASS
    assert verdicts["signed"].message == "CloudTrail trail signed has log file validation enabled."
    assert verdicts["unsigned"].status is Status.FAIL
    assert verdicts["unsigned"].message == "CloudTrail trail unsigned has log file validation off."
    assert verdicts["unsigned"].evidence == {"log_file_validation": False}


def test_kms_encryption_passes_with_a_key_and_fails_without() -> None:
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    verdicts = by_resource(
        run_check(cloudtrail_kms_encrypted, trails(trail("sealed", kms_key_id=key), trail("plain")))
    )

    assert verdicts["sealed"].status is Status.PASS
    assert verdicts["sealed"].evidence == {"kms_key_id": key}
    assert verdicts["plain"].status is Status.FAIL
    assert verdicts["plain"].evidence == {"kms_key_id": None}
    assert "has no KMS key" in verdicts["plain"].message


def test_cloudwatch_logs_delivery_names_the_log_group() -> None:
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/org/cloudtrail:*"
    verdicts = by_resource(
        run_check(
            cloudtrail_cloudwatch_logs,
            trails(trail("watched", cloudwatch_logs_log_group_arn=group), trail("s3-only")),
        )
    )

    assert verdicts["watched"].status is Status.PASS
    assert verdicts["watched"].message == (
        "CloudTrail trail watched delivers its events to log group /org/cloudtrail, last "
        "within 24 hours."
    )
    assert verdicts["watched"].evidence == {
        "log_group": "/org/cloudtrail",
        "latest_delivery": "2026-06-01T11:00:00+00:00",
        "status_read_at": "2026-06-01T12:00:00+00:00",
    }
    assert verdicts["s3-only"].status is Status.FAIL
    assert verdicts["s3-only"].message == (
        "CloudTrail trail s3-only: it delivers to no CloudWatch Logs log group."
    )
    assert verdicts["s3-only"].evidence["log_group"] is None


def test_delivery_that_stopped_two_days_ago_fails_and_the_window_is_a_parameter() -> None:
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/org/cloudtrail:*"
    stale = trail(
        "stale",
        cloudwatch_logs_log_group_arn=group,
        cloudwatch_logs_delivered_at=READ_AT - timedelta(hours=49),
    )
    never = trail("never", cloudwatch_logs_log_group_arn=group, cloudwatch_logs_delivered_at=None)

    verdicts = by_resource(run_check(cloudtrail_cloudwatch_logs, trails(stale, never)))

    assert verdicts["stale"].status is Status.FAIL
    assert verdicts["stale"].message == (
        "CloudTrail trail stale: its latest CloudWatch Logs delivery to /org/cloudtrail was 49 "
        "hours before its status was read (more than 24)."
    )
    assert verdicts["never"].status is Status.FAIL
    assert "no CloudWatch Logs delivery on record" in verdicts["never"].message
    [relaxed] = run_check(cloudtrail_cloudwatch_logs, trails(stale), max_delivery_age_hours=72)
    assert relaxed.status is Status.PASS


def test_delivery_is_an_error_when_the_trail_status_is_unreadable() -> None:
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/org/cloudtrail:*"
    error = denied("cloudtrail", "GetTrailStatus", "watched")

    [verdict] = run_check(
        cloudtrail_cloudwatch_logs,
        trails(trail("watched", cloudwatch_logs_log_group_arn=group, is_logging=error)),
    )

    assert verdict.status is Status.ERROR
    assert verdict.evidence["operation"] == "GetTrailStatus"


def test_per_trail_checks_error_when_trails_are_unreadable() -> None:
    snapshot = scope_snapshot(cloudtrail_trails=dataset_denied("cloudtrail", "DescribeTrails"))

    for check in (
        cloudtrail_log_file_validation,
        cloudtrail_kms_encrypted,
        cloudtrail_cloudwatch_logs,
    ):
        [finding] = engine_findings(check, snapshot)
        assert finding.status is Status.ERROR, check.id
        assert finding.evidence["error_code"] == "AccessDenied"


def test_member_region_passes_on_an_organization_trail_whose_status_it_cannot_read() -> None:
    # A member account is refused another account's trail status and selectors; the
    # organization trail's DescribeTrails entry (multi-region, organization) is what it knows.
    error = denied("cloudtrail", "GetTrailStatus", "org-audit", region="us-east-1")
    org = trail(
        "org-audit",
        home_region="us-east-1",
        account="111111111111",
        multi_region=True,
        organization_trail=True,
        is_logging=error,
        selectors=error,
    )

    verdict = only_verdict(cloudtrail_multi_region_enabled, trails(org))

    assert verdict.status is Status.PASS
    assert verdict.message == (
        f"Management events in {REGION} are covered by the organization trail org-audit of "
        "account 111111111111 (multi-region, organization, as DescribeTrails shows it); its "
        "logging status and selectors are readable and judged in that account."
    )
    assert verdict.evidence["judged_from"] == "DescribeTrails"


def test_unreadable_own_organization_trail_is_still_an_error() -> None:
    # The management account itself must read its trail's status: no shortcut there.
    error = denied("cloudtrail", "GetTrailStatus", "org-audit", region="us-east-1")
    own = trail(
        "org-audit",
        home_region="us-east-1",
        multi_region=True,
        organization_trail=True,
        is_logging=error,
    )
    foreign_single_region = trail(
        "org-regional", account="111111111111", organization_trail=True, is_logging=error
    )

    verdict = only_verdict(cloudtrail_multi_region_enabled, trails(own, foreign_single_region))

    assert verdict.status is Status.ERROR
    assert verdict.evidence["operation"] == "GetTrailStatus"


def test_readable_stopped_organization_trail_of_another_account_fails() -> None:
    org = trail(
        "org-audit",
        account="111111111111",
        multi_region=True,
        organization_trail=True,
        is_logging=False,
    )

    verdict = only_verdict(cloudtrail_multi_region_enabled, trails(org))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["multi_region_trails"] == {"org-audit": "logging is stopped"}
