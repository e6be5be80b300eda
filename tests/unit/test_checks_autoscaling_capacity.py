"""The EC2 Auto Scaling capacity checks: scaling policies or schedules, Capacity Rebalancing
for Spot, and more than one instance type."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import (
    ACCOUNT,
    REGION,
    by_resource,
    dataset_denied,
    denied,
    engine_findings,
    run_check,
    scope_snapshot,
)

from auditor.findings import Status
from auditor.models import AutoScalingGroup
from checks.autoscaling import (
    autoscaling_group_capacity_rebalance,
    autoscaling_group_multiple_instance_types,
    autoscaling_group_scaling_policy,
)


def group(name: str, **fields: Any) -> AutoScalingGroup:
    base: dict[str, Any] = {
        "min_size": 1,
        "max_size": 4,
        "scaling_policies": [],
        "scheduled_actions": [],
    }
    return AutoScalingGroup(
        arn=f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:1:autoScalingGroupName/{name}",
        name=name,
        **{**base, **fields},
    )


def groups(*items: AutoScalingGroup) -> Any:
    return scope_snapshot(autoscaling_groups=list(items))


def test_a_policy_or_a_schedule_passes_and_neither_fails() -> None:
    snapshot = groups(
        group("web", scaling_policies=["cpu50"]),
        group("reports", scheduled_actions=["nightly-up", "morning-down"]),
        group("batch"),
    )

    verdicts = by_resource(run_check(autoscaling_group_scaling_policy, snapshot))

    assert verdicts["web"].status is Status.PASS
    assert (
        verdicts["web"].message == "Auto Scaling group web (size 1-4) changes size through cpu50."
    )
    assert verdicts["reports"].status is Status.PASS
    assert verdicts["reports"].evidence == {
        "scaling_policies": [],
        "scheduled_actions": ["nightly-up", "morning-down"],
    }
    assert verdicts["batch"].status is Status.FAIL
    assert "no enabled scaling policy and no scheduled action" in verdicts["batch"].message


def test_a_fixed_size_group_is_not_judged_for_scaling() -> None:
    verdicts = run_check(
        autoscaling_group_scaling_policy, groups(group("bastion", min_size=1, max_size=1))
    )

    assert verdicts == []


def test_unreadable_policies_are_that_groups_error_unless_a_schedule_decides() -> None:
    refused = denied("autoscaling", "DescribePolicies", "web")
    snapshot = groups(
        group("web", scaling_policies=refused),
        group("reports", scaling_policies=refused, scheduled_actions=["nightly-up"]),
    )

    verdicts = by_resource(run_check(autoscaling_group_scaling_policy, snapshot))

    assert verdicts["web"].status is Status.ERROR
    assert verdicts["web"].evidence == {
        "operation": "DescribePolicies",
        "error_code": "AccessDeniedException",
    }
    assert verdicts["reports"].status is Status.PASS


def test_a_snapshot_without_scheduled_actions_is_an_error_not_a_fail() -> None:
    [verdict] = run_check(
        autoscaling_group_scaling_policy, groups(group("web", scheduled_actions=None))
    )

    assert verdict.status is Status.ERROR
    assert verdict.evidence == {
        "operation": "DescribeScheduledActions",
        "error_code": "NotCollected",
    }


SPOT = {"mixed_instances": True, "on_demand_percentage_above_base": 20}


def test_spot_groups_need_capacity_rebalancing_and_on_demand_ones_are_not_judged() -> None:
    snapshot = groups(
        group("workers", capacity_rebalance=True, **SPOT),
        group("crawler", on_demand_base_capacity=1, **SPOT),
        group("web", mixed_instances=True, on_demand_percentage_above_base=100),
        group("api"),
    )

    verdicts = by_resource(run_check(autoscaling_group_capacity_rebalance, snapshot))

    assert set(verdicts) == {"workers", "crawler"}
    assert verdicts["workers"].status is Status.PASS
    assert verdicts["crawler"].status is Status.FAIL
    assert verdicts["crawler"].message == (
        "Auto Scaling group crawler (Spot for 80 % above an On-Demand base of 1) waits for Spot "
        "interruptions before replacing instances (Capacity Rebalancing off)."
    )
    assert verdicts["crawler"].evidence == {
        "capacity_rebalance": False,
        "on_demand_percentage_above_base": 20,
    }


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"mixed_instances": True, "instance_types": ["m5.large", "m6i.large"]}, Status.PASS),
        ({"mixed_instances": True, "attribute_based_types": True}, Status.PASS),
        ({"mixed_instances": True, "instance_types": ["m5.large"]}, Status.FAIL),
        ({}, Status.FAIL),
    ],
)
def test_more_than_one_instance_type_passes(fields: dict[str, Any], status: Status) -> None:
    [verdict] = run_check(autoscaling_group_multiple_instance_types, groups(group("web", **fields)))

    assert verdict.status is status


def test_a_single_type_group_names_its_type() -> None:
    [verdict] = run_check(
        autoscaling_group_multiple_instance_types,
        groups(group("web", mixed_instances=True, instance_types=["m5.large"])),
    )

    assert verdict.message == "Auto Scaling group web launches a single instance type (m5.large)."
    assert verdict.evidence == {"instance_types": ["m5.large"], "attribute_based": False}


@pytest.mark.parametrize(
    "check",
    [
        autoscaling_group_scaling_policy,
        autoscaling_group_capacity_rebalance,
        autoscaling_group_multiple_instance_types,
    ],
)
def test_capacity_checks_error_when_groups_cannot_be_read(check: Any) -> None:
    [finding] = engine_findings(
        check,
        scope_snapshot(
            autoscaling_groups=dataset_denied("autoscaling", "DescribeAutoScalingGroups")
        ),
    )

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeAutoScalingGroups"
