"""Seeds the monitoring side of the demo account: the audit trail, its log group with metric
filters and alarms on security events, log retention, a dashboard and KMS keys, with a good and
a bad example for each monitoring check.

us-east-1 is the well-run side of the app: the account's multi-region trail lives there, logging
every region's management events (signed, KMS-encrypted, delivered to CloudWatch Logs), with
alarms on most of the CIS security events. eu-west-1 holds what was set up in a hurry: a
single-region trail for the analytics exports with none of that, a log group that never
expires, a key that never rotates, and no dashboard.

A multi-region trail covers every region, so one account cannot show both outcomes of
cloudtrail_multi_region_enabled: the demo passes it in both regions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from auditor.demo.common import EU, US, ClientFactory, tags, trust_policy

# The trails write to the account's access-logs bucket (seeded with the S3 examples).
_TRAIL_BUCKET = "lingo-access-logs-use1-7f3a9c"
_TRAIL_LOG_GROUP = "/lingo/cloudtrail"
_TRAIL_ROLE = "lingo-cloudtrail-to-logs"
_NAMESPACE = "CISBenchmark"


@dataclass(frozen=True)
class FilterSpec:
    name: str
    pattern: str
    notify: bool = True  # an alarm on its metric publishes to the ops-alerts topic


def _any_event(*names: str) -> str:
    return "{ " + " || ".join(f"($.eventName = {name})" for name in names) + " }"


# On the trail's log group: CIS v3.0 section 4 patterns, spaced and quoted as people write them.
FILTERS = (
    FilterSpec(
        "unauthorized-api-calls",
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") '
        '&& ($.sourceIPAddress != "delivery.logs.amazonaws.com") '
        '&& ($.eventName != "HeadBucket") }',
    ),
    # Counted, but its alarm was muted during a noisy SSO migration and never pointed back.
    FilterSpec(
        "console-sign-in-without-mfa",
        '{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed!="Yes")}',
        notify=False,
    ),
    FilterSpec(
        "root-account-usage",
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
        '&& $.eventType != "AwsServiceEvent" }',
    ),
    FilterSpec(
        "iam-policy-changes",
        _any_event(
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ),
    ),
    FilterSpec(
        "cloudtrail-configuration-changes",
        _any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
    ),
    # Written from memory: ingress only, so an opened egress rule goes unnoticed.
    FilterSpec(
        "security-group-changes",
        _any_event("AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress"),
    ),
)


def _trail_role(iam: Any, account: str, log_group_arn: str) -> str:
    trust = trust_policy(
        {"Service": "cloudtrail.amazonaws.com"},
        {"StringEquals": {"aws:SourceAccount": account}},
    )
    arn: str = iam.create_role(RoleName=_TRAIL_ROLE, AssumeRolePolicyDocument=trust, Tags=tags())[
        "Role"
    ]["Arn"]
    deliver = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{log_group_arn}:log-stream:*",
            }
        ],
    }
    iam.put_role_policy(
        RoleName=_TRAIL_ROLE, PolicyName="deliver-to-log-group", PolicyDocument=json.dumps(deliver)
    )
    return arn


def _key(kms: Any, description: str, *, rotate: bool) -> str:
    key_id: str = kms.create_key(
        Description=description, Tags=[{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tags()]
    )["KeyMetadata"]["KeyId"]
    if rotate:
        kms.enable_key_rotation(KeyId=key_id)
    return key_id


def _log_group(logs: Any, name: str, retention_days: int | None) -> str:
    logs.create_log_group(logGroupName=name, tags={t["Key"]: t["Value"] for t in tags()})
    if retention_days is not None:
        logs.put_retention_policy(logGroupName=name, retentionInDays=retention_days)
    (group,) = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    arn: str = group["arn"]  # ends in ":*", the form CloudTrail takes
    return arn


def security_alarm(
    logs: Any,
    cloudwatch: Any,
    name: str,
    pattern: str,
    topic_arn: str | None,
    component: str | None = None,
) -> None:
    """A CIS section 4 metric filter on the trail's log group and its alarm, paging
    `topic_arn` (or no one)."""
    metric = f"cis-{name}"
    logs.put_metric_filter(
        logGroupName=_TRAIL_LOG_GROUP,
        filterName=name,
        filterPattern=pattern,
        metricTransformations=[
            {"metricName": metric, "metricNamespace": _NAMESPACE, "metricValue": "1"}
        ],
    )
    cloudwatch.put_metric_alarm(
        AlarmName=f"security-{name}",
        Namespace=_NAMESPACE,
        MetricName=metric,
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        ActionsEnabled=True,
        AlarmActions=[topic_arn] if topic_arn else [],
        Tags=tags(component),
    )


def _security_alarms(logs: Any, cloudwatch: Any, topic_arn: str) -> None:
    for spec in FILTERS:
        security_alarm(
            logs, cloudwatch, spec.name, spec.pattern, topic_arn if spec.notify else None
        )


def _dashboard(cloudwatch: Any, region: str) -> None:
    widgets = [
        {
            "type": "metric",
            "x": 0,
            "y": 0,
            "width": 12,
            "height": 6,
            "properties": {
                "region": region,
                "title": "users-db CPU",
                "stat": "Average",
                "period": 300,
                "metrics": [["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", "users-db"]],
            },
        },
        {
            "type": "metric",
            "x": 12,
            "y": 0,
            "width": 12,
            "height": 6,
            "properties": {
                "region": region,
                "title": "user-progress reads",
                "stat": "Sum",
                "period": 300,
                "metrics": [
                    ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", "user-progress"]
                ],
            },
        },
    ]
    cloudwatch.put_dashboard(
        DashboardName=f"lingo-{region}", DashboardBody=json.dumps({"widgets": widgets})
    )


def _seed_us(client: ClientFactory, account: str, topic_arn: str) -> None:
    logs, cloudwatch = client("logs", US), client("cloudwatch", US)
    log_group_arn = _log_group(logs, _TRAIL_LOG_GROUP, 365)
    role_arn = _trail_role(client("iam", US), account, log_group_arn.removesuffix(":*"))
    key_id = _key(client("kms", US), "CloudTrail log files", rotate=True)
    cloudtrail = client("cloudtrail", US)
    cloudtrail.create_trail(
        Name="lingo-audit",
        S3BucketName=_TRAIL_BUCKET,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
        KmsKeyId=key_id,
        CloudWatchLogsLogGroupArn=log_group_arn,
        CloudWatchLogsRoleArn=role_arn,
        TagsList=tags(),
    )
    cloudtrail.put_event_selectors(
        TrailName="lingo-audit",
        EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
    )
    cloudtrail.start_logging(Name="lingo-audit")
    _security_alarms(logs, cloudwatch, topic_arn)
    _dashboard(cloudwatch, US)


def _seed_eu(client: ClientFactory) -> None:
    _log_group(client("logs", EU), "/lingo/analytics-exports", None)
    _key(client("kms", EU), "Analytics export files", rotate=False)
    cloudtrail = client("cloudtrail", EU)
    cloudtrail.create_trail(Name="analytics-exports", S3BucketName=_TRAIL_BUCKET, TagsList=tags())
    cloudtrail.put_event_selectors(
        TrailName="analytics-exports",
        EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}],
    )
    cloudtrail.start_logging(Name="analytics-exports")


def seed_monitoring(client: ClientFactory, region: str, account: str, topic_arn: str) -> None:
    """Seed `region`'s monitoring examples (the S3 buckets must exist already)."""
    if region == US:
        _seed_us(client, account, topic_arn)
    else:
        _seed_eu(client)
