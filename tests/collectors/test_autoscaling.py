"""The Auto Scaling collector against moto: zones, health check type and attached load
balancers of each group."""

from __future__ import annotations

import boto3
import pytest

from auditor.models import AutoScalingGroup, CollectionError

from .conftest import FaultyPool, collect_scopes


@pytest.fixture
def asg(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> boto3.session.Session:
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    session: boto3.session.Session = request.getfixturevalue("aws")
    ec2 = session.client("ec2", region_name="us-east-1")
    ec2.create_launch_template(
        LaunchTemplateName="web-template",
        LaunchTemplateData={"ImageId": "ami-12345678", "InstanceType": "t3.micro"},
    )
    return session


def _groups(value: object) -> dict[str, AutoScalingGroup]:
    assert isinstance(value, list)
    return {g.name: g for g in value}


def test_groups_keep_zones_health_checks_and_target_groups(asg: boto3.session.Session) -> None:
    ec2 = asg.client("ec2", region_name="us-east-1")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    elbv2 = asg.client("elbv2", region_name="us-east-1")
    target_group = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    client = asg.client("autoscaling", region_name="us-east-1")
    template = {"LaunchTemplateName": "web-template"}
    client.create_auto_scaling_group(
        AutoScalingGroupName="web",
        LaunchTemplate=template,
        MinSize=0,
        MaxSize=2,
        AvailabilityZones=["us-east-1a", "us-east-1b"],
        HealthCheckType="ELB",
        TargetGroupARNs=[target_group],
    )
    client.create_auto_scaling_group(
        AutoScalingGroupName="batch",
        LaunchTemplate=template,
        MinSize=0,
        MaxSize=1,
        AvailabilityZones=["us-east-1a"],
    )

    groups = _groups(collect_scopes(asg, ["autoscaling_groups"])["us-east-1"].autoscaling_groups)

    web = groups["web"]
    assert web.availability_zones == ["us-east-1a", "us-east-1b"]
    assert web.health_check_type == "ELB"
    assert web.target_group_arns == [target_group]
    assert web.load_balanced
    assert web.arn.endswith(":autoScalingGroupName/web")
    batch = groups["batch"]
    assert (batch.availability_zones, batch.health_check_type) == (["us-east-1a"], "EC2")
    assert not batch.load_balanced


def test_denied_groups_are_a_dataset_error(asg: boto3.session.Session) -> None:
    pool = FaultyPool(asg, {"DescribeAutoScalingGroups": "AccessDenied"})

    scope = collect_scopes(asg, ["autoscaling_groups"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    assert isinstance(scope.autoscaling_groups, CollectionError)
    assert scope.autoscaling_groups.service == "autoscaling"


def test_groups_keep_purchase_options_policies_and_schedules(asg: boto3.session.Session) -> None:
    client = asg.client("autoscaling", region_name="us-east-1")
    client.create_auto_scaling_group(
        AutoScalingGroupName="workers",
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateName": "web-template"},
                "Overrides": [{"InstanceType": "m5.large"}, {"InstanceType": "m6i.large"}],
            },
            "InstancesDistribution": {
                "OnDemandBaseCapacity": 1,
                "OnDemandPercentageAboveBaseCapacity": 25,
            },
        },
        MinSize=0,
        MaxSize=4,
        AvailabilityZones=["us-east-1a"],
        CapacityRebalance=True,
    )
    client.create_auto_scaling_group(
        AutoScalingGroupName="batch",
        LaunchTemplate={"LaunchTemplateName": "web-template"},
        MinSize=0,
        MaxSize=2,
        AvailabilityZones=["us-east-1a"],
    )
    client.put_scaling_policy(
        AutoScalingGroupName="workers",
        PolicyName="cpu50",
        PolicyType="TargetTrackingScaling",
        TargetTrackingConfiguration={
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
            "TargetValue": 50.0,
        },
    )
    client.put_scheduled_update_group_action(
        AutoScalingGroupName="workers",
        ScheduledActionName="nightly-down",
        Recurrence="0 22 * * *",
        DesiredCapacity=0,
    )

    groups = _groups(collect_scopes(asg, ["autoscaling_groups"])["us-east-1"].autoscaling_groups)

    workers = groups["workers"]
    assert (workers.min_size, workers.max_size) == (0, 4)
    assert workers.mixed_instances and workers.capacity_rebalance
    assert (workers.on_demand_base_capacity, workers.on_demand_percentage_above_base) == (1, 25)
    assert workers.launches_spot
    assert workers.instance_types == ["m5.large", "m6i.large"]
    assert workers.scaling_policies == ["cpu50"]
    assert workers.scheduled_actions == ["nightly-down"]
    batch = groups["batch"]
    assert not batch.mixed_instances and not batch.launches_spot
    assert (batch.scaling_policies, batch.scheduled_actions) == ([], [])


def test_denied_policies_are_each_groups_error_not_an_empty_list(
    asg: boto3.session.Session,
) -> None:
    asg.client("autoscaling", region_name="us-east-1").create_auto_scaling_group(
        AutoScalingGroupName="web",
        LaunchTemplate={"LaunchTemplateName": "web-template"},
        MinSize=0,
        MaxSize=2,
        AvailabilityZones=["us-east-1a"],
    )
    pool = FaultyPool(asg, {"DescribePolicies": "AccessDenied"})

    scope = collect_scopes(asg, ["autoscaling_groups"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    [web] = _groups(scope.autoscaling_groups).values()
    assert isinstance(web.scaling_policies, CollectionError)
    assert web.scaling_policies.operation == "DescribePolicies"
    assert web.scheduled_actions == []
    assert [e.operation for e in scope.errors] == ["DescribePolicies"]
