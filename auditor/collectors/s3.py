"""S3 collector: buckets in the scanned regions, each with its region and lifecycle rules."""

from __future__ import annotations

from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, CollectionFailure, Collector, Operation
from auditor.datasets import S3_BUCKETS
from auditor.models import LifecycleRule, LifecycleTransition, S3Bucket

_NO_LIFECYCLE = "NoSuchLifecycleConfiguration"


def _bucket_region(ctx: CollectContext, bucket: dict[str, Any]) -> str:
    region = bucket.get("BucketRegion")
    if region:
        return str(region)
    answer = ctx.call("s3", "GetBucketLocation", resource_id=bucket["Name"], Bucket=bucket["Name"])
    # The API's legacy answers: no constraint is us-east-1, "EU" is eu-west-1.
    location = answer.get("LocationConstraint") or "us-east-1"
    return "eu-west-1" if location == "EU" else str(location)


def _transitions(items: list[dict[str, Any]], days_key: str) -> list[LifecycleTransition]:
    return [
        LifecycleTransition(
            storage_class=t.get("StorageClass", ""),
            days=t.get(days_key),
            date=str(t["Date"]) if t.get("Date") else None,
        )
        for t in items
    ]


def _rule(r: dict[str, Any]) -> LifecycleRule:
    rule_filter = r.get("Filter", {})
    return LifecycleRule(
        id=r.get("ID"),
        status=r.get("Status", ""),
        prefix=r.get("Prefix", rule_filter.get("Prefix")),
        transitions=_transitions(r.get("Transitions", []), "Days"),
        expiration_days=r.get("Expiration", {}).get("Days"),
        noncurrent_transitions=_transitions(
            r.get("NoncurrentVersionTransitions", []), "NoncurrentDays"
        ),
        noncurrent_expiration_days=r.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays"),
        abort_incomplete_multipart_days=r.get("AbortIncompleteMultipartUpload", {}).get(
            "DaysAfterInitiation"
        ),
    )


def _lifecycle_rules(ctx: CollectContext, name: str, region: str) -> list[LifecycleRule]:
    try:
        answer = ctx.call(
            "s3",
            "GetBucketLifecycleConfiguration",
            region=region,
            resource_id=name,
            Bucket=name,
        )
    except CollectionFailure as failure:
        if failure.error.error_code == _NO_LIFECYCLE:
            return []  # no configuration is a fact about the bucket, not a gap
        raise
    return [_rule(r) for r in answer.get("Rules", [])]


def collect_buckets(ctx: CollectContext) -> list[S3Bucket]:
    buckets = []
    for b in ctx.paginate("s3", "ListBuckets", "Buckets"):
        region = _bucket_region(ctx, b)
        if region not in ctx.scan_regions:
            continue
        name = b["Name"]
        buckets.append(
            S3Bucket(
                arn=f"arn:{ctx.partition}:s3:::{name}",
                name=name,
                region=region,
                created_at=b.get("CreationDate"),
                lifecycle_rules=ctx.attempt(partial(_lifecycle_rules, ctx, name, region)),
            )
        )
    return buckets


BUCKETS = Collector(
    dataset=S3_BUCKETS,
    operations=(
        Operation("s3", "ListBuckets", "s3:ListAllMyBuckets"),
        Operation("s3", "GetBucketLocation", "s3:GetBucketLocation"),
        Operation("s3", "GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"),
    ),
    collect=collect_buckets,
)
