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


class UnreadResource(Model):
    """A listed resource whose own answer could not be read (denied, throttled past retries,
    malformed): it is left out of its dataset, and every check of its type over that dataset
    reports ERROR for it, so one resource never costs the others their verdicts."""

    dataset: str
    type: str  # CloudFormation resource type, matched against each check's resource_type
    id: str
    arn: str | None = None
    region: str | None = None  # where the resource lives, when not the scope's region
    error: CollectionError


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
    read_replicas: list[str] = Field(
        default_factory=list,
        description="Identifiers (ARNs when in another region) of this instance's read replicas.",
    )
    publicly_accessible: bool = False
    storage_encrypted: bool = False
    backup_retention_period: int = 0
    deletion_protection: bool = False
    performance_insights_enabled: bool = False
    vpc_security_group_ids: list[str] = Field(default_factory=list)
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


class TableUsage(Model):
    """A table's consumed capacity over the last `days` days (CloudWatch AWS/DynamoDB sums)."""

    table_name: str
    days: int
    consumed_read_units: float = 0.0
    consumed_write_units: float = 0.0

    @property
    def reads_per_second(self) -> float:
        return self.consumed_read_units / (self.days * 86400)

    @property
    def writes_per_second(self) -> float:
        return self.consumed_write_units / (self.days * 86400)


class TableReplica(Model):
    """A global table replica (version 2019.11.21) as DescribeTable lists it."""

    region: str
    status: str = ""


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
    stream_enabled: bool = False
    latest_stream_arn: str | None = None
    global_table_version: str | None = None
    replicas: list[TableReplica] = Field(default_factory=list)
    global_secondary_indexes: list[GlobalSecondaryIndex] = Field(default_factory=list)
    ttl: TimeToLive | CollectionError
    point_in_time_recovery: PointInTimeRecovery | CollectionError
    scalable_targets: list[ScalableTarget] | CollectionError

    @property
    def provisioned_units(self) -> tuple[int, int]:
        """Read and write capacity units provisioned on the table and its indexes together."""
        indexes = self.global_secondary_indexes
        return (
            self.read_capacity_units + sum(i.read_capacity_units for i in indexes),
            self.write_capacity_units + sum(i.write_capacity_units for i in indexes),
        )


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
    aws_managed_policies: list[ManagedPolicy] = Field(default_factory=list)

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


class BucketVersioning(Model):
    status: str = Field(description='"Enabled", "Suspended", or "" for a bucket never versioned.')
    mfa_delete: bool = False

    @property
    def enabled(self) -> bool:
        return self.status == "Enabled"


class EncryptionRule(Model):
    algorithm: str = Field(description='SSEAlgorithm: "AES256", "aws:kms" or "aws:kms:dsse".')
    kms_key_id: str | None = None
    bucket_key_enabled: bool = False

    @property
    def uses_kms(self) -> bool:
        return self.algorithm.startswith("aws:kms")


class DefaultEncryption(Model):
    rules: list[EncryptionRule] = Field(
        default_factory=list,
        description="Empty when the bucket has no default encryption configuration.",
    )


class PublicAccessBlock(Model):
    """The four Block Public Access settings; `configured` is false where none were ever set,
    which leaves all four off."""

    configured: bool = True
    block_public_acls: bool = False
    ignore_public_acls: bool = False
    block_public_policy: bool = False
    restrict_public_buckets: bool = False

    def settings_off(self) -> list[str]:
        """The API names of the settings that are off."""
        settings = {
            "BlockPublicAcls": self.block_public_acls,
            "IgnorePublicAcls": self.ignore_public_acls,
            "BlockPublicPolicy": self.block_public_policy,
            "RestrictPublicBuckets": self.restrict_public_buckets,
        }
        return [name for name, on in settings.items() if not on]


class BucketPolicy(Model):
    document: Any = Field(default=None, description="None when the bucket has no policy.")


class S3Bucket(Model):
    """A bucket; a per-bucket setting is None where the snapshot does not hold it (written
    before it was collected), a CollectionError where its read failed."""

    arn: str
    name: str
    region: str
    created_at: datetime | None = None
    lifecycle_rules: list[LifecycleRule] | CollectionError
    versioning: BucketVersioning | CollectionError | None = None
    default_encryption: DefaultEncryption | CollectionError | None = None
    public_access_block: PublicAccessBlock | CollectionError | None = None
    policy: BucketPolicy | CollectionError | None = None


