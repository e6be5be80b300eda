"""A generated scan result of any size for the HTML report's scale test: many accounts and
regions, every status, mutes, a baseline and realistic per-resource strings."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from auditor.engine import summarize
from auditor.findings import (
    Baseline,
    DiffState,
    Finding,
    Mute,
    Remediation,
    Report,
    ResourceRef,
    ScanInfo,
    Severity,
    Status,
    Tool,
    finding_id,
)

STARTED = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1")
# (check id, title, severity, service, resource type, ARN pattern, message pattern)
CHECKS = (
    (
        "rds_instance_multi_az",
        "RDS instances run Multi-AZ",
        Severity.HIGH,
        "rds",
        "AWS::RDS::DBInstance",
        "arn:aws:rds:{region}:{account}:db:{rid}",
        "DB instance {rid} runs in a single Availability Zone.",
    ),
    (
        "dynamodb_table_pitr_enabled",
        "DynamoDB tables have point-in-time recovery",
        Severity.MEDIUM,
        "dynamodb",
        "AWS::DynamoDB::Table",
        "arn:aws:dynamodb:{region}:{account}:table/{rid}",
        "Table {rid} has point-in-time recovery {state}.",
    ),
    (
        "dynamodb_table_ttl_enabled",
        "DynamoDB tables expire items with TTL",
        Severity.LOW,
        "dynamodb",
        "AWS::DynamoDB::Table",
        "arn:aws:dynamodb:{region}:{account}:table/{rid}",
        "Table {rid} TTL is {state}.",
    ),
    (
        "s3_bucket_lifecycle_configured",
        "S3 buckets have lifecycle rules",
        Severity.LOW,
        "s3",
        "AWS::S3::Bucket",
        "arn:aws:s3:::{rid}",
        "Bucket {rid} has {count} enabled lifecycle rules.",
    ),
    (
        "cloudwatch_alarm_has_action",
        "CloudWatch alarms notify someone",
        Severity.LOW,
        "cloudwatch",
        "AWS::CloudWatch::Alarm",
        "arn:aws:cloudwatch:{region}:{account}:alarm:{rid}",
        "Alarm {rid} has {count} ALARM actions.",
    ),
    (
        "iam_policy_no_full_admin",
        "IAM policies do not allow every action on every resource",
        Severity.CRITICAL,
        "iam",
        "AWS::IAM::ManagedPolicy",
        "arn:aws:iam::{account}:policy/{rid}",
        "Customer-managed policy {rid} allows {count} statements of every action.",
    ),
)
WORDS = ("orders", "billing", "sessions", "ledger", "events", "audit", "users", "carts", "search")


def _mutes() -> list[Mute]:
    return [
        Mute(
            entry=n,
            check=[check],
            reason=f"Accepted risk #{n}: migration planned",
            owner=f"team-{n}@example.com",
            expires=date(2025, 6, n),
        )
        for n, (check, *_) in enumerate(CHECKS, start=1)
    ]


def large_report(count: int, *, accounts: int = 25, seed: int = 20250304) -> Report:
    """`count` findings; built with model_construct because they are valid by construction
    and validating 100,000 of them would only slow the test down."""
    rng = random.Random(seed)
    account_ids = [f"{100000000000 + 7919 * n:012d}" for n in range(accounts)]
    mutes = _mutes()
    fixes = {
        service: Remediation(
            console=f"{service} console > fix",
            cli=f"aws {service} fix",
            terraform=f'resource "aws_{service}" "x" {{}}',
        )
        for _, _, _, service, *_ in CHECKS
    }
    findings = []
    for i in range(count):
        check_id, title, severity, service, rtype, arn, message = CHECKS[i % len(CHECKS)]
        account = account_ids[(i // len(CHECKS)) % accounts]
        region = "global" if service == "iam" else REGIONS[(i // 11) % len(REGIONS)]
        rid = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{i:06d}"
        roll = rng.random()
        status = Status.ERROR if roll < 0.01 else Status.FAIL if roll < 0.35 else Status.PASS
        muted = status is Status.FAIL and rng.random() < 0.05
        resource = ResourceRef.model_construct(
            arn=arn.format(region=region, account=account, rid=rid),
            id=rid,
            type=rtype,
            tags={"team": rng.choice(WORDS), "env": "prod"} if i % 3 == 0 else None,
        )
        change = rng.random()
        diff = (
            DiffState.NEW
            if change < 0.05
            else DiffState.FIXED
            if change < 0.1
            else DiffState.UNCHANGED
        )
        findings.append(
            Finding.model_construct(
                id=finding_id(check_id, account, region, resource),
                check_id=check_id,
                status=status,
                severity=severity,
                service=service,
                title=title,
                message=message.format(
                    rid=rid,
                    state="DISABLED" if status is Status.FAIL else "ENABLED",
                    count=rng.randint(0, 4),
                ),
                account_id=account,
                region=region,
                resource=resource,
                evidence={"capacity": rng.randint(1, 40), "checked": status.value},
                remediation=fixes[service],
                compliance={"fsbp": [f"{service.upper()}.{1 + i % 3}"]},
                muted=muted,
                mute=mutes[i % len(CHECKS)] if muted else None,
                diff_state=diff,
                first_seen=STARTED - timedelta(days=rng.randint(0, 400)),
            )
        )
    return Report(
        tool=Tool(version="9.9.9"),
        scan=ScanInfo(
            id="scan-large",
            started_at=STARTED,
            finished_at=STARTED + timedelta(minutes=42),
            accounts=account_ids,
            regions=list(REGIONS),
            checks=[c[0] for c in CHECKS],
        ),
        summary=summarize(findings),
        findings=findings,
        errors=[],
        baseline=Baseline(
            scan_id="scan-previous",
            started_at=STARTED - timedelta(days=7),
            new=count // 20,
            unchanged=count - count // 10,
            fixed=0,
            unverified=0,
        ),
    )
