"""RDS checks: instances and clusters survive an Availability Zone outage, are backed up,
encrypted, private and protected from deletion, can be tuned, and are watched."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field, JsonValue, field_validator

from auditor.checkapi import CheckParameters, Scope, Verdict, check, failed, passed, unreadable
from auditor.datasets import (
    CLOUDWATCH_METRIC_ALARMS,
    RDS_DB_CLUSTERS,
    RDS_DB_INSTANCES,
    RDS_DB_PROXIES,
    RDS_DB_SNAPSHOTS,
)
from auditor.findings import Remediation, ResourceRef, Severity
from auditor.models import CollectionError, DBCluster, DBInstance, DBProxy
from checks.cloudwatch import ALARMS_GUIDE, alarm_coverage, alarm_remediation
from checks.verdicts import flag_verdict, not_collected

_INSTANCE_TYPE = "AWS::RDS::DBInstance"
_CLUSTER_TYPE = "AWS::RDS::DBCluster"
_RDS_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html"


_RDS_GUIDE = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide"
_AURORA_GUIDE = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide"
_CONFIG_RULES = "https://docs.aws.amazon.com/config/latest/developerguide"


def _instance_ref(db: DBInstance) -> ResourceRef:
    return ResourceRef(arn=db.arn, id=db.identifier, type=_INSTANCE_TYPE, tags=db.tags)


def _cluster_ref(cluster: DBCluster) -> ResourceRef:
    return ResourceRef(
        arn=cluster.arn, id=cluster.identifier, type=_CLUSTER_TYPE, tags=cluster.tags
    )


def _standalone(instances: list[DBInstance]) -> Iterable[DBInstance]:
    """Instances that are not members of a DB cluster: a member's storage, backups and deletion
    protection are its cluster's, judged by the cluster checks."""
    return (db for db in instances if db.cluster_identifier is None)


def _primaries(instances: list[DBInstance]) -> Iterable[DBInstance]:
    """Standalone instances that are not read replicas."""
    return (db for db in _standalone(instances) if db.read_replica_source is None)


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
    compliance={"fsbp": ["RDS.5"], "wa-rel": ["REL10-BP01", "REL11-BP02"]},
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
    compliance={"fsbp": ["RDS.15"], "wa-rel": ["REL10-BP01", "REL11-BP02"]},
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
        elif cluster.engine_mode == "serverless" and not members:
            # Aurora Serverless v1 has no DB instances: its capacity runs in one zone.
            verdict = failed
            message = (
                f"{name} is Aurora Serverless v1 (EngineMode serverless), whose capacity runs in "
                "a single Availability Zone with no instances to spread; Aurora Serverless v2 or "
                "provisioned instances can span two or more zones."
            )
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