class AccountPublicAccessBlock(Model):
    """The account-level Block Public Access settings (S3 Control), one per account."""

    account_id: str
    settings: PublicAccessBlock


# --- CloudWatch ------------------------------------------------------------------------------


class MetricAlarm(Model):
    """A CloudWatch alarm: a metric alarm, or a composite alarm (alarm_rule set), whose state
    follows the alarms its rule names and which has no metric of its own."""

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
    alarm_rule: str | None = Field(
        default=None,
        description='A composite alarm\'s AlarmRule (ALARM("name") AND NOT OK(arn) ...); None: '
        "a metric alarm.",
    )

    @property
    def composite(self) -> bool:
        return self.alarm_rule is not None

    def watches(self, namespace: str, dimension: str, value: str) -> bool:
        if self.namespace is not None and self.namespace != namespace:
            return False
        return any(metric.get(dimension) == value for metric in self.dimensions)


# --- EC2: security groups and network interfaces -------------------------------------------


class SecurityGroupPermission(Model):
    """One IpPermissions entry: a protocol and port range, and the sources (or destinations)."""

    protocol: str = Field(description='"-1" (all), "tcp", "udp", "icmp", "icmpv6" or a number.')
    from_port: int | None = None
    to_port: int | None = None
    ipv4_ranges: list[str] = Field(default_factory=list)
    ipv6_ranges: list[str] = Field(default_factory=list)
    group_ids: list[str] = Field(
        default_factory=list, description="Referenced security groups (another account's too)."
    )
    prefix_list_ids: list[str] = Field(default_factory=list)


class SecurityGroup(Model):
    id: str
    name: str
    arn: str
    vpc_id: str | None = None
    owner_id: str = ""
    ingress: list[SecurityGroupPermission] = Field(default_factory=list)
    egress: list[SecurityGroupPermission] = Field(default_factory=list)
    tags: dict[str, str] = Field(default_factory=dict)

    @property
    def is_default(self) -> bool:
        """Every VPC has one group named "default", which cannot be deleted or renamed."""
        return self.name == "default"


class NetworkInterface(Model):
    id: str
    interface_type: str = "interface"
    description: str = ""
    status: str = ""
    security_group_ids: list[str] = Field(default_factory=list)
    attached_to: str | None = Field(default=None, description="The instance id, if attached.")
    requester_managed: bool = False


# --- Elastic Load Balancing (v2) -----------------------------------------------------------


class ListenerAction(Model):
    type: str
    redirect_protocol: str | None = None
    redirect_port: str | None = None


class Listener(Model):
    arn: str
    port: int | None = None
    protocol: str | None = None
    default_actions: list[ListenerAction] = Field(default_factory=list)


class LoadBalancer(Model):
    arn: str
    name: str
    type: str = Field(description='"application", "network" or "gateway".')
    scheme: str = ""
    vpc_id: str | None = None
    availability_zones: list[str] = Field(default_factory=list)
    security_group_ids: list[str] = Field(default_factory=list)
    listeners: list[Listener] | CollectionError
    attributes: dict[str, str] | CollectionError

    @property
    def metric_dimension(self) -> str:
        """The LoadBalancer dimension CloudWatch uses: "app/<name>/<id>" from the ARN."""
        return self.arn.split(":loadbalancer/", 1)[-1]


# --- Lambda -------------------------------------------------------------------------------


class ResourcePolicy(Model):
    """A resource-based policy as stored; `document` None means the resource has none."""

    document: Any = None


class EventInvokeConfig(Model):
    """Asynchronous invocation settings of one function version or alias."""

    function_arn: str
    maximum_retry_attempts: int | None = None
    maximum_event_age_seconds: int | None = None
    on_failure_destination: str | None = None
    on_success_destination: str | None = None


class LambdaFunction(Model):
    """A function's configuration; environment variable values are never read or kept."""

    arn: str
    name: str
    runtime: str | None = None
    package_type: str = "Zip"
    role_arn: str = ""
    dead_letter_target_arn: str | None = None
    last_modified: str | None = None
    resource_policy: ResourcePolicy | CollectionError
    event_invoke_configs: list[EventInvokeConfig] | CollectionError


class EventSourceMapping(Model):
    """A Lambda trigger that polls a stream or queue (ListEventSourceMappings)."""

    uuid: str
    event_source_arn: str | None = None
    function_arn: str | None = None
    state: str = ""
    on_failure_destination: str | None = None
    # -1 (AWS's default for streams) retries a failing batch until its records expire.
    maximum_retry_attempts: int = -1
    maximum_record_age_in_seconds: int = -1
    bisect_batch_on_function_error: bool = False


