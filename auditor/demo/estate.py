"""Seeds the demo account: a language-learning app with a good and a bad example for each check."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3

from auditor.demo.common import DEMO_REGIONS, EU, US, ClientFactory, tags, trust_policy
from auditor.demo.compute import seed_compute
from auditor.demo.data_tier import seed_data_tier
from auditor.demo.identity import seed_identity
from auditor.demo.monitoring import seed_monitoring
from auditor.demo.organization import seed_organization
from auditor.demo.reliability import seed_reliability
from auditor.demo.security import (
    alarm_organization_changes,
    seed_security,
    trails_deliver_to_logs,
)
from auditor.demo.storage import seed_storage

# The estate module is where callers find the regions it seeds.
__all__ = ["DEMO_REGIONS", "seed_estate"]


# moto insists on a master password; this one is obviously not a secret.
_DB_PASSWORD = "demo-password-not-secret"  # noqa: S105
# A fixed suffix keeps the bucket names globally plausible and the seeding deterministic.
_BUCKET_SUFFIX = "7f3a9c"
# moto draws its ids (the sandbox account, security groups, keys, alarm suffixes) from one
# seedable generator; seeded, two demo runs give the same ids, so a --baseline shows no change.
_ID_SEED = 20130304
# moto names an automated RDS snapshot after the minute it was taken, as AWS does; the demo's are
# all taken at this (naive UTC, as moto's clock is) time, so their ids do not change either.
_BACKUP_TIME = datetime(2026, 1, 5, 3, 30)
_TOPIC = "ops-alerts"
_ONCALL_EMAIL = "ops-oncall@example.com"
_TARGET_UTILIZATION = 70.0

Document = dict[str, Any]


def _bucket(purpose: str, region: str) -> str:
    short = {"us-east-1": "use1", "eu-west-1": "euw1"}[region]
    return f"lingo-{purpose}-{short}-{_BUCKET_SUFFIX}"


# ---------------------------------------------------------------- RDS


@dataclass(frozen=True)
class DBInstanceSpec:
    identifier: str
    region: str
    engine: str
    engine_version: str
    instance_class: str
    component: str
    multi_az: bool = False


@dataclass(frozen=True)
class DBClusterSpec:
    identifier: str
    region: str
    engine: str
    instance_class: str
    component: str
    member_azs: tuple[str, ...]  # one member instance per entry, the first is the writer

    def members(self) -> list[tuple[str, str]]:
        return [(f"{self.identifier}-{n}", az) for n, az in enumerate(self.member_azs, start=1)]


DB_INSTANCES = (
    DBInstanceSpec("users-db", US, "postgres", "16.3", "db.m6g.large", "accounts", multi_az=True),
    DBInstanceSpec("analytics-db", EU, "mysql", "8.0.36", "db.t3.medium", "analytics"),
)
DB_CLUSTERS = (
    DBClusterSpec(
        identifier="lesson-content",
        region=US,
        engine="aurora-postgresql",
        instance_class="db.r6g.large",
        component="content",
        member_azs=("us-east-1a", "us-east-1b"),
    ),
    DBClusterSpec(
        identifier="reporting",
        region=EU,
        engine="aurora-mysql",
        instance_class="db.r6g.large",
        component="analytics",
        member_azs=("eu-west-1a",),
    ),
)


@contextmanager
def _rds_clock(moment: datetime) -> Iterator[None]:
    """moto's RDS clock stopped at `moment` (moto runs in this process, as for the demo)."""
    import moto.rds.models

    models: Any = moto.rds.models  # its clock is imported from moto.core, not re-exported
    real = models.utcnow
    models.utcnow = lambda: moment
    try:
        yield
    finally:
        models.utcnow = real


