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
