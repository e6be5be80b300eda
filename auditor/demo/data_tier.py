"""Seeds the data tier of the demo account beyond the core databases: a well-run catalog database
(encrypted, backed up for a week, protected, tuned, replicated and behind an RDS Proxy), an Aurora
MySQL cluster that can backtrack, a database someone made public, a DynamoDB table protected
from deletion, DAX and ElastiCache caches done well and in a hurry, so each data-tier check has a
good and a bad example.

us-east-1 is the well-run side of the app; eu-west-1 holds what was set up in a hurry.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from auditor.demo.common import EU, US, ClientFactory, tags
from auditor.demo.compute import create_demo_function

# moto insists on a master password; this one is obviously not a secret.
_CREDENTIALS = {"MasterUsername": "lingo_admin", "MasterUserPassword": "demo-password-not-secret"}


# ---------------------------------------------------------------- RDS


def _turn_on_performance_insights(rds: Any, identifier: str, region: str, account: str) -> None:
    """moto 5.2 accepts EnablePerformanceInsights and drops it; the demo only ever runs on an
    in-process moto, so where the flag did not stick it is set on moto's own model."""
    [db] = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"]
    if db.get("PerformanceInsightsEnabled"):
        return
    from moto.backends import get_backend

    model: Any = get_backend("rds")[account][region].databases[identifier]
    model.performance_insights_enabled = True


