"""CloudTrail checks: a logging multi-region trail records every region's management events, and
each trail is tamper-evident, encrypted with a KMS key and delivered to CloudWatch Logs.

A multi-region trail shows in every region; each trail is judged once, in its home region, and
only in the account that owns it (an organization trail is its management account's to fix).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import Field, JsonValue

from auditor.checkapi import (
    CheckParameters,
    Scope,
    Verdict,
    check,
    failed,
    passed,
    unreadable,
)
from auditor.datasets import CLOUDTRAIL_TRAILS
from auditor.findings import Remediation, ResourceRef, Severity, Status
from auditor.models import CollectionError, Trail

_TRAIL_TYPE = "AWS::CloudTrail::Trail"
_ACCOUNT_TYPE = "AWS::::Account"
_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html"
_GUIDE = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide"


def trail_ref(trail: Trail) -> ResourceRef:
    return ResourceRef(arn=trail.arn, id=trail.name, type=_TRAIL_TYPE)


def owner_of(trail: Trail, scope: Scope) -> str:
    """The account in the trail's ARN (an organization trail's is its management account)."""
    return trail.arn.split(":")[4] if trail.arn.count(":") >= 5 else scope.account_id


def owned_here(trail: Trail, scope: Scope) -> bool:
    """Judged in this scope: the trail's home region, in the account that owns it."""
    return trail.home_region == scope.region and owner_of(trail, scope) == scope.account_id


def organization_coverage(trail: Trail, scope: Scope) -> bool:
    """A multi-region organization trail of another account whose status or selectors this
    member account cannot read: its DescribeTrails entry (multi-region, organization) is all a
    member can know, and the management account, which can read the rest, is judged on it."""
    unread = isinstance(trail.is_logging, CollectionError) or isinstance(
        trail.event_selectors, CollectionError
    )
    return (
        unread
        and trail.multi_region
        and trail.organization_trail
        and owner_of(trail, scope) != scope.account_id
    )


# CIS v1.4.0 3.4 asked for delivery within the last day; AWS Config's
# cloud-trail-cloud-watch-logs-enabled rule has the same window (expectedDeliveryWindowAge).
DELIVERY_WINDOW_HOURS = 24


class DeliveryWindow(CheckParameters):
    max_delivery_age_hours: int = Field(
        default=DELIVERY_WINDOW_HOURS,
        ge=1,
        description="Hours since the trail's latest CloudWatch Logs delivery (GetTrailStatus "
        "LatestCloudWatchLogsDeliveryTime) beyond which it counts as no longer delivering.",
    )