def _seed_rds(rds: Any, region: str) -> None:
    credentials = {"MasterUsername": "lingo_admin", "MasterUserPassword": _DB_PASSWORD}
    for db in (d for d in DB_INSTANCES if d.region == region):
        rds.create_db_instance(
            DBInstanceIdentifier=db.identifier,
            Engine=db.engine,
            EngineVersion=db.engine_version,
            DBInstanceClass=db.instance_class,
            AllocatedStorage=100,
            MultiAZ=db.multi_az,
            Tags=tags(db.component),
            **credentials,
        )
    for cluster in (c for c in DB_CLUSTERS if c.region == region):
        rds.create_db_cluster(
            DBClusterIdentifier=cluster.identifier,
            Engine=cluster.engine,
            Tags=tags(cluster.component),
            **credentials,
        )
        for identifier, az in cluster.members():
            rds.create_db_instance(
                DBInstanceIdentifier=identifier,
                DBClusterIdentifier=cluster.identifier,
                Engine=cluster.engine,
                DBInstanceClass=cluster.instance_class,
                AvailabilityZone=az,
                Tags=tags(cluster.component),
            )


# ---------------------------------------------------------------- DynamoDB


@dataclass(frozen=True)
class TableSpec:
    name: str
    region: str
    component: str
    hash_key: str
    range_key: str | None = None
    capacity: int | None = None  # provisioned read and write units; None is on-demand
    indexes: tuple[tuple[str, str], ...] = ()  # (index name, hash key) of each GSI
    autoscaled: tuple[str, ...] = ()  # "Read"/"Write", on the table and each GSI
    ttl_attribute: str | None = None
    pitr: bool = False

    def scaling_resources(self) -> list[tuple[str, str]]:
        """(ResourceId, dimension prefix) of the table and each of its indexes."""
        table = f"table/{self.name}"
        return [(table, "dynamodb:table")] + [
            (f"{table}/index/{index}", "dynamodb:index") for index, _ in self.indexes
        ]


TABLES = (
    # Provisioned, auto-scaled on table and index, TTL, PITR, an alarm that pages: all good.
    TableSpec(
        "user-progress",
        US,
        "progress",
        "user_id",
        "course_id",
        capacity=50,
        indexes=(("by-course", "course_id"),),
        autoscaled=("Read", "Write"),
        ttl_attribute="expires_at",
        pitr=True,
    ),
    # On-demand needs no auto-scaling; nothing watches it.
    TableSpec("lessons", US, "content", "lesson_id", pitr=True),
    # Read scaling only; its only alarms are the ones target tracking made.
    TableSpec(
        "leaderboard", US, "social", "league_id", "user_id", capacity=20, autoscaled=("Read",)
    ),
    # Provisioned with no scaling at all, but backed up and watched.
    TableSpec("streaks", EU, "progress", "user_id", capacity=10, pitr=True),
    # On-demand, expiring sessions, no backups: ephemeral by design.
    TableSpec("sessions", EU, "accounts", "session_id", ttl_attribute="expires_at"),
)


def _key_schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def _create_table(dynamodb: Any, table: TableSpec) -> None:
    keys = {table.hash_key, *(key for _, key in table.indexes)}
    if table.range_key:
        keys.add(table.range_key)
    throughput = (
        {
            "ProvisionedThroughput": {
                "ReadCapacityUnits": table.capacity,
                "WriteCapacityUnits": table.capacity,
            }
        }
        if table.capacity
        else {}
    )
    params: dict[str, Any] = {
        "TableName": table.name,
        "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k in sorted(keys)],
        "KeySchema": _key_schema(table.hash_key, table.range_key),
        "BillingMode": "PROVISIONED" if table.capacity else "PAY_PER_REQUEST",
        "Tags": tags(table.component),
        **throughput,
    }
    if table.indexes:
        params["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index,
                "KeySchema": _key_schema(key, table.hash_key),
                "Projection": {"ProjectionType": "KEYS_ONLY"},
                **throughput,
            }
            for index, key in table.indexes
        ]
    dynamodb.create_table(**params)