# MEDIUM, as rds_cluster_multi_az: the zone outage it guards against loses no data.
@check(
    id="rds_cluster_reader_in_other_az",
    title="Aurora DB clusters have a reader in another Availability Zone than the writer",
    service="rds",
    severity=Severity.MEDIUM,
    resource_type=_CLUSTER_TYPE,
    datasets=[RDS_DB_CLUSTERS, RDS_DB_INSTANCES],
    rationale=(
        "Study materials (Databases, the AWS Database notes: Aurora replicas as failover "
        "targets): Aurora fails over by promoting a reader, so a cluster survives the loss of "
        "its writer's zone in about a minute only when a reader runs in another zone; without "
        "one, Aurora must create a new writer, which takes far longer. Instances in two zones "
        "(RDS.15) are not enough when both readers share the writer's zone."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Databases > select the Aurora cluster > Actions > Add reader > pick an "
            "Availability Zone other than the writer's > Add reader."
        ),
        cli=(
            "aws rds create-db-instance --db-cluster-identifier <cluster-id> "
            "--db-instance-identifier <reader-id> --engine <cluster-engine> "
            "--db-instance-class <class> --availability-zone <zone-other-than-writer>"
        ),
        terraform=(
            "aws_rds_cluster_instance: a second instance of the cluster with availability_zone "
            "set to a zone other than the writer's"
        ),
    ),
    references=[
        f"{_AURORA_GUIDE}/Concepts.AuroraHighAvailability.html",
        f"{_AURORA_GUIDE}/Concepts.AuroraHighAvailability.html#Aurora.Managing.FaultTolerance",
    ],
    compliance={"wa-rel": ["REL10-BP01", "REL11-BP02"]},
)
def rds_cluster_reader_in_other_az(scope: Scope) -> Iterable[Verdict]:
    """Judges Aurora clusters that have instances (Aurora Serverless v1 has none); the zone of a
    member is that of its DB instance. A writer whose instance is not listed is an ERROR: its
    zone cannot be known, and a guess would be a PASS or FAIL without evidence."""
    zones = {db.identifier: db.availability_zone for db in scope.get(RDS_DB_INSTANCES)}
    for cluster in scope.get(RDS_DB_CLUSTERS):
        if not cluster.engine.startswith("aurora") or not cluster.members:
            continue
        writer = next((m.instance_identifier for m in cluster.members if m.is_writer), None)
        writer_zone = zones.get(writer) if writer is not None else None
        if writer is None or writer_zone is None:
            missing = writer or cluster.identifier
            yield unreadable(
                _cluster_ref(cluster), not_collected(scope, "rds", "DescribeDBInstances", missing)
            )
            continue
        readers = {m.instance_identifier: zones.get(m.instance_identifier) for m in cluster.members}
        readers.pop(writer)
        elsewhere = sorted(r for r, z in readers.items() if z is not None and z != writer_zone)
        name = f"Aurora DB cluster {cluster.identifier}"
        if elsewhere:
            verdict, state = passed, f"has reader {elsewhere[0]} outside the writer's zone"
        elif readers:
            verdict, state = failed, "has its readers only in the writer's zone (or unknown ones)"
        else:
            verdict, state = failed, "has no reader to fail over to"
        yield verdict(
            _cluster_ref(cluster),
            f"{name} {state} ({writer_zone}).",
            writer=writer,
            writer_availability_zone=writer_zone,
            reader_availability_zones={r: z for r, z in sorted(readers.items())},
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
    compliance={"wa-rel": ["REL06-BP03", "REL11-BP01"]},
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


# --- Automated backups -----------------------------------------------------------------------


class BackupRetention(CheckParameters):
    minimum_days: int = Field(
        default=7,
        ge=1,
        le=35,
        description="Fewest days of automated backups to keep (the study materials ask for 7, "
        "as does Security Hub's RDS.11 default).",
    )


def _retention_verdict(ref: ResourceRef, name: str, retention: int, minimum: int) -> Verdict:
    if retention == 0:
        verdict, state = failed, "has automated backups turned off (retention 0 days)"
    elif retention < minimum:
        verdict, state = failed, f"keeps automated backups {retention} day(s), under {minimum}"
    else:
        verdict, state = passed, f"keeps automated backups {retention} days"
    return verdict(ref, f"{name} {state}.", backup_retention_period=retention, minimum_days=minimum)


_BACKUP_RATIONALE = (
    "Study materials (Databases, the AWS Database notes: automated backups kept for 7 days): "
    "automated backups with enough retention let a database be restored to any second of that "
    "window after a bad deploy, a dropped table or corrupted data is noticed days later."
)


# MEDIUM, as Security Hub rates RDS.11: no data is exposed, but a loss cannot be undone.
@check(
    id="rds_instance_backup_retention",
    title="RDS DB instances keep automated backups for at least 7 days",
    service="rds",
    severity=Severity.MEDIUM,
    resource_type=_INSTANCE_TYPE,
    datasets=[RDS_DB_INSTANCES],
    parameters=BackupRetention,
    rationale=_BACKUP_RATIONALE,
    remediation=Remediation(
        console=(
            "RDS console > Databases > select the DB instance > Modify > Additional configuration"
            " > Backup: set 'Backup retention period' to 7 days or more > Continue > Apply "
            "immediately > Modify DB instance."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier <db-instance-id> "
            "--backup-retention-period 7 --apply-immediately"
        ),
        terraform="aws_db_instance: backup_retention_period = 7",
    ),
    references=[
        f"{_RDS_CONTROLS}#rds-11",
        f"{_CONFIG_RULES}/db-instance-backup-enabled.html",
        f"{_RDS_GUIDE}/USER_WorkingWithAutomatedBackups.html",
    ],
    compliance={"fsbp": ["RDS.11"], "wa-rel": ["REL09-BP01", "REL09-BP03"]},
)
def rds_instance_backup_retention(scope: Scope) -> Iterable[Verdict]:
    """Judges standalone instances that are not read replicas: a cluster member's backups are
    its cluster's (rds_cluster_backup_retention), and several engines cannot back up a replica,
    whose data the primary's backups already hold."""
    minimum = scope.parameters(BackupRetention).minimum_days
    for db in _primaries(scope.get(RDS_DB_INSTANCES)):
        yield _retention_verdict(
            _instance_ref(db),
            f"RDS DB instance {db.identifier}",
            db.backup_retention_period,
            minimum,
        )


# MEDIUM, like rds_instance_backup_retention; no standard has a cluster retention control.
@check(
    id="rds_cluster_backup_retention",
    title="RDS DB clusters keep automated backups for at least 7 days",
    service="rds",
    severity=Severity.MEDIUM,
    resource_type=_CLUSTER_TYPE,
    datasets=[RDS_DB_CLUSTERS],
    parameters=BackupRetention,
    rationale=_BACKUP_RATIONALE,
    remediation=Remediation(
        console=(
            "RDS console > Databases > select the DB cluster > Modify > Additional configuration "
            "> Backup: set 'Backup retention period' to 7 days or more > Continue > Apply "
            "immediately > Modify cluster."
        ),
        cli=(
            "aws rds modify-db-cluster --db-cluster-identifier <cluster-id> "
            "--backup-retention-period 7 --apply-immediately"
        ),
        terraform="aws_rds_cluster: backup_retention_period = 7",
    ),
    references=[
        f"{_CONFIG_RULES}/rds-cluster-backup-retention-check.html",
        f"{_AURORA_GUIDE}/Aurora.Managing.Backups.html",
    ],
    compliance={"wa-rel": ["REL09-BP01", "REL09-BP03"]},
)
def rds_cluster_backup_retention(scope: Scope) -> Iterable[Verdict]:
    minimum = scope.parameters(BackupRetention).minimum_days
    for cluster in scope.get(RDS_DB_CLUSTERS):
        yield _retention_verdict(
            _cluster_ref(cluster),
            f"RDS DB cluster {cluster.identifier}",
            cluster.backup_retention_period,
            minimum,
        )


# --- Encryption at rest ----------------------------------------------------------------------

_ENCRYPTION_RATIONALE = (
    "Study materials (Databases, the AWS Database notes on securing RDS): storage is encrypted "
    "at rest with KMS, so disks, automated backups, replicas and snapshots cannot be read "
    "without the key. Encryption can only be chosen when the database is created."
)
_ENCRYPTION_GUIDE = f"{_RDS_GUIDE}/Overview.Encryption.html"


# MEDIUM, as Security Hub rates RDS.3: a leaked disk or snapshot copy exposes the data.
@check(
    id="rds_instance_storage_encrypted",
    title="RDS DB instances encrypt their storage at rest",
    service="rds",
    severity=Severity.MEDIUM,
    resource_type=_INSTANCE_TYPE,
    datasets=[RDS_DB_INSTANCES],
    rationale=_ENCRYPTION_RATIONALE,
    remediation=Remediation(
        console=(
            "RDS console > Snapshots > take a snapshot of the DB instance > select it > Actions > "
            "Copy snapshot > Enable encryption with a KMS key > Copy; then Actions > Restore "
            "snapshot from the encrypted copy, move clients to the new instance and delete the "
            "unencrypted one (encryption cannot be turned on in place)."
        ),
        cli=(
            "aws rds copy-db-snapshot --source-db-snapshot-identifier <snapshot> "
            "--target-db-snapshot-identifier <snapshot>-encrypted --kms-key-id <kms-key> && aws "
            "rds restore-db-instance-from-db-snapshot --db-instance-identifier <new-id> "
            "--db-snapshot-identifier <snapshot>-encrypted"
        ),
        terraform=(
            "aws_db_instance: storage_encrypted = true (and kms_key_id); forces a new instance"
        ),
    ),
    references=[
        f"{_RDS_CONTROLS}#rds-3",
        f"{_CONFIG_RULES}/rds-storage-encrypted.html",
        _ENCRYPTION_GUIDE,
    ],
    compliance={
        "fsbp": ["RDS.3"],
        "cis-3.0": ["2.3.1"],
        "cis-4.0": ["2.2.1"],
        "cis-5.0": ["2.2.1"],
        "wa-rel": ["REL09-BP02"],
    },
)
def rds_instance_storage_encrypted(scope: Scope) -> Iterable[Verdict]:
    """Standalone instances; a cluster member's storage is the cluster's (RDS.27)."""
    for db in _standalone(scope.get(RDS_DB_INSTANCES)):
        yield flag_verdict(
            _instance_ref(db),
            f"RDS DB instance {db.identifier}",
            db.storage_encrypted,
            "encrypts its storage at rest",
            "stores its data unencrypted",
            storage_encrypted=db.storage_encrypted,
        )


# MEDIUM, as Security Hub rates RDS.27.
@check(
    id="rds_cluster_storage_encrypted",
    title="RDS DB clusters encrypt their storage at rest",
    service="rds",
    severity=Severity.MEDIUM,
    resource_type=_CLUSTER_TYPE,
    datasets=[RDS_DB_CLUSTERS],
    rationale=_ENCRYPTION_RATIONALE,
    remediation=Remediation(
        console=(
            "RDS console > Databases > select the DB cluster > Actions > Take snapshot; then "
            "Snapshots > select it > Actions > Restore snapshot with encryption enabled and a KMS"
            " key, move clients to the new cluster and delete the unencrypted one."
        ),
        cli=(
            "aws rds create-db-cluster-snapshot --db-cluster-identifier <cluster-id> "
            "--db-cluster-snapshot-identifier <snapshot> && aws rds "
            "restore-db-cluster-from-snapshot --db-cluster-identifier <new-id> "
            "--snapshot-identifier <snapshot> --engine <engine> --kms-key-id <kms-key>"
        ),
        terraform=(
            "aws_rds_cluster: storage_encrypted = true (and kms_key_id); forces a new cluster"
        ),
    ),
    references=[
        f"{_RDS_CONTROLS}#rds-27",
        f"{_CONFIG_RULES}/rds-cluster-encrypted-at-rest.html",
        f"{_AURORA_GUIDE}/Overview.Encryption.html",
    ],
    compliance={"fsbp": ["RDS.27"], "wa-rel": ["REL09-BP02"]},
)
def rds_cluster_storage_encrypted(scope: Scope) -> Iterable[Verdict]:
    for cluster in scope.get(RDS_DB_CLUSTERS):
        yield flag_verdict(
            _cluster_ref(cluster),
            f"RDS DB cluster {cluster.identifier}",
            cluster.storage_encrypted,
            "encrypts its storage at rest",
            "stores its data unencrypted",
            storage_encrypted=cluster.storage_encrypted,
        )


# MEDIUM, as Security Hub rates RDS.4: a snapshot is a full copy of the data.
@check(
    id="rds_snapshot_encrypted",
    title="RDS DB snapshots and DB cluster snapshots are encrypted",
    service="rds",
    severity=Severity.MEDIUM,
    resource_type="AWS::RDS::DBSnapshot",
    datasets=[RDS_DB_SNAPSHOTS],
    rationale=(
        "Study materials (Databases, the AWS Database notes on securing RDS): a snapshot is a "
        "full copy of the database, kept and shared long after the database changes; an "
        "encrypted one cannot be read, copied or restored without the KMS key."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Snapshots > select the snapshot > Actions > Copy snapshot > Enable "
            "encryption, choose a KMS key > Copy snapshot; then delete the unencrypted snapshot "
            "(and encrypt the database it came from, so new snapshots are encrypted)."
        ),
        cli=(
            "aws rds copy-db-snapshot --source-db-snapshot-identifier <snapshot> "
            "--target-db-snapshot-identifier <snapshot>-encrypted --kms-key-id <kms-key> && aws "
            "rds delete-db-snapshot --db-snapshot-identifier <snapshot>   # cluster snapshots: "
            "copy-db-cluster-snapshot / delete-db-cluster-snapshot"
        ),
        terraform=(
            "aws_db_snapshot_copy (or aws_rds_cluster_snapshot_copy) with kms_key_id; encrypt the "
            "source with storage_encrypted = true"
        ),
    ),
    references=[
        f"{_RDS_CONTROLS}#rds-4",
        f"{_CONFIG_RULES}/rds-snapshot-encrypted.html",
        f"{_RDS_GUIDE}/USER_CopySnapshot.html",
    ],
    compliance={"fsbp": ["RDS.4"], "wa-rel": ["REL09-BP02"]},
)
def rds_snapshot_encrypted(scope: Scope) -> Iterable[Verdict]:
    """Every snapshot the account owns, automated and manual, of instances and clusters."""
    for snapshot in scope.get(RDS_DB_SNAPSHOTS):
        cluster = snapshot.kind == "cluster"
        ref = ResourceRef(
            arn=snapshot.arn,
            id=snapshot.identifier,
            type="AWS::RDS::DBClusterSnapshot" if cluster else "AWS::RDS::DBSnapshot",
        )
        kind = " ".join(filter(None, ("RDS", snapshot.snapshot_type, "DB")))
        label = f"{kind} cluster snapshot" if cluster else f"{kind} snapshot"
        yield flag_verdict(
            ref,
            f"{label} {snapshot.identifier} of {snapshot.source_identifier}",
            snapshot.encrypted,
            "is encrypted",
            "is not encrypted",
            encrypted=snapshot.encrypted,
            snapshot_type=snapshot.snapshot_type,
            source=snapshot.source_identifier,
        )


