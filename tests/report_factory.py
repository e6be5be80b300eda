"""Hand-built Report objects for the renderer tests, including attacker-named resources."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from pydantic import JsonValue

from auditor.engine import summarize
from auditor.findings import (
    Finding,
    Remediation,
    Report,
    ResourceRef,
    ScanError,
    ScanInfo,
    Severity,
    Status,
    Tool,
    finding_id,
)

ACCOUNT = "123456789012"
# Strings an account owner controls (resource names, tags, messages) trying to run script.
IMG_XSS = "<img src=x onerror=alert(1)>"
SCRIPT_BREAK = "</script><script>alert(2)</script>"
ATTR_BREAK = '" onmouseover="alert(3)" x="'

_CHECKS: dict[str, tuple[str, Severity, str]] = {
    "iam_policy_no_full_admin": ("IAM policies do not grant full admin", Severity.CRITICAL, "iam"),
    "rds_instance_multi_az": ("RDS instances run Multi-AZ", Severity.HIGH, "rds"),
    "rds_cluster_multi_az": ("RDS clusters span several AZs", Severity.HIGH, "rds"),
    "dynamodb_table_pitr_enabled": (
        "DynamoDB tables have point-in-time recovery",
        Severity.MEDIUM,
        "dynamodb",
    ),
    "cloudwatch_alarm_has_action": ("CloudWatch alarms notify someone", Severity.LOW, "cloudwatch"),
    "s3_bucket_lifecycle_configured": ("S3 buckets have lifecycle rules", Severity.LOW, "s3"),
}


def make_finding(
    check_id: str,
    status: Status,
    resource_id: str,
    *,
    region: str = "eu-west-1",
    message: str | None = None,
    evidence: dict[str, JsonValue] | None = None,
    arn: str | None = None,
) -> Finding:
    title, severity, service = _CHECKS[check_id]
    resource = ResourceRef(id=resource_id, arn=arn, type="AWS::Test::Resource")
    return Finding(
        id=finding_id(check_id, ACCOUNT, region, resource),
        check_id=check_id,
        status=status,
        severity=severity,
        service=service,
        title=title,
        message=message or f"{resource_id} is {status.value}",
        account_id=ACCOUNT,
        region=region,
        resource=resource,
        evidence=evidence if evidence is not None else {"checked": True},
        remediation=Remediation(
            console=f"{service} console > fix it",
            cli=f"aws {service} fix --name <resource-name>",
            terraform=f'resource "aws_{service}" "x" {{ fixed = true }}',
        ),
        compliance={"fsbp": [f"{service.upper()}.1"]},
    )


def make_error(
    operation: str = "DescribeContinuousBackups",
    *,
    service: str = "dynamodb",
    region: str = "eu-central-1",
    checks: Sequence[str] = ("dynamodb_table_pitr_enabled",),
    message: str = "User is not authorized to perform dynamodb:DescribeContinuousBackups",
    resource_id: str | None = None,
) -> ScanError:
    return ScanError(
        account_id=ACCOUNT,
        region=region,
        service=service,
        operation=operation,
        error_code="AccessDeniedException",
        message=message,
        resource_id=resource_id,
        checks=list(checks),
    )


def make_report(
    findings: Iterable[Finding],
    errors: Iterable[ScanError] = (),
    checks: Sequence[str] | None = None,
) -> Report:
    findings = list(findings)
    regions = sorted({f.region for f in findings} - {"global"}) or ["eu-west-1"]
    return Report(
        tool=Tool(version="9.9.9"),
        scan=ScanInfo(
            id="scan-0001",
            started_at=datetime(2025, 3, 4, 9, 30, 0, tzinfo=UTC),
            finished_at=datetime(2025, 3, 4, 9, 31, 12, tzinfo=UTC),
            accounts=[ACCOUNT],
            regions=regions,
            checks=list(checks) if checks is not None else sorted({f.check_id for f in findings}),
            api_calls={"rds:DescribeDBInstances": 2, "dynamodb:ListTables": 3},
        ),
        summary=summarize(findings),
        findings=findings,
        errors=list(errors),
    )


def sample_findings() -> list[Finding]:
    """13 findings over 5 checks: 4 FAIL, 1 ERROR, 8 PASS; two regions plus global."""
    fail, passed, error = Status.FAIL, Status.PASS, Status.ERROR
    return [
        make_finding(
            "cloudwatch_alarm_has_action", passed, SCRIPT_BREAK, message=f"Alarm {SCRIPT_BREAK} ok"
        ),
        make_finding("cloudwatch_alarm_has_action", passed, "cpu-high", region="us-east-1"),
        make_finding(
            "cloudwatch_alarm_has_action",
            fail,
            ATTR_BREAK,
            message="Alarm has no action for the ALARM state",
            evidence={"alarm_actions": [], "tags": {"Name": "<script>alert(4)</script>"}},
        ),
        make_finding("dynamodb_table_pitr_enabled", passed, "sessions", region="us-east-1"),
        make_finding("dynamodb_table_pitr_enabled", fail, "orders"),
        make_finding(
            "dynamodb_table_pitr_enabled",
            error,
            f"{ACCOUNT}/eu-central-1",
            region="eu-central-1",
            message="Could not judge: dynamodb:DescribeContinuousBackups failed",
        ),
        make_finding("iam_policy_no_full_admin", fail, "AdminAll", region="global"),
        make_finding("iam_policy_no_full_admin", passed, "ReadOnly", region="global"),
        make_finding(
            "rds_instance_multi_az",
            fail,
            IMG_XSS,
            region="us-east-1",
            message=f"DB instance {IMG_XSS} runs in a single AZ",
            arn=f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{IMG_XSS}",
        ),
        make_finding("rds_instance_multi_az", passed, "db-users"),
        make_finding("rds_instance_multi_az", passed, "db-billing", region="us-east-1"),
        make_finding("s3_bucket_lifecycle_configured", passed, "logs-bucket"),
        make_finding("s3_bucket_lifecycle_configured", passed, "assets-bucket"),
    ]


def sample_report(*, with_errors: bool = True) -> Report:
    """A scan with failures, an attacker-named resource or two and (by default) a failed read."""
    findings = sample_findings()
    if not with_errors:
        findings = [f for f in findings if f.status is not Status.ERROR]
    errors = (
        [make_error(message="denied <b>by</b> SCP", resource_id=IMG_XSS)] if with_errors else []
    )
    return make_report(findings, errors, checks=sorted(_CHECKS))