def _seed_table(dynamodb: Any, autoscaling: Any, table: TableSpec) -> None:
    _create_table(dynamodb, table)
    if table.ttl_attribute:
        dynamodb.update_time_to_live(
            TableName=table.name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
        )
    if table.pitr:
        dynamodb.update_continuous_backups(
            TableName=table.name,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
    for resource_id, prefix in table.scaling_resources():
        for kind in table.autoscaled:
            target = {
                "ServiceNamespace": "dynamodb",
                "ResourceId": resource_id,
                "ScalableDimension": f"{prefix}:{kind}CapacityUnits",
            }
            autoscaling.register_scalable_target(MinCapacity=5, MaxCapacity=500, **target)
            metric = f"DynamoDB{kind}CapacityUtilization"
            autoscaling.put_scaling_policy(
                PolicyName=f"{metric}:{resource_id}",
                PolicyType="TargetTrackingScaling",
                TargetTrackingScalingPolicyConfiguration={
                    "TargetValue": _TARGET_UTILIZATION,
                    "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
                },
                **target,
            )


# ---------------------------------------------------------------- S3

# Seed 003's storage-class ladder.
_TIERING_RULE: Document = {
    "ID": "tier-by-age",
    "Status": "Enabled",
    "Filter": {"Prefix": ""},
    "Transitions": [
        {"Days": 30, "StorageClass": "STANDARD_IA"},
        {"Days": 90, "StorageClass": "GLACIER"},
        {"Days": 365, "StorageClass": "DEEP_ARCHIVE"},
    ],
}
# Written once, switched off during an incident, never switched back on.
_DISABLED_EXPIRY_RULE: Document = {
    "ID": "expire-nightly-dumps",
    "Status": "Disabled",
    "Filter": {"Prefix": "nightly/"},
    "Expiration": {"Days": 35},
}


@dataclass(frozen=True)
class BucketSpec:
    purpose: str
    region: str
    component: str
    lifecycle_rules: tuple[Document, ...] = ()  # empty: no lifecycle configuration at all

    @property
    def name(self) -> str:
        return _bucket(self.purpose, self.region)


BUCKETS = (
    BucketSpec("lesson-assets", US, "content", (_TIERING_RULE,)),
    BucketSpec("access-logs", US, "edge"),
    BucketSpec("lesson-assets", EU, "content", (_TIERING_RULE,)),
    BucketSpec("db-backups", EU, "analytics", (_DISABLED_EXPIRY_RULE,)),
)


def _seed_buckets(s3: Any, region: str) -> None:
    for bucket in (b for b in BUCKETS if b.region == region):
        location = {} if region == "us-east-1" else {"LocationConstraint": region}
        if location:
            s3.create_bucket(Bucket=bucket.name, CreateBucketConfiguration=location)
        else:
            s3.create_bucket(Bucket=bucket.name)
        s3.put_bucket_tagging(Bucket=bucket.name, Tagging={"TagSet": tags(bucket.component)})
        if bucket.lifecycle_rules:
            s3.put_bucket_lifecycle_configuration(
                Bucket=bucket.name,
                LifecycleConfiguration={"Rules": list(bucket.lifecycle_rules)},
            )


# ---------------------------------------------------------------- CloudWatch


@dataclass(frozen=True)
class AlarmSpec:
    name: str
    region: str
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    threshold: float
    statistic: str = "Average"
    comparison: str = "GreaterThanOrEqualToThreshold"
    period: int = 300
    evaluation_periods: int = 2
    notify: bool = True  # the region's ops-alerts topic as the ALARM action
    actions_enabled: bool = True


ALARMS = (
    # Seed 000: CPU >= 80% over two 5-minute periods, to SNS.
    AlarmSpec(
        "users-db-cpu-high",
        US,
        "AWS/RDS",
        "CPUUtilization",
        (("DBInstanceIdentifier", "users-db"),),
        threshold=80,
    ),
    # 80% of 50 provisioned RCU over 300 s.
    AlarmSpec(
        "user-progress-read-capacity-high",
        US,
        "AWS/DynamoDB",
        "ConsumedReadCapacityUnits",
        (("TableName", "user-progress"),),
        threshold=12000,
        statistic="Sum",
    ),
    # Muted during a noisy deploy and never unmuted.
    AlarmSpec(
        "lesson-api-5xx",
        US,
        "AWS/ApiGateway",
        "5XXError",
        (("ApiName", "lingo-lesson-api"),),
        threshold=10,
        statistic="Sum",
        actions_enabled=False,
    ),
    AlarmSpec(
        "streaks-read-throttles",
        EU,
        "AWS/DynamoDB",
        "ReadThrottleEvents",
        (("TableName", "streaks"),),
        threshold=1,
        statistic="Sum",
        evaluation_periods=1,
    ),
    # Turns red on a dashboard nobody watches.
    AlarmSpec(
        "progress-sync-errors",
        EU,
        "AWS/Lambda",
        "Errors",
        (("FunctionName", "progress-sync"),),
        threshold=5,
        statistic="Sum",
        notify=False,
    ),
)


def _seed_alarms(cloudwatch: Any, region: str, topic_arn: str) -> None:
    for alarm in (a for a in ALARMS if a.region == region):
        cloudwatch.put_metric_alarm(
            AlarmName=alarm.name,
            Namespace=alarm.namespace,
            MetricName=alarm.metric,
            Dimensions=[{"Name": k, "Value": v} for k, v in alarm.dimensions],
            Statistic=alarm.statistic,
            Period=alarm.period,
            EvaluationPeriods=alarm.evaluation_periods,
            Threshold=alarm.threshold,
            ComparisonOperator=alarm.comparison,
            ActionsEnabled=alarm.actions_enabled,
            AlarmActions=[topic_arn] if alarm.notify else [],
            Tags=tags("monitoring"),
        )


# ---------------------------------------------------------------- IAM


def _allow(actions: str | list[str], resources: str | list[str]) -> Document:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resources}],
    }