# --- SQS ----------------------------------------------------------------------------------


class QueueAttributes(Model):
    sqs_managed_sse: bool = False
    kms_master_key_id: str | None = None
    policy: Any = None
    dead_letter_target_arn: str | None = None
    max_receive_count: int | None = None


class SQSQueue(Model):
    url: str
    arn: str
    name: str
    attributes: QueueAttributes | CollectionError

    @property
    def fifo(self) -> bool:
        return self.name.endswith(".fifo")


# --- API Gateway --------------------------------------------------------------------------


class RestApiMethodSetting(Model):
    """Settings of one method path ("*/*" is the stage-wide default)."""

    method_path: str
    logging_level: str | None = None
    caching_enabled: bool = False
    cache_data_encrypted: bool = False


class RestApiStage(Model):
    arn: str
    name: str
    tracing_enabled: bool = False
    web_acl_arn: str | None = None
    cache_cluster_enabled: bool = False
    access_log_destination: str | None = None
    method_settings: list[RestApiMethodSetting] = Field(default_factory=list)

    def setting(self, method_path: str) -> RestApiMethodSetting | None:
        return next((s for s in self.method_settings if s.method_path == method_path), None)


class RestApi(Model):
    id: str
    name: str
    arn: str
    stages: list[RestApiStage] | CollectionError


class ApiV2Stage(Model):
    arn: str
    name: str
    access_log_destination: str | None = None
    default_logging_level: str | None = None


class ApiV2Route(Model):
    id: str
    arn: str
    route_key: str
    authorization_type: str = "NONE"


class ApiV2(Model):
    """An HTTP or WebSocket API (API Gateway v2)."""

    id: str
    name: str
    arn: str
    protocol_type: str = Field(description='"HTTP" or "WEBSOCKET".')
    stages: list[ApiV2Stage] | CollectionError
    routes: list[ApiV2Route] | CollectionError


# --- Cognito ------------------------------------------------------------------------------


class UserPoolSettings(Model):
    mfa_configuration: str = "OFF"
    advanced_security_mode: str | None = None


class CognitoUserPool(Model):
    id: str
    name: str
    arn: str
    settings: UserPoolSettings | CollectionError


# --- EC2 Auto Scaling ---------------------------------------------------------------------


class AutoScalingGroup(Model):
    arn: str
    name: str
    availability_zones: list[str] = Field(default_factory=list)
    health_check_type: str = "EC2"
    load_balancer_names: list[str] = Field(default_factory=list)
    target_group_arns: list[str] = Field(default_factory=list)
    traffic_sources: list[str] = Field(
        default_factory=list, description="Identifiers of attached traffic sources."
    )
    min_size: int = 0
    max_size: int = 0
    capacity_rebalance: bool = False
    mixed_instances: bool = Field(
        default=False, description="The group launches through a MixedInstancesPolicy."
    )
    on_demand_base_capacity: int = 0
    on_demand_percentage_above_base: int = Field(
        default=100, description="InstancesDistribution's share above the base (AWS's default)."
    )
    instance_types: list[str] = Field(
        default_factory=list,
        description="Instance types the mixed instances policy's overrides name.",
    )
    attribute_based_types: bool = Field(
        default=False, description="An override chooses types by InstanceRequirements."
    )
    scaling_policies: list[str] | CollectionError | None = Field(
        default=None,
        description="Names of the group's enabled scaling policies (DescribePolicies); None "
        "where the snapshot was written without them.",
    )
    scheduled_actions: list[str] | CollectionError | None = Field(
        default=None,
        description="Names of the group's scheduled actions (DescribeScheduledActions).",
    )

    @property
    def load_balanced(self) -> bool:
        return bool(self.load_balancer_names or self.target_group_arns or self.traffic_sources)

    @property
    def launches_spot(self) -> bool:
        """Whether the mixed instances policy lets the group run Spot Instances: any capacity
        above the On-Demand base that is not all On-Demand."""
        return self.mixed_instances and self.on_demand_percentage_above_base < 100


# --- RDS: snapshots and proxies (data tier) -------------------------------------------------


class DBSnapshot(Model):
    """A DB snapshot or DB cluster snapshot the account owns (automated or manual)."""

    arn: str
    identifier: str
    kind: Literal["instance", "cluster"]
    source_identifier: str = Field(description="The DB instance or DB cluster it was taken of.")
    snapshot_type: str = ""
    engine: str = ""
    encrypted: bool = False


