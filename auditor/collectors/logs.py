"""CloudWatch Logs collector: log groups with their retention and encryption, and the metric
filters that turn log events (CloudTrail's, say) into metrics an alarm can watch."""

from __future__ import annotations

from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import LOGS_LOG_GROUPS, LOGS_METRIC_FILTERS
from auditor.models import LogGroup, MetricFilter, MetricTransformation

_SERVICE = "logs"


def _group_arn(group: dict[str, Any]) -> str:
    """logGroupArn where the API gives it; else `arn` without its trailing ":*"."""
    arn = str(group.get("logGroupArn") or group.get("arn", ""))
    return arn[:-2] if arn.endswith(":*") else arn


def _log_group(g: dict[str, Any]) -> LogGroup:
    return LogGroup(
        arn=_group_arn(g),
        name=g["logGroupName"],
        retention_days=g.get("retentionInDays"),
        kms_key_id=g.get("kmsKeyId") or None,
        stored_bytes=int(g.get("storedBytes", 0)),
    )


def collect_log_groups(ctx: CollectContext) -> list[LogGroup]:
    return ctx.each(
        ctx.paginate(_SERVICE, "DescribeLogGroups", "logGroups"),
        _log_group,
        kind="AWS::Logs::LogGroup",  # an entry that cannot be read is that group's ERROR
        ident=lambda g: g["logGroupName"],
        arn=lambda g: _group_arn(g) or None,
    )


def _transformations(items: list[dict[str, Any]]) -> list[MetricTransformation]:
    return [
        MetricTransformation(namespace=m.get("metricNamespace", ""), name=m.get("metricName", ""))
        for m in items
    ]


def collect_metric_filters(ctx: CollectContext) -> list[MetricFilter]:
    return [
        MetricFilter(
            name=f["filterName"],
            log_group_name=f.get("logGroupName", ""),
            pattern=f.get("filterPattern", ""),
            metrics=_transformations(f.get("metricTransformations", [])),
        )
        for f in ctx.paginate(_SERVICE, "DescribeMetricFilters", "metricFilters")
    ]


LOG_GROUPS = Collector(
    dataset=LOGS_LOG_GROUPS,
    operations=(Operation(_SERVICE, "DescribeLogGroups", "logs:DescribeLogGroups"),),
    collect=collect_log_groups,
)

METRIC_FILTERS = Collector(
    dataset=LOGS_METRIC_FILTERS,
    operations=(Operation(_SERVICE, "DescribeMetricFilters", "logs:DescribeMetricFilters"),),
    collect=collect_metric_filters,
)