_FULL_ADMIN = _allow("*", "*")


@dataclass(frozen=True)
class ManagedPolicySpec:
    name: str
    description: str
    versions: tuple[Document, ...]  # oldest first; the last one is the default


@dataclass(frozen=True)
class PrincipalSpec:
    kind: str  # "role", "user" or "group"
    name: str
    inline: dict[str, Document] = field(default_factory=dict)  # policy name -> document
    attached: tuple[str, ...] = ()  # customer-managed policy names
    trusted_service: str | None = None  # roles only


def _iam_estate(account: str) -> tuple[list[ManagedPolicySpec], list[PrincipalSpec]]:
    lessons = f"arn:aws:dynamodb:{US}:{account}:table/lessons"
    assets = [f"arn:aws:s3:::{_bucket('lesson-assets', r)}/*" for r in DEMO_REGIONS]
    backups = f"arn:aws:s3:::{_bucket('db-backups', EU)}"
    lambda_service = "lambda.amazonaws.com"
    policies = [
        ManagedPolicySpec("legacy-ops-admin", "Break-glass access from launch", (_FULL_ADMIN,)),
        # Born as admin, since narrowed; the old version stays behind, no longer default.
        ManagedPolicySpec(
            "lesson-content-publisher",
            "Upload and read lesson audio and images",
            (_FULL_ADMIN, _allow(["s3:GetObject", "s3:PutObject"], assets)),
        ),
    ]
    principals = [
        PrincipalSpec(
            "role",
            "lesson-api-lambda-role",
            inline={"lessons-table": _allow(["dynamodb:GetItem", "dynamodb:PutItem"], lessons)},
            trusted_service=lambda_service,
        ),
        PrincipalSpec(
            "role",
            "progress-sync-lambda-role",
            inline={"progress-export": _allow("s3:*", [backups, f"{backups}/*"])},
            trusted_service=lambda_service,
        ),
        PrincipalSpec("user", "ci-deployer", inline={"deploy-everything": _FULL_ADMIN}),
        PrincipalSpec(
            "group",
            "content-editors",
            inline={"read-lessons": _allow(["dynamodb:GetItem", "dynamodb:Query"], lessons)},
            attached=("lesson-content-publisher",),
        ),
        PrincipalSpec("group", "ops-oncall", attached=("legacy-ops-admin",)),
    ]
    return policies, principals


