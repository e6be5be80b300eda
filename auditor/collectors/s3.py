"""S3 collector: buckets in the scanned regions, each with its region, lifecycle rules,
versioning, default encryption, Block Public Access settings and bucket policy."""

from __future__ import annotations

from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation, none_if_absent
from auditor.collectors.iam import policy_document
from auditor.datasets import S3_BUCKETS
from auditor.models import (
    BucketPolicy,
    BucketVersioning,
    CollectionError,
    DefaultEncryption,
    EncryptionRule,
    LifecycleRule,
    LifecycleTransition,
    PublicAccessBlock,
    S3Bucket,
)

# The error codes S3 answers for a configuration the bucket does not have: a fact about the
# bucket, not a gap in what was read.
_NO_LIFECYCLE = "NoSuchLifecycleConfiguration"
_NO_ENCRYPTION = "ServerSideEncryptionConfigurationNotFoundError"
NO_PUBLIC_ACCESS_BLOCK = "NoSuchPublicAccessBlockConfiguration"
_NO_POLICY = "NoSuchBucketPolicy"


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


def _configuration(
    ctx: CollectContext, operation: str, absent: str, name: str, region: str
) -> dict[str, Any] | None:
    """The answer of a per-bucket configuration read; None where S3 answers `absent`, its
    documented code for a bucket that has no such configuration."""
    read = partial(ctx.call, "s3", operation, region=region, resource_id=name, Bucket=name)
    return none_if_absent((absent,), read)


def _lifecycle_rules(ctx: CollectContext, name: str, region: str) -> list[LifecycleRule]:
    answer = _configuration(ctx, "GetBucketLifecycleConfiguration", _NO_LIFECYCLE, name, region)
    return [] if answer is None else [_rule(r) for r in answer.get("Rules", [])]


def _versioning(ctx: CollectContext, name: str, region: str) -> BucketVersioning:
    answer = ctx.call("s3", "GetBucketVersioning", region=region, resource_id=name, Bucket=name)
    # A bucket that was never versioned answers with neither element.
    return BucketVersioning(
        status=str(answer.get("Status", "")),
        mfa_delete=answer.get("MFADelete") == "Enabled",
    )


def _encryption_rule(rule: dict[str, Any]) -> EncryptionRule:
    default = rule.get("ApplyServerSideEncryptionByDefault", {})
    return EncryptionRule(
        algorithm=str(default.get("SSEAlgorithm", "")),
        kms_key_id=default.get("KMSMasterKeyID") or None,
        bucket_key_enabled=bool(rule.get("BucketKeyEnabled", False)),
    )


def _default_encryption(ctx: CollectContext, name: str, region: str) -> DefaultEncryption:
    answer = _configuration(ctx, "GetBucketEncryption", _NO_ENCRYPTION, name, region)
    if answer is None:
        return DefaultEncryption()
    rules = answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    return DefaultEncryption(rules=[_encryption_rule(r) for r in rules])


def public_access_block(answer: dict[str, Any] | None) -> PublicAccessBlock:
    """The settings of a GetPublicAccessBlock answer (bucket or account); None: never set."""
    if answer is None:
        return PublicAccessBlock(configured=False)
    settings = answer.get("PublicAccessBlockConfiguration", {})
    return PublicAccessBlock(
        block_public_acls=bool(settings.get("BlockPublicAcls", False)),
        ignore_public_acls=bool(settings.get("IgnorePublicAcls", False)),
        block_public_policy=bool(settings.get("BlockPublicPolicy", False)),
        restrict_public_buckets=bool(settings.get("RestrictPublicBuckets", False)),
    )


def _public_access_block(ctx: CollectContext, name: str, region: str) -> PublicAccessBlock:
    return public_access_block(
        _configuration(ctx, "GetPublicAccessBlock", NO_PUBLIC_ACCESS_BLOCK, name, region)
    )


def _policy(ctx: CollectContext, name: str, region: str) -> BucketPolicy:
    answer = _configuration(ctx, "GetBucketPolicy", _NO_POLICY, name, region)
    return BucketPolicy(document=None if answer is None else policy_document(answer.get("Policy")))


# GetBucketLocation's code for a bucket deleted between ListBuckets and the read.
_GONE = ("NoSuchBucket",)


def _unplaced(ctx: CollectContext, name: str, error: CollectionError) -> S3Bucket:
    """A bucket whose region could not be read: every S3 check gives it that read's ERROR, in
    the region the buckets were listed from (or the scan's first, when that one is not scanned):
    it may be in scope, so it must not drop out of the report."""
    listed = ctx.api_region if ctx.api_region in ctx.scan_regions else ctx.scan_regions[0]
    return S3Bucket(
        arn=f"arn:{ctx.partition}:s3:::{name}",
        name=name,
        region=listed,
        lifecycle_rules=error,
        versioning=error,
        default_encryption=error,
        public_access_block=error,
        policy=error,
    )


def collect_buckets(ctx: CollectContext) -> list[S3Bucket]:
    def one(b: dict[str, Any]) -> S3Bucket | None:
        name = b["Name"]
        # A bucket deleted since ListBuckets is unread as a whole, not judged on a gap.
        region = ctx.attempt(partial(_bucket_region, ctx, b), gone=_GONE)
        if isinstance(region, CollectionError):
            return _unplaced(ctx, name, region)
        if region not in ctx.scan_regions:
            return None
        return S3Bucket(
            arn=f"arn:{ctx.partition}:s3:::{name}",
            name=name,
            region=region,
            created_at=b.get("CreationDate"),
            lifecycle_rules=ctx.attempt(partial(_lifecycle_rules, ctx, name, region)),
            versioning=ctx.attempt(partial(_versioning, ctx, name, region)),
            default_encryption=ctx.attempt(partial(_default_encryption, ctx, name, region)),
            public_access_block=ctx.attempt(partial(_public_access_block, ctx, name, region)),
            policy=ctx.attempt(partial(_policy, ctx, name, region)),
        )

    # Sent with MaxBuckets (session.PAGE_SIZE_NEEDED), ListBuckets pages and names each
    # bucket's BucketRegion (no location read).
    buckets = ctx.paginate("s3", "ListBuckets", "Buckets")
    return ctx.each(
        buckets,
        one,
        kind="AWS::S3::Bucket",
        ident=lambda b: b["Name"],
        arn=lambda b: f"arn:{ctx.partition}:s3:::{b['Name']}",
    )


BUCKETS = Collector(
    dataset=S3_BUCKETS,
    operations=(
        Operation("s3", "ListBuckets", "s3:ListAllMyBuckets"),
        Operation("s3", "GetBucketLocation", "s3:GetBucketLocation"),
        Operation("s3", "GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"),
        Operation("s3", "GetBucketVersioning", "s3:GetBucketVersioning"),
        Operation("s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
        Operation("s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
        Operation("s3", "GetBucketPolicy", "s3:GetBucketPolicy"),
    ),
    collect=collect_buckets,
)
