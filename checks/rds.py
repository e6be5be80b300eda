"""RDS checks: instances and clusters survive an Availability Zone outage, and are watched."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import JsonValue

from auditor.checkapi import Scope, Verdict, check, failed, passed
from auditor.datasets import CLOUDWATCH_METRIC_ALARMS, RDS_DB_CLUSTERS, RDS_DB_INSTANCES
from auditor.findings import Remediation, ResourceRef, Severity
from auditor.models import DBCluster, DBInstance
from checks.cloudwatch import ALARMS_GUIDE, alarm_coverage, alarm_remediation

_INSTANCE_TYPE = "AWS::RDS::DBInstance"
_CLUSTER_TYPE = "AWS::RDS::DBCluster"
_RDS_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html"


def _instance_ref(db: DBInstance) -> ResourceRef:
    return ResourceRef(arn=db.arn, id=db.identifier, type=_INSTANCE_TYPE)


def _cluster_ref(cluster: DBCluster) -> ResourceRef:
    return ResourceRef(arn=cluster.arn, id=cluster.identifier, type=_CLUSTER_TYPE)


# MEDIUM, as Security Hub rates RDS.5 and RDS.15: an AZ outage stops the database until AWS
# recovers the zone, but loses no data and exposes nothing.
@check(
    id="rds_instance_multi_az",
    title="RDS DB instances run Multi-AZ",
    service="rds",
    severity=Severity.MEDIUM,
    resource_type=_INSTANCE_TYPE,
    datasets=[RDS_DB_INSTANCES],
    rationale=(
        "Study materials (Databases, the AWS Database notes and the architecture retrospective): "
        "production databases run Multi-AZ, so a synchronous standby in another Availability Zone "
        "takes over automatically when the primary's zone or host fails, as in the architecture "
        "retrospective's 'RDS (Multi-AZ)' tier."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Databases > select the DB instance > Modify > Availability and "
            "durability: choose 'Create a standby instance' (Multi-AZ DB instance) > Continue > "
            "apply immediately or in the next maintenance window > Modify DB instance."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier <db-instance-id> --multi-az "
            "--apply-immediately"
        ),
        terraform="aws_db_instance: multi_az = true",
    ),
    references=[
        f"{_RDS_CONTROLS}#rds-5",
        "https://docs.aws.amazon.com/config/latest/developerguide/rds-multi-az-support.html",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html",
    ],
    compliance={"fsbp": ["RDS.5"]},
)
def rds_instance_multi_az(scope: Scope) -> Iterable[Verdict]:
    """Judges every DB instance that is not a cluster member.

    Aurora and Multi-AZ DB cluster members yield nothing: their availability is the
    cluster's, judged by rds_cluster_multi_az. Read replicas are judged like any instance, as
    AWS Config's rds-multi-az-support (behind RDS.5) does: it exempts only Aurora, DocumentDB
    and Neptune instances. A replica is what gets promoted when the primary is lost, and RDS
    can run a replica Multi-AZ; the evidence names the source so a reader can tell.
    """
    for db in scope.get(RDS_DB_INSTANCES):
        if db.cluster_identifier is not None:
            continue
        role = f" (a read replica of {db.read_replica_source})" if db.read_replica_source else ""
        if db.multi_az:
            zones = ", ".join(
                z for z in (db.availability_zone, db.secondary_availability_zone) if z
            )
            verdict = passed
            message = (
                f"RDS DB instance {db.identifier}{role} runs Multi-AZ ({zones or 'zones unknown'})."
            )
        else:
            verdict = failed
            message = (
                f"RDS DB instance {db.identifier}{role} runs in a single Availability Zone "
                f"({db.availability_zone or 'zone unknown'}) with no standby."
            )
        yield verdict(
            _instance_ref(db),
            message,
            multi_az=db.multi_az,
            availability_zone=db.availability_zone,
            secondary_availability_zone=db.secondary_availability_zone,
            read_replica_source=db.read_replica_source,
        )


@check(
    id="rds_cluster_multi_az",
    title="RDS DB clusters have instances in at least two Availability Zones",
    service="rds",
    severity=Severity.MEDIUM,
    resource_type=_CLUSTER_TYPE,
    datasets=[RDS_DB_CLUSTERS, RDS_DB_INSTANCES],
    rationale=(
        "Study materials (Databases, the Duolingo DynamoDB case study and the AWS Database notes): "
        "Aurora clusters keep a reader in a second Availability Zone; storage is replicated across "
        "zones, but with every instance in one zone there is nothing to fail over to when that zone"
        " goes down."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Databases > select the DB cluster > Actions > Add reader > choose an "
            "Availability Zone other than the writer's > Add reader."
        ),
        cli=(
            "aws rds create-db-instance --db-cluster-identifier <cluster-id> "
            "--db-instance-identifier <reader-id> --engine <aurora-mysql|aurora-postgresql> "
            "--db-instance-class <instance-class> --availability-zone <another-az>"
        ),
        terraform=(
            "aws_rds_cluster_instance: another instance with cluster_identifier = "
            "aws_rds_cluster.<name>.id and availability_zone set to a zone other than the writer's"
        ),
    ),
    references=[
        f"{_RDS_CONTROLS}#rds-15",
        "https://docs.aws.amazon.com/config/latest/developerguide/rds-cluster-multi-az-enabled.html",
        "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html",
    ],
    compliance={"fsbp": ["RDS.15"]},
)
def rds_cluster_multi_az(scope: Scope) -> Iterable[Verdict]:
    """PASS when the members' instances sit in two or more zones, or the cluster says MultiAZ.

    A member's zone is that of the DB instance with its identifier in the same region; a
    member whose instance is not in the list has an unknown zone and is not counted.
    """
    zones = {db.identifier: db.availability_zone for db in scope.get(RDS_DB_INSTANCES)}
    for cluster in scope.get(RDS_DB_CLUSTERS):
        members = [m.instance_identifier for m in cluster.members]
        found = sorted({z for m in members if (z := zones.get(m)) is not None})
        name = f"RDS DB cluster {cluster.identifier}"
        if len(found) >= 2:
            verdict = passed
            message = (
                f"{name} has instances in {len(found)} Availability Zones ({', '.join(found)})."
            )
        elif cluster.multi_az:
            verdict, message = passed, f"{name} reports Multi-AZ."
        else:
            verdict = failed
            spread = f"in a single Availability Zone ({found[0]})" if found else "in no known zone"
            message = f"{name} has its instances {spread} and does not report Multi-AZ."
        yield verdict(
            _cluster_ref(cluster),
            message,
            multi_az=cluster.multi_az,
            member_availability_zones=list[JsonValue](found),
            members=list[JsonValue](members),
            members_without_known_zone=[m for m in members if zones.get(m) is None],
        )


# MEDIUM: an unwatched database is found overloaded or down by its users, not its owners.
@check(
    id="rds_instance_has_alarm",
    title="RDS DB instances have a CloudWatch alarm that notifies someone",
    service="rds",
    severity=Severity.MEDIUM,
    resource_type=_INSTANCE_TYPE,
    datasets=[RDS_DB_INSTANCES, CLOUDWATCH_METRIC_ALARMS],
    rationale=(
        "Study materials (Monitoring, the Duolingo DynamoDB case study): every database has an "
        "alarm that reaches people through SNS, such as CPU >= 80% for two 5-minute periods; every "
        "instance is judged, cluster members included, since each is a server that can run hot."
    ),
    remediation=alarm_remediation(
        console_metric="RDS > Per-Database Metrics",
        namespace="AWS/RDS",
        metric="CPUUtilization",
        dimension="DBInstanceIdentifier",
        placeholder="<db-instance-id>",
        alarm_when=(
            "--statistic Average --period 300 --evaluation-periods 2 --threshold 80 "
            "--comparison-operator GreaterThanOrEqualToThreshold"
        ),
    ),
    references=[
        ALARMS_GUIDE,
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/monitoring-cloudwatch.html",
    ],
)
def rds_instance_has_alarm(scope: Scope) -> Iterable[Verdict]:
    alarms = scope.get(CLOUDWATCH_METRIC_ALARMS)
    for db in scope.get(RDS_DB_INSTANCES):
        yield alarm_coverage(
            _instance_ref(db),
            f"RDS DB instance {db.identifier}",
            alarms,
            namespace="AWS/RDS",
            dimension="DBInstanceIdentifier",
            value=db.identifier,
        )
