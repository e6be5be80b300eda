"""Typed names for the datasets a snapshot holds; checks declare and read them by these keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from auditor.models import (
    AccountPublicAccessBlock,
    ApiV2,
    AutoScalingGroup,
    CognitoUserPool,
    Dashboard,
    DAXCluster,
    DBCluster,
    DBInstance,
    DBProxy,
    DBSnapshot,
    DynamoDBTable,
    ElastiCacheCluster,
    ElastiCacheReplicationGroup,
    EventSourceMapping,
    IAMAccountSummary,
    IAMAuthorizationDetails,
    IAMCredentialReport,
    IAMPasswordPolicy,
    KMSKey,
    LambdaFunction,
    LoadBalancer,
    LogGroup,
    MetricAlarm,
    MetricFilter,
    NetworkInterface,
    Organization,
    RestApi,
    S3Bucket,
    ScopeSnapshot,
    SecurityGroup,
    SNSTopic,
    SQSQueue,
    TableUsage,
    TaggedResource,
    Trail,
    VirtualMFADevice,
)

T = TypeVar("T")
ScopeKind = Literal["regional", "global"]


@dataclass(frozen=True)
class Dataset(Generic[T]):
    """One collectable dataset: its field on `ScopeSnapshot`, its service, and its scope."""

    name: str
    service: str
    scope: ScopeKind

    def __post_init__(self) -> None:
        if self.name not in ScopeSnapshot.model_fields:
            raise ValueError(f"dataset {self.name!r} has no field on ScopeSnapshot")


RDS_DB_INSTANCES: Dataset[list[DBInstance]] = Dataset("rds_db_instances", "rds", "regional")
RDS_DB_CLUSTERS: Dataset[list[DBCluster]] = Dataset("rds_db_clusters", "rds", "regional")
DYNAMODB_TABLES: Dataset[list[DynamoDBTable]] = Dataset("dynamodb_tables", "dynamodb", "regional")
DYNAMODB_TABLE_USAGE: Dataset[list[TableUsage]] = Dataset(
    "dynamodb_table_usage", "dynamodb", "regional"
)
CLOUDWATCH_METRIC_ALARMS: Dataset[list[MetricAlarm]] = Dataset(
    "cloudwatch_metric_alarms", "cloudwatch", "regional"
)
IAM_AUTHORIZATION_DETAILS: Dataset[IAMAuthorizationDetails] = Dataset(
    "iam_authorization_details", "iam", "global"
)
S3_BUCKETS: Dataset[list[S3Bucket]] = Dataset("s3_buckets", "s3", "global")

EC2_SECURITY_GROUPS: Dataset[list[SecurityGroup]] = Dataset(
    "ec2_security_groups", "ec2", "regional"
)
EC2_NETWORK_INTERFACES: Dataset[list[NetworkInterface]] = Dataset(
    "ec2_network_interfaces", "ec2", "regional"
)
ELBV2_LOAD_BALANCERS: Dataset[list[LoadBalancer]] = Dataset(
    "elbv2_load_balancers", "elasticloadbalancing", "regional"
)
LAMBDA_FUNCTIONS: Dataset[list[LambdaFunction]] = Dataset("lambda_functions", "lambda", "regional")
LAMBDA_EVENT_SOURCE_MAPPINGS: Dataset[list[EventSourceMapping]] = Dataset(
    "lambda_event_source_mappings", "lambda", "regional"
)
SQS_QUEUES: Dataset[list[SQSQueue]] = Dataset("sqs_queues", "sqs", "regional")
APIGATEWAY_REST_APIS: Dataset[list[RestApi]] = Dataset(
    "apigateway_rest_apis", "apigateway", "regional"
)
APIGATEWAY_V2_APIS: Dataset[list[ApiV2]] = Dataset("apigateway_v2_apis", "apigateway", "regional")
COGNITO_USER_POOLS: Dataset[list[CognitoUserPool]] = Dataset(
    "cognito_user_pools", "cognito-idp", "regional"
)
AUTOSCALING_GROUPS: Dataset[list[AutoScalingGroup]] = Dataset(
    "autoscaling_groups", "autoscaling", "regional"
)

RDS_DB_SNAPSHOTS: Dataset[list[DBSnapshot]] = Dataset("rds_db_snapshots", "rds", "regional")
RDS_DB_PROXIES: Dataset[list[DBProxy]] = Dataset("rds_db_proxies", "rds", "regional")
DAX_CLUSTERS: Dataset[list[DAXCluster]] = Dataset("dax_clusters", "dax", "regional")
ELASTICACHE_REPLICATION_GROUPS: Dataset[list[ElastiCacheReplicationGroup]] = Dataset(
    "elasticache_replication_groups", "elasticache", "regional"
)
ELASTICACHE_CACHE_CLUSTERS: Dataset[list[ElastiCacheCluster]] = Dataset(
    "elasticache_cache_clusters", "elasticache", "regional"
)

IAM_CREDENTIAL_REPORT: Dataset[IAMCredentialReport] = Dataset(
    "iam_credential_report", "iam", "global"
)
IAM_ACCOUNT_SUMMARY: Dataset[IAMAccountSummary] = Dataset("iam_account_summary", "iam", "global")
IAM_PASSWORD_POLICY: Dataset[IAMPasswordPolicy] = Dataset("iam_password_policy", "iam", "global")
IAM_VIRTUAL_MFA_DEVICES: Dataset[list[VirtualMFADevice]] = Dataset(
    "iam_virtual_mfa_devices", "iam", "global"
)
S3_ACCOUNT_PUBLIC_ACCESS_BLOCK: Dataset[AccountPublicAccessBlock] = Dataset(
    "s3_account_public_access_block", "s3", "global"
)
SNS_TOPICS: Dataset[list[SNSTopic]] = Dataset("sns_topics", "sns", "regional")

CLOUDTRAIL_TRAILS: Dataset[list[Trail]] = Dataset("cloudtrail_trails", "cloudtrail", "regional")
LOGS_LOG_GROUPS: Dataset[list[LogGroup]] = Dataset("logs_log_groups", "logs", "regional")
LOGS_METRIC_FILTERS: Dataset[list[MetricFilter]] = Dataset(
    "logs_metric_filters", "logs", "regional"
)
CLOUDWATCH_DASHBOARDS: Dataset[list[Dashboard]] = Dataset(
    "cloudwatch_dashboards", "cloudwatch", "global"
)
KMS_KEYS: Dataset[list[KMSKey]] = Dataset("kms_keys", "kms", "regional")
ORGANIZATIONS_ORGANIZATION: Dataset[Organization] = Dataset(
    "organizations_organization", "organizations", "global"
)
# Read for owners (owner_tags in the configuration), not by any check.
TAGGING_RESOURCES: Dataset[list[TaggedResource]] = Dataset(
    "tagging_resources", "resourcegroupstaggingapi", "regional"
)

ALL_DATASETS: dict[str, Dataset[Any]] = {
    d.name: d
    for d in (
        RDS_DB_INSTANCES,
        RDS_DB_CLUSTERS,
        DYNAMODB_TABLES,
        DYNAMODB_TABLE_USAGE,
        CLOUDWATCH_METRIC_ALARMS,
        IAM_AUTHORIZATION_DETAILS,
        S3_BUCKETS,
        EC2_SECURITY_GROUPS,
        EC2_NETWORK_INTERFACES,
        ELBV2_LOAD_BALANCERS,
        LAMBDA_FUNCTIONS,
        LAMBDA_EVENT_SOURCE_MAPPINGS,
        SQS_QUEUES,
        APIGATEWAY_REST_APIS,
        APIGATEWAY_V2_APIS,
        COGNITO_USER_POOLS,
        AUTOSCALING_GROUPS,
        RDS_DB_SNAPSHOTS,
        RDS_DB_PROXIES,
        DAX_CLUSTERS,
        ELASTICACHE_REPLICATION_GROUPS,
        ELASTICACHE_CACHE_CLUSTERS,
        IAM_CREDENTIAL_REPORT,
        IAM_ACCOUNT_SUMMARY,
        IAM_PASSWORD_POLICY,
        IAM_VIRTUAL_MFA_DEVICES,
        S3_ACCOUNT_PUBLIC_ACCESS_BLOCK,
        SNS_TOPICS,
        CLOUDTRAIL_TRAILS,
        LOGS_LOG_GROUPS,
        LOGS_METRIC_FILTERS,
        CLOUDWATCH_DASHBOARDS,
        KMS_KEYS,
        ORGANIZATIONS_ORGANIZATION,
        TAGGING_RESOURCES,
    )
}
