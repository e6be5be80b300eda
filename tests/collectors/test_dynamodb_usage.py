"""The table usage collector: two weeks of consumed capacity per table, from CloudWatch's
GetMetricData, under moto with metrics put by real boto3 calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3

from auditor.models import CollectionError

from .conftest import FaultyPool, collect_scopes


def _table(session: boto3.session.Session, name: str) -> None:
    session.client("dynamodb", region_name="us-east-1").create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )


def _consumed(session: boto3.session.Session, table: str, metric: str, per_day: float) -> None:
    now = datetime.now(UTC)
    session.client("cloudwatch", region_name="us-east-1").put_metric_data(
        Namespace="AWS/DynamoDB",
        MetricData=[
            {
                "MetricName": metric,
                "Dimensions": [{"Name": "TableName", "Value": table}],
                "Value": per_day,
                "Timestamp": now - timedelta(days=day, hours=2),
            }
            for day in range(14)
        ],
    )


def test_usage_sums_two_weeks_of_reads_and_writes_per_table(
    aws: boto3.session.Session,
) -> None:
    for name in ("lessons", "sessions"):
        _table(aws, name)
    _consumed(aws, "lessons", "ConsumedReadCapacityUnits", 1_000.0)
    _consumed(aws, "lessons", "ConsumedWriteCapacityUnits", 10.0)

    scope = collect_scopes(aws, ["dynamodb_table_usage"], regions=("us-east-1",))["us-east-1"]

    assert isinstance(scope.dynamodb_table_usage, list)
    usage = {u.table_name: u for u in scope.dynamodb_table_usage}
    assert set(usage) == {"lessons", "sessions"}
    assert usage["lessons"].days == 14
    # 14 daily points; the oldest may fall just outside a window that ends on the hour.
    assert usage["lessons"].consumed_read_units in (13_000.0, 14_000.0)
    assert usage["lessons"].consumed_write_units in (130.0, 140.0)
    assert usage["sessions"].consumed_read_units == 0.0  # no traffic, no datapoints


def test_denied_metric_reads_are_a_dataset_error(aws: boto3.session.Session) -> None:
    _table(aws, "lessons")
    pool = FaultyPool(aws, {"GetMetricData": "AccessDenied"})

    scope = collect_scopes(aws, ["dynamodb_table_usage"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    error = scope.dynamodb_table_usage
    assert isinstance(error, CollectionError)
    assert (error.service, error.operation, error.error_code) == (
        "cloudwatch",
        "GetMetricData",
        "AccessDenied",
    )
