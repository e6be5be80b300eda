"""CloudWatch collector: metric alarms with their actions and the dimensions they watch."""

from __future__ import annotations

from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import CLOUDWATCH_METRIC_ALARMS
from auditor.models import MetricAlarm


def _dimension_map(dimensions: list[dict[str, Any]]) -> dict[str, str]:
    return {str(d["Name"]): str(d.get("Value", "")) for d in dimensions}


def _watched_metrics(alarm: dict[str, Any]) -> tuple[str | None, list[dict[str, str]]]:
    """The alarm's namespace and one dimension map per metric it reads (metric math included)."""
    if not alarm.get("Metrics"):
        return alarm.get("Namespace"), [_dimension_map(alarm.get("Dimensions", []))]
    namespaces: set[str] = set()
    metrics: list[dict[str, str]] = []
    for query in alarm.get("Metrics", []):
        metric = query.get("MetricStat", {}).get("Metric")
        if metric:
            namespaces.add(metric.get("Namespace", ""))
            metrics.append(_dimension_map(metric.get("Dimensions", [])))
    # A math alarm across namespaces has no single namespace; None means "any".
    namespace = namespaces.pop() if len(namespaces) == 1 else None
    return namespace, metrics


def collect_metric_alarms(ctx: CollectContext) -> list[MetricAlarm]:
    alarms = []
    for a in ctx.paginate(
        "cloudwatch", "DescribeAlarms", "MetricAlarms", AlarmTypes=["MetricAlarm"]
    ):
        namespace, metrics = _watched_metrics(a)
        alarms.append(
            MetricAlarm(
                arn=a["AlarmArn"],
                name=a["AlarmName"],
                namespace=namespace,
                metric_name=a.get("MetricName"),
                dimensions=metrics,
                actions_enabled=bool(a.get("ActionsEnabled", False)),
                alarm_actions=list(a.get("AlarmActions", [])),
                ok_actions=list(a.get("OKActions", [])),
                insufficient_data_actions=list(a.get("InsufficientDataActions", [])),
                state=a.get("StateValue", ""),
            )
        )
    return alarms


METRIC_ALARMS = Collector(
    dataset=CLOUDWATCH_METRIC_ALARMS,
    operations=(Operation("cloudwatch", "DescribeAlarms", "cloudwatch:DescribeAlarms"),),
    collect=collect_metric_alarms,
)