def _create_principal(iam: Any, principal: PrincipalSpec) -> None:
    if principal.kind == "role":
        if principal.trusted_service is None:
            raise ValueError(f"demo role {principal.name} names no trusted service")
        iam.create_role(
            RoleName=principal.name,
            AssumeRolePolicyDocument=trust_policy({"Service": principal.trusted_service}),
            Tags=tags("identity"),
        )
    elif principal.kind == "user":
        iam.create_user(UserName=principal.name, Tags=tags("identity"))
    else:
        iam.create_group(GroupName=principal.name)  # groups take no tags


def _seed_iam(iam: Any, account: str) -> None:
    policies, principals = _iam_estate(account)
    arns = {}
    for policy in policies:
        first, *later = policy.versions
        arns[policy.name] = iam.create_policy(
            PolicyName=policy.name,
            Description=policy.description,
            PolicyDocument=json.dumps(first),
            Tags=tags("identity"),
        )["Policy"]["Arn"]
        for document in later:
            iam.create_policy_version(
                PolicyArn=arns[policy.name],
                PolicyDocument=json.dumps(document),
                SetAsDefault=True,
            )
    for principal in principals:
        _create_principal(iam, principal)
        verb, key = principal.kind, f"{principal.kind.capitalize()}Name"
        for policy_name, document in principal.inline.items():
            getattr(iam, f"put_{verb}_policy")(
                **{key: principal.name},
                PolicyName=policy_name,
                PolicyDocument=json.dumps(document),
            )
        for policy_name in principal.attached:
            getattr(iam, f"attach_{verb}_policy")(
                **{key: principal.name}, PolicyArn=arns[policy_name]
            )


# ---------------------------------------------------------------- entry point


def seed_estate(session: boto3.session.Session, endpoint_url: str | None = None) -> None:
    """Create the demo estate in DEMO_REGIONS of the account `session` reaches, and make it
    the management account of an organization with one neglected member account."""
    from moto.moto_api._internal import mock_random

    def client(service: str, region: str) -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint_url)

    mock_random.seed(_ID_SEED)
    with _rds_clock(_BACKUP_TIME):
        _seed_in_order(client)


def _seed_in_order(client: ClientFactory) -> None:
    """Every part of the estate, always in this order: the ids moto draws depend on it."""
    account = client("sts", US).get_caller_identity()["Account"]
    _seed_iam(client("iam", US), account)
    seed_identity(client)
    seed_security(client, account)
    for region in DEMO_REGIONS:
        sns = client("sns", region)
        topic_arn = sns.create_topic(Name=_TOPIC, Tags=tags("monitoring"))["TopicArn"]
        sns.subscribe(TopicArn=topic_arn, Protocol="email", Endpoint=_ONCALL_EMAIL)
        _seed_rds(client("rds", region), region)
        dynamodb = client("dynamodb", region)
        autoscaling = client("application-autoscaling", region)
        for table in (t for t in TABLES if t.region == region):
            _seed_table(dynamodb, autoscaling, table)
        _seed_buckets(client("s3", region), region)
        _seed_alarms(client("cloudwatch", region), region, topic_arn)
        seed_compute(client, region, account, topic_arn)
        seed_data_tier(client, region, account)
        seed_monitoring(client, region, account, topic_arn)
        alarm_organization_changes(client, region, topic_arn)
        seed_storage(client, region, account)
        seed_reliability(client, region)
    trails_deliver_to_logs(account)
    seed_organization(client, account)
