"""A third-party check module, registered in tests through a faked entry point."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.checkapi import Scope, Verdict, check, failed, passed
from auditor.datasets import S3_BUCKETS
from auditor.findings import Remediation, ResourceRef, Severity

FIX = Remediation(
    console="S3 > Bucket > Tags", cli="aws s3api put-bucket-tagging", terraform="tags"
)


@check(
    id="s3_bucket_has_owner_tag",
    title="S3 buckets carry an owner in their name",
    service="s3",
    severity=Severity.LOW,
    resource_type="AWS::S3::Bucket",
    datasets=[S3_BUCKETS],
    rationale="A plugin check used to prove third-party checks load like built-ins.",
    remediation=FIX,
)
def s3_bucket_has_owner_tag(scope: Scope) -> Iterable[Verdict]:
    for bucket in scope.get(S3_BUCKETS):
        ref = ResourceRef(arn=bucket.arn, id=bucket.name, type="AWS::S3::Bucket")
        verdict = passed if bucket.name.startswith("team-") else failed
        yield verdict(ref, f"bucket {bucket.name}", region=bucket.region)
