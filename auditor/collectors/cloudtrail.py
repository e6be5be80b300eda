"""CloudTrail collector: the trails each region sees, with logging status and the management
events their selectors record.

A multi-region trail shows in DescribeTrails of every region (a shadow trail); its status and
event selectors are read in its home region, the only one that answers GetEventSelectors for it.
An organization trail also shows in every member account, which may be refused its status and
selectors: that refusal stays on the trail (the check judges it from its DescribeTrails entry)
and is not a gap of the member's scan, since the management account reads and is judged on it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from auditor.collectors.base import CollectContext, CollectionFailure, Collector, Operation
from auditor.datasets import CLOUDTRAIL_TRAILS
from auditor.models import CollectionError, Trail, TrailEventSelectors

_SERVICE = "cloudtrail"

T = TypeVar("T")


def _status(ctx: CollectContext, arn: str, home_region: str) -> dict[str, Any]:
    answer: dict[str, Any] = ctx.call(
        _SERVICE, "GetTrailStatus", region=home_region, resource_id=arn, Name=arn
    )
    # The delivery time's age is judged against when AWS answered, not when a check runs.
    return {**answer, "_read_at": datetime.now(UTC)}


def _classic(selectors: list[dict[str, Any]]) -> TrailEventSelectors:
    read = write = False
    excluded: set[str] = set()
    for selector in selectors:
        if not selector.get("IncludeManagementEvents", True):
            continue
        kind = selector.get("ReadWriteType", "All")
        read = read or kind in ("All", "ReadOnly")
        write = write or kind in ("All", "WriteOnly")
        excluded.update(selector.get("ExcludeManagementEventSources", []))
    return TrailEventSelectors(
        management_read=read, management_write=write, excluded_event_sources=sorted(excluded)
    )


def _advanced(selectors: list[dict[str, Any]]) -> TrailEventSelectors:
    """Advanced selectors: one with eventCategory = Management records management events,
    all of them unless a readOnly field narrows it to reads ("true") or writes ("false")."""
    read = write = False
    excluded: set[str] = set()
    for selector in selectors:
        fields = {f.get("Field"): f for f in selector.get("FieldSelectors", [])}
        if "Management" not in fields.get("eventCategory", {}).get("Equals", []):
            continue
        read_only = fields.get("readOnly", {}).get("Equals")
        read = read or not read_only or "true" in read_only
        write = write or not read_only or "false" in read_only
        excluded.update(fields.get("eventSource", {}).get("NotEquals", []))
    return TrailEventSelectors(
        management_read=read, management_write=write, excluded_event_sources=sorted(excluded)
    )


def _event_selectors(ctx: CollectContext, arn: str, home_region: str) -> TrailEventSelectors:
    answer = ctx.call(
        _SERVICE, "GetEventSelectors", region=home_region, resource_id=arn, TrailName=arn
    )
    if answer.get("AdvancedEventSelectors"):
        return _advanced(answer["AdvancedEventSelectors"])
    return _classic(answer.get("EventSelectors", []))


def _foreign_organization_trail(ctx: CollectContext, entry: dict[str, Any]) -> bool:
    arn = str(entry["TrailARN"])
    owner = arn.split(":")[4] if arn.count(":") >= 5 else ctx.account_id
    return bool(entry.get("IsOrganizationTrail")) and owner != ctx.account_id


def _read(ctx: CollectContext, entry: dict[str, Any], read: Callable[[], T]) -> T | CollectionError:
    if not _foreign_organization_trail(ctx, entry):
        return ctx.attempt(read)
    try:
        return read()
    except CollectionFailure as failure:
        return failure.error


def collect_trails(ctx: CollectContext) -> list[Trail]:
    # DescribeTrails has no paginator: one call returns every trail the region sees.
    answer = ctx.call(_SERVICE, "DescribeTrails", includeShadowTrails=True)

    def one(t: dict[str, Any]) -> Trail:
        arn = t["TrailARN"]
        home = t.get("HomeRegion") or ctx.region
        status = _read(ctx, t, partial(_status, ctx, arn, home))
        read = {} if isinstance(status, CollectionError) else status
        selectors = _read(ctx, t, partial(_event_selectors, ctx, arn, home))
        return Trail(
            arn=arn,
            name=t["Name"],
            home_region=home,
            multi_region=bool(t.get("IsMultiRegionTrail", False)),
            organization_trail=bool(t.get("IsOrganizationTrail", False)),
            log_file_validation=bool(t.get("LogFileValidationEnabled", False)),
            kms_key_id=t.get("KmsKeyId") or None,
            s3_bucket_name=t.get("S3BucketName") or None,
            cloudwatch_logs_log_group_arn=t.get("CloudWatchLogsLogGroupArn") or None,
            is_logging=(
                status if isinstance(status, CollectionError) else bool(read.get("IsLogging"))
            ),
            event_selectors=selectors,
            cloudwatch_logs_delivered_at=read.get("LatestCloudWatchLogsDeliveryTime"),
            status_read_at=read.get("_read_at"),
        )

    return ctx.each(
        answer.get("trailList", []),
        one,
        kind="AWS::CloudTrail::Trail",
        ident=lambda t: t["TrailARN"],
        arn=lambda t: t["TrailARN"],
    )


TRAILS = Collector(
    dataset=CLOUDTRAIL_TRAILS,
    operations=(
        Operation(_SERVICE, "DescribeTrails", "cloudtrail:DescribeTrails"),
        Operation(_SERVICE, "GetTrailStatus", "cloudtrail:GetTrailStatus"),
        Operation(_SERVICE, "GetEventSelectors", "cloudtrail:GetEventSelectors"),
    ),
    collect=collect_trails,
)