class DBProxyTarget(Model):
    type: str = Field(description='"RDS_INSTANCE", "TRACKED_CLUSTER" or "RDS_SERVERLESS_ENDPOINT".')
    resource_id: str | None = Field(default=None, description="Instance or cluster identifier.")


class DBProxy(Model):
    arn: str
    name: str
    engine_family: str = ""
    status: str = ""
    targets: list[DBProxyTarget] | CollectionError


# --- DynamoDB Accelerator (DAX) -------------------------------------------------------------


class DAXNode(Model):
    id: str
    availability_zone: str | None = None
    status: str = ""


class DAXCluster(Model):
    arn: str
    name: str
    status: str = ""
    total_nodes: int = 0
    nodes: list[DAXNode] = Field(default_factory=list)
    encrypted_at_rest: bool = Field(description="SSEDescription.Status is ENABLED (or ENABLING).")
    endpoint_encryption: str = Field(default="NONE", description='"TLS" or "NONE".')
    security_group_ids: list[str] = Field(default_factory=list)


# --- ElastiCache ----------------------------------------------------------------------------


class ElastiCacheReplicationGroup(Model):
    """A Redis OSS or Valkey replication group (Memcached has none)."""

    arn: str
    id: str
    engine: str = "redis"
    status: str = ""
    automatic_failover: str = Field(default="disabled", description='"enabled", "disabled"…')
    multi_az: str = Field(default="disabled", description='"enabled" or "disabled".')
    at_rest_encryption: bool = False
    transit_encryption: bool = False
    snapshot_retention_limit: int = 0
    member_clusters: list[str] = Field(default_factory=list)


class ElastiCacheCluster(Model):
    """A cache cluster: a Memcached cluster, a standalone Redis OSS/Valkey node, or one node
    cluster of a replication group."""

    arn: str
    id: str
    engine: str = ""
    engine_version: str = ""
    status: str = ""
    replication_group_id: str | None = None
    auto_minor_version_upgrade: bool = False
    snapshot_retention_limit: int = 0
    cache_subnet_group_name: str | None = None
    security_group_ids: list[str] = Field(default_factory=list)


# --- SNS ----------------------------------------------------------------------------------


class TopicAttributes(Model):
    kms_master_key_id: str | None = None
    policy: Any = None


class SNSTopic(Model):
    arn: str
    name: str
    attributes: TopicAttributes | CollectionError


# --- Organizations --------------------------------------------------------------------------


class Organization(Model):
    """The organization an account belongs to (Organizations DescribeOrganization), if any."""

    in_organization: bool
    organization_id: str | None = None
    management_account_id: str | None = Field(
        default=None, description="DescribeOrganization's MasterAccountId."
    )
    feature_set: str | None = None

    def manages(self, account_id: str) -> bool:
        """Whether `account_id` is this organization's management account."""
        return self.in_organization and self.management_account_id == account_id


# --- The snapshot ----------------------------------------------------------------------------


class AccessKeyStatus(Model):
    """One of a user's two access key slots in the credential report."""

    active: bool = False
    last_rotated: datetime | None = None
    last_used_date: datetime | None = None


class CredentialReportUser(Model):
    """One row of the IAM credential report; dates are None where the report says N/A,
    no_information or not_supported."""

    user: str
    arn: str
    user_creation_time: datetime | None = None
    password_enabled: bool = False
    password_last_used: datetime | None = None
    password_last_changed: datetime | None = None
    mfa_active: bool = False
    access_key_1: AccessKeyStatus = Field(default_factory=AccessKeyStatus)
    access_key_2: AccessKeyStatus = Field(default_factory=AccessKeyStatus)

    @property
    def access_keys(self) -> list[tuple[int, AccessKeyStatus]]:
        return [(1, self.access_key_1), (2, self.access_key_2)]


class IAMCredentialReport(Model):
    """The account's credential report: when IAM generated it, the root user's row (absent
    only where an endpoint leaves it out) and one row per IAM user."""

    generated_time: datetime
    root: CredentialReportUser | None = None
    users: list[CredentialReportUser] = Field(default_factory=list)


class RootCredentialsManagement(Model):
    """Centralized root access as IAM ListOrganizationsFeatures tells it to this account.

    Only the organization's management account (or IAM's delegated administrator) may ask: a
    member account reads `readable` False and learns the answer from those accounts' reads in
    the same scan (with --org). An account outside any organization reads no features."""

    readable: bool
    organization_id: str | None = None
    enabled_features: list[str] = Field(default_factory=list)

    @property
    def centrally_managed(self) -> bool:
        """Member accounts' root credentials can be removed, and their recovery is blocked."""
        return "RootCredentialsManagement" in self.enabled_features


