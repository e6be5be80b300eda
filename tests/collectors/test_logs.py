"""The CloudWatch Logs collector against moto: log groups with retention and KMS key, and metric
filters with the metrics they publish."""

from __future__ import annotations

import boto3

from auditor.models import CollectionError, LogGroup, MetricFilter, MetricTransformation

from .conftest import ACCOUNT, FaultyPool, collect_scopes


def _groups(value: object) -> dict[str, LogGroup]:
    assert isinstance(value, list)
    return {g.name: g for g in value}


def test_log_groups_keep_retention_and_key(aws: boto3.session.Session) -> None:
    logs = aws.client("logs", region_name="eu-west-1")
    key = aws.client("kms", region_name="eu-west-1").create_key()["KeyMetadata"]["Arn"]
    logs.create_log_group(logGroupName="/app/audit", kmsKeyId=key)
    logs.put_retention_policy(logGroupName="/app/audit", retentionInDays=400)
    logs.create_log_group(logGroupName="/aws/lambda/forever")

    scope = collect_scopes(aws, ["logs_log_groups"], regions=("eu-west-1",))["eu-west-1"]

    groups = _groups(scope.logs_log_groups)
    assert groups["/app/audit"].arn == f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/app/audit"
    assert groups["/app/audit"].retention_days == 400
    assert groups["/app/audit"].kms_key_id == key
    assert groups["/aws/lambda/forever"].retention_days is None
    assert groups["/aws/lambda/forever"].kms_key_id is None


def test_metric_filters_keep_pattern_and_metrics(aws: boto3.session.Session) -> None:
    logs = aws.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName="/org/cloudtrail")
    pattern = "{ ($.eventName = CreateTrail) || ($.eventName = StopLogging) }"
    logs.put_metric_filter(
        logGroupName="/org/cloudtrail",
        filterName="trail-changes",
        filterPattern=pattern,
        metricTransformations=[
            {"metricName": "TrailChanges", "metricNamespace": "CISBenchmark", "metricValue": "1"}
        ],
    )

    scope = collect_scopes(aws, ["logs_metric_filters"], regions=("us-east-1",))["us-east-1"]

    assert scope.logs_metric_filters == [
        MetricFilter(
            name="trail-changes",
            log_group_name="/org/cloudtrail",
            pattern=pattern,
            metrics=[MetricTransformation(namespace="CISBenchmark", name="TrailChanges")],
        )
    ]


def test_denied_reads_are_dataset_errors(aws: boto3.session.Session) -> None:
    pool = FaultyPool(
        aws,
        {"DescribeLogGroups": "AccessDeniedException", "DescribeMetricFilters": "AccessDenied"},
    )

    scope = collect_scopes(
        aws, ["logs_log_groups", "logs_metric_filters"], pool=pool, regions=("us-east-1",)
    )["us-east-1"]

    assert isinstance(scope.logs_log_groups, CollectionError)
    assert scope.logs_log_groups.operation == "DescribeLogGroups"
    assert isinstance(scope.logs_metric_filters, CollectionError)
    assert scope.logs_metric_filters.error_code == "AccessDenied"
