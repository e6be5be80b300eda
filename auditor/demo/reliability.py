"""Seeds the demo's failover examples: load balancers that survive the loss of a zone and
ones that do not, and a stream trigger that keeps its failed records."""

from __future__ import annotations

from typing import Any

from auditor.demo.common import US, ClientFactory, tags

_CROSS_ZONE = "load_balancing.cross_zone.enabled"


def _zone_subnets(ec2: Any) -> list[str]:
    """One subnet of the default VPC (where the compute estate runs) per zone, zone order."""
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    found = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    return [s["SubnetId"] for s in sorted(found["Subnets"], key=lambda s: s["AvailabilityZone"])]


def seed_reliability(client: ClientFactory, region: str) -> None:
    """Seed one demo region; runs after the rest of that region's estate exists.

    us-east-1: a Network Load Balancer for the lesson stream in two zones with cross-zone
    balancing. eu-west-1: the sync service's Network Load Balancer in one zone, defaults kept.
    """
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
