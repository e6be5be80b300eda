"""Seeds the demo's failover examples: load balancers that survive the loss of a zone and
ones that do not, a stream trigger that keeps its failed records, and Auto Scaling groups that
follow the load and replace Spot capacity early (and ones that do not)."""

from __future__ import annotations

from typing import Any

from auditor.demo.common import US, ClientFactory, tags

_CROSS_ZONE = "load_balancing.cross_zone.enabled"


def _zone_subnets(ec2: Any) -> list[str]:
    """One subnet of the default VPC (where the compute estate runs) per zone, zone order."""
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    found = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    return [s["SubnetId"] for s in sorted(found["Subnets"], key=lambda s: s["AvailabilityZone"])]


def _seed_scaling(autoscaling: Any, region: str) -> None:
    """us-east-1: the web group tracks CPU, and the lesson-audio workers run on Spot in two
    zones with two instance types, Capacity Rebalancing and a nightly schedule. eu-west-1: the
    admin group keeps a fixed fleet, and the crawler runs on Spot of one type in one zone with
    AWS's defaults."""
    if region == US:
        autoscaling.put_scaling_policy(
            AutoScalingGroupName="lingo-web-asg",
            PolicyName="cpu-50",
            PolicyType="TargetTrackingScaling",
            TargetTrackingConfiguration={
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "ASGAverageCPUUtilization"
                },
                "TargetValue": 50.0,
            },
        )
    name = "lingo-audio-workers" if region == US else "lingo-crawler"
    types = ["c6i.large", "c5.large"] if region == US else ["c6i.large"]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        MixedInstancesPolicy={
            "LaunchTemplate": {
                # The template the compute estate made for the region's web tier.
                "LaunchTemplateSpecification": {
                    "LaunchTemplateName": "lingo-web-template"
                    if region == US
                    else "lingo-admin-template"
                },
                "Overrides": [{"InstanceType": t} for t in types],
            },
            "InstancesDistribution": {
                "OnDemandBaseCapacity": 0,
                "OnDemandPercentageAboveBaseCapacity": 0,
            },
        },
        MinSize=0,
        MaxSize=6,
        DesiredCapacity=0,
        AvailabilityZones=[f"{region}a", f"{region}b"] if region == US else [f"{region}a"],
        CapacityRebalance=region == US,
    )
    if region == US:
        autoscaling.put_scheduled_update_group_action(
            AutoScalingGroupName=name,
            ScheduledActionName="nightly-scale-in",
            Recurrence="0 23 * * *",
            DesiredCapacity=0,
        )


def seed_reliability(client: ClientFactory, region: str) -> None:
    """Seed one demo region; runs after the rest of that region's estate exists.

    us-east-1: a Network Load Balancer for the lesson stream in two zones with cross-zone
    balancing. eu-west-1: the sync service's Network Load Balancer in one zone, defaults kept.
    """
    _seed_scaling(client("autoscaling", region), region)
    elbv2 = client("elbv2", region)
    subnets = _zone_subnets(client("ec2", region))
    name = "lingo-stream" if region == US else "lingo-sync"
    lb = elbv2.create_load_balancer(
        Name=name,
        Subnets=subnets[:2] if region == US else subnets[:1],
        Scheme="internal",
        Type="network",
        Tags=tags("realtime"),
    )["LoadBalancers"][0]
    if region != US:
        return
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=lb["LoadBalancerArn"], Attributes=[{"Key": _CROSS_ZONE, "Value": "true"}]
    )
    # Lesson events on Kinesis feed the leaderboard; failed batches go to the on-call topic.
    # (The leaderboard's DynamoDB stream trigger keeps AWS's defaults: the failing example.)
    kinesis = client("kinesis", region)
    kinesis.create_stream(StreamName="lingo-lesson-events", ShardCount=1)
    stream = kinesis.describe_stream(StreamName="lingo-lesson-events")["StreamDescription"]
    account = client("sts", region).get_caller_identity()["Account"]
    client("lambda", region).create_event_source_mapping(
        EventSourceArn=stream["StreamARN"],
        FunctionName="leaderboard-updater",
        StartingPosition="LATEST",
        DestinationConfig={
            "OnFailure": {"Destination": f"arn:aws:sns:{region}:{account}:ops-alerts"}
        },
        MaximumRetryAttempts=3,
        BisectBatchOnFunctionError=True,
    )
