"""The five collectors against moto: what they read, how they join, and how they fail closed."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from auditor.models import CollectionError, DynamoDBTable

from .conftest import ACCOUNT, FaultyPool, collect_scopes

ADMIN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
SCOPED = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
}


def _table(session: boto3.session.Session, name: str, **extra: Any) -> None:
    client = session.client("dynamodb", region_name=extra.pop("region", "us-east-1"))
    keys = ["pk", "user"] if "GlobalSecondaryIndexes" in extra else ["pk"]
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in keys],
        **extra,
    )


def _target(
    session: boto3.session.Session, resource_id: str, dimension: str, *, policy: bool
) -> None:
    aas = session.client("application-autoscaling", region_name="us-east-1")
    aas.register_scalable_target(
        ServiceNamespace="dynamodb",
        ResourceId=resource_id,
        ScalableDimension=dimension,
        MinCapacity=1,
        MaxCapacity=50,
    )
    if policy:
        kind = "Read" if "Read" in dimension else "Write"
        aas.put_scaling_policy(
            PolicyName=f"{resource_id}-{kind}".replace("/", "-"),
            ServiceNamespace="dynamodb",
            ResourceId=resource_id,
            ScalableDimension=dimension,
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": 70.0,
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": f"DynamoDB{kind}CapacityUtilization"
                },
            },
        )


PROVISIONED = {"ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}
GSI = {
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "by-user",
            "KeySchema": [{"AttributeName": "user", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
            "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 2},
        }
    ]
}


def _tables_by_name(scope_tables: object) -> dict[str, DynamoDBTable]:
    assert isinstance(scope_tables, list)
    return {t.name: t for t in scope_tables}


def test_dynamodb_tables_join_ttl_pitr_and_scaling_targets(aws: boto3.session.Session) -> None:
    _table(aws, "user-progress", **PROVISIONED, **GSI)
    _table(aws, "lessons", BillingMode="PAY_PER_REQUEST")
    ddb = aws.client("dynamodb", region_name="us-east-1")
    ddb.update_time_to_live(
        TableName="user-progress",
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
    )
    ddb.update_continuous_backups(
        TableName="user-progress",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    _target(aws, "table/user-progress", "dynamodb:table:ReadCapacityUnits", policy=True)
    _target(
        aws, "table/user-progress/index/by-user", "dynamodb:index:WriteCapacityUnits", policy=False
    )

    tables = _tables_by_name(collect_scopes(aws, ["dynamodb_tables"])["us-east-1"].dynamodb_tables)

    progress = tables["user-progress"]
    assert progress.billing_mode == "PROVISIONED"
    assert [
        (g.name, g.read_capacity_units, g.write_capacity_units)
        for g in progress.global_secondary_indexes
    ] == [("by-user", 3, 2)]
    assert progress.ttl == progress.ttl.__class__(status="ENABLED", attribute_name="expires_at")
    assert not isinstance(progress.point_in_time_recovery, CollectionError)
    assert progress.point_in_time_recovery.status == "ENABLED"
    assert not isinstance(progress.scalable_targets, CollectionError)
    joined = {
        (t.resource_id, t.scalable_dimension): [p.name for p in t.policies]
        for t in progress.scalable_targets
    }
    assert joined == {
        ("table/user-progress", "dynamodb:table:ReadCapacityUnits"): ["table-user-progress-Read"],
        ("table/user-progress/index/by-user", "dynamodb:index:WriteCapacityUnits"): [],
    }
    lessons = tables["lessons"]
    assert lessons.billing_mode == "PAY_PER_REQUEST"
    assert lessons.scalable_targets == []
    assert not isinstance(lessons.ttl, CollectionError)
    assert lessons.ttl.status == "DISABLED"


def test_dynamodb_tables_keep_deletion_protection(aws: boto3.session.Session) -> None:
    _table(aws, "orders", BillingMode="PAY_PER_REQUEST", DeletionProtectionEnabled=True)
    _table(aws, "sessions", BillingMode="PAY_PER_REQUEST")

    tables = _tables_by_name(collect_scopes(aws, ["dynamodb_tables"])["us-east-1"].dynamodb_tables)

    assert tables["orders"].deletion_protection is True
    assert tables["sessions"].deletion_protection is False


def test_denied_ttl_read_is_an_error_on_that_table_only(aws: boto3.session.Session) -> None:
    _table(aws, "sessions", BillingMode="PAY_PER_REQUEST")
    _table(aws, "lessons", BillingMode="PAY_PER_REQUEST")
    pool = FaultyPool(
        aws,
        {"DescribeTimeToLive": "AccessDeniedException"},
        when=lambda region, params: params.get("TableName") == "sessions",
    )

    scope = collect_scopes(aws, ["dynamodb_tables"], pool=pool)["us-east-1"]

    tables = _tables_by_name(scope.dynamodb_tables)
    ttl = tables["sessions"].ttl
    assert isinstance(ttl, CollectionError)
    assert (ttl.service, ttl.operation, ttl.error_code, ttl.resource_id) == (
        "dynamodb",
        "DescribeTimeToLive",
        "AccessDeniedException",
        "sessions",
    )
    assert not isinstance(tables["lessons"].ttl, CollectionError)
    assert not isinstance(tables["sessions"].point_in_time_recovery, CollectionError)
    assert scope.errors == [ttl]


def test_table_deleted_between_list_and_describe_is_that_tables_error(
    aws: boto3.session.Session,
) -> None:
    _table(aws, "gone", BillingMode="PAY_PER_REQUEST")
    _table(aws, "lessons", BillingMode="PAY_PER_REQUEST")
    pool = FaultyPool(
        aws,
        {"DescribeTable": "ResourceNotFoundException"},
        when=lambda region, params: params.get("TableName") == "gone",
    )

    scope = collect_scopes(aws, ["dynamodb_tables"], pool=pool, regions=("us-east-1",))["us-east-1"]

    assert list(_tables_by_name(scope.dynamodb_tables)) == ["lessons"]
    # Not dropped unseen: a wrong region or a lagging list would answer the same.
    [unread] = scope.unread
    assert (unread.id, unread.error.operation, unread.error.error_code) == (
        "gone",
        "DescribeTable",
        "ResourceNotFoundException",
    )
    assert scope.errors == [unread.error]


def test_any_other_describe_failure_is_that_tables_error_not_a_missing_table(
    aws: boto3.session.Session,
) -> None:
    _table(aws, "lessons", BillingMode="PAY_PER_REQUEST")
    _table(aws, "sessions", BillingMode="PAY_PER_REQUEST")
    pool = FaultyPool(
        aws,
        {"DescribeTable": "AccessDeniedException"},
        when=lambda region, params: params.get("TableName") == "lessons",
    )

    scope = collect_scopes(aws, ["dynamodb_tables"], pool=pool, regions=("us-east-1",))["us-east-1"]

    assert list(_tables_by_name(scope.dynamodb_tables)) == ["sessions"]
    [unread] = scope.unread
    assert (unread.dataset, unread.type, unread.id, unread.arn) == (
        "dynamodb_tables",
        "AWS::DynamoDB::Table",
        "lessons",
        f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/lessons",
    )
    assert (unread.error.operation, unread.error.error_code) == (
        "DescribeTable",
        "AccessDeniedException",
    )
    assert scope.errors == [unread.error]


def test_denied_autoscaling_read_marks_every_table_in_the_region(
    aws: boto3.session.Session,
) -> None:
    _table(aws, "leaderboard", **PROVISIONED)
    pool = FaultyPool(aws, {"DescribeScalableTargets": "AccessDeniedException"})

    scope = collect_scopes(aws, ["dynamodb_tables"], pool=pool)["us-east-1"]

    targets = _tables_by_name(scope.dynamodb_tables)["leaderboard"].scalable_targets
    assert isinstance(targets, CollectionError)
    assert targets.operation == "DescribeScalableTargets"
    assert targets.service == "application-autoscaling"


def test_denied_list_makes_the_whole_dataset_an_error_never_empty(
    aws: boto3.session.Session,
) -> None:
    _table(aws, "lessons", BillingMode="PAY_PER_REQUEST")
    pool = FaultyPool(
        aws, {"ListTables": "AccessDeniedException"}, when=lambda r, p: r == "eu-west-1"
    )

    scopes = collect_scopes(aws, ["dynamodb_tables"], pool=pool)

    failed = scopes["eu-west-1"].dynamodb_tables
    assert isinstance(failed, CollectionError)
    assert (failed.region, failed.operation, failed.error_code) == (
        "eu-west-1",
        "ListTables",
        "AccessDeniedException",
    )
    assert scopes["eu-west-1"].errors == [failed]
    assert [t.name for t in _tables_by_name(scopes["us-east-1"].dynamodb_tables).values()] == [
        "lessons"
    ]


def test_rds_instances_and_clusters_keep_multi_az_and_membership(
    aws: boto3.session.Session,
) -> None:
    rds = aws.client("rds", region_name="us-east-1")
    rds.create_db_instance(
        DBInstanceIdentifier="users-db",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        MultiAZ=True,
        Tags=[{"Key": "app", "Value": "lingo"}],
    )
    rds.create_db_cluster(
        DBClusterIdentifier="content",
        Engine="aurora-mysql",
        MasterUsername="admin",
        MasterUserPassword="not-a-real-password",
    )
    rds.create_db_instance(
        DBInstanceIdentifier="content-1",
        DBInstanceClass="db.r6g.large",
        Engine="aurora-mysql",
        DBClusterIdentifier="content",
        AvailabilityZone="us-east-1b",
    )

    scope = collect_scopes(aws, ["rds_db_instances", "rds_db_clusters"])["us-east-1"]

    assert isinstance(scope.rds_db_instances, list)
    instances = {i.identifier: i for i in scope.rds_db_instances}
    assert instances["users-db"].multi_az is True
    assert instances["users-db"].cluster_identifier is None
    assert instances["users-db"].tags == {"app": "lingo"}
    assert instances["content-1"].cluster_identifier == "content"
    assert instances["content-1"].availability_zone == "us-east-1b"
    assert isinstance(scope.rds_db_clusters, list)
    [cluster] = scope.rds_db_clusters
    assert cluster.identifier == "content"
    assert [m.instance_identifier for m in cluster.members] == ["content-1"]
    # No password of any kind is kept in the snapshot.
    assert "not-a-real-password" not in scope.model_dump_json()


def test_iam_details_keep_default_version_and_inline_documents(aws: boto3.session.Session) -> None:
    iam = aws.client("iam")
    arn = iam.create_policy(PolicyName="ops", PolicyDocument=json.dumps(ADMIN))["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(SCOPED), SetAsDefault=True)
    iam.create_user(UserName="ci-deployer")
    iam.put_user_policy(
        UserName="ci-deployer", PolicyName="deploy", PolicyDocument=json.dumps(ADMIN)
    )
    iam.create_role(
        RoleName="lesson-api",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    iam.attach_role_policy(RoleName="lesson-api", PolicyArn=arn)

    details = collect_scopes(aws, ["iam_authorization_details"])["global"].iam_authorization_details

    assert details is not None and not isinstance(details, CollectionError)
    [policy] = details.policies
    assert (policy.name, policy.default_version_id) == ("ops", "v2")
    assert policy.default_document == SCOPED
    assert policy.attachment_count == 1
    [user] = details.users
    assert [(p.name, p.document) for p in user.inline_policies] == [("deploy", ADMIN)]
    [role] = details.roles
    assert role.attached_policy_arns == [arn]
    assert role.assume_role_policy["Statement"][0]["Principal"] == {
        "Service": "lambda.amazonaws.com"
    }


def test_s3_buckets_carry_region_and_lifecycle_rules(aws: boto3.session.Session) -> None:
    s3 = aws.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="lingo-assets")
    s3.create_bucket(
        Bucket="lingo-backups", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    s3.create_bucket(
        Bucket="lingo-tokyo", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket="lingo-assets",
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "tier",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Transitions": [
                        {"Days": 30, "StorageClass": "STANDARD_IA"},
                        {"Days": 90, "StorageClass": "GLACIER"},
                    ],
                }
            ]
        },
    )

    buckets = collect_scopes(aws, ["s3_buckets"])["global"].s3_buckets

    assert isinstance(buckets, list)
    by_name = {b.name: b for b in buckets}
    # Buckets outside the scanned regions are not judged.
    assert set(by_name) == {"lingo-assets", "lingo-backups"}
    assert by_name["lingo-backups"].region == "eu-west-1"
    assert by_name["lingo-backups"].lifecycle_rules == []
    rules = by_name["lingo-assets"].lifecycle_rules
    assert isinstance(rules, list)
    assert [
        (r.id, r.enabled, [(t.days, t.storage_class) for t in r.transitions]) for r in rules
    ] == [("tier", True, [(30, "STANDARD_IA"), (90, "GLACIER")])]


def test_denied_lifecycle_read_is_an_error_in_the_buckets_region(
    aws: boto3.session.Session,
) -> None:
    s3 = aws.client("s3", region_name="us-east-1")
    s3.create_bucket(
        Bucket="lingo-backups", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    pool = FaultyPool(aws, {"GetBucketLifecycleConfiguration": "AccessDenied"})

    scope = collect_scopes(aws, ["s3_buckets"], pool=pool)["global"]

    assert isinstance(scope.s3_buckets, list)
    [bucket] = scope.s3_buckets
    error = bucket.lifecycle_rules
    assert isinstance(error, CollectionError)
    assert (error.region, error.resource_id, error.error_code) == (
        "eu-west-1",
        "lingo-backups",
        "AccessDenied",
    )


def test_cloudwatch_alarms_keep_actions_and_every_watched_metric(
    aws: boto3.session.Session,
) -> None:
    cw = aws.client("cloudwatch", region_name="us-east-1")
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:ops-alerts"
    cw.put_metric_alarm(
        AlarmName="users-db-cpu",
        Namespace="AWS/RDS",
        MetricName="CPUUtilization",
        Dimensions=[{"Name": "DBInstanceIdentifier", "Value": "users-db"}],
        Statistic="Average",
        Period=300,
        EvaluationPeriods=2,
        Threshold=80,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[topic],
    )
    cw.put_metric_alarm(
        AlarmName="throttles-total",
        Metrics=[
            {
                "Id": f"m{i}",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/DynamoDB",
                        "MetricName": "ThrottledRequests",
                        "Dimensions": [{"Name": "TableName", "Value": table}],
                    },
                    "Period": 60,
                    "Stat": "Sum",
                },
                "ReturnData": False,
            }
            for i, table in enumerate(("lessons", "streaks"))
        ]
        + [{"Id": "total", "Expression": "m0 + m1", "ReturnData": True}],
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
        ActionsEnabled=False,
        AlarmActions=[topic],
    )

    alarms = collect_scopes(aws, ["cloudwatch_metric_alarms"])["us-east-1"].cloudwatch_metric_alarms

    assert isinstance(alarms, list)
    by_name = {a.name: a for a in alarms}
    cpu = by_name["users-db-cpu"]
    assert (cpu.namespace, cpu.actions_enabled, cpu.alarm_actions) == ("AWS/RDS", True, [topic])
    assert cpu.watches("AWS/RDS", "DBInstanceIdentifier", "users-db")
    math = by_name["throttles-total"]
    assert math.actions_enabled is False
    assert math.dimensions == [{"TableName": "lessons"}, {"TableName": "streaks"}]
    assert math.watches("AWS/DynamoDB", "TableName", "streaks")
    assert not math.watches("AWS/RDS", "TableName", "streaks")


def test_every_collector_sends_only_its_declared_operations(aws: boto3.session.Session) -> None:
    _table(aws, "user-progress", **PROVISIONED, **GSI)
    aws.client("s3").create_bucket(Bucket="lingo-assets")
    aws.client("iam").create_user(UserName="someone")
    pool = FaultyPool(aws, {})

    scopes = collect_scopes(
        aws,
        [
            "rds_db_instances",
            "rds_db_clusters",
            "dynamodb_tables",
            "cloudwatch_metric_alarms",
            "iam_authorization_details",
            "s3_buckets",
        ],
        pool=pool,
    )

    # An undeclared operation would surface as a CollectorFailed error.
    assert [e for scope in scopes.values() for e in scope.errors] == []
    sent = set(pool.api_calls)
    assert sent == {
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:DescribeScalingPolicies",
        "cloudwatch:DescribeAlarms",
        "dynamodb:DescribeContinuousBackups",
        "dynamodb:DescribeTable",
        "dynamodb:DescribeTimeToLive",
        "dynamodb:ListTables",
        "iam:GetAccountAuthorizationDetails",
        "rds:DescribeDBClusters",
        "rds:DescribeDBInstances",
        "s3:GetBucketEncryption",
        "s3:GetBucketLifecycleConfiguration",
        "s3:GetBucketLocation",
        "s3:GetBucketPolicy",
        "s3:GetBucketVersioning",
        "s3:GetPublicAccessBlock",
        "s3:ListBuckets",
    }


@pytest.mark.parametrize("code", ["ThrottlingException", "RequestLimitExceeded"])
def test_a_throttle_that_outlives_retries_is_an_error(
    aws: boto3.session.Session, code: str
) -> None:
    pool = FaultyPool(aws, {"DescribeDBInstances": code})

    failed = collect_scopes(aws, ["rds_db_instances"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ].rds_db_instances

    assert isinstance(failed, CollectionError)
    assert failed.error_code == code
