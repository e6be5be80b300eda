"""EC2 Auto Scaling collector: groups with their zones, health check type, load balancers,
purchase options, and the scaling policies and scheduled actions that change their size."""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import AUTOSCALING_GROUPS
from auditor.models import AutoScalingGroup, CollectionError

_SERVICE = "autoscaling"
_GROUP_TYPE = "AWS::AutoScaling::AutoScalingGroup"  # an unreadable entry is that group's ERROR


def _names_by_group(
    ctx: CollectContext, operation: str, result_key: str, name_key: str
) -> dict[str, list[str]]:
    """One region-wide read (no group filter) instead of one per group."""
    found: dict[str, list[str]] = defaultdict(list)
    for item in ctx.paginate(_SERVICE, operation, result_key):
        if item.get("Enabled", True):  # a disabled scaling policy changes nothing
            found[item["AutoScalingGroupName"]].append(item[name_key])
    return found


def _of_group(
    found: dict[str, list[str]] | CollectionError, name: str
) -> list[str] | CollectionError:
    return found if isinstance(found, CollectionError) else sorted(found.get(name, []))


def _group(
    g: dict[str, Any],
    policies: dict[str, list[str]] | CollectionError,
    schedules: dict[str, list[str]] | CollectionError,
) -> AutoScalingGroup:
    mixed = g.get("MixedInstancesPolicy")
    distribution = (mixed or {}).get("InstancesDistribution", {})
    overrides = (mixed or {}).get("LaunchTemplate", {}).get("Overrides", [])
    name = g["AutoScalingGroupName"]
    return AutoScalingGroup(
        arn=g["AutoScalingGroupARN"],
        name=name,
        availability_zones=sorted(g.get("AvailabilityZones", [])),
        health_check_type=g.get("HealthCheckType", "EC2"),
        load_balancer_names=list(g.get("LoadBalancerNames", [])),
        target_group_arns=list(g.get("TargetGroupARNs", [])),
        traffic_sources=[
            str(t["Identifier"]) for t in g.get("TrafficSources", []) if "Identifier" in t
        ],
        min_size=int(g.get("MinSize", 0)),
        max_size=int(g.get("MaxSize", 0)),
        capacity_rebalance=bool(g.get("CapacityRebalance", False)),
        mixed_instances=mixed is not None,
        on_demand_base_capacity=int(distribution.get("OnDemandBaseCapacity", 0)),
        on_demand_percentage_above_base=int(
            distribution.get("OnDemandPercentageAboveBaseCapacity", 100)
        ),
        instance_types=sorted({o["InstanceType"] for o in overrides if "InstanceType" in o}),
        attribute_based_types=any("InstanceRequirements" in o for o in overrides),
        scaling_policies=_of_group(policies, name),
        scheduled_actions=_of_group(schedules, name),
    )


def collect_groups(ctx: CollectContext) -> list[AutoScalingGroup]:
    groups = ctx.paginate(_SERVICE, "DescribeAutoScalingGroups", "AutoScalingGroups")
    policies = ctx.attempt(
        partial(_names_by_group, ctx, "DescribePolicies", "ScalingPolicies", "PolicyName")
    )
    schedules = ctx.attempt(
        partial(
            _names_by_group,
            ctx,
            "DescribeScheduledActions",
            "ScheduledUpdateGroupActions",
            "ScheduledActionName",
        )
    )
    return ctx.each(
        groups,
        partial(_group, policies=policies, schedules=schedules),
        kind=_GROUP_TYPE,
        ident=lambda g: g["AutoScalingGroupName"],
        arn=lambda g: g.get("AutoScalingGroupARN"),
    )


GROUPS = Collector(
    dataset=AUTOSCALING_GROUPS,
    operations=(
        Operation(_SERVICE, "DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingGroups"),
        Operation(_SERVICE, "DescribePolicies", "autoscaling:DescribePolicies"),
        Operation(_SERVICE, "DescribeScheduledActions", "autoscaling:DescribeScheduledActions"),
    ),
    collect=collect_groups,
)