# --- Network exposure ------------------------------------------------------------------------


# CRITICAL, as Security Hub rates RDS.2: the endpoint resolves to a public address, one
# security group rule away from the whole internet.
@check(
    id="rds_instance_not_publicly_accessible",
    title="RDS DB instances are not publicly accessible",
    service="rds",
    severity=Severity.CRITICAL,
    resource_type=_INSTANCE_TYPE,
    datasets=[RDS_DB_INSTANCES],
    rationale=(
        "Study materials (Databases and the architecture retrospective: the database tier sits "
        "in private subnets, reached only by the application tier): a publicly accessible "
        "instance gets a public IP address and DNS name, so only its security groups stand "
        "between the database and the internet."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Databases > select the DB instance > Modify > Connectivity > "
            "Additional configuration > Public access: choose 'Not publicly accessible' > Continue"
            " > Apply immediately > Modify DB instance."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier <db-instance-id> "
            "--no-publicly-accessible --apply-immediately"
        ),
        terraform="aws_db_instance (or aws_rds_cluster_instance): publicly_accessible = false",
    ),
    references=[
        f"{_RDS_CONTROLS}#rds-2",
        f"{_CONFIG_RULES}/rds-instance-public-access-check.html",
        f"{_RDS_GUIDE}/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding",
    ],
    compliance={
        "fsbp": ["RDS.2"],
        "cis-3.0": ["2.3.3"],
        "cis-4.0": ["2.2.3"],
        "cis-5.0": ["2.2.3"],
    },
)
def rds_instance_not_publicly_accessible(scope: Scope) -> Iterable[Verdict]:
    """Every instance, cluster members included: each Aurora instance has its own flag."""
    for db in scope.get(RDS_DB_INSTANCES):
        yield flag_verdict(
            _instance_ref(db),
            f"RDS DB instance {db.identifier}",
            not db.publicly_accessible,
            "is not publicly accessible",
            "is publicly accessible: its endpoint resolves to a public IP address",
            publicly_accessible=db.publicly_accessible,
            security_groups=list[JsonValue](db.vpc_security_group_ids),
        )


