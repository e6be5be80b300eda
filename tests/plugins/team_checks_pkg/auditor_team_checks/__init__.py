"""A team's own rule: every S3 bucket name starts with the owning team's prefix."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.checkapi import CheckParameters, Scope, Verdict, check, failed, passed
from auditor.datasets import S3_BUCKETS
from auditor.findings import Remediation, ResourceRef, Severity


class TeamPrefix(CheckParameters):
    prefix: str = "team-"


@check(
    id="s3_bucket_team_prefix",
    title="S3 bucket names start with the owning team's prefix",
    service="s3",
    severity=Severity.LOW,
    resource_type="AWS::S3::Bucket",
    datasets=[S3_BUCKETS],
    rationale="Our naming rule: the prefix tells who to call about a bucket.",
    remediation=Remediation(
        console="Create a correctly named bucket and move the objects.",
        cli="aws s3 mb s3://team-<name>",
        terraform='aws_s3_bucket: bucket = "team-<name>"',
    ),
    parameters=TeamPrefix,
)
def s3_bucket_team_prefix(scope: Scope) -> Iterable[Verdict]:
    prefix = scope.parameters(TeamPrefix).prefix
    for bucket in scope.get(S3_BUCKETS):
        ref = ResourceRef(arn=bucket.arn, id=bucket.name, type="AWS::S3::Bucket")
        verdict = passed if bucket.name.startswith(prefix) else failed
        yield verdict(ref, f"bucket {bucket.name} vs prefix {prefix}", region=bucket.region)