class IAMAccountSummary(Model):
    """What GetAccountSummary says about the root user of the account, and whether its
    organization manages root credentials centrally."""

    root_arn: str
    account_mfa_enabled: bool
    account_access_keys_present: bool
    # None where the answer leaves AccountPasswordPresent out (older endpoints, emulators).
    account_password_present: bool | None = None
    # Read only for a root user with no MFA, no access keys and no password (None otherwise).
    root_credentials_management: RootCredentialsManagement | CollectionError | None = None


class IAMPasswordPolicy(Model):
    """The account's IAM password policy (GetAccountPasswordPolicy). An account that never set
    one has none (`present` False), and IAM's default applies: 8 characters of three kinds,
    any password reused."""

    present: bool
    minimum_password_length: int | None = None
    password_reuse_prevention: int | None = Field(
        default=None, description="How many previous passwords a user may not reuse."
    )
    require_symbols: bool = False
    require_numbers: bool = False
    require_uppercase_characters: bool = False
    require_lowercase_characters: bool = False
    max_password_age: int | None = None


class VirtualMFADevice(Model):
    """An assigned virtual MFA device: its serial and the user (or root) it is assigned to."""

    serial_number: str
    user_arn: str | None = None


# --- Monitoring: CloudTrail, CloudWatch Logs, dashboards, KMS ---------------------------------


class TrailEventSelectors(Model):
    """What a trail's classic or advanced event selectors record of management events."""

    management_read: bool = Field(description="Read-only management events are recorded.")
    management_write: bool = Field(description="Write management events are recorded.")
    excluded_event_sources: list[str] = Field(
        default_factory=list,
        description="Management event sources left out (ExcludeManagementEventSources, or an "
        "advanced selector's eventSource NotEquals), e.g. kms.amazonaws.com.",
    )


class Trail(Model):
    """A CloudTrail trail as DescribeTrails shows it in one region (a multi-region trail also
    appears, as a shadow, in every other region); status and selectors are read in its home
    region."""

    arn: str
    name: str
    home_region: str
    multi_region: bool = False
    organization_trail: bool = False
    log_file_validation: bool = False
    kms_key_id: str | None = None
    s3_bucket_name: str | None = None
    cloudwatch_logs_log_group_arn: str | None = None
    is_logging: bool | CollectionError = Field(description="GetTrailStatus IsLogging.")
    event_selectors: TrailEventSelectors | CollectionError
    cloudwatch_logs_delivered_at: datetime | None = Field(
        default=None, description="GetTrailStatus LatestCloudWatchLogsDeliveryTime."
    )
    status_read_at: datetime | None = Field(
        default=None, description="When GetTrailStatus answered: what delivery age is measured to."
    )

    @property
    def log_group_name(self) -> str | None:
        """The log group name out of arn:aws:logs:<region>:<account>:log-group:<name>[:*]."""
        arn = self.cloudwatch_logs_log_group_arn
        if not arn or ":log-group:" not in arn:
            return None
        name = arn.split(":log-group:", 1)[1]
        return name[:-2] if name.endswith(":*") else name


class LogGroup(Model):
    arn: str
    name: str
    retention_days: int | None = Field(default=None, description="None: never expire.")
    kms_key_id: str | None = None
    stored_bytes: int = 0


class MetricTransformation(Model):
    namespace: str
    name: str


class MetricFilter(Model):
    name: str
    log_group_name: str
    pattern: str
    metrics: list[MetricTransformation] = Field(default_factory=list)


class Dashboard(Model):
    """A CloudWatch dashboard (dashboards are account-wide) and the regions its widgets show."""

    arn: str
    name: str
    regions: list[str] | CollectionError = Field(
        description="Regions named by its widgets (and their metrics), from GetDashboard."
    )


class KMSKeyDetails(Model):
    """DescribeKey's KeyMetadata, the few fields the checks judge by."""

    manager: str = Field(description='"CUSTOMER" or "AWS".')
    key_spec: str = "SYMMETRIC_DEFAULT"
    key_state: str = "Enabled"
    origin: str = "AWS_KMS"
    description: str = ""

    @property
    def rotatable(self) -> bool:
        """A customer-managed, enabled symmetric encryption key whose material KMS made: the
        keys automatic rotation applies to (imported material and custom key stores cannot
        rotate automatically; a disabled or pending-deletion key encrypts nothing new)."""
        return (
            self.manager == "CUSTOMER"
            and self.key_spec == "SYMMETRIC_DEFAULT"
            and self.origin == "AWS_KMS"
            and self.key_state == "Enabled"
        )