# --- Deletion protection ---------------------------------------------------------------------

_DELETION_RATIONALE = (
    "Study materials (Databases, the AWS Database notes on protecting production databases): "
    "deletion protection makes a delete fail until someone turns it off on purpose, so a "
    "mistaken console click, script or stack teardown cannot remove a production database."
)


# LOW, as Security Hub rates RDS.8 and RDS.7.
@check(
    id="rds_instance_deletion_protection",
    title="RDS DB instances have deletion protection enabled",
    service="rds",
    severity=Severity.LOW,
    resource_type=_INSTANCE_TYPE,
    datasets=[RDS_DB_INSTANCES],
    rationale=_DELETION_RATIONALE,
    remediation=Remediation(
        console=(
            "RDS console > Databases > select the DB instance > Modify > Additional configuration"
            " > Deletion protection: select 'Enable deletion protection' > Continue > Apply "
            "immediately > Modify DB instance."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier <db-instance-id> "
            "--deletion-protection --apply-immediately"
        ),
        terraform="aws_db_instance: deletion_protection = true",
    ),
    references=[
        f"{_RDS_CONTROLS}#rds-8",
        f"{_CONFIG_RULES}/rds-instance-deletion-protection-enabled.html",
        f"{_RDS_GUIDE}/USER_DeleteInstance.html#USER_DeletionProtection",
    ],
    compliance={"fsbp": ["RDS.8"]},
)
def rds_instance_deletion_protection(scope: Scope) -> Iterable[Verdict]:
    """Standalone instances; an Aurora member is protected by its cluster (RDS.7), and RDS.8
    itself lists only the non-Aurora engines."""
    for db in _standalone(scope.get(RDS_DB_INSTANCES)):
        yield flag_verdict(
            _instance_ref(db),
            f"RDS DB instance {db.identifier}",
            db.deletion_protection,
            "has deletion protection enabled",
            "can be deleted without first turning off deletion protection",
            deletion_protection=db.deletion_protection,
        )


