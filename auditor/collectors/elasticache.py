"""ElastiCache collector: Redis OSS/Valkey replication groups, and every cache cluster (Memcached
clusters, standalone nodes and the node clusters of replication groups) with its security groups."""

from __future__ import annotations

from functools import partial
from typing import Any

from auditor.collectors.arns import arn_of
from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import ELASTICACHE_CACHE_CLUSTERS, ELASTICACHE_REPLICATION_GROUPS
from auditor.models import ElastiCacheCluster, ElastiCacheReplicationGroup

# An entry that cannot be read is that replication group's ERROR, in every check of the type.
_GROUP_TYPE = "AWS::ElastiCache::ReplicationGroup"


def _replication_group(ctx: CollectContext, g: dict[str, Any]) -> ElastiCacheReplicationGroup:
    return ElastiCacheReplicationGroup(
        arn=arn_of(ctx, g, "ARN", "elasticache", f"replicationgroup:{g['ReplicationGroupId']}"),
        id=g["ReplicationGroupId"],
        engine=g.get("Engine") or "redis",  # older answers omit it: Redis OSS was the only one
        status=g.get("Status", ""),
        automatic_failover=g.get("AutomaticFailover", "disabled"),
        multi_az=g.get("MultiAZ", "disabled"),
        at_rest_encryption=bool(g.get("AtRestEncryptionEnabled", False)),
        transit_encryption=bool(g.get("TransitEncryptionEnabled", False)),
        snapshot_retention_limit=int(g.get("SnapshotRetentionLimit") or 0),
        member_clusters=list(g.get("MemberClusters", [])),
    )


def collect_replication_groups(ctx: CollectContext) -> list[ElastiCacheReplicationGroup]:
    return ctx.each(
        ctx.paginate("elasticache", "DescribeReplicationGroups", "ReplicationGroups"),
        partial(_replication_group, ctx),
        kind=_GROUP_TYPE,
        ident=lambda g: g["ReplicationGroupId"],
        arn=lambda g: g.get("ARN"),
    )


def _cache_cluster(ctx: CollectContext, c: dict[str, Any]) -> ElastiCacheCluster:
    return ElastiCacheCluster(
        arn=arn_of(ctx, c, "ARN", "elasticache", f"cluster:{c['CacheClusterId']}"),
        id=c["CacheClusterId"],
        engine=c.get("Engine", ""),
        engine_version=c.get("EngineVersion") or "",
        status=c.get("CacheClusterStatus", ""),
        replication_group_id=c.get("ReplicationGroupId"),
        auto_minor_version_upgrade=bool(c.get("AutoMinorVersionUpgrade", False)),
        snapshot_retention_limit=int(c.get("SnapshotRetentionLimit") or 0),
        cache_subnet_group_name=c.get("CacheSubnetGroupName"),
        security_group_ids=[
            g["SecurityGroupId"] for g in c.get("SecurityGroups") or [] if "SecurityGroupId" in g
        ],
    )


def collect_cache_clusters(ctx: CollectContext) -> list[ElastiCacheCluster]:
    # Read whole or not at all: replication group and database checks judge by these clusters,
    # so one left out would change their verdicts rather than show as a gap.
    return [
        _cache_cluster(ctx, c)
        for c in ctx.paginate("elasticache", "DescribeCacheClusters", "CacheClusters")
    ]


REPLICATION_GROUPS = Collector(
    dataset=ELASTICACHE_REPLICATION_GROUPS,
    operations=(
        Operation(
            "elasticache", "DescribeReplicationGroups", "elasticache:DescribeReplicationGroups"
        ),
    ),
    collect=collect_replication_groups,
)
CACHE_CLUSTERS = Collector(
    dataset=ELASTICACHE_CACHE_CLUSTERS,
    operations=(
        Operation("elasticache", "DescribeCacheClusters", "elasticache:DescribeCacheClusters"),
    ),
    collect=collect_cache_clusters,
)
