"""The EC2 Auto Scaling checks (multiple Availability Zones, ELB health checks)."""

from __future__ import annotations

from typing import Any

from conftest import (
    ACCOUNT,
    REGION,
    by_resource,
    dataset_denied,
    engine_findings,
    run_check,
    scope_snapshot,
)

from auditor.findings import Status
from auditor.models import AutoScalingGroup
from checks.autoscaling import autoscaling_group_elb_health_check, autoscaling_group_multi_az

TARGET_GROUP = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/web/1"


def group(
    name: str, zones: tuple[str, ...] = (f"{REGION}a", f"{REGION}b"), **fields: Any
) -> AutoScalingGroup:
    return AutoScalingGroup(
        arn=f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:1:autoScalingGroupName/{name}",
        name=name,
        availability_zones=list(zones),
        **fields,
    )


def groups(*items: AutoScalingGroup) -> Any:
    return scope_snapshot(autoscaling_groups=list(items))


def test_two_zones_pass_one_zone_fails() -> None:
    verdicts = by_resource(
        run_check(autoscaling_group_multi_az, groups(group("web"), group("batch", (f"{REGION}a",))))
    )

    assert verdicts["web"].status is Status.PASS
    assert verdicts["web"].resource.type == "AWS::AutoScaling::AutoScalingGroup"
    assert verdicts["batch"].status is Status.FAIL
    assert verdicts["batch"].message == (
        "Auto Scaling group batch spans 1 Availability Zone(s) (eu-west-1a), fewer than 2."
    )
    assert verdicts["batch"].evidence == {"availability_zones": ["eu-west-1a"]}


def test_minimum_zones_is_a_parameter() -> None:
    [verdict] = run_check(autoscaling_group_multi_az, groups(group("web")), minimum=3)

    assert verdict.status is Status.FAIL


def test_multi_az_error_when_groups_cannot_be_read() -> None:
    [finding] = engine_findings(
        autoscaling_group_multi_az,
        scope_snapshot(
            autoscaling_groups=dataset_denied("autoscaling", "DescribeAutoScalingGroups")
        ),
    )

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeAutoScalingGroups"


def test_load_balanced_groups_need_elb_health_checks_and_others_are_not_judged() -> None:
    snapshot = groups(
        group("web", health_check_type="ELB", target_group_arns=[TARGET_GROUP]),
        group("api", health_check_type="EC2", load_balancer_names=["classic-api"]),
        group("workers", health_check_type="EC2"),
    )

    verdicts = by_resource(run_check(autoscaling_group_elb_health_check, snapshot))

    assert set(verdicts) == {"web", "api"}
    assert verdicts["web"].status is Status.PASS
    assert verdicts["web"].evidence == {
        "health_check_type": "ELB",
        "load_balancers": [TARGET_GROUP],
    }
    assert verdicts["api"].status is Status.FAIL
    assert "checks only EC2 health" in verdicts["api"].message


def test_elb_health_check_error_when_groups_cannot_be_read() -> None:
    [finding] = engine_findings(
        autoscaling_group_elb_health_check,
        scope_snapshot(
            autoscaling_groups=dataset_denied("autoscaling", "DescribeAutoScalingGroups")
        ),
    )

    assert finding.status is Status.ERROR
    assert finding.evidence == {
        "operation": "DescribeAutoScalingGroups",
        "error_code": "AccessDenied",
    }
