"""DynamoDB collector: tables joined with their TTL, point-in-time recovery and the
Application Auto Scaling targets and policies on the table and its indexes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from auditor.collectors.arns import arn_of
from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import DYNAMODB_TABLE_USAGE, DYNAMODB_TABLES
from auditor.models import (
    CollectionError,
    DynamoDBTable,
    GlobalSecondaryIndex,
    PointInTimeRecovery,
    ScalableTarget,
    ScalingPolicy,
    TableReplica,
    TableUsage,
    TimeToLive,
)

_AUTOSCALING = "application-autoscaling"


def _scalable_targets_by_table(ctx: CollectContext) -> dict[str, list[ScalableTarget]]:
    """Every DynamoDB scalable target in the region with its policies, keyed by table name."""
    policies: dict[tuple[str, str], list[ScalingPolicy]] = defaultdict(list)
    for p in ctx.paginate(
        _AUTOSCALING, "DescribeScalingPolicies", "ScalingPolicies", ServiceNamespace="dynamodb"
    ):
        policies[(p["ResourceId"], p["ScalableDimension"])].append(
            ScalingPolicy(name=p["PolicyName"], policy_type=p.get("PolicyType", ""))
        )
    by_table: dict[str, list[ScalableTarget]] = defaultdict(list)
    for t in ctx.paginate(
        _AUTOSCALING, "DescribeScalableTargets", "ScalableTargets", ServiceNamespace="dynamodb"
    ):
        resource_id, dimension = t["ResourceId"], t["ScalableDimension"]
        # "table/<name>" or "table/<name>/index/<index>"
        table_name = resource_id.split("/")[1] if resource_id.startswith("table/") else ""
        by_table[table_name].append(
            ScalableTarget(
                resource_id=resource_id,
                scalable_dimension=dimension,
                min_capacity=int(t.get("MinCapacity", 0)),
                max_capacity=int(t.get("MaxCapacity", 0)),
                policies=policies.get((resource_id, dimension), []),
            )
        )
    return by_table


# DynamoDB's answers for a table deleted since ListTables: DescribeTable and DescribeTimeToLive
# say ResourceNotFoundException, DescribeContinuousBackups TableNotFoundException.
_GONE = ("ResourceNotFoundException", "TableNotFoundException")
TABLE_TYPE = "AWS::DynamoDB::Table"


def _time_to_live(ctx: CollectContext, name: str) -> TimeToLive:
    answer = ctx.call("dynamodb", "DescribeTimeToLive", resource_id=name, TableName=name)
    ttl = answer.get("TimeToLiveDescription", {})
    return TimeToLive(
        status=ttl.get("TimeToLiveStatus", "DISABLED"), attribute_name=ttl.get("AttributeName")
    )


def _point_in_time_recovery(ctx: CollectContext, name: str) -> PointInTimeRecovery:
    answer = ctx.call("dynamodb", "DescribeContinuousBackups", resource_id=name, TableName=name)
    pitr = answer.get("ContinuousBackupsDescription", {}).get("PointInTimeRecoveryDescription", {})
    return PointInTimeRecovery(
        status=pitr.get("PointInTimeRecoveryStatus", "DISABLED"),
        recovery_period_days=pitr.get("RecoveryPeriodInDays"),
    )


def _table_arn(ctx: CollectContext, t: Mapping[str, Any], name: str) -> str:
    return arn_of(ctx, t, "TableArn", "dynamodb", f"table/{name}")


def collect_tables(ctx: CollectContext) -> list[DynamoDBTable]:
    names: list[str] = ctx.paginate("dynamodb", "ListTables", "TableNames")
    targets = ctx.attempt(partial(_scalable_targets_by_table, ctx))

    def table(name: str) -> DynamoDBTable:
        t = ctx.call("dynamodb", "DescribeTable", resource_id=name, TableName=name)["Table"]
        throughput = t.get("ProvisionedThroughput", {})
        return DynamoDBTable(
            arn=_table_arn(ctx, t, name),
            name=t.get("TableName", name),
            status=t.get("TableStatus", ""),
            # Tables created before billing modes existed carry no summary: provisioned.
            billing_mode=t.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED"),
            table_class=t.get("TableClassSummary", {}).get("TableClass", "STANDARD"),
            item_count=int(t.get("ItemCount", 0)),
            size_bytes=int(t.get("TableSizeBytes", 0)),
            read_capacity_units=int(throughput.get("ReadCapacityUnits", 0)),
            write_capacity_units=int(throughput.get("WriteCapacityUnits", 0)),
            deletion_protection=bool(t.get("DeletionProtectionEnabled", False)),
            stream_enabled=bool(t.get("StreamSpecification", {}).get("StreamEnabled", False)),
            latest_stream_arn=t.get("LatestStreamArn") or None,
            global_table_version=t.get("GlobalTableVersion") or None,
            replicas=[
                TableReplica(region=r["RegionName"], status=r.get("ReplicaStatus", ""))
                for r in t.get("Replicas", [])
            ],
            global_secondary_indexes=[
                GlobalSecondaryIndex(
                    name=g["IndexName"],
                    read_capacity_units=int(
                        g.get("ProvisionedThroughput", {}).get("ReadCapacityUnits", 0)
                    ),
                    write_capacity_units=int(
                        g.get("ProvisionedThroughput", {}).get("WriteCapacityUnits", 0)
                    ),
                )
                for g in t.get("GlobalSecondaryIndexes", [])
            ],
            # A table deleted after its description was read is unread as a whole, not a TTL or
            # PITR gap beside a judged description.
            ttl=ctx.attempt(partial(_time_to_live, ctx, name), gone=_GONE),
            point_in_time_recovery=ctx.attempt(
                partial(_point_in_time_recovery, ctx, name), gone=_GONE
            ),
            scalable_targets=targets
            if isinstance(targets, CollectionError)
            else targets.get(name, []),
        )

    return ctx.each(
        names,
        table,
        kind=TABLE_TYPE,
        ident=str,
        arn=lambda name: _table_arn(ctx, {}, name),
    )


TABLES = Collector(
    dataset=DYNAMODB_TABLES,
    operations=(
        Operation("dynamodb", "ListTables", "dynamodb:ListTables"),
        Operation("dynamodb", "DescribeTable", "dynamodb:DescribeTable"),
        Operation("dynamodb", "DescribeTimeToLive", "dynamodb:DescribeTimeToLive"),
        Operation("dynamodb", "DescribeContinuousBackups", "dynamodb:DescribeContinuousBackups"),
        Operation(
            _AUTOSCALING,
            "DescribeScalableTargets",
            "application-autoscaling:DescribeScalableTargets",
        ),
        Operation(
            _AUTOSCALING,
            "DescribeScalingPolicies",
            "application-autoscaling:DescribeScalingPolicies",
        ),
    ),
    collect=collect_tables,
)


# The window the capacity-mode check judges: two weeks covers weekday and weekend traffic.
USAGE_DAYS = 14
# GetMetricData takes at most 500 queries a call: two per table.
_TABLES_PER_CALL = 250


def _usage_queries(names: list[str], period: int) -> list[dict[str, Any]]:
    return [
        {
            "Id": f"{kind[0].lower()}{i}",
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/DynamoDB",
                    "MetricName": f"Consumed{kind}CapacityUnits",
                    "Dimensions": [{"Name": "TableName", "Value": name}],
                },
                "Period": period,
                "Stat": "Sum",
            },
            "ReturnData": True,
        }
        for i, name in enumerate(names)
        for kind in ("Read", "Write")
    ]


def _fail_unless_complete(ctx: CollectContext, names: list[str], status: dict[str, str]) -> None:
    """GetMetricData answers a query it could not serve (Forbidden, InternalError, or data still
    PartialData after the last page) with a status and no error: those sums are not zero. A
    query with no result at all is as unknown."""
    for i, name in enumerate(names):
        for key in (f"r{i}", f"w{i}"):
            code = status.get(key, "NoResult")
            if code != "Complete":
                raise ctx.failure(
                    "cloudwatch",
                    "GetMetricData",
                    code or "NoStatusCode",
                    f"Consumed capacity of table {name} was not fully read ({code}).",
                    resource_id=name,
                )


def collect_table_usage(ctx: CollectContext) -> list[TableUsage]:
    names: list[str] = ctx.paginate("dynamodb", "ListTables", "TableNames")
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=USAGE_DAYS)
    period = USAGE_DAYS * 86400
    totals: dict[str, float] = {}
    status: dict[str, str] = {}  # each query's StatusCode on its last page
    for offset in range(0, len(names), _TABLES_PER_CALL):
        batch = names[offset : offset + _TABLES_PER_CALL]
        results = ctx.paginate(
            "cloudwatch",
            "GetMetricData",
            "MetricDataResults",
            MetricDataQueries=_usage_queries(batch, period),
            StartTime=start,
            EndTime=end,
        )
        for result in results:
            # Ids are r<i>/w<i> relative to this batch.
            key = f"{result['Id'][0]}{offset + int(result['Id'][1:])}"
            totals[key] = totals.get(key, 0.0) + float(sum(result.get("Values", [])))
            status[key] = str(result.get("StatusCode", ""))
    _fail_unless_complete(ctx, names, status)
    return [
        TableUsage(
            table_name=name,
            days=USAGE_DAYS,
            consumed_read_units=totals.get(f"r{i}", 0.0),
            consumed_write_units=totals.get(f"w{i}", 0.0),
        )
        for i, name in enumerate(names)
    ]


TABLE_USAGE = Collector(
    dataset=DYNAMODB_TABLE_USAGE,
    operations=(
        Operation("dynamodb", "ListTables", "dynamodb:ListTables"),
        Operation("cloudwatch", "GetMetricData", "cloudwatch:GetMetricData"),
    ),
    collect=collect_table_usage,
)