@check(
    id="rds_cluster_deletion_protection",
    title="RDS DB clusters have deletion protection enabled",
    service="rds",
    severity=Severity.LOW,
    resource_type=_CLUSTER_TYPE,
    datasets=[RDS_DB_CLUSTERS],
    rationale=_DELETION_RATIONALE,
    remediation=Remediation(
        console=(
            "RDS console > Databases > select the DB cluster > Modify > Additional configuration "
            "> Deletion protection: select 'Enable deletion protection' > Continue > Apply "
            "immediately > Modify cluster."
        ),
        cli=(
            "aws rds modify-db-cluster --db-cluster-identifier <cluster-id> --deletion-protection "
            "--apply-immediately"
        ),
        terraform="aws_rds_cluster: deletion_protection = true",
    ),
    references=[
        f"{_RDS_CONTROLS}#rds-7",
        f"{_CONFIG_RULES}/rds-cluster-deletion-protection-enabled.html",
        f"{_AURORA_GUIDE}/USER_DeleteCluster.html#USER_DeletionProtection",
    ],
    compliance={"fsbp": ["RDS.7"]},
)
def rds_cluster_deletion_protection(scope: Scope) -> Iterable[Verdict]:
    for cluster in scope.get(RDS_DB_CLUSTERS):
        yield flag_verdict(
            _cluster_ref(cluster),
            f"RDS DB cluster {cluster.identifier}",
            cluster.deletion_protection,
            "has deletion protection enabled",
            "can be deleted without first turning off deletion protection",
            deletion_protection=cluster.deletion_protection,
        )


