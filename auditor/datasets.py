"""Typed names for the datasets a snapshot holds; checks declare and read them by these keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from auditor.models import (
    DBCluster,
    DBInstance,
    DynamoDBTable,
    IAMAuthorizationDetails,
    MetricAlarm,
    S3Bucket,
    ScopeSnapshot,
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
CLOUDWATCH_METRIC_ALARMS: Dataset[list[MetricAlarm]] = Dataset(
    "cloudwatch_metric_alarms", "cloudwatch", "regional"
)
IAM_AUTHORIZATION_DETAILS: Dataset[IAMAuthorizationDetails] = Dataset(
    "iam_authorization_details", "iam", "global"
)
S3_BUCKETS: Dataset[list[S3Bucket]] = Dataset("s3_buckets", "s3", "global")

ALL_DATASETS: dict[str, Dataset[Any]] = {
    d.name: d
    for d in (
        RDS_DB_INSTANCES,
        RDS_DB_CLUSTERS,
        DYNAMODB_TABLES,
        CLOUDWATCH_METRIC_ALARMS,
        IAM_AUTHORIZATION_DETAILS,
        S3_BUCKETS,
    )
}
