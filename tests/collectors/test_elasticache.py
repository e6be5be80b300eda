"""The ElastiCache collectors against moto (replication groups and cache clusters), and botocore's
Stubber where moto leaves fields out; a denied list is an error, never an empty one."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from auditor.collectors.base import CollectContext
from auditor.collectors.elasticache import CACHE_CLUSTERS, collect_cache_clusters
from auditor.models import CollectionError, ElastiCacheCluster, ElastiCacheReplicationGroup

from .conftest import ACCOUNT, FaultyPool, collect_scopes

US = ("us-east-1",)


def _groups(value: object) -> dict[str, ElastiCacheReplicationGroup]:
    assert isinstance(value, list)
    return {g.id: g for g in value}


def _clusters(value: object) -> dict[str, ElastiCacheCluster]:
    assert isinstance(value, list)
    return {c.id: c for c in value}


def test_replication_groups_keep_failover_encryption_and_backups(
    aws: boto3.session.Session,
) -> None:
    ec = aws.client("elasticache", region_name="us-east-1")
    ec.create_replication_group(
        ReplicationGroupId="sessions",
        ReplicationGroupDescription="user sessions",
        Engine="redis",
        CacheNodeType="cache.r6g.large",
        NumCacheClusters=2,
        AutomaticFailoverEnabled=True,
        MultiAZEnabled=True,
        AtRestEncryptionEnabled=True,
        TransitEncryptionEnabled=True,
        SnapshotRetentionLimit=7,
    )
    ec.create_replication_group(
        ReplicationGroupId="rate-limit",
        ReplicationGroupDescription="counters",
        Engine="redis",
        CacheNodeType="cache.t3.small",
        NumCacheClusters=1,
    )

    groups = _groups(
        collect_scopes(aws, ["elasticache_replication_groups"], regions=US)[
            "us-east-1"
        ].elasticache_replication_groups
    )

    sessions = groups["sessions"]
    assert sessions.arn == f"arn:aws:elasticache:us-east-1:{ACCOUNT}:replicationgroup:sessions"
    assert (sessions.automatic_failover, sessions.multi_az) == ("enabled", "enabled")
    assert (sessions.at_rest_encryption, sessions.transit_encryption) == (True, True)
    assert sessions.snapshot_retention_limit == 7
    limit = groups["rate-limit"]
    assert (limit.automatic_failover, limit.at_rest_encryption, limit.transit_encryption) == (
        "disabled",
        False,
        False,
    )
    assert limit.snapshot_retention_limit == 0


def test_cache_clusters_keep_engine_upgrades_and_backups(aws: boto3.session.Session) -> None:
    ec = aws.client("elasticache", region_name="us-east-1")
    ec.create_cache_cluster(
        CacheClusterId="leaderboard",
        Engine="redis",
        CacheNodeType="cache.t3.small",
        NumCacheNodes=1,
        AutoMinorVersionUpgrade=True,
        SnapshotRetentionLimit=3,
    )
    ec.create_cache_cluster(
        CacheClusterId="memo", Engine="memcached", CacheNodeType="cache.t3.small", NumCacheNodes=2
    )

    clusters = _clusters(
        collect_scopes(aws, ["elasticache_cache_clusters"], regions=US)[
            "us-east-1"
        ].elasticache_cache_clusters
    )

    board = clusters["leaderboard"]
    assert board.arn == f"arn:aws:elasticache:us-east-1:{ACCOUNT}:cluster:leaderboard"
    assert (board.engine, board.auto_minor_version_upgrade, board.snapshot_retention_limit) == (
        "redis",
        True,
        3,
    )
    assert board.replication_group_id is None
    assert clusters["memo"].engine == "memcached"


class _StubbedCaller:
    """Answers through a real client whose responses botocore's Stubber supplies."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def call(self, service: str, region: str, operation: str, params: dict[str, Any]) -> Any:
        raise AssertionError("not used")

    def paginate(self, service: str, region: str, operation: str, params: dict[str, Any]) -> Any:
        return self.client.get_paginator("describe_cache_clusters").paginate(**params)

    def error_from(self, exc: Exception, **where: Any) -> CollectionError | None:
        return None


def test_cache_cluster_security_groups_and_subnet_group_are_read() -> None:
    # moto's DescribeCacheClusters leaves out SecurityGroups and CacheSubnetGroupName; this
    # answer is shaped as the ElastiCache API reference documents CacheCluster.
    client = boto3.client(
        "elasticache",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    stubber = Stubber(client)
    stubber.add_response(
        "describe_cache_clusters",
        {
            "CacheClusters": [
                {
                    "CacheClusterId": "sessions-001",
                    "ARN": f"arn:aws:elasticache:us-east-1:{ACCOUNT}:cluster:sessions-001",
                    "Engine": "redis",
                    "EngineVersion": "7.1",
                    "CacheClusterStatus": "available",
                    "ReplicationGroupId": "sessions",
                    "AutoMinorVersionUpgrade": True,
                    "SnapshotRetentionLimit": 0,
                    "CacheSubnetGroupName": "cache-private",
                    "SecurityGroups": [
                        {"SecurityGroupId": "sg-0cache", "Status": "active"},
                        {"SecurityGroupId": "sg-0debug", "Status": "active"},
                    ],
                }
            ]
        },
        {},
    )
    ctx = CollectContext(
        CACHE_CLUSTERS,
        _StubbedCaller(client),
        account_id=ACCOUNT,
        region="us-east-1",
        api_region="us-east-1",
        scan_regions=US,
    )

    with stubber:
        [cluster] = collect_cache_clusters(ctx)

    assert cluster.security_group_ids == ["sg-0cache", "sg-0debug"]
    assert cluster.cache_subnet_group_name == "cache-private"
    assert (cluster.replication_group_id, cluster.engine_version) == ("sessions", "7.1")


def test_a_denied_list_is_an_error_for_the_region(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"DescribeReplicationGroups": "AccessDenied"})

    scope = collect_scopes(
        aws,
        ["elasticache_replication_groups", "elasticache_cache_clusters"],
        pool=pool,
        regions=US,
    )["us-east-1"]

    failed = scope.elasticache_replication_groups
    assert isinstance(failed, CollectionError)
    assert (failed.service, failed.operation, failed.error_code) == (
        "elasticache",
        "DescribeReplicationGroups",
        "AccessDenied",
    )
    assert scope.elasticache_cache_clusters == []
    # The refused list was never sent; the other dataset was read as usual.
    assert set(pool.api_calls) == {"elasticache:DescribeCacheClusters"}
