"""CloudWatch collector: metric and composite alarms with their actions, the dimensions a metric
alarm watches and a composite's rule, and the account's dashboards with the regions they show."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import CLOUDWATCH_DASHBOARDS, CLOUDWATCH_METRIC_ALARMS
from auditor.models import CollectionError, Dashboard, MetricAlarm


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


def _alarm(a: dict[str, Any], rule: str | None) -> MetricAlarm:
    namespace, metrics = _watched_metrics(a) if rule is None else (None, [])
    return MetricAlarm(
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
        alarm_rule=rule,
    )


def collect_metric_alarms(ctx: CollectContext) -> list[MetricAlarm]:
    """Metric and composite alarms: a metric alarm without actions of its own may page people
    through a composite alarm whose rule names it (how AWS suggests cutting alarm noise)."""
    found = ctx.paginate_keys(
        "cloudwatch",
        "DescribeAlarms",
        ("MetricAlarms", "CompositeAlarms"),
        AlarmTypes=["CompositeAlarm", "MetricAlarm"],
    )
    return [
        *(_alarm(a, None) for a in found["MetricAlarms"]),
        *(_alarm(a, str(a.get("AlarmRule") or "")) for a in found["CompositeAlarms"]),
    ]


METRIC_ALARMS = Collector(
    dataset=CLOUDWATCH_METRIC_ALARMS,
    operations=(Operation("cloudwatch", "DescribeAlarms", "cloudwatch:DescribeAlarms"),),
    collect=collect_metric_alarms,
)


def _body_regions(body: Any) -> list[str]:
    """The regions a dashboard body's widgets name: each widget's properties.region, and the
    region option a metric line may carry as the last element of its array."""
    if not isinstance(body, dict):
        return []
    regions: set[str] = set()
    for widget in body.get("widgets", []):
        properties = widget.get("properties", {}) if isinstance(widget, dict) else {}
        if not isinstance(properties, dict):
            continue
        if isinstance(properties.get("region"), str):
            regions.add(properties["region"])
        for line in properties.get("metrics", []):
            if isinstance(line, list) and line and isinstance(line[-1], dict):
                region = line[-1].get("region")
                if isinstance(region, str):
                    regions.add(region)
    return sorted(regions)


def _dashboard_regions(ctx: CollectContext, name: str) -> list[str]:
    answer = ctx.call("cloudwatch", "GetDashboard", resource_id=name, DashboardName=name)
    try:
        body = json.loads(answer.get("DashboardBody") or "{}")
    except ValueError:
        # Not "shows no region": which regions it shows is unknown.
        raise ctx.failure(
            "cloudwatch",
            "GetDashboard",
            "MalformedDashboardBody",
            f"The body of dashboard {name} is not JSON.",
            resource_id=name,
        ) from None
    return _body_regions(body)


def collect_dashboards(ctx: CollectContext) -> list[Dashboard]:
    """Dashboards are account-wide: one ListDashboards in the account's global region lists
    them all, whatever region they show."""
    dashboards = []
    for d in ctx.paginate("cloudwatch", "ListDashboards", "DashboardEntries"):
        name = d["DashboardName"]
        regions: list[str] | CollectionError = ctx.attempt(partial(_dashboard_regions, ctx, name))
        dashboards.append(Dashboard(arn=d.get("DashboardArn", ""), name=name, regions=regions))
    return dashboards


DASHBOARDS = Collector(
    dataset=CLOUDWATCH_DASHBOARDS,
    operations=(
        Operation("cloudwatch", "ListDashboards", "cloudwatch:ListDashboards"),
        Operation("cloudwatch", "GetDashboard", "cloudwatch:GetDashboard"),
    ),
    collect=collect_dashboards,
)
