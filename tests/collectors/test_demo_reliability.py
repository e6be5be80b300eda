"""The demo's failover examples under moto, read back by the real collectors: the zone and
capacity checks have a PASS and a FAIL in the sample estate, and the stream trigger keeps its
failed records."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from auditor.checkapi import Check, Scope
from auditor.demo.common import DEMO_REGIONS, trust_policy
from auditor.demo.compute import create_demo_function
from auditor.demo.reliability import seed_reliability
from auditor.findings import Status
from auditor.models import CollectionError, LoadBalancer
from checks.autoscaling import (
    autoscaling_group_capacity_rebalance,
    autoscaling_group_multiple_instance_types,
    autoscaling_group_scaling_policy,
)
from checks.awslambda import lambda_event_source_mapping_failure_handling
from checks.elbv2 import elbv2_load_balancer_cross_zone, elbv2_load_balancer_multi_az

from .conftest import collect_scopes

US, EU = DEMO_REGIONS


@pytest.fixture
def balancers(aws: boto3.session.Session) -> dict[str, dict[str, LoadBalancer]]:
    def client(service: str, region: str) -> Any:
        return aws.client(service, region_name=region)

    # The function the estate's data tier creates, with a role Lambda may assume.
    role = aws.client("iam").create_role(
        RoleName="leaderboard-updater",
        AssumeRolePolicyDocument=trust_policy({"Service": "lambda.amazonaws.com"}),
    )["Role"]["Arn"]
    create_demo_function(client("lambda", US), "leaderboard-updater", "python3.12", role)
    # The launch templates and web tier group the compute estate creates.
    for region, tier in ((US, "lingo-web"), (EU, "lingo-admin")):
        client("ec2", region).create_launch_template(
            LaunchTemplateName=f"{tier}-template",
            LaunchTemplateData={"ImageId": "ami-12345678", "InstanceType": "t3.small"},
        )
    client("autoscaling", US).create_auto_scaling_group(
        AutoScalingGroupName="lingo-web-asg",
        LaunchTemplate={"LaunchTemplateName": "lingo-web-template"},
        MinSize=0,
        MaxSize=4,
        AvailabilityZones=[f"{US}a", f"{US}b"],
    )
    for region in DEMO_REGIONS:
        seed_reliability(client, region)
    scopes = collect_scopes(aws, ["elbv2_load_balancers"], regions=DEMO_REGIONS)
    found: dict[str, dict[str, LoadBalancer]] = {}
    for region in DEMO_REGIONS:
        value = scopes[region].elbv2_load_balancers
        assert isinstance(value, list)
        found[region] = {lb.name: lb for lb in value}
    return found


def test_collector_reads_zones_and_cross_zone_of_network_load_balancers(
    balancers: dict[str, dict[str, LoadBalancer]],
) -> None:
    stream = balancers[US]["lingo-stream"]
    sync = balancers[EU]["lingo-sync"]

    assert (stream.type, sync.type) == ("network", "network")
    assert stream.availability_zones == ["us-east-1a", "us-east-1b"]
    assert sync.availability_zones == ["eu-west-1a"]
    assert not isinstance(stream.attributes, CollectionError)
    assert not isinstance(sync.attributes, CollectionError)
    assert stream.attributes["load_balancing.cross_zone.enabled"] == "true"
    assert sync.attributes.get("load_balancing.cross_zone.enabled", "false") == "false"


@pytest.mark.parametrize("check", [elbv2_load_balancer_multi_az, elbv2_load_balancer_cross_zone])
def test_each_zone_check_passes_in_us_and_fails_in_eu(
    aws: boto3.session.Session,
    balancers: dict[str, dict[str, LoadBalancer]],
    check: Check,
) -> None:
    scopes = collect_scopes(aws, ["elbv2_load_balancers"], regions=DEMO_REGIONS)

    verdicts = {
        region: {
            v.resource.id: v.status
            for v in check.run(Scope(scopes[region], check.metadata.datasets, check.configure()))
        }
        for region in DEMO_REGIONS
    }

    assert verdicts[US]["lingo-stream"] is Status.PASS
    assert verdicts[EU]["lingo-sync"] is Status.FAIL


def test_stream_trigger_comes_back_with_its_failure_handling(
    aws: boto3.session.Session, balancers: dict[str, dict[str, LoadBalancer]]
) -> None:
    check = lambda_event_source_mapping_failure_handling
    scope = collect_scopes(aws, ["lambda_event_source_mappings"], regions=(US,))[US]
    mappings = scope.lambda_event_source_mappings
    assert isinstance(mappings, list)
    [mapping] = mappings

    assert mapping.event_source_arn is not None
    assert mapping.event_source_arn.endswith(":stream/lingo-lesson-events")
    assert mapping.on_failure_destination is not None
    assert mapping.on_failure_destination.endswith(":ops-alerts")
    assert (mapping.maximum_retry_attempts, mapping.bisect_batch_on_function_error) == (3, True)
    [verdict] = check.run(Scope(scope, check.metadata.datasets, check.configure()))
    assert verdict.status is Status.PASS


def _verdicts(aws: boto3.session.Session, check: Check) -> dict[str, dict[str, Status]]:
    scopes = collect_scopes(aws, list(check.metadata.datasets), regions=DEMO_REGIONS)
    return {
        region: {
            v.resource.id: v.status
            for v in check.run(Scope(scopes[region], check.metadata.datasets, check.configure()))
        }
        for region in DEMO_REGIONS
    }


@pytest.mark.parametrize(
    ("check", "passing", "failing"),
    [
        (autoscaling_group_scaling_policy, "lingo-web-asg", "lingo-crawler"),
        (autoscaling_group_capacity_rebalance, "lingo-audio-workers", "lingo-crawler"),
        (autoscaling_group_multiple_instance_types, "lingo-audio-workers", "lingo-crawler"),
    ],
)
def test_each_capacity_check_passes_in_us_and_fails_in_eu(
    aws: boto3.session.Session,
    balancers: dict[str, dict[str, LoadBalancer]],
    check: Check,
    passing: str,
    failing: str,
) -> None:
    verdicts = _verdicts(aws, check)

    assert verdicts[US][passing] is Status.PASS
    assert verdicts[EU][failing] is Status.FAIL
