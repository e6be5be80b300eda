"""S3 checks: buckets tier or expire their objects with an enabled lifecycle rule."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import JsonValue

from auditor.checkapi import Scope, Verdict, check, failed, passed, unreadable
from auditor.datasets import S3_BUCKETS
from auditor.findings import Remediation, ResourceRef, Severity
from auditor.models import CollectionError

_BUCKET_TYPE = "AWS::S3::Bucket"


# LOW, as Security Hub rates S3.13: without lifecycle rules objects cost more than they need
# and are kept longer than they should be; nothing is exposed.
@check(
    id="s3_bucket_lifecycle_configured",
    title="S3 buckets have an enabled lifecycle rule",
    service="s3",
    severity=Severity.LOW,
    resource_type=_BUCKET_TYPE,
    datasets=[S3_BUCKETS],
    rationale=(
        "Study materials (Storage, the architecture retrospective's lifecycle YAML): an enabled "
        "lifecycle rule moves objects to STANDARD_IA at 30 days, GLACIER at 90 and DEEP_ARCHIVE at "
        "365, or expires them; a bucket without one keeps every object in its first storage class "
        "for good."
    ),
    remediation=Remediation(
        console=(
            "S3 console > Buckets > select the bucket > Management > Lifecycle rules > Create "
            "lifecycle rule > choose transitions and expiration > Create rule (or set an "
            "existing rule's status to Enabled)."
        ),
        cli=(
            "aws s3api put-bucket-lifecycle-configuration --bucket <bucket> "
            "--lifecycle-configuration file://lifecycle.json   # a rule with "
            '"Status": "Enabled"; this replaces the whole existing configuration'
        ),
        terraform=(
            'aws_s3_bucket_lifecycle_configuration: a rule { status = "Enabled" ... } with '
            "transition and/or expiration blocks"
        ),
    ),
    references=[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-13",
        "https://docs.aws.amazon.com/config/latest/developerguide/s3-lifecycle-policy-check.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html",
    ],
    compliance={"fsbp": ["S3.13"]},
)
def s3_bucket_lifecycle_configured(scope: Scope) -> Iterable[Verdict]:
    """A bucket whose rules are all Disabled fails, as it would in AWS Config's
    s3-lifecycle-policy-check (behind S3.13): a disabled rule does nothing."""
    for bucket in scope.get(S3_BUCKETS):
        ref = ResourceRef(arn=bucket.arn, id=bucket.name, type=_BUCKET_TYPE)
        rules = bucket.lifecycle_rules
        if isinstance(rules, CollectionError):
            yield unreadable(ref, rules, region=bucket.region)
            continue
        enabled: list[JsonValue] = [rule.id for rule in rules if rule.enabled]
        disabled: list[JsonValue] = [rule.id for rule in rules if not rule.enabled]
        if enabled:
            verdict = passed
            message = f"S3 bucket {bucket.name} has {len(enabled)} enabled lifecycle rule(s)."
        elif disabled:
            verdict = failed
            message = (
                f"S3 bucket {bucket.name} has {len(disabled)} lifecycle rule(s), all disabled, "
                "so none applies."
            )
        else:
            verdict = failed
            message = f"S3 bucket {bucket.name} has no lifecycle rules."
        yield verdict(
            ref,
            message,
            region=bucket.region,
            enabled_rules=enabled,
            disabled_rules=disabled,
        )
