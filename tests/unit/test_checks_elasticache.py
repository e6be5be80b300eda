"""The ElastiCache checks (backups, minor version upgrades, failover, encryption) on hand-built
replication groups and cache clusters."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import (
    ACCOUNT,
    REGION,
    by_resource,
    dataset_denied,
    engine_findings,
    only_verdict,
    run_check,
    scope_snapshot,
)

from auditor.checkapi import Check
from auditor.findings import Status
from auditor.models import ElastiCacheCluster, ElastiCacheReplicationGroup
from checks.elasticache import (
    elasticache_cluster_auto_minor_version_upgrade,
    elasticache_cluster_automatic_backups,
    elasticache_replication_group_automatic_failover,
    elasticache_replication_group_encrypted_at_rest,
    elasticache_replication_group_encrypted_in_transit,
)


def replication_group(group_id: str, **fields: Any) -> ElastiCacheReplicationGroup:
    return ElastiCacheReplicationGroup(
        arn=f"arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:{group_id}",
        id=group_id,
        **fields,
    )


def cache_cluster(cluster_id: str, engine: str = "redis", **fields: Any) -> ElastiCacheCluster:
    return ElastiCacheCluster(
        arn=f"arn:aws:elasticache:{REGION}:{ACCOUNT}:cluster:{cluster_id}",
        id=cluster_id,
        engine=engine,
        **fields,
    )


@pytest.mark.parametrize(
    ("check", "dataset", "operation"),
    [
        (
            elasticache_cluster_automatic_backups,
            "elasticache_replication_groups",
            "DescribeReplicationGroups",
        ),
        (
            elasticache_cluster_automatic_backups,
            "elasticache_cache_clusters",
            "DescribeCacheClusters",
        ),
        (
            elasticache_cluster_auto_minor_version_upgrade,
            "elasticache_cache_clusters",
            "DescribeCacheClusters",
        ),
        (
            elasticache_replication_group_automatic_failover,
            "elasticache_replication_groups",
            "DescribeReplicationGroups",
        ),
        (
            elasticache_replication_group_encrypted_at_rest,
            "elasticache_replication_groups",
            "DescribeReplicationGroups",
        ),
        (
            elasticache_replication_group_encrypted_in_transit,
            "elasticache_replication_groups",
            "DescribeReplicationGroups",
        ),
    ],
)
def test_an_unreadable_dataset_is_an_error_never_a_pass(
    check: Check, dataset: str, operation: str
) -> None:
    datasets: dict[str, Any] = {d: [] for d in check.metadata.datasets}
    datasets[dataset] = dataset_denied("elasticache", operation)

    [finding] = engine_findings(check, scope_snapshot(**datasets))

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == operation


# --- elasticache_cluster_automatic_backups -----------------------------------------------------


def test_groups_and_standalone_redis_nodes_are_judged_for_backups() -> None:
    snapshot = scope_snapshot(
        elasticache_replication_groups=[
            replication_group("sessions", snapshot_retention_limit=7),
            replication_group("rate-limit"),
        ],
        elasticache_cache_clusters=[
            cache_cluster("sessions-001", replication_group_id="sessions"),  # the group's
            cache_cluster("scratch", snapshot_retention_limit=1),
            cache_cluster("valkey-solo", "valkey"),
            cache_cluster("memo", "memcached"),  # Memcached keeps no snapshots
        ],
    )

    verdicts = by_resource(run_check(elasticache_cluster_automatic_backups, snapshot))

    assert {k: v.status for k, v in verdicts.items()} == {
        "sessions": Status.PASS,
        "rate-limit": Status.FAIL,
        "scratch": Status.PASS,
        "valkey-solo": Status.FAIL,
    }
    assert verdicts["rate-limit"].message == (
        "ElastiCache replication group rate-limit takes no automatic backups."
    )
    assert verdicts["scratch"].resource.type == "AWS::ElastiCache::CacheCluster"
    assert verdicts["sessions"].resource.type == "AWS::ElastiCache::ReplicationGroup"


def test_backup_minimum_is_a_parameter() -> None:
    snapshot = scope_snapshot(
        elasticache_replication_groups=[replication_group("sessions", snapshot_retention_limit=3)],
        elasticache_cache_clusters=[],
    )

    [verdict] = run_check(elasticache_cluster_automatic_backups, snapshot, minimum_days=7)

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "ElastiCache replication group sessions keeps automatic backups 3 day(s), under 7."
    )
    assert verdict.evidence == {"snapshot_retention_limit": 3, "minimum_days": 7}


# --- elasticache_cluster_auto_minor_version_upgrade --------------------------------------------


def test_minor_version_upgrades_are_judged_on_every_redis_cluster() -> None:
    snapshot = scope_snapshot(
        elasticache_cache_clusters=[
            cache_cluster("patched", auto_minor_version_upgrade=True, engine_version="7.1"),
            cache_cluster("sessions-001", replication_group_id="sessions"),
            cache_cluster("memo", "memcached"),
        ]
    )

    verdicts = by_resource(run_check(elasticache_cluster_auto_minor_version_upgrade, snapshot))

    assert {k: v.status for k, v in verdicts.items()} == {
        "patched": Status.PASS,
        "sessions-001": Status.FAIL,
    }
    assert verdicts["patched"].evidence == {
        "auto_minor_version_upgrade": True,
        "engine_version": "7.1",
    }
    assert verdicts["patched"].message == (
        "ElastiCache cluster patched applies minor version upgrades automatically."
    )
    assert verdicts["sessions-001"].message == (
        "ElastiCache cluster sessions-001 does not apply minor version upgrades automatically."
    )


# --- replication groups --------------------------------------------------------------------------


def test_failover_enabled_passes_and_disabled_fails() -> None:
    snapshot = scope_snapshot(
        elasticache_replication_groups=[
            replication_group("sessions", automatic_failover="enabled", multi_az="enabled"),
            replication_group("rate-limit", member_clusters=["rate-limit-001"]),
        ]
    )

    verdicts = by_resource(run_check(elasticache_replication_group_automatic_failover, snapshot))

    assert verdicts["sessions"].status is Status.PASS
    assert verdicts["sessions"].message == (
        "ElastiCache replication group sessions fails over automatically (Multi-AZ enabled)."
    )
    failing = verdicts["rate-limit"]
    assert failing.status is Status.FAIL
    assert failing.message == (
        "ElastiCache replication group rate-limit does not fail over automatically "
        "(automatic failover disabled)."
    )
    assert failing.evidence == {
        "automatic_failover": "disabled",
        "multi_az": "disabled",
        "member_clusters": ["rate-limit-001"],
    }


def test_failover_still_being_enabled_is_not_yet_a_pass() -> None:
    group = replication_group("sessions", automatic_failover="enabling")

    verdict = only_verdict(
        elasticache_replication_group_automatic_failover,
        scope_snapshot(elasticache_replication_groups=[group]),
    )

    assert verdict.status is Status.FAIL
    assert "automatic failover enabling" in verdict.message


@pytest.mark.parametrize(
    ("check", "field", "good", "bad"),
    [
        (
            elasticache_replication_group_encrypted_at_rest,
            "at_rest_encryption",
            "is encrypted at rest",
            "is not encrypted at rest",
        ),
        (
            elasticache_replication_group_encrypted_in_transit,
            "transit_encryption",
            "encrypts traffic in transit",
            "sends traffic unencrypted",
        ),
    ],
)
def test_encryption_settings(check: Check, field: str, good: str, bad: str) -> None:
    snapshot = scope_snapshot(
        elasticache_replication_groups=[
            replication_group("sealed", **{field: True}),
            replication_group("plain"),
        ]
    )

    verdicts = by_resource(run_check(check, snapshot))

    assert verdicts["sealed"].status is Status.PASS
    assert verdicts["sealed"].message == f"ElastiCache replication group sealed {good}."
    assert verdicts["plain"].status is Status.FAIL
    assert verdicts["plain"].message == f"ElastiCache replication group plain {bad}."
    assert verdicts["plain"].evidence == {field: False}