def delivery_shortfall(
    trail: Trail, max_age_hours: int = DELIVERY_WINDOW_HOURS
) -> str | CollectionError | None:
    """None when the trail has a log group and delivered to it within `max_age_hours` of when
    its status was read; otherwise why not, or the error that keeps it from being known."""
    if not trail.log_group_name:
        return "it delivers to no CloudWatch Logs log group"
    if isinstance(trail.is_logging, CollectionError):
        return trail.is_logging
    delivered, read = trail.cloudwatch_logs_delivered_at, trail.status_read_at
    if delivered is None or read is None:
        return f"it has no CloudWatch Logs delivery on record for log group {trail.log_group_name}"
    age = read - delivered
    if age > timedelta(hours=max_age_hours):
        hours = int(age.total_seconds() // 3600)
        return (
            f"its latest CloudWatch Logs delivery to {trail.log_group_name} was {hours} hours "
            f"before its status was read (more than {max_age_hours})"
        )
    return None


def records_all_management_events(trail: Trail) -> str | CollectionError | None:
    """None when the trail is logging and records read and write management events with no
    event source left out; otherwise why not, or the error that keeps it from being known."""
    if isinstance(trail.is_logging, CollectionError):
        return trail.is_logging
    if not trail.is_logging:
        return "logging is stopped"
    selectors = trail.event_selectors
    if isinstance(selectors, CollectionError):
        return selectors
    recorded = {"read": selectors.management_read, "write": selectors.management_write}
    missing = [kind for kind, on in recorded.items() if not on]
    if missing:
        return f"it does not record {' or '.join(missing)} management events"
    if selectors.excluded_event_sources:
        return f"it leaves out {', '.join(selectors.excluded_event_sources)} management events"
    return None


# HIGH, as Security Hub rates CloudTrail.1: without it API activity in a region goes unrecorded.
@check(
    id="cloudtrail_multi_region_enabled",
    title="A logging multi-region CloudTrail trail records read and write management events",
    service="cloudtrail",
    severity=Severity.HIGH,
    resource_type=_ACCOUNT_TYPE,
    datasets=[CLOUDTRAIL_TRAILS],
    rationale=(
        "Study materials (Monitoring: the architecture retrospective's monitoring of every tier, "
        "and the IAM notes on auditing who did what): CloudTrail is the record of every API call; "
        "a multi-region trail that is logging and records read and write management events "
        "leaves no region, including ones nobody uses, unrecorded. Judged in every region, as "
        "Security Hub does: each region sees the account's multi-region trails."
    ),
    remediation=Remediation(
        console=(
            "CloudTrail console > Trails > Create trail (trails made in the console apply to all "
            "regions) > Management events: Read and Write > Create; on an existing trail, Start "
            "logging and edit Management events to record Read and Write."
        ),
        cli=(
            "aws cloudtrail create-trail --name <trail> --s3-bucket-name <bucket> "
            "--is-multi-region-trail && aws cloudtrail start-logging --name <trail> && "
            "aws cloudtrail put-event-selectors --trail-name <trail> "
            "--event-selectors ReadWriteType=All,IncludeManagementEvents=true"
        ),
        terraform=(
            "aws_cloudtrail: is_multi_region_trail = true, enable_logging = true, event_selector "
            '{ read_write_type = "All", include_management_events = true }'
        ),
    ),
    references=[
        f"{_CONTROLS}#cloudtrail-1",
        f"{_GUIDE}/receive-cloudtrail-log-files-from-multiple-regions.html",
    ],
    compliance={"fsbp": ["CloudTrail.1"], "cis-3.0": ["3.1"], "cis-5.0": ["3.1"]},
)
def cloudtrail_multi_region_enabled(scope: Scope) -> Iterable[Verdict]:
    """One finding per region. An unreadable trail status or selector makes the region an
    ERROR only where no other multi-region trail is known to qualify."""
    ref = ResourceRef(id=scope.account_id, type=_ACCOUNT_TYPE)
    multi = sorted(
        (t for t in scope.get(CLOUDTRAIL_TRAILS) if t.multi_region), key=lambda t: t.name
    )
    shortfalls = {t.name: records_all_management_events(t) for t in multi}
    good = [name for name, why in shortfalls.items() if why is None]
    if good:
        yield passed(
            ref,
            f"Management events in {scope.region} are recorded by the multi-region trail "
            f"{good[0]}, which is logging and records reads and writes.",
            qualifying_trails=list[JsonValue](good),
        )
        return
    organization = [t for t in multi if organization_coverage(t, scope)]
    if organization:
        trail = organization[0]
        yield passed(
            ref,
            f"Management events in {scope.region} are covered by the organization trail "
            f"{trail.name} of account {owner_of(trail, scope)} (multi-region, organization, as "
            "DescribeTrails shows it); its logging status and selectors are readable and "
            "judged in that account.",
            qualifying_trails=list[JsonValue](t.name for t in organization),
            judged_from="DescribeTrails",
        )
        return
    error = next((why for why in shortfalls.values() if isinstance(why, CollectionError)), None)
    if error is not None:
        yield unreadable(ref, error)
        return
    reasons: dict[str, JsonValue] = {name: str(why) for name, why in shortfalls.items()}
    if not multi:
        message = f"No multi-region CloudTrail trail records {scope.region}'s management events."
    else:
        described = "; ".join(f"{name}: {why}" for name, why in reasons.items())
        message = (
            f"No multi-region CloudTrail trail both logs and records all read and write "
            f"management events ({described})."
        )
    yield failed(ref, message, qualifying_trails=[], multi_region_trails=reasons)


def _trails_here(scope: Scope) -> list[Trail]:
    return sorted(
        (t for t in scope.get(CLOUDTRAIL_TRAILS) if owned_here(t, scope)), key=lambda t: t.name
    )


# LOW, as Security Hub rates CloudTrail.4.
@check(
    id="cloudtrail_log_file_validation",
    title="CloudTrail trails have log file validation enabled",
    service="cloudtrail",
    severity=Severity.LOW,
    resource_type=_TRAIL_TYPE,
    datasets=[CLOUDTRAIL_TRAILS],
    rationale=(
        "Study materials (Monitoring and the IAM notes on auditing): a trail's record is only "
        "evidence if nobody could have altered it; log file validation writes signed digest "
        "files that show whether a delivered log file was changed or deleted."
    ),
    remediation=Remediation(
        console=(
            "CloudTrail console (the trail's home region) > Trails > select the trail > General "
            "details > Edit > Additional settings: Log file validation Enabled > Save changes."
        ),
        cli="aws cloudtrail update-trail --name <trail> --enable-log-file-validation",
        terraform="aws_cloudtrail: enable_log_file_validation = true",
    ),
    references=[f"{_CONTROLS}#cloudtrail-4", f"{_GUIDE}/cloudtrail-log-file-validation-intro.html"],
    compliance={"fsbp": ["CloudTrail.4"], "cis-3.0": ["3.2"]},
)
def cloudtrail_log_file_validation(scope: Scope) -> Iterable[Verdict]:
    for trail in _trails_here(scope):
        verdict, state = (passed, "enabled") if trail.log_file_validation else (failed, "off")
        yield verdict(
            trail_ref(trail),
            f"CloudTrail trail {trail.name} has log file validation {state}.",
            log_file_validation=trail.log_file_validation,
        )


# MEDIUM, as Security Hub rates CloudTrail.2.
@check(
    id="cloudtrail_kms_encrypted",
    title="CloudTrail trails encrypt their log files with a KMS key",
    service="cloudtrail",
    severity=Severity.MEDIUM,
    resource_type=_TRAIL_TYPE,
    datasets=[CLOUDTRAIL_TRAILS],
    rationale=(
        "Study materials (Monitoring and the IAM notes on least privilege): CloudTrail logs name "
        "every caller and resource; with SSE-KMS, reading them takes kms:Decrypt on the key as "
        "well as read access to the bucket, and every decryption is itself logged."
    ),
    remediation=Remediation(
        console=(
            "CloudTrail console (the trail's home region) > Trails > select the trail > General "
            "details > Edit > Log file SSE-KMS encryption: Enabled, choose or create a key > "
            "Save changes (the key policy must let CloudTrail use it)."
        ),
        cli="aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn-or-alias>",
        terraform="aws_cloudtrail: kms_key_id = aws_kms_key.<trail-key>.arn",
    ),
    references=[
        f"{_CONTROLS}#cloudtrail-2",
        f"{_GUIDE}/encrypting-cloudtrail-log-files-with-aws-kms.html",
    ],
    compliance={"fsbp": ["CloudTrail.2"], "cis-3.0": ["3.5"]},
)
def cloudtrail_kms_encrypted(scope: Scope) -> Iterable[Verdict]:
    for trail in _trails_here(scope):
        if trail.kms_key_id:
            yield passed(
                trail_ref(trail),
                f"CloudTrail trail {trail.name} encrypts its log files with KMS key "
                f"{trail.kms_key_id}.",
                kms_key_id=trail.kms_key_id,
            )
        else:
            yield failed(
                trail_ref(trail),
                f"CloudTrail trail {trail.name} has no KMS key: its log files get only the "
                "bucket's default encryption.",
                kms_key_id=None,
            )


# LOW, as Security Hub rates CloudTrail.5.
@check(
    id="cloudtrail_cloudwatch_logs",
    title="CloudTrail trails deliver their events to CloudWatch Logs",
    service="cloudtrail",
    severity=Severity.LOW,
    resource_type=_TRAIL_TYPE,
    datasets=[CLOUDTRAIL_TRAILS],
    rationale=(
        "Study materials (Monitoring: CloudWatch Logs stores log data and turns it into metrics): "
        "a trail delivered to a CloudWatch Logs log group can feed metric filters and alarms on "
        "security events as they happen; one written only to S3 is read after the fact. CIS "
        "v3.0 has no control for this (v1.4.0 3.4 was dropped); its monitoring section 4 "
        "assumes it."
    ),
    remediation=Remediation(
        console=(
            "CloudTrail console (the trail's home region) > Trails > select the trail > "
            "CloudWatch Logs > Edit > Enabled, choose a log group and the IAM role CloudTrail "
            "uses to write to it > Save changes."
        ),
        cli=(
            "aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn "
            "<log-group-arn> --cloud-watch-logs-role-arn <role-arn>"
        ),
        terraform=(
            'aws_cloudtrail: cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.<name>.arn}'
            ':*", cloud_watch_logs_role_arn = aws_iam_role.<cloudtrail-to-logs>.arn'
        ),
    ),
    references=[
        f"{_CONTROLS}#cloudtrail-5",
        f"{_GUIDE}/send-cloudtrail-events-to-cloudwatch-logs.html",
    ],
    compliance={"fsbp": ["CloudTrail.5"]},
    parameters=DeliveryWindow,
)
def cloudtrail_cloudwatch_logs(scope: Scope) -> Iterable[Verdict]:
    """A trail passes when it delivers to a log group and did so within the window; a status
    that could not be read is that trail's ERROR."""
    hours = scope.parameters(DeliveryWindow).max_delivery_age_hours
    for trail in _trails_here(scope):
        why = delivery_shortfall(trail, hours)
        evidence: dict[str, JsonValue] = {
            "log_group": trail.log_group_name,
            "latest_delivery": _iso(trail.cloudwatch_logs_delivered_at),
            "status_read_at": _iso(trail.status_read_at),
        }
        if isinstance(why, CollectionError):
            yield unreadable(trail_ref(trail), why)
        elif why is None:
            yield Verdict(
                Status.PASS,
                trail_ref(trail),
                f"CloudTrail trail {trail.name} delivers its events to log group "
                f"{trail.log_group_name}, last within {hours} hours.",
                evidence,
            )
        else:
            yield Verdict(
                Status.FAIL, trail_ref(trail), f"CloudTrail trail {trail.name}: {why}.", evidence
            )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
