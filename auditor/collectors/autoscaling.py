"""EC2 Auto Scaling collector: groups with their zones, health check type and load balancers."""

from __future__ import annotations

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import AUTOSCALING_GROUPS
from auditor.models import AutoScalingGroup

_SERVICE = "autoscaling"


def collect_groups(ctx: CollectContext) -> list[AutoScalingGroup]:
    return [
        AutoScalingGroup(
            arn=g["AutoScalingGroupARN"],
            name=g["AutoScalingGroupName"],
            availability_zones=sorted(g.get("AvailabilityZones", [])),
            health_check_type=g.get("HealthCheckType", "EC2"),
            load_balancer_names=list(g.get("LoadBalancerNames", [])),
            target_group_arns=list(g.get("TargetGroupARNs", [])),
            traffic_sources=[
                str(t["Identifier"]) for t in g.get("TrafficSources", []) if "Identifier" in t
            ],
        )
        for g in ctx.paginate(_SERVICE, "DescribeAutoScalingGroups", "AutoScalingGroups")
    ]


GROUPS = Collector(
    dataset=AUTOSCALING_GROUPS,
    operations=(
        Operation(_SERVICE, "DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingGroups"),
    ),
    collect=collect_groups,
)
