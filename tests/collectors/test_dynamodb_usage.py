"""The table usage collector: two weeks of consumed capacity per table, from CloudWatch's
GetMetricData, under moto with metrics put by real boto3 calls."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from auditor.models import CollectionError
from auditor.session import ClientPool

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


class _StatusPool(ClientPool):
    """A real pool whose GetMetricData answers carry `status` for the queries of `table`."""

    def __init__(self, session: boto3.session.Session, table: str, status: str) -> None:
        super().__init__(session, None)
        self.table, self.status = table, status

    def paginate(
        self, service: str, region: str, operation: str, params: dict[str, Any]
    ) -> Iterable[dict[str, Any]]:
        pages = super().paginate(service, region, operation, params)
        if operation != "GetMetricData":
            return pages
        ids = {
            q["Id"]
            for q in params["MetricDataQueries"]
            if q["MetricStat"]["Metric"]["Dimensions"][0]["Value"] == self.table
        }
        return self._marked(pages, ids)

    def _marked(self, pages: Iterable[dict[str, Any]], ids: set[str]) -> Iterator[dict[str, Any]]:
        for page in pages:
            if self.status == "NoResult":  # the answer leaves the table's queries out
                page["MetricDataResults"] = [
                    r for r in page["MetricDataResults"] if r["Id"] not in ids
                ]
            for result in page["MetricDataResults"]:
                if result["Id"] in ids:
                    result["StatusCode"] = self.status
                    result["Values"] = []
            yield page


@pytest.mark.parametrize("status", ["Forbidden", "InternalError", "PartialData", "NoResult"])
def test_a_query_answered_without_complete_data_is_a_dataset_error_not_zero_use(
    aws: boto3.session.Session, status: str
) -> None:
    for name in ("lessons", "sessions"):
        _table(aws, name)
    _consumed(aws, "sessions", "ConsumedReadCapacityUnits", 5.0)
    pool = _StatusPool(aws, "sessions", status)

    scope = collect_scopes(aws, ["dynamodb_table_usage"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    error = scope.dynamodb_table_usage
    assert isinstance(error, CollectionError)
    assert (error.service, error.operation, error.error_code, error.resource_id) == (
        "cloudwatch",
        "GetMetricData",
        status,
        "sessions",
    )
    assert f"table sessions was not fully read ({status})" in error.message
    assert scope.errors == [error]