class KMSKey(Model):
    arn: str
    id: str
    details: KMSKeyDetails | CollectionError
    rotation_enabled: bool | CollectionError | None = Field(
        default=None,
        description="GetKeyRotationStatus; None where it was not read (not a customer-managed, "
        "enabled symmetric key with KMS key material).",
    )


class TaggedResource(Model):
    """One resource's tags as the Resource Groups Tagging API lists them (owners come from them)."""

    arn: str
    tags: dict[str, str]


class ScopeSnapshot(Model):
    """Everything read in one (account, region); `region` is "global" for account-wide data.

    A field is None when its dataset was not collected (no selected check needed it).
    """

    account_id: str
    region: str
    rds_db_instances: list[DBInstance] | CollectionError | None = None
    rds_db_clusters: list[DBCluster] | CollectionError | None = None
    dynamodb_tables: list[DynamoDBTable] | CollectionError | None = None
    dynamodb_table_usage: list[TableUsage] | CollectionError | None = None
    cloudwatch_metric_alarms: list[MetricAlarm] | CollectionError | None = None
    iam_authorization_details: IAMAuthorizationDetails | CollectionError | None = None
    s3_buckets: list[S3Bucket] | CollectionError | None = None
    ec2_security_groups: list[SecurityGroup] | CollectionError | None = None
    ec2_network_interfaces: list[NetworkInterface] | CollectionError | None = None
    elbv2_load_balancers: list[LoadBalancer] | CollectionError | None = None
    lambda_functions: list[LambdaFunction] | CollectionError | None = None
    lambda_event_source_mappings: list[EventSourceMapping] | CollectionError | None = None
    sqs_queues: list[SQSQueue] | CollectionError | None = None
    apigateway_rest_apis: list[RestApi] | CollectionError | None = None
    apigateway_v2_apis: list[ApiV2] | CollectionError | None = None
    cognito_user_pools: list[CognitoUserPool] | CollectionError | None = None
    autoscaling_groups: list[AutoScalingGroup] | CollectionError | None = None
    rds_db_snapshots: list[DBSnapshot] | CollectionError | None = None
    rds_db_proxies: list[DBProxy] | CollectionError | None = None
    dax_clusters: list[DAXCluster] | CollectionError | None = None
    elasticache_replication_groups: list[ElastiCacheReplicationGroup] | CollectionError | None = (
        None
    )
    elasticache_cache_clusters: list[ElastiCacheCluster] | CollectionError | None = None
    iam_credential_report: IAMCredentialReport | CollectionError | None = None
    iam_account_summary: IAMAccountSummary | CollectionError | None = None
    iam_password_policy: IAMPasswordPolicy | CollectionError | None = None
    iam_virtual_mfa_devices: list[VirtualMFADevice] | CollectionError | None = None
    s3_account_public_access_block: AccountPublicAccessBlock | CollectionError | None = None
    sns_topics: list[SNSTopic] | CollectionError | None = None
    cloudtrail_trails: list[Trail] | CollectionError | None = None
    logs_log_groups: list[LogGroup] | CollectionError | None = None
    logs_metric_filters: list[MetricFilter] | CollectionError | None = None
    cloudwatch_dashboards: list[Dashboard] | CollectionError | None = None
    kms_keys: list[KMSKey] | CollectionError | None = None
    organizations_organization: Organization | CollectionError | None = None
    tagging_resources: list[TaggedResource] | CollectionError | None = None
    errors: list[CollectionError] = Field(
        default_factory=list,
        description="Every read that failed in this scope, dataset-wide or for one resource.",
    )
    unread: list[UnreadResource] = Field(
        default_factory=list,
        description="Listed resources left out of their dataset because their own read failed.",
    )


class Snapshot(Model):
    schema_version: Literal["1"] = "1"
    tool_version: str
    collected_at: datetime
    accounts: list[str]
    regions: list[str]
    scopes: list[ScopeSnapshot]
    api_calls: dict[str, int] = Field(default_factory=dict)
    organization_accounts: list[str] = Field(
        default_factory=list,
        description="With --org: every account of the organization that was listed, read by "
        "this scan or not (a shard reads some); checks treat them as the operator's own.",
    )