# --- Query tuning and recovery ---------------------------------------------------------------


# LOW: without Performance Insights slow queries are found by guesswork; nothing is at risk.
@check(
    id="rds_instance_performance_insights",
    title="RDS DB instances have Performance Insights enabled",
    service="rds",
    severity=Severity.LOW,
    resource_type=_INSTANCE_TYPE,
    datasets=[RDS_DB_INSTANCES],
    rationale=(
        "Study materials (Databases, the AWS Database notes: 'Performance Insights로 쿼리 튜닝'): "
        "Performance Insights shows database load by wait event, SQL statement and user, so the "
        "queries to tune are found from evidence; its 7-day history is free."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Databases > select the DB instance > Modify > Monitoring > "
            "Performance Insights: select 'Turn on Performance Insights' (7 days retention is "
            "free) > Continue > Apply immediately > Modify DB instance."
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier <db-instance-id> "
            "--enable-performance-insights --performance-insights-retention-period 7 "
            "--apply-immediately"
        ),
        terraform=(
            "aws_db_instance (or aws_rds_cluster_instance): performance_insights_enabled = true"
        ),
    ),
    references=[f"{_RDS_GUIDE}/USER_PerfInsights.Enabling.html"],
    compliance={"wa-rel": ["REL06-BP01"]},
)
def rds_instance_performance_insights(scope: Scope) -> Iterable[Verdict]:
    """Every instance, cluster members included: Aurora turns it on per instance. No standard
    covers this."""
    for db in scope.get(RDS_DB_INSTANCES):
        yield flag_verdict(
            _instance_ref(db),
            f"RDS DB instance {db.identifier}",
            db.performance_insights_enabled,
            "has Performance Insights enabled",
            "has Performance Insights turned off",
            performance_insights_enabled=db.performance_insights_enabled,
            instance_class=db.instance_class,
        )


# Aurora MySQL reports "aurora-mysql"; "aurora" is its MySQL 5.6-compatible predecessor.
_BACKTRACK_ENGINES = ("aurora-mysql", "aurora")


