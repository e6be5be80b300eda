"""The snapshot: typed, serializable models of what the collectors read from AWS.

A dataset that could not be read is a `CollectionError` value in place of its data,
never an empty list, so no check can mistake a gap for a clean account.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SNAPSHOT_SCHEMA_VERSION = "1"
GLOBAL_REGION = "global"


class Model(BaseModel):
    """Base for snapshot models: unknown fields are rejected so a foreign file fails loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CollectionError(Model):
    """A read that failed; every check that needed it reports ERROR for its scope."""

    kind: Literal["collection_error"] = "collection_error"
    account_id: str
    region: str
    service: str
    operation: str
    error_code: str
    message: str
    resource_id: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str, str, str, str]:
        return (
            self.account_id,
            self.region,
            self.service,
            self.operation,
            self.error_code,
            self.message,
            self.resource_id or "",
        )

    def describe(self) -> str:
        where = f" for {self.resource_id}" if self.resource_id else ""
        return f"{self.service}:{self.operation} failed{where} ({self.error_code}): {self.message}"


# --- RDS -------------------------------------------------------------------------------


class DBInstance(Model):
    arn: str
    identifier: str
    engine: str
    engine_version: str = ""
    instance_class: str = ""
    status: str = ""
    multi_az: bool
    availability_zone: str | None = None
    secondary_availability_zone: str | None = None
    cluster_identifier: str | None = None
    read_replica_source: str | None = None
    publicly_accessible: bool = False
    storage_encrypted: bool = False
    backup_retention_period: int = 0
    deletion_protection: bool = False
    performance_insights_enabled: bool = False
    tags: dict[str, str] = Field(default_factory=dict)


class DBClusterMember(Model):
    instance_identifier: str
    is_writer: bool


class DBCluster(Model):
    arn: str
    identifier: str
    engine: str
    engine_mode: str = "provisioned"
    status: str = ""
    multi_az: bool
    availability_zones: list[str] = Field(default_factory=list)
    members: list[DBClusterMember] = Field(default_factory=list)
    storage_encrypted: bool = False
    deletion_protection: bool = False
    backtrack_window: int = 0
    backup_retention_period: int = 0
    tags: dict[str, str] = Field(default_factory=dict)


# --- DynamoDB + Application Auto Scaling ------------------------------------------------


class ScalingPolicy(Model):
    name: str
    policy_type: str


class ScalableTarget(Model):
    """An Application Auto Scaling target on a table or index, with its policies joined."""

    resource_id: str
    scalable_dimension: str
    min_capacity: int
    max_capacity: int
    policies: list[ScalingPolicy] = Field(default_factory=list)


class TimeToLive(Model):
    status: str
    attribute_name: str | None = None


class PointInTimeRecovery(Model):
    status: str
    recovery_period_days: int | None = None


class GlobalSecondaryIndex(Model):
    name: str
    read_capacity_units: int = 0
    write_capacity_units: int = 0


class DynamoDBTable(Model):
    arn: str
    name: str
    status: str = ""
    billing_mode: Literal["PROVISIONED", "PAY_PER_REQUEST"]
    table_class: str = "STANDARD"
    item_count: int = 0
    size_bytes: int = 0
    read_capacity_units: int = 0
    write_capacity_units: int = 0
    deletion_protection: bool = False
    global_secondary_indexes: list[GlobalSecondaryIndex] = Field(default_factory=list)
    ttl: TimeToLive | CollectionError
    point_in_time_recovery: PointInTimeRecovery | CollectionError
    scalable_targets: list[ScalableTarget] | CollectionError


# --- IAM ----------------------------------------------------------------------------------


class InlinePolicy(Model):
    name: str
    document: Any


class ManagedPolicy(Model):
    """A customer-managed policy with the document of its default version."""

    arn: str
    name: str
    policy_id: str | None = None
    default_version_id: str
    default_document: Any
    attachment_count: int = 0
    is_attachable: bool = True


class IAMPrincipal(Model):
    kind: Literal["user", "group", "role"]
    arn: str
    name: str
    path: str = "/"
    inline_policies: list[InlinePolicy] = Field(default_factory=list)
    attached_policy_arns: list[str] = Field(default_factory=list)
    assume_role_policy: Any = None
    group_names: list[str] = Field(default_factory=list)


class IAMAuthorizationDetails(Model):
    users: list[IAMPrincipal] = Field(default_factory=list)
    groups: list[IAMPrincipal] = Field(default_factory=list)
    roles: list[IAMPrincipal] = Field(default_factory=list)
    policies: list[ManagedPolicy] = Field(default_factory=list)

    @property
    def principals(self) -> list[IAMPrincipal]:
        return [*self.users, *self.groups, *self.roles]


# --- S3 -------------------------------------------------------------------------------------


class LifecycleTransition(Model):
    storage_class: str
    days: int | None = None
    date: str | None = None


class LifecycleRule(Model):
    id: str | None = None
    status: str
    prefix: str | None = None
    transitions: list[LifecycleTransition] = Field(default_factory=list)
    expiration_days: int | None = None
    noncurrent_transitions: list[LifecycleTransition] = Field(default_factory=list)
    noncurrent_expiration_days: int | None = None
    abort_incomplete_multipart_days: int | None = None

    @property
    def enabled(self) -> bool:
        return self.status == "Enabled"


class S3Bucket(Model):
    arn: str
    name: str
    region: str
    created_at: datetime | None = None
    lifecycle_rules: list[LifecycleRule] | CollectionError


# --- CloudWatch ------------------------------------------------------------------------------


class MetricAlarm(Model):
    arn: str
    name: str
    namespace: str | None = None
    metric_name: str | None = None
    dimensions: list[dict[str, str]] = Field(
        default_factory=list,
        description="Each metric the alarm watches, as {dimension name: value}; "
        "metric-math alarms contribute one entry per metric they query.",
    )
    actions_enabled: bool
    alarm_actions: list[str] = Field(default_factory=list)
    ok_actions: list[str] = Field(default_factory=list)
    insufficient_data_actions: list[str] = Field(default_factory=list)
    state: str = ""

    def watches(self, namespace: str, dimension: str, value: str) -> bool:
        if self.namespace is not None and self.namespace != namespace:
            return False
        return any(metric.get(dimension) == value for metric in self.dimensions)


# --- The snapshot ----------------------------------------------------------------------------


class ScopeSnapshot(Model):
    """Everything read in one (account, region); `region` is "global" for account-wide data.

    A field is None when its dataset was not collected (no selected check needed it).
    """

    account_id: str
    region: str
    rds_db_instances: list[DBInstance] | CollectionError | None = None
    rds_db_clusters: list[DBCluster] | CollectionError | None = None
    dynamodb_tables: list[DynamoDBTable] | CollectionError | None = None
    cloudwatch_metric_alarms: list[MetricAlarm] | CollectionError | None = None
    iam_authorization_details: IAMAuthorizationDetails | CollectionError | None = None
    s3_buckets: list[S3Bucket] | CollectionError | None = None
    errors: list[CollectionError] = Field(
        default_factory=list,
        description="Every read that failed in this scope, dataset-wide or for one resource.",
    )


class Snapshot(Model):
    schema_version: Literal["1"] = "1"
    tool_version: str
    collected_at: datetime
    accounts: list[str]
    regions: list[str]
    scopes: list[ScopeSnapshot]
    api_calls: dict[str, int] = Field(default_factory=dict)
