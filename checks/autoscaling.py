"""EC2 Auto Scaling checks: groups span Availability Zones, trust their load balancer's health
checks, change size with the load, replace Spot capacity early and launch more than one instance
type."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field, JsonValue

from auditor.checkapi import CheckParameters, Scope, Verdict, check, failed, passed, unreadable
from auditor.datasets import AUTOSCALING_GROUPS
from auditor.findings import Remediation, ResourceRef, Severity
from auditor.models import AutoScalingGroup, CollectionError
from checks.verdicts import flag_verdict, not_collected

_GROUP_TYPE = "AWS::AutoScaling::AutoScalingGroup"
_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/autoscaling-controls.html"
_GUIDE = "https://docs.aws.amazon.com/autoscaling/ec2/userguide"
_CONFIG_RULES = "https://docs.aws.amazon.com/config/latest/developerguide"


def group_ref(group: AutoScalingGroup) -> ResourceRef:
    return ResourceRef(arn=group.arn, id=group.name, type=_GROUP_TYPE)


class MinimumZones(CheckParameters):
    minimum: int = Field(default=2, ge=2, le=6, description="Availability Zones a group spans.")


# MEDIUM, as Security Hub rates AutoScaling.2.
@check(
    id="autoscaling_group_multi_az",
    title="Auto Scaling groups span at least two Availability Zones",
    service="autoscaling",
    severity=Severity.MEDIUM,
    resource_type=_GROUP_TYPE,
    datasets=[AUTOSCALING_GROUPS],
    parameters=MinimumZones,
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "Auto Scaling group across two Availability Zones): when one zone fails, the group "
        "launches replacement instances in the others; a single-zone group has nowhere to go."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Auto Scaling groups > select the group > Details > Network > Edit > "
            "add subnets in other Availability Zones > Update."
        ),
        cli=(
            "aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> "
            '--vpc-zone-identifier "<subnet-az-a>,<subnet-az-b>"'
        ),
        terraform=(
            "aws_autoscaling_group: vpc_zone_identifier = [subnets in two or more Availability "
            "Zones]"
        ),
    ),
    references=[
        f"{_CONTROLS}#autoscaling-2",
        f"{_CONFIG_RULES}/autoscaling-multiple-az.html",
        f"{_GUIDE}/as-add-availability-zone.html",
    ],
    compliance={"fsbp": ["AutoScaling.2"], "wa-rel": ["REL10-BP01"]},
)
def autoscaling_group_multi_az(scope: Scope) -> Iterable[Verdict]:
    minimum = scope.parameters(MinimumZones).minimum
    for group in scope.get(AUTOSCALING_GROUPS):
        zones = group.availability_zones
        name = f"Auto Scaling group {group.name}"
        spread = f"{len(zones)} Availability Zone(s) ({', '.join(zones) or 'none'})"
        verdict = passed if len(zones) >= minimum else failed
        yield verdict(
            group_ref(group),
            f"{name} spans {spread}" + ("." if verdict is passed else f", fewer than {minimum}."),
            availability_zones=list(zones),
        )


# LOW, as Security Hub rates AutoScaling.1.
@check(
    id="autoscaling_group_elb_health_check",
    title="Load-balanced Auto Scaling groups use ELB health checks",
    service="autoscaling",
    severity=Severity.LOW,
    resource_type=_GROUP_TYPE,
    datasets=[AUTOSCALING_GROUPS],
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's ALB "
        "and Auto Scaling group): with ELB health checks the group replaces an instance that "
        "fails the load balancer's application check, not only one whose hardware fails."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Auto Scaling groups > select the group > Details > Health checks > "
            "Edit > turn on Elastic Load Balancing health checks > Update."
        ),
        cli=(
            "aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> "
            "--health-check-type ELB --health-check-grace-period 300"
        ),
        terraform='aws_autoscaling_group: health_check_type = "ELB"',
    ),
    references=[
        f"{_CONTROLS}#autoscaling-1",
        f"{_CONFIG_RULES}/autoscaling-group-elb-healthcheck-required.html",
        f"{_GUIDE}/as-add-elb-healthcheck.html",
    ],
    compliance={"fsbp": ["AutoScaling.1"], "wa-rel": ["REL11-BP01", "REL11-BP03"]},
)
def autoscaling_group_elb_health_check(scope: Scope) -> Iterable[Verdict]:
    """Only groups attached to a load balancer (classic, target group or traffic source) are
    judged, as AutoScaling.1 does; a group without one has no load balancer to ask."""
    for group in scope.get(AUTOSCALING_GROUPS):
        if not group.load_balanced:
            continue
        kinds = [k.strip().upper() for k in group.health_check_type.split(",")]
        name = f"Auto Scaling group {group.name}"
        sources = [*group.load_balancer_names, *group.target_group_arns, *group.traffic_sources]
        if "ELB" in kinds:
            yield passed(
                group_ref(group),
                f"{name} uses its load balancer's health checks.",
                health_check_type=group.health_check_type,
                load_balancers=list(dict.fromkeys(sources)),
            )
        else:
            yield failed(
                group_ref(group),
                f"{name} sits behind a load balancer but checks only {group.health_check_type} "
                "health, so instances failing the application check stay in service.",
                health_check_type=group.health_check_type,
                load_balancers=list(dict.fromkeys(sources)),
            )


def _unread(
    scope: Scope, group: AutoScalingGroup, value: list[str] | CollectionError | None, op: str
) -> CollectionError | None:
    if isinstance(value, CollectionError):
        return value
    if value is None:
        return not_collected(scope, "autoscaling", op, group.name)
    return None


@check(
    id="autoscaling_group_scaling_policy",
    title="Auto Scaling groups that can change size have a scaling policy or scheduled action",
    service="autoscaling",
    severity=Severity.MEDIUM,
    resource_type=_GROUP_TYPE,
    datasets=[AUTOSCALING_GROUPS],
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "scale-up and scale-down policies): a group with room between its minimum and maximum "
        "but no enabled scaling policy and no scheduled action stays at its desired capacity "
        "whatever the load, so a traffic peak meets a fixed fleet."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Auto Scaling groups > select the group > Automatic scaling > Create "
            "dynamic scaling policy (target tracking, e.g. average CPU 50 %), or Scheduled "
            "actions > Create scheduled action."
        ),
        cli=(
            "aws autoscaling put-scaling-policy --auto-scaling-group-name <group> "
            "--policy-name cpu50 --policy-type TargetTrackingScaling "
            '--target-tracking-configuration \'{"PredefinedMetricSpecification":'
            '{"PredefinedMetricType":"ASGAverageCPUUtilization"},"TargetValue":50}\''
        ),
        terraform=(
            'aws_autoscaling_policy: policy_type = "TargetTrackingScaling", '
            "target_tracking_configuration { predefined_metric_specification { "
            'predefined_metric_type = "ASGAverageCPUUtilization" } target_value = 50 }'
        ),
    ),
    references=[
        f"{_GUIDE}/scale-your-group.html",
        f"{_GUIDE}/as-scaling-target-tracking.html",
        f"{_GUIDE}/ec2-auto-scaling-scheduled-scaling.html",
        "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/"
        "rel_adapt_to_changes_proactive_adapt_auto.html",
    ],
    compliance={"wa-rel": ["REL07-BP01", "REL07-BP03"], "wa-cost": ["COST09-BP03"]},
)
def autoscaling_group_scaling_policy(scope: Scope) -> Iterable[Verdict]:
    """A group whose maximum is its minimum is fixed-size by design (a self-healing singleton):
    no policy could change it, so it is not judged. Either kind of scaling passes."""
    for group in scope.get(AUTOSCALING_GROUPS):
        if group.max_size <= group.min_size:
            continue
        ref = group_ref(group)
        policies, schedules = group.scaling_policies, group.scheduled_actions
        read_policies: list[JsonValue] | None = (
            list(policies) if isinstance(policies, list) else None
        )
        read_schedules: list[JsonValue] | None = (
            list(schedules) if isinstance(schedules, list) else None
        )
        found = [str(n) for n in [*(read_policies or []), *(read_schedules or [])]]
        name = f"Auto Scaling group {group.name} (size {group.min_size}-{group.max_size})"
        if found:
            yield passed(
                ref,
                f"{name} changes size through {', '.join(found)}.",
                scaling_policies=read_policies,
                scheduled_actions=read_schedules,
            )
            continue
        error = _unread(scope, group, policies, "DescribePolicies") or _unread(
            scope, group, schedules, "DescribeScheduledActions"
        )
        if error is not None:
            yield unreadable(ref, error)
            continue
        yield failed(
            ref,
            f"{name} has no enabled scaling policy and no scheduled action, so it stays at its "
            "desired capacity whatever the load.",
            scaling_policies=[],
            scheduled_actions=[],
        )


# LOW: a missed rebalance recommendation costs an interruption the group then replaces.
@check(
    id="autoscaling_group_capacity_rebalance",
    title="Auto Scaling groups that run Spot Instances use Capacity Rebalancing",
    service="autoscaling",
    severity=Severity.LOW,
    resource_type=_GROUP_TYPE,
    datasets=[AUTOSCALING_GROUPS],
    rationale=(
        "Study materials (Compute, integration and network: Auto Scaling groups that survive "
        "the loss of capacity): with Capacity Rebalancing a group launches a replacement as soon "
        "as EC2 signals a Spot Instance's elevated risk of interruption, instead of after the "
        "two-minute interruption notice has already taken the capacity away."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Auto Scaling groups > select the group > Details > Allocation "
            "strategies > Edit > turn on Capacity rebalance > Update."
        ),
        cli=(
            "aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> "
            "--capacity-rebalance"
        ),
        terraform="aws_autoscaling_group: capacity_rebalance = true",
    ),
    references=[
        f"{_GUIDE}/ec2-auto-scaling-capacity-rebalancing.html",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/rebalance-recommendations.html",
    ],
    compliance={"wa-rel": ["REL11-BP03"]},
)
def autoscaling_group_capacity_rebalance(scope: Scope) -> Iterable[Verdict]:
    """Only groups whose mixed instances policy leaves room for Spot are judged; an On-Demand
    group gets no rebalance recommendations to act on."""
    for group in scope.get(AUTOSCALING_GROUPS):
        if not group.launches_spot:
            continue
        spot = 100 - group.on_demand_percentage_above_base
        yield flag_verdict(
            group_ref(group),
            f"Auto Scaling group {group.name} (Spot for {spot} % above an On-Demand base of "
            f"{group.on_demand_base_capacity})",
            group.capacity_rebalance,
            "replaces Spot Instances at risk of interruption early (Capacity Rebalancing on)",
            "waits for Spot interruptions before replacing instances (Capacity Rebalancing off)",
            capacity_rebalance=group.capacity_rebalance,
            on_demand_percentage_above_base=group.on_demand_percentage_above_base,
        )


# MEDIUM, as Security Hub rates AutoScaling.6.
@check(
    id="autoscaling_group_multiple_instance_types",
    title="Auto Scaling groups can launch more than one instance type",
    service="autoscaling",
    severity=Severity.MEDIUM,
    resource_type=_GROUP_TYPE,
    datasets=[AUTOSCALING_GROUPS],
    rationale=(
        "Study materials (Compute, integration and network: Auto Scaling groups across "
        "Availability Zones): a zone that runs out of one instance type still has others; a "
        "group limited to one type cannot launch there until that capacity returns."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Auto Scaling groups > select the group > Details > Instance type "
            "requirements > Edit > Override launch template > add instance types (or specify "
            "instance attributes) > Update."
        ),
        cli=(
            "aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> "
            '--mixed-instances-policy \'{"LaunchTemplate":{"LaunchTemplateSpecification":'
            '{"LaunchTemplateName":"<template>"},"Overrides":[{"InstanceType":'
            '"m6i.large"},{"InstanceType":"m5.large"}]}}\''
        ),
        terraform=(
            "aws_autoscaling_group: mixed_instances_policy { launch_template { "
            'launch_template_specification { ... } override { instance_type = "m6i.large" } '
            'override { instance_type = "m5.large" } } }'
        ),
    ),
    references=[
        f"{_CONTROLS}#autoscaling-6",
        f"{_CONFIG_RULES}/autoscaling-multiple-instance-types.html",
        f"{_GUIDE}/ec2-auto-scaling-mixed-instances-groups.html",
    ],
    compliance={"fsbp": ["AutoScaling.6"], "wa-rel": ["REL10-BP01"]},
)
def autoscaling_group_multiple_instance_types(scope: Scope) -> Iterable[Verdict]:
    """Instance types named in the overrides, or chosen by attributes, count; a group without a
    mixed instances policy launches the one type of its launch template or configuration."""
    for group in scope.get(AUTOSCALING_GROUPS):
        name = f"Auto Scaling group {group.name}"
        if group.attribute_based_types:
            yield passed(
                group_ref(group),
                f"{name} chooses instance types by attributes.",
                instance_types=list(group.instance_types),
                attribute_based=True,
            )
            continue
        types = group.instance_types
        many = len(types) >= 2
        yield (passed if many else failed)(
            group_ref(group),
            f"{name} can launch {', '.join(types)}."
            if many
            else f"{name} launches a single instance type "
            f"({types[0] if types else 'that of its launch template or configuration'}).",
            instance_types=list(types),
            attribute_based=False,
        )
