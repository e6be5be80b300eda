"""A plugin whose check metadata is invalid (the id is not snake_case)."""

from auditor.checkapi import check
from auditor.datasets import S3_BUCKETS
from auditor.findings import Remediation, Severity


@check(
    id="S3-Bad-Id",
    title="Bad",
    service="s3",
    severity=Severity.LOW,
    resource_type="AWS::S3::Bucket",
    datasets=[S3_BUCKETS],
    rationale="Invalid on purpose.",
    remediation=Remediation(console="-", cli="-", terraform="-"),
)
def bad(scope):  # type: ignore[no-untyped-def]
    return []
