"""EC2 Auto Scaling checks: groups span Availability Zones and trust their load balancer's
health checks."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from auditor.checkapi import CheckParameters, Scope, Verdict, check, failed, passed
from auditor.datasets import AUTOSCALING_GROUPS
from auditor.findings import Remediation, ResourceRef, Severity
from auditor.models import AutoScalingGroup

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