# MEDIUM, as Security Hub rates RDS.14.
@check(
    id="rds_cluster_backtrack_enabled",
    title="Aurora MySQL DB clusters have Backtrack enabled",
    service="rds",
    severity=Severity.MEDIUM,
    resource_type=_CLUSTER_TYPE,
    datasets=[RDS_DB_CLUSTERS],
    rationale=(
        "Study materials (Databases, the AWS Database notes on Aurora: 'Backtrack'): Backtrack "
        "rewinds an Aurora MySQL cluster to a moment in its window in minutes, in place, with "
        "no restore to a new cluster, after a bad migration or an unqualified DELETE."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Databases > select the DB cluster > Actions > Restore to point in time"
            " (or take a snapshot and restore it) with 'Enable Backtrack' and a target backtrack "
            "window such as 24 hours; move clients to the new cluster. Backtrack can be turned on"
            " only when a cluster is created or restored."
        ),
        cli=(
            "aws rds restore-db-cluster-to-point-in-time --source-db-cluster-identifier "
            "<cluster-id> --db-cluster-identifier <new-id> --use-latest-restorable-time "
            "--backtrack-window 86400"
        ),
        terraform="aws_rds_cluster: backtrack_window = 86400 (seconds, up to 259200)",
    ),
    references=[
        f"{_RDS_CONTROLS}#rds-14",
        f"{_CONFIG_RULES}/aurora-mysql-backtracking-enabled.html",
        f"{_AURORA_GUIDE}/AuroraMySQL.Managing.Backtrack.html",
    ],
    compliance={"fsbp": ["RDS.14"]},
)
def rds_cluster_backtrack_enabled(scope: Scope) -> Iterable[Verdict]:
    """Aurora MySQL clusters only, as the AWS Config rule behind RDS.14 judges: other engines
    cannot backtrack and yield nothing."""
    for cluster in scope.get(RDS_DB_CLUSTERS):
        if cluster.engine not in _BACKTRACK_ENGINES:
            continue
        window = cluster.backtrack_window
        yield flag_verdict(
            _cluster_ref(cluster),
            f"Aurora MySQL DB cluster {cluster.identifier}",
            window > 0,
            f"can backtrack {window / 3600:g} hour(s)",
            "has Backtrack turned off",
            backtrack_window_seconds=window,
            engine=cluster.engine,
        )


# --- Read scaling and connection pooling (informational) -------------------------------------


class TaggedSelection(CheckParameters):
    tags: tuple[str, ...] = Field(
        default=(),
        description='Judge only resources carrying one of these tags, each "key=value" or "key" '
        "(any value); empty judges every eligible resource.",
    )

    @field_validator("tags")
    @classmethod
    def _shape(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for tag in value:
            if not tag.split("=", 1)[0].strip():
                raise ValueError(f"tag selector {tag!r} has no key")
        return value

    def selects(self, tags: dict[str, str]) -> bool:
        if not self.tags:
            return True
        for selector in self.tags:
            key, sep, value = selector.partition("=")
            if key in tags and (not sep or tags[key] == value):
                return True
        return False


# LOW: informational; a primary without replicas works, it just carries every read itself.
@check(
    id="rds_instance_read_replica",
    title="Read-heavy RDS DB instances have a read replica",
    service="rds",
    severity=Severity.LOW,
    resource_type=_INSTANCE_TYPE,
    datasets=[RDS_DB_INSTANCES],
    parameters=TaggedSelection,
    rationale=(
        "Study materials (Databases, the AWS Database notes: 'Read Replica로 읽기 분산'): read "
        "replicas take read traffic off the primary, which keeps its capacity for writes; the "
        "tags parameter names the read-heavy databases, otherwise every primary is judged."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Databases > select the DB instance > Actions > Create read replica > "
            "choose the instance class and Availability Zone > Create read replica; point "
            "read-only queries at the replica's endpoint."
        ),
        cli=(
            "aws rds create-db-instance-read-replica --db-instance-identifier <replica-id> "
            "--source-db-instance-identifier <db-instance-id>"
        ),
        terraform="aws_db_instance: a second instance with replicate_source_db = <db-instance-id>",
    ),
    references=[f"{_RDS_GUIDE}/USER_ReadRepl.html"],
)
def rds_instance_read_replica(scope: Scope) -> Iterable[Verdict]:
    """Standalone primaries (not replicas, not cluster members: an Aurora cluster's readers are
    judged by rds_cluster_multi_az). Which workloads are read-heavy the API cannot tell, so the
    `tags` parameter narrows the judgement; without it every primary is judged. Replicas in
    other regions count."""
    selection = scope.parameters(TaggedSelection)
    for db in _primaries(scope.get(RDS_DB_INSTANCES)):
        if not selection.selects(db.tags):
            continue
        replicas = list[JsonValue](db.read_replicas)
        yield flag_verdict(
            _instance_ref(db),
            f"RDS DB instance {db.identifier}",
            bool(replicas),
            f"has {len(replicas)} read replica(s)",
            "has no read replica: every read goes to the primary",
            read_replicas=replicas,
        )


