"""ElastiCache checks: Redis OSS and Valkey caches fail over, are encrypted, backed up and
patched."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field, JsonValue

from auditor.checkapi import CheckParameters, Scope, Verdict, check
from auditor.datasets import ELASTICACHE_CACHE_CLUSTERS, ELASTICACHE_REPLICATION_GROUPS
from auditor.findings import Remediation, ResourceRef, Severity
from auditor.models import ElastiCacheCluster, ElastiCacheReplicationGroup
from checks.verdicts import flag_verdict, verdict

_GROUP_TYPE = "AWS::ElastiCache::ReplicationGroup"
_CLUSTER_TYPE = "AWS::ElastiCache::CacheCluster"
_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/elasticache-controls.html"
_GUIDE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg"
_CONFIG_RULES = "https://docs.aws.amazon.com/config/latest/developerguide"
# The engines with replication, snapshots and encryption; Memcached has none of them.
_REDIS_ENGINES = ("redis", "valkey")


def _group_ref(group: ElastiCacheReplicationGroup) -> ResourceRef:
    return ResourceRef(arn=group.arn, id=group.id, type=_GROUP_TYPE)


def _cluster_ref(cluster: ElastiCacheCluster) -> ResourceRef:
    return ResourceRef(arn=cluster.arn, id=cluster.id, type=_CLUSTER_TYPE)


def _redis_clusters(clusters: list[ElastiCacheCluster]) -> Iterable[ElastiCacheCluster]:
    return (c for c in clusters if c.engine.lower() in _REDIS_ENGINES)


# --- Automatic backups -------------------------------------------------------------------------


class SnapshotRetention(CheckParameters):
    minimum_days: int = Field(
        default=1,
        ge=1,
        le=35,
        description="Fewest days of automatic snapshots to keep (Security Hub's ElastiCache.1 "
        "default is 1).",
    )


# HIGH, as Security Hub rates ElastiCache.1: a cache used as a session or leaderboard store
# loses its data for good when its nodes are replaced.
@check(
    id="elasticache_cluster_automatic_backups",
    title="ElastiCache (Redis OSS, Valkey) caches take automatic backups",
    service="elasticache",
    severity=Severity.HIGH,
    resource_type=_GROUP_TYPE,
    datasets=[ELASTICACHE_REPLICATION_GROUPS, ELASTICACHE_CACHE_CLUSTERS],
    parameters=SnapshotRetention,
    rationale=(
        "Study materials (Databases, the AWS Database notes and the architecture retrospective's "
        "ElastiCache tier): a Redis cache that holds sessions, leaderboards or counters is a data"
        " store; daily automatic snapshots let it be restored after a failure or a bad flush."
    ),
    remediation=Remediation(
        console=(
            "ElastiCache console > Redis OSS (or Valkey) caches > select the cache > Modify > "
            "Backup: turn on 'Enable automatic backups', set the retention period (days) > "
            "Preview changes > Apply immediately > Modify."
        ),
        cli=(
            "aws elasticache modify-replication-group --replication-group-id <group-id> "
            "--snapshot-retention-limit 7 --apply-immediately   # a standalone node: "
            "modify-cache-cluster --cache-cluster-id <cluster-id>"
        ),
        terraform=(
            "aws_elasticache_replication_group (or aws_elasticache_cluster): "
            "snapshot_retention_limit = 7"
        ),
    ),
    references=[
        f"{_CONTROLS}#elasticache-1",
        f"{_CONFIG_RULES}/elasticache-redis-cluster-automatic-backup-check.html",
        f"{_GUIDE}/backups-automatic.html",
    ],
    compliance={"fsbp": ["ElastiCache.1"], "wa-rel": ["REL09-BP01", "REL09-BP03"]},
)
def elasticache_cluster_automatic_backups(scope: Scope) -> Iterable[Verdict]:
    """Replication groups, and Redis OSS/Valkey nodes outside any group; a group's node clusters
    are backed up by their group. Memcached keeps no snapshots and is not judged."""
    minimum = scope.parameters(SnapshotRetention).minimum_days
    caches: list[tuple[ResourceRef, str, int]] = [
        (_group_ref(g), f"ElastiCache replication group {g.id}", g.snapshot_retention_limit)
        for g in scope.get(ELASTICACHE_REPLICATION_GROUPS)
    ] + [
        (_cluster_ref(c), f"ElastiCache cluster {c.id}", c.snapshot_retention_limit)
        for c in _redis_clusters(scope.get(ELASTICACHE_CACHE_CLUSTERS))
        if c.replication_group_id is None
    ]
    for ref, name, retention in caches:
        if retention == 0:
            state = "takes no automatic backups"
        elif retention < minimum:
            state = f"keeps automatic backups {retention} day(s), under {minimum}"
        else:
            state = f"keeps automatic backups {retention} day(s)"
        yield verdict(
            retention >= minimum,
            ref,
            f"{name} {state}.",
            snapshot_retention_limit=retention,
            minimum_days=minimum,
        )


# HIGH, as Security Hub rates ElastiCache.2.
@check(
    id="elasticache_cluster_auto_minor_version_upgrade",
    title="ElastiCache (Redis OSS, Valkey) clusters apply minor version upgrades automatically",
    service="elasticache",
    severity=Severity.HIGH,
    resource_type=_CLUSTER_TYPE,
    datasets=[ELASTICACHE_CACHE_CLUSTERS],
    rationale=(
        "Study materials (Databases, the AWS Database notes on managed caches): automatic minor "
        "version upgrades bring engine security patches and bug fixes in the maintenance window,"
        " so a cache does not keep running a known-vulnerable version."
    ),
    remediation=Remediation(
        console=(
            "ElastiCache console > Redis OSS (or Valkey) caches > select the cache > Modify > "
            "Maintenance: turn on 'Auto upgrade minor versions' > Preview changes > Modify."
        ),
        cli=(
            "aws elasticache modify-replication-group --replication-group-id <group-id> "
            "--auto-minor-version-upgrade --apply-immediately   # a standalone node: "
            "modify-cache-cluster --cache-cluster-id <cluster-id>"
        ),
        terraform=(
            "aws_elasticache_replication_group (or aws_elasticache_cluster): "
            "auto_minor_version_upgrade = true"
        ),
    ),
    references=[
        f"{_CONTROLS}#elasticache-2",
        f"{_CONFIG_RULES}/elasticache-auto-minor-version-upgrade-check.html",
        f"{_GUIDE}/VersionManagement.html",
    ],
    compliance={"fsbp": ["ElastiCache.2"]},
)
def elasticache_cluster_auto_minor_version_upgrade(scope: Scope) -> Iterable[Verdict]:
    """Every Redis OSS/Valkey cache cluster, node clusters of replication groups included, as the
    AWS Config rule behind ElastiCache.2 judges them; Memcached is not judged."""
    for cluster in _redis_clusters(scope.get(ELASTICACHE_CACHE_CLUSTERS)):
        upgrades = cluster.auto_minor_version_upgrade
        yield flag_verdict(
            _cluster_ref(cluster),
            f"ElastiCache cluster {cluster.id}",
            upgrades,
            "applies minor version upgrades automatically",
            "does not apply minor version upgrades automatically",
            auto_minor_version_upgrade=upgrades,
            engine_version=cluster.engine_version,
        )


# --- Replication groups ------------------------------------------------------------------------


# MEDIUM, as Security Hub rates ElastiCache.3.
@check(
    id="elasticache_replication_group_automatic_failover",
    title="ElastiCache replication groups fail over automatically",
    service="elasticache",
    severity=Severity.MEDIUM,
    resource_type=_GROUP_TYPE,
    datasets=[ELASTICACHE_REPLICATION_GROUPS],
    rationale=(
        "Study materials (Databases and the architecture retrospective: 'ElastiCache Multi-AZ'):"
        " with automatic failover, and replicas in other Availability Zones, a replica is "
        "promoted when the primary node or its zone fails, and writes resume in minutes."
    ),
    remediation=Remediation(
        console=(
            "ElastiCache console > Redis OSS (or Valkey) caches > select the cache > Modify > "
            "turn on 'Auto-failover' and 'Multi-AZ' (the group needs at least one replica, in "
            "another Availability Zone) > Preview changes > Apply immediately > Modify."
        ),
        cli=(
            "aws elasticache modify-replication-group --replication-group-id <group-id> "
            "--automatic-failover-enabled --multi-az-enabled --apply-immediately"
        ),
        terraform=(
            "aws_elasticache_replication_group: automatic_failover_enabled = true, "
            "multi_az_enabled = true, num_cache_clusters >= 2"
        ),
    ),
    references=[
        f"{_CONTROLS}#elasticache-3",
        f"{_CONFIG_RULES}/elasticache-repl-grp-auto-failover-enabled.html",
        f"{_GUIDE}/AutoFailover.html",
    ],
    compliance={"fsbp": ["ElastiCache.3"], "wa-rel": ["REL10-BP01", "REL11-BP02"]},
)
def elasticache_replication_group_automatic_failover(scope: Scope) -> Iterable[Verdict]:
    """PASS on automatic failover enabled, as ElastiCache.3; the evidence adds Multi-AZ, which
    places the replica that takes over in another zone."""
    for group in scope.get(ELASTICACHE_REPLICATION_GROUPS):
        enabled = group.automatic_failover == "enabled"
        state = (
            f"fails over automatically (Multi-AZ {group.multi_az})"
            if enabled
            else f"does not fail over automatically (automatic failover {group.automatic_failover})"
        )
        yield verdict(
            enabled,
            _group_ref(group),
            f"ElastiCache replication group {group.id} {state}.",
            automatic_failover=group.automatic_failover,
            multi_az=group.multi_az,
            member_clusters=list[JsonValue](group.member_clusters),
        )


_ENCRYPTION_CHOICE = (
    "ElastiCache console > Redis OSS (or Valkey) caches > select the cache > Actions > Backup; "
    "then create a new cache from that backup with {setting} turned on, move clients to it and "
    "delete the old one."
)


# MEDIUM, as Security Hub rates ElastiCache.4.
@check(
    id="elasticache_replication_group_encrypted_at_rest",
    title="ElastiCache replication groups are encrypted at rest",
    service="elasticache",
    severity=Severity.MEDIUM,
    resource_type=_GROUP_TYPE,
    datasets=[ELASTICACHE_REPLICATION_GROUPS],
    rationale=(
        "Study materials (Databases, the AWS Database notes on securing caches): encryption at "
        "rest keeps the data on disk during syncs, swaps and in backups unreadable without the "
        "KMS key."
    ),
    remediation=Remediation(
        console=_ENCRYPTION_CHOICE.format(setting="'Encryption at rest'"),
        cli=(
            "aws elasticache create-replication-group --replication-group-id <new-id> "
            "--replication-group-description <text> --snapshot-name <backup> "
            "--at-rest-encryption-enabled --engine <redis|valkey>"
        ),
        terraform="aws_elasticache_replication_group: at_rest_encryption_enabled = true",
    ),
    references=[
        f"{_CONTROLS}#elasticache-4",
        f"{_CONFIG_RULES}/elasticache-repl-grp-encrypted-at-rest.html",
        f"{_GUIDE}/at-rest-encryption.html",
    ],
    compliance={"fsbp": ["ElastiCache.4"]},
)
def elasticache_replication_group_encrypted_at_rest(scope: Scope) -> Iterable[Verdict]:
    for group in scope.get(ELASTICACHE_REPLICATION_GROUPS):
        encrypted = group.at_rest_encryption
        yield flag_verdict(
            _group_ref(group),
            f"ElastiCache replication group {group.id}",
            encrypted,
            "is encrypted at rest",
            "is not encrypted at rest",
            at_rest_encryption=encrypted,
        )


# MEDIUM, as Security Hub rates ElastiCache.5.
@check(
    id="elasticache_replication_group_encrypted_in_transit",
    title="ElastiCache replication groups encrypt traffic in transit",
    service="elasticache",
    severity=Severity.MEDIUM,
    resource_type=_GROUP_TYPE,
    datasets=[ELASTICACHE_REPLICATION_GROUPS],
    rationale=(
        "Study materials (Databases, the AWS Database notes on securing caches): TLS between "
        "clients and nodes, and between the nodes themselves, keeps session tokens and cached "
        "records from being read on the network."
    ),
    remediation=Remediation(
        console=(
            "ElastiCache console > Redis OSS (or Valkey) caches > select the cache > Modify > "
            "Security: turn on 'Encryption in transit' with transit encryption mode 'Preferred',"
            " move clients to TLS, then modify again to 'Required'."
        ),
        cli=(
            "aws elasticache modify-replication-group --replication-group-id <group-id> "
            "--transit-encryption-enabled --transit-encryption-mode preferred "
            "--apply-immediately   # then --transit-encryption-mode required"
        ),
        terraform=(
            "aws_elasticache_replication_group: transit_encryption_enabled = true, "
            'transit_encryption_mode = "required"'
        ),
    ),
    references=[
        f"{_CONTROLS}#elasticache-5",
        f"{_CONFIG_RULES}/elasticache-repl-grp-encrypted-in-transit.html",
        f"{_GUIDE}/in-transit-encryption.html",
    ],
    compliance={"fsbp": ["ElastiCache.5"]},
)
def elasticache_replication_group_encrypted_in_transit(scope: Scope) -> Iterable[Verdict]:
    for group in scope.get(ELASTICACHE_REPLICATION_GROUPS):
        encrypted = group.transit_encryption
        yield flag_verdict(
            _group_ref(group),
            f"ElastiCache replication group {group.id}",
            encrypted,
            "encrypts traffic in transit",
            "sends traffic unencrypted",
            transit_encryption=encrypted,
        )


# MEDIUM: without Multi-AZ the replica that takes over may share the failed primary's zone.
@check(
    id="elasticache_replication_group_multi_az",
    title="ElastiCache replication groups run Multi-AZ",
    service="elasticache",
    severity=Severity.MEDIUM,
    resource_type=_GROUP_TYPE,
    datasets=[ELASTICACHE_REPLICATION_GROUPS],
    rationale=(
        "Study materials (Databases and the architecture retrospective: 'ElastiCache Multi-AZ'):"
        " Multi-AZ keeps a replica in another Availability Zone and promotes it when the "
        "primary's zone fails, so the cache in front of the database survives a zone outage; "
        "automatic failover alone (ElastiCache.3) can promote a replica in the same zone."
    ),
    remediation=Remediation(
        console=(
            "ElastiCache console > Redis OSS (or Valkey) caches > select the cache > Modify > "
            "turn on 'Multi-AZ' (with at least one replica in another Availability Zone) > "
            "Preview changes > Apply immediately > Modify."
        ),
        cli=(
            "aws elasticache modify-replication-group --replication-group-id <group-id> "
            "--multi-az-enabled --automatic-failover-enabled --apply-immediately"
        ),
        terraform=(
            "aws_elasticache_replication_group: multi_az_enabled = true, "
            "automatic_failover_enabled = true, num_cache_clusters >= 2"
        ),
    ),
    references=[f"{_GUIDE}/AutoFailover.html"],
    compliance={"wa-rel": ["REL10-BP01", "REL11-BP02"]},
)
def elasticache_replication_group_multi_az(scope: Scope) -> Iterable[Verdict]:
    for group in scope.get(ELASTICACHE_REPLICATION_GROUPS):
        yield flag_verdict(
            _group_ref(group),
            f"ElastiCache replication group {group.id}",
            group.multi_az == "enabled",
            "runs Multi-AZ",
            f"does not run Multi-AZ (Multi-AZ {group.multi_az})",
            multi_az=group.multi_az,
            member_clusters=list[JsonValue](group.member_clusters),
        )
