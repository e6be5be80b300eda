"""RDS collector: DB instances and DB clusters (DocumentDB and Neptune, which share the API,
are left out: their practices differ)."""

from __future__ import annotations

from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import RDS_DB_CLUSTERS, RDS_DB_INSTANCES
from auditor.models import DBCluster, DBClusterMember, DBInstance

_OTHER_ENGINES = ("docdb", "neptune")


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in item.get("TagList", [])}


def _is_rds(engine: str) -> bool:
    return not engine.startswith(_OTHER_ENGINES)


def collect_db_instances(ctx: CollectContext) -> list[DBInstance]:
    return [
        DBInstance(
            arn=i["DBInstanceArn"],
            identifier=i["DBInstanceIdentifier"],
            engine=i.get("Engine", ""),
            engine_version=i.get("EngineVersion", ""),
            instance_class=i.get("DBInstanceClass", ""),
            status=i.get("DBInstanceStatus", ""),
            multi_az=bool(i.get("MultiAZ", False)),
            availability_zone=i.get("AvailabilityZone"),
            secondary_availability_zone=i.get("SecondaryAvailabilityZone"),
            cluster_identifier=i.get("DBClusterIdentifier"),
            read_replica_source=i.get("ReadReplicaSourceDBInstanceIdentifier")
            or i.get("ReadReplicaSourceDBClusterIdentifier"),
            publicly_accessible=bool(i.get("PubliclyAccessible", False)),
            storage_encrypted=bool(i.get("StorageEncrypted", False)),
            backup_retention_period=int(i.get("BackupRetentionPeriod", 0)),
            deletion_protection=bool(i.get("DeletionProtection", False)),
            performance_insights_enabled=bool(i.get("PerformanceInsightsEnabled", False)),
            vpc_security_group_ids=[
                g["VpcSecurityGroupId"]
                for g in i.get("VpcSecurityGroups", [])
                if "VpcSecurityGroupId" in g
            ],
            tags=_tags(i),
        )
        for i in ctx.paginate("rds", "DescribeDBInstances", "DBInstances")
        if _is_rds(i.get("Engine", ""))
    ]


def collect_db_clusters(ctx: CollectContext) -> list[DBCluster]:
    return [
        DBCluster(
            arn=c["DBClusterArn"],
            identifier=c["DBClusterIdentifier"],
            engine=c.get("Engine", ""),
            engine_mode=c.get("EngineMode", "provisioned"),
            status=c.get("Status", ""),
            multi_az=bool(c.get("MultiAZ", False)),
            availability_zones=list(c.get("AvailabilityZones", [])),
            members=[
                DBClusterMember(
                    instance_identifier=m["DBInstanceIdentifier"],
                    is_writer=bool(m.get("IsClusterWriter", False)),
                )
                for m in c.get("DBClusterMembers", [])
            ],
            storage_encrypted=bool(c.get("StorageEncrypted", False)),
            deletion_protection=bool(c.get("DeletionProtection", False)),
            backtrack_window=int(c.get("BacktrackWindow", 0) or 0),
            backup_retention_period=int(c.get("BackupRetentionPeriod", 0)),
            tags=_tags(c),
        )
        for c in ctx.paginate("rds", "DescribeDBClusters", "DBClusters")
        if _is_rds(c.get("Engine", ""))
    ]


DB_INSTANCES = Collector(
    dataset=RDS_DB_INSTANCES,
    operations=(Operation("rds", "DescribeDBInstances", "rds:DescribeDBInstances"),),
    collect=collect_db_instances,
)
DB_CLUSTERS = Collector(
    dataset=RDS_DB_CLUSTERS,
    operations=(Operation("rds", "DescribeDBClusters", "rds:DescribeDBClusters"),),
    collect=collect_db_clusters,
)