# Engines RDS Proxy fronts (engine families MYSQL, POSTGRESQL and SQLSERVER).
_PROXY_ENGINES = ("mysql", "mariadb", "postgres", "aurora", "sqlserver")


def _proxied(proxies: list[DBProxy]) -> tuple[dict[str, list[str]], list[CollectionError]]:
    """Resource identifier -> names of proxies targeting it; and the unreadable target lists."""
    fronted: dict[str, list[str]] = {}
    errors: list[CollectionError] = []
    for proxy in proxies:
        if isinstance(proxy.targets, CollectionError):
            errors.append(proxy.targets)
            continue
        for target in proxy.targets:
            if target.resource_id:
                fronted.setdefault(target.resource_id, []).append(proxy.name)
    return fronted, errors


# LOW: informational; without a proxy, bursts of short-lived clients exhaust connections.
@check(
    id="rds_database_behind_proxy",
    title="RDS databases are reached through an RDS Proxy",
    service="rds",
    severity=Severity.LOW,
    resource_type=_INSTANCE_TYPE,
    datasets=[RDS_DB_PROXIES, RDS_DB_INSTANCES, RDS_DB_CLUSTERS],
    parameters=TaggedSelection,
    rationale=(
        "Study materials (Databases, the AWS Database notes: 'RDS Proxy로 연결 풀링, Lambda "
        "친화적'): RDS Proxy pools and shares connections, so bursts of Lambda functions or other "
        "short-lived clients do not exhaust the database's connections, and failovers are faster;"
        " the tags parameter names the databases such clients use, otherwise all are judged."
    ),
    remediation=Remediation(
        console=(
            "RDS console > Proxies > Create proxy > engine family, the target DB instance or "
            "cluster, a Secrets Manager secret with the database credentials and an IAM role > "
            "Create proxy; point clients at the proxy endpoint."
        ),
        cli=(
            "aws rds create-db-proxy --db-proxy-name <proxy> --engine-family <MYSQL|POSTGRESQL> "
            "--auth AuthScheme=SECRETS,SecretArn=<secret-arn>,IAMAuth=REQUIRED --role-arn "
            "<role-arn> --vpc-subnet-ids <subnet-a> <subnet-b> && aws rds "
            "register-db-proxy-targets --db-proxy-name <proxy> --db-instance-identifiers "
            "<db-instance-id>   # or --db-cluster-identifiers <cluster-id>"
        ),
        terraform="aws_db_proxy with aws_db_proxy_default_target_group and aws_db_proxy_target",
    ),
    references=[f"{_RDS_GUIDE}/rds-proxy.html", f"{_RDS_GUIDE}/rds-proxy-planning.html"],
    compliance={"wa-rel": ["REL11-BP02"]},
)
def rds_database_behind_proxy(scope: Scope) -> Iterable[Verdict]:
    """Standalone primaries and DB clusters whose engine RDS Proxy supports (not Oracle, not
    Db2). PASS when a proxy in the region targets the database; a proxy whose targets could
    not be read makes an unproxied database ERROR, since that proxy may be its."""
    selection = scope.parameters(TaggedSelection)
    fronted, errors = _proxied(scope.get(RDS_DB_PROXIES))
    databases: list[tuple[ResourceRef, str, str, dict[str, str]]] = [
        (_instance_ref(db), db.identifier, f"RDS DB instance {db.identifier}", db.tags)
        for db in _primaries(scope.get(RDS_DB_INSTANCES))
        if db.engine.startswith(_PROXY_ENGINES)
    ] + [
        (_cluster_ref(c), c.identifier, f"RDS DB cluster {c.identifier}", c.tags)
        for c in scope.get(RDS_DB_CLUSTERS)
        if c.engine.startswith(_PROXY_ENGINES)
    ]
    for ref, identifier, name, tags in databases:
        if not selection.selects(tags):
            continue
        proxies = fronted.get(identifier, [])
        if not proxies and errors:
            yield unreadable(ref, errors[0])
            continue
        yield flag_verdict(
            ref,
            name,
            bool(proxies),
            f"is reached through RDS Proxy {', '.join(proxies)}",
            "has no RDS Proxy in front of it",
            proxies=list[JsonValue](proxies),
        )