def _proxy(client: ClientFactory, region: str, account: str, name: str, target: str) -> None:
    ec2 = client("ec2", region)
    subnets = sorted(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"])[:2]
    rds = client("rds", region)
    rds.create_db_proxy(
        DBProxyName=name,
        EngineFamily="POSTGRESQL",
        Auth=[
            {
                "AuthScheme": "SECRETS",
                "SecretArn": f"arn:aws:secretsmanager:{region}:{account}:secret:{target}-app",
                "IAMAuth": "REQUIRED",
            }
        ],
        RoleArn=f"arn:aws:iam::{account}:role/{name}-secrets",
        VpcSubnetIds=subnets,
        RequireTLS=True,
        Tags=tags("catalog"),
    )
    rds.register_db_proxy_targets(DBProxyName=name, DBInstanceIdentifiers=[target])


def _seed_rds_us(client: ClientFactory, account: str) -> None:
    rds = client("rds", US)
    # Read all day by every lesson screen: replicated, pooled, and everything else done right.
    rds.create_db_instance(
        DBInstanceIdentifier="lesson-catalog-db",
        Engine="postgres",
        EngineVersion="16.3",
        DBInstanceClass="db.m6g.large",
        AllocatedStorage=100,
        MultiAZ=True,
        StorageEncrypted=True,
        BackupRetentionPeriod=7,
        DeletionProtection=True,
        PubliclyAccessible=False,
        EnablePerformanceInsights=True,
        Tags=tags("catalog"),
        **_CREDENTIALS,
    )
    _turn_on_performance_insights(rds, "lesson-catalog-db", US, account)
    rds.create_db_instance_read_replica(
        DBInstanceIdentifier="lesson-catalog-db-replica",
        SourceDBInstanceIdentifier="lesson-catalog-db",
        Tags=tags("catalog"),
    )
    _proxy(client, US, account, "lesson-catalog-proxy", "lesson-catalog-db")
    # Aurora MySQL that can rewind a bad migration, in two zones, encrypted and protected.
    rds.create_db_cluster(
        DBClusterIdentifier="audio-index",
        Engine="aurora-mysql",
        StorageEncrypted=True,
        DeletionProtection=True,
        BackupRetentionPeriod=14,
        BacktrackWindow=86400,
        Tags=tags("content"),
        **_CREDENTIALS,
    )
    for number, zone in ((1, "us-east-1a"), (2, "us-east-1b")):
        rds.create_db_instance(
            DBInstanceIdentifier=f"audio-index-{number}",
            DBClusterIdentifier="audio-index",
            Engine="aurora-mysql",
            DBInstanceClass="db.r6g.large",
            AvailabilityZone=zone,
            Tags=tags("content"),
        )


def _seed_rds_eu(client: ClientFactory) -> None:
    # A copy of the analytics data for a BI tool outside the VPC, opened to the internet.
    client("rds", EU).create_db_instance(
        DBInstanceIdentifier="bi-export-db",
        Engine="mysql",
        EngineVersion="8.0.36",
        DBInstanceClass="db.t3.medium",
        AllocatedStorage=20,
        PubliclyAccessible=True,
        BackupRetentionPeriod=0,
        Tags=tags("analytics"),
        **_CREDENTIALS,
    )


# ---------------------------------------------------------------- DynamoDB


def _seed_dynamodb_us(client: ClientFactory, account: str) -> None:
    dynamodb = client("dynamodb", US)
    # The table every learner's progress lives in cannot be dropped by a stray script.
    dynamodb.update_table(TableName="user-progress", DeletionProtectionEnabled=True)
    # Its changes stream to the function that keeps the league tables current.
    stream = dynamodb.update_table(
        TableName="user-progress",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    lam = client("lambda", US)
    role = f"arn:aws:iam::{account}:role/lesson-api-lambda-role"
    create_demo_function(lam, "leaderboard-updater", "python3.12", role)
    lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName="leaderboard-updater", StartingPosition="LATEST"
    )


def _seed_dynamodb_eu(client: ClientFactory) -> None:
    # A stream turned on for an analytics export that was never built.
    client("dynamodb", EU).update_table(
        TableName="streaks",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )


def _describe_table_as(region: str, account: str, table_name: str, **facts: Any) -> None:
    """moto 5.2 reports every table as 0 bytes (AWS refreshes TableSizeBytes about every six
    hours) and has no global table replicas; the demo only ever runs on an in-process moto, so
    the table's description is given the facts its data and replicas would show."""
    from moto.backends import get_backend

    table: Any = get_backend("dynamodb")[account][region].tables[table_name]
    describe = table.describe

    def described(base_key: str = "TableDescription") -> dict[str, Any]:
        description: dict[str, Any] = describe(base_key)
        description[base_key].update(facts)
        return description

    table.describe = described


def _report_table_size(region: str, account: str, table_name: str, size_gb: int) -> None:
    _describe_table_as(region, account, table_name, TableSizeBytes=size_gb * 1024**3)


def _replicate(region: str, account: str, table_name: str, replicas: dict[str, str]) -> None:
    _describe_table_as(
        region,
        account,
        table_name,
        GlobalTableVersion="2019.11.21",
        Replicas=[{"RegionName": r, "ReplicaStatus": status} for r, status in replicas.items()],
    )


def _consumed(client: ClientFactory, region: str, table: str, reads: float, writes: float) -> None:
    """Two weeks of a table's traffic as CloudWatch would hold it: one daily sum per metric, at
    `reads` and `writes` units per second."""
    now = datetime.now(UTC)
    client("cloudwatch", region).put_metric_data(
        Namespace="AWS/DynamoDB",
        MetricData=[
            {
                "MetricName": f"Consumed{kind}CapacityUnits",
                "Dimensions": [{"Name": "TableName", "Value": table}],
                "Value": per_second * 86400,
                "Timestamp": now - timedelta(days=day, hours=3),
            }
            for kind, per_second in (("Read", reads), ("Write", writes))
            for day in range(13)
        ],
    )


def _seed_traffic(client: ClientFactory, region: str) -> None:
    if region == US:
        # Progress is written all day: its provisioned capacity earns its keep.
        _consumed(client, region, "user-progress", reads=40, writes=35)
        # Every lesson screen reads the catalog, steadily: on-demand costs twice what
        # provisioned capacity would. The leaderboard's capacity sits idle.
        _consumed(client, region, "lessons", reads=200, writes=50)
    else:
        # A few sessions an hour: on-demand is right.
        _consumed(client, region, "sessions", reads=0.5, writes=0.1)


def _size_tables(region: str, account: str) -> None:
    if region == US:
        # Progress rows are small and read all day: Standard is the right class.
        _report_table_size(region, account, "user-progress", 2)
        # Lessons are read everywhere: a replica next to the European learners.
        _replicate(region, account, "lessons", {EU: "ACTIVE"})
    else:
        # Five years of streak history, barely read: storage is nearly all of its bill.
        _report_table_size(region, account, "streaks", 200)
        # Sessions replicated to Seoul for a launch, and the region since disabled.
        _replicate(region, account, "sessions", {"ap-northeast-2": "REGION_DISABLED"})


# ---------------------------------------------------------------- DAX

_DAX_ROLE = "dax-table-access"


def _wait_until_available(dax: Any, name: str) -> None:
    """moto moves a new cluster from "creating" to "available" after a few describes, as AWS
    does after some minutes; only then does it list the nodes."""
    for _ in range(10):
        [cluster] = dax.describe_clusters(ClusterNames=[name])["Clusters"]
        if cluster["Status"] == "available":
            return


def _place_dax_nodes(name: str, zones: list[str], region: str, account: str) -> None:
    """moto 5.2 ignores AvailabilityZones and puts every node in zone "a"; the demo only ever
    runs on an in-process moto, so the nodes are placed where they were asked for."""
    from moto.backends import get_backend

    cluster: Any = get_backend("dax")[account][region].clusters[name]
    for node, zone in zip(cluster.nodes, zones, strict=True):
        node.availability_zone = zone


def _seed_dax(client: ClientFactory, region: str, account: str) -> None:
    dax = client("dax", region)
    role = f"arn:aws:iam::{account}:role/{_DAX_ROLE}"
    if region == US:
        # In front of user-progress: three nodes in three zones, encrypted both ways.
        zones = [f"{region}{z}" for z in "abc"]
        dax.create_cluster(
            ClusterName="progress-cache",
            NodeType="dax.r5.large",
            ReplicationFactor=3,
            AvailabilityZones=zones,
            IamRoleArn=role,
            SSESpecification={"Enabled": True},
            ClusterEndpointEncryptionType="TLS",
            Tags=tags("progress"),
        )
        _wait_until_available(dax, "progress-cache")
        _place_dax_nodes("progress-cache", zones, region, account)
    else:
        # A one-node trial cache in front of streaks that quietly became production.
        dax.create_cluster(
            ClusterName="streaks-cache",
            NodeType="dax.t3.small",
            ReplicationFactor=1,
            IamRoleArn=role,
            Tags=tags("progress"),
        )
        _wait_until_available(dax, "streaks-cache")


# ---------------------------------------------------------------- ElastiCache


def _seed_elasticache(client: ClientFactory, region: str) -> None:
    cache = client("elasticache", region)
    if region == US:
        # Sessions in two zones: fails over, encrypted both ways, a week of snapshots.
        cache.create_replication_group(
            ReplicationGroupId="session-store",
            ReplicationGroupDescription="lingo user sessions",
            Engine="redis",
            CacheNodeType="cache.r6g.large",
            NumCacheClusters=2,
            PreferredCacheClusterAZs=["us-east-1a", "us-east-1b"],
            AutomaticFailoverEnabled=True,
            MultiAZEnabled=True,
            AtRestEncryptionEnabled=True,
            TransitEncryptionEnabled=True,
            SnapshotRetentionLimit=7,
            AutoMinorVersionUpgrade=True,
            Tags=tags("accounts"),
        )
        # League rankings on one patched node with daily snapshots.
        cache.create_cache_cluster(
            CacheClusterId="league-rankings",
            Engine="redis",
            CacheNodeType="cache.t4g.medium",
            NumCacheNodes=1,
            AutoMinorVersionUpgrade=True,
            SnapshotRetentionLimit=3,
            Tags=tags("social"),
        )
    else:
        # Rate-limit counters on one unencrypted node, never backed up.
        cache.create_replication_group(
            ReplicationGroupId="rate-limiter",
            ReplicationGroupDescription="lingo api rate limits",
            Engine="redis",
            CacheNodeType="cache.t4g.small",
            NumCacheClusters=1,
            Tags=tags("edge"),
        )
        # A scratch node for a load test, pinned to the version it started on.
        cache.create_cache_cluster(
            CacheClusterId="load-test-scratch",
            Engine="redis",
            CacheNodeType="cache.t4g.small",
            NumCacheNodes=1,
            AutoMinorVersionUpgrade=False,
            Tags=tags("edge"),
        )


# ---------------------------------------------------------------- entry point


def seed_data_tier(client: ClientFactory, region: str, account: str) -> None:
    """Create the data-tier examples of `region` (one of the two demo regions)."""
    if region == US:
        _seed_rds_us(client, account)
        _seed_dynamodb_us(client, account)
    else:
        _seed_rds_eu(client)
        _seed_dynamodb_eu(client)
    _size_tables(region, account)
    _seed_traffic(client, region)
    _seed_dax(client, region, account)
    _seed_elasticache(client, region)
