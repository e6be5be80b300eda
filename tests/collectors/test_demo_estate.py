"""The demo estate holds a good and a bad example for every check, in both demo regions."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from typing import Any, NamedTuple

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.server import ThreadedMotoServer

from auditor.demo.estate import DEMO_REGIONS, seed_estate

US, EU = DEMO_REGIONS
ACCOUNT = "123456789012"
FULL_ADMIN = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
TIERING = [
    {"Days": 30, "StorageClass": "STANDARD_IA"},
    {"Days": 90, "StorageClass": "GLACIER"},
    {"Days": 365, "StorageClass": "DEEP_ARCHIVE"},
]


class TableFacts(NamedTuple):
    region: str
    billing_mode: str
    ttl: str
    pitr: str
    scaled: frozenset[tuple[str, str]] = frozenset()  # (ResourceId, ScalableDimension)


def _scaled(resource_id: str, kind: str, *dimensions: str) -> frozenset[tuple[str, str]]:
    return frozenset((resource_id, f"dynamodb:{kind}:{d}CapacityUnits") for d in dimensions)


TABLES = {
    "user-progress": TableFacts(
        US,
        "PROVISIONED",
        "ENABLED",
        "ENABLED",
        _scaled("table/user-progress", "table", "Read", "Write")
        | _scaled("table/user-progress/index/by-course", "index", "Read", "Write"),
    ),
    "lessons": TableFacts(US, "PAY_PER_REQUEST", "DISABLED", "ENABLED"),
    "leaderboard": TableFacts(
        US, "PROVISIONED", "DISABLED", "DISABLED", _scaled("table/leaderboard", "table", "Read")
    ),
    "streaks": TableFacts(EU, "PROVISIONED", "DISABLED", "ENABLED"),
    "sessions": TableFacts(EU, "PAY_PER_REQUEST", "ENABLED", "DISABLED"),
}


def _fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", US)


def _clients(session: boto3.session.Session, endpoint_url: str | None = None) -> Any:
    """`clients(service, region)`: a client of the estate under test."""

    def client(service: str, region: str = US) -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint_url)

    return client


def _topic(region: str) -> str:
    return f"arn:aws:sns:{region}:{ACCOUNT}:ops-alerts"


def _alarms(client: Any, region: str) -> list[dict[str, Any]]:
    return list(client("cloudwatch", region).describe_alarms()["MetricAlarms"])


def _alarms_on(client: Any, region: str, dimension: str, value: str) -> list[dict[str, Any]]:
    wanted = {"Name": dimension, "Value": value}
    return [a for a in _alarms(client, region) if wanted in a["Dimensions"]]


def _notifies_sns(alarm: dict[str, Any]) -> bool:
    return bool(alarm["ActionsEnabled"]) and any(
        arn.startswith("arn:aws:sns:") for arn in alarm["AlarmActions"]
    )


# Seeding takes about a second; the read-only tests share one estate. Class scope (not module)
# so the mock is gone before the HTTP test below starts its own server.
@pytest.fixture(scope="class")
def client() -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _fake_credentials(monkeypatch)
        with mock_aws():
            session = boto3.session.Session(region_name=US)
            seed_estate(session)
            yield _clients(session)


class TestSeededEstate:
    # ------------------------------------------------------------ rds_instance_multi_az

    @pytest.mark.parametrize(
        ("region", "identifier", "multi_az"),
        [(US, "users-db", True), (EU, "analytics-db", False)],
    )
    def test_standalone_instances(
        self, client: Any, region: str, identifier: str, multi_az: bool
    ) -> None:
        (db,) = client("rds", region).describe_db_instances(DBInstanceIdentifier=identifier)[
            "DBInstances"
        ]
        assert db["MultiAZ"] is multi_az
        assert "DBClusterIdentifier" not in db
        assert {"Key": "app", "Value": "lingo"} in db["TagList"]

    # ------------------------------------------------------------ rds_cluster_multi_az

    @pytest.mark.parametrize(
        ("region", "cluster", "member_azs", "multi_az"),
        [
            (US, "lesson-content", {"us-east-1a", "us-east-1b"}, True),
            (EU, "reporting", {"eu-west-1a"}, False),
        ],
    )
    def test_aurora_cluster_member_azs(
        self, client: Any, region: str, cluster: str, member_azs: set[str], multi_az: bool
    ) -> None:
        rds = client("rds", region)
        (described,) = rds.describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"]
        members = [m["DBInstanceIdentifier"] for m in described["DBClusterMembers"]]
        azs = {
            rds.describe_db_instances(DBInstanceIdentifier=m)["DBInstances"][0]["AvailabilityZone"]
            for m in members
        }
        assert described["Engine"].startswith("aurora")
        assert len(members) == len(member_azs)
        assert azs == member_azs
        # moto derives the cluster's MultiAZ from its members' distinct AZs, as AWS does.
        assert described["MultiAZ"] is multi_az

    # ------------------------------------------------------------ dynamodb_table_autoscaling

    @pytest.mark.parametrize("table", TABLES)
    def test_table_billing_modes(self, client: Any, table: str) -> None:
        facts = TABLES[table]
        described = client("dynamodb", facts.region).describe_table(TableName=table)["Table"]
        assert described["BillingModeSummary"]["BillingMode"] == facts.billing_mode

    def test_user_progress_has_a_provisioned_gsi(self, client: Any) -> None:
        table = client("dynamodb").describe_table(TableName="user-progress")["Table"]
        (index,) = table["GlobalSecondaryIndexes"]
        assert index["IndexName"] == "by-course"
        assert index["ProvisionedThroughput"]["ReadCapacityUnits"] > 0

    @pytest.mark.parametrize("table", TABLES)
    def test_scalable_targets_and_policies(self, client: Any, table: str) -> None:
        facts = TABLES[table]
        autoscaling = client("application-autoscaling", facts.region)

        def of_table(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
            return {
                (i["ResourceId"], i["ScalableDimension"])
                for i in items
                if i["ResourceId"].split("/")[1] == table
            }

        targets = autoscaling.describe_scalable_targets(ServiceNamespace="dynamodb")
        policies = autoscaling.describe_scaling_policies(ServiceNamespace="dynamodb")
        assert of_table(targets["ScalableTargets"]) == facts.scaled
        assert of_table(policies["ScalingPolicies"]) == facts.scaled
        assert all(p["PolicyType"] == "TargetTrackingScaling" for p in policies["ScalingPolicies"])

    # ------------------------------------------------------------ dynamodb_table_ttl_enabled

    @pytest.mark.parametrize("table", TABLES)
    def test_time_to_live(self, client: Any, table: str) -> None:
        facts = TABLES[table]
        ttl = client("dynamodb", facts.region).describe_time_to_live(TableName=table)
        description = ttl["TimeToLiveDescription"]
        assert description["TimeToLiveStatus"] == facts.ttl
        if facts.ttl == "ENABLED":
            assert description["AttributeName"] == "expires_at"

    # ------------------------------------------------------------ dynamodb_table_pitr_enabled

    @pytest.mark.parametrize("table", TABLES)
    def test_point_in_time_recovery(self, client: Any, table: str) -> None:
        facts = TABLES[table]
        backups = client("dynamodb", facts.region).describe_continuous_backups(TableName=table)
        pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        assert pitr["PointInTimeRecoveryStatus"] == facts.pitr

    # ------------------------------------------------------------ iam_policy_no_full_admin

    def test_managed_policy_versions(self, client: Any) -> None:
        iam = client("iam")
        versions = {
            policy["PolicyName"]: {
                v["VersionId"]: (
                    v["IsDefaultVersion"],
                    iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=v["VersionId"])[
                        "PolicyVersion"
                    ]["Document"]["Statement"],
                )
                for v in iam.list_policy_versions(PolicyArn=policy["Arn"])["Versions"]
            }
            for policy in iam.list_policies(Scope="Local")["Policies"]
        }
        assert versions["legacy-ops-admin"] == {"v1": (True, FULL_ADMIN)}
        publisher = versions["lesson-content-publisher"]
        assert publisher["v1"] == (False, FULL_ADMIN)  # the old, non-default version
        default, (scoped,) = publisher["v2"]
        assert default
        assert scoped["Action"] == ["s3:GetObject", "s3:PutObject"]
        assert scoped["Resource"] == [
            "arn:aws:s3:::lingo-lesson-assets-use1-7f3a9c/*",
            "arn:aws:s3:::lingo-lesson-assets-euw1-7f3a9c/*",
        ]

    @pytest.mark.parametrize(
        ("kind", "principal", "policy", "statement"),
        [
            (
                "role",
                "lesson-api-lambda-role",
                "lessons-table",
                {
                    "Effect": "Allow",
                    "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                    "Resource": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/lessons",
                },
            ),
            ("user", "ci-deployer", "deploy-everything", FULL_ADMIN[0]),
            (
                "group",
                "content-editors",
                "read-lessons",
                {
                    "Effect": "Allow",
                    "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                    "Resource": f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/lessons",
                },
            ),
            # iam_policy_no_service_wildcard
            (
                "role",
                "progress-sync-lambda-role",
                "progress-export",
                {
                    "Effect": "Allow",
                    "Action": "s3:*",
                    "Resource": [
                        "arn:aws:s3:::lingo-db-backups-euw1-7f3a9c",
                        "arn:aws:s3:::lingo-db-backups-euw1-7f3a9c/*",
                    ],
                },
            ),
        ],
    )
    def test_inline_policies(
        self, client: Any, kind: str, principal: str, policy: str, statement: dict[str, Any]
    ) -> None:
        key = f"{kind.capitalize()}Name"
        answer = getattr(client("iam"), f"get_{kind}_policy")(**{key: principal}, PolicyName=policy)
        assert answer["PolicyDocument"]["Statement"] == [statement]

    def test_lambda_roles_trust_lambda(self, client: Any) -> None:
        for role in ("lesson-api-lambda-role", "progress-sync-lambda-role"):
            trust = client("iam").get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
            assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}

    @pytest.mark.parametrize(
        ("group", "policy"),
        [("ops-oncall", "legacy-ops-admin"), ("content-editors", "lesson-content-publisher")],
    )
    def test_groups_carry_the_managed_policies(self, client: Any, group: str, policy: str) -> None:
        attached = client("iam").list_attached_group_policies(GroupName=group)["AttachedPolicies"]
        assert [p["PolicyName"] for p in attached] == [policy]

    # ------------------------------------------------------------ s3_bucket_lifecycle_configured

    @pytest.mark.parametrize(
        ("region", "bucket"),
        [(US, "lingo-lesson-assets-use1-7f3a9c"), (EU, "lingo-lesson-assets-euw1-7f3a9c")],
    )
    def test_lesson_assets_tier_by_age(self, client: Any, region: str, bucket: str) -> None:
        s3 = client("s3", region)
        (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        assert rule["Status"] == "Enabled"
        assert rule["Transitions"] == TIERING
        location = s3.get_bucket_location(Bucket=bucket)["LocationConstraint"]
        assert (location or US) == region

    def test_backups_bucket_has_only_a_disabled_rule(self, client: Any) -> None:
        s3 = client("s3", EU)
        rules = s3.get_bucket_lifecycle_configuration(Bucket="lingo-db-backups-euw1-7f3a9c")
        assert [r["Status"] for r in rules["Rules"]] == ["Disabled"]

    def test_access_logs_bucket_has_no_lifecycle(self, client: Any) -> None:
        with pytest.raises(ClientError) as raised:
            client("s3").get_bucket_lifecycle_configuration(Bucket="lingo-access-logs-use1-7f3a9c")
        assert raised.value.response["Error"]["Code"] == "NoSuchLifecycleConfiguration"

    # ------------------------------------------------------------ cloudwatch_alarm_has_action

    @pytest.mark.parametrize("region", DEMO_REGIONS)
    def test_each_region_has_an_ops_topic(self, client: Any, region: str) -> None:
        topics = client("sns", region).list_topics()["Topics"]
        assert {"TopicArn": _topic(region)} in topics  # beside the topics the SNS checks judge

    @pytest.mark.parametrize(
        ("region", "alarm", "enabled", "actions"),
        [
            (US, "users-db-cpu-high", True, [_topic(US)]),
            (US, "user-progress-read-capacity-high", True, [_topic(US)]),
            (EU, "streaks-read-throttles", True, [_topic(EU)]),
            (US, "lesson-api-5xx", False, [_topic(US)]),  # muted
            (EU, "progress-sync-errors", True, []),  # nobody hears it
        ],
    )
    def test_alarm_actions(
        self, client: Any, region: str, alarm: str, enabled: bool, actions: list[str]
    ) -> None:
        (described,) = client("cloudwatch", region).describe_alarms(AlarmNames=[alarm])[
            "MetricAlarms"
        ]
        assert described["ActionsEnabled"] is enabled
        assert described["AlarmActions"] == actions

    # ------------------------------------------------------------ rds_instance_has_alarm

    def test_users_db_cpu_alarm_follows_seed_000(self, client: Any) -> None:
        (alarm,) = _alarms_on(client, US, "DBInstanceIdentifier", "users-db")
        assert alarm["Namespace"] == "AWS/RDS"
        assert alarm["MetricName"] == "CPUUtilization"
        assert (alarm["Threshold"], alarm["Period"], alarm["EvaluationPeriods"]) == (80, 300, 2)
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert _notifies_sns(alarm)

    def test_analytics_db_has_no_alarm(self, client: Any) -> None:
        assert _alarms_on(client, EU, "DBInstanceIdentifier", "analytics-db") == []

    # ------------------------------------------------------------ dynamodb_table_has_alarm

    @pytest.mark.parametrize(
        ("region", "table", "paged"),
        [(US, "user-progress", True), (EU, "streaks", True), (US, "leaderboard", False)],
    )
    def test_table_alarms(self, client: Any, region: str, table: str, paged: bool) -> None:
        alarms = _alarms_on(client, region, "TableName", table)
        assert alarms, "the auto-scaling alarms alone name the table"
        assert any(_notifies_sns(a) for a in alarms) is paged

    def test_leaderboard_only_has_target_tracking_alarms(self, client: Any) -> None:
        alarms = _alarms_on(client, US, "TableName", "leaderboard")
        # AlarmHigh/Low and ProvisionedCapacityHigh/Low of the one read policy.
        assert len(alarms) == 4
        for alarm in alarms:
            assert alarm["AlarmName"].startswith("TargetTracking-table/leaderboard-")
            (action,) = alarm["AlarmActions"]
            assert action.startswith(f"arn:aws:autoscaling:{US}:{ACCOUNT}:scalingPolicy:")

    @pytest.mark.parametrize(("region", "table"), [(US, "lessons"), (EU, "sessions")])
    def test_on_demand_tables_have_no_alarm(self, client: Any, region: str, table: str) -> None:
        assert _alarms_on(client, region, "TableName", table) == []


# ---------------------------------------------------------------- over HTTP


def _inventory(client: Any) -> dict[str, Any]:
    """What the checks judge, free of moto's generated ids (alarm and policy-ARN uuids)."""
    iam = client("iam")
    details = iam.get_account_authorization_details()
    inventory: dict[str, Any] = {
        "policies": sorted(p["Arn"] for p in details["Policies"]),
        "principals": sorted(
            (kind, p[f"{kind}Name"], json.dumps(p.get(f"{kind}PolicyList", []), sort_keys=True))
            for kind, key in (("Role", "RoleDetailList"), ("User", "UserDetailList"))
            for p in details[key]
        )
        + sorted(g["GroupName"] for g in details["GroupDetailList"]),
    }
    for region in DEMO_REGIONS:
        rds, dynamodb = client("rds", region), client("dynamodb", region)
        s3 = client("s3", region)
        tables = dynamodb.list_tables()["TableNames"]
        inventory[region] = {
            "instances": sorted(
                (i["DBInstanceIdentifier"], i["MultiAZ"], i["AvailabilityZone"])
                for i in rds.describe_db_instances()["DBInstances"]
            ),
            "clusters": sorted(
                (c["DBClusterIdentifier"], c["MultiAZ"])
                for c in rds.describe_db_clusters()["DBClusters"]
            ),
            "tables": {
                t: (
                    dynamodb.describe_table(TableName=t)["Table"]["BillingModeSummary"],
                    dynamodb.describe_time_to_live(TableName=t)["TimeToLiveDescription"],
                    dynamodb.describe_continuous_backups(TableName=t)[
                        "ContinuousBackupsDescription"
                    ]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
                )
                for t in tables
            },
            "scalable_targets": sorted(
                (t["ResourceId"], t["ScalableDimension"])
                for t in client("application-autoscaling", region).describe_scalable_targets(
                    ServiceNamespace="dynamodb"
                )["ScalableTargets"]
            ),
            "alarms": sorted(
                (
                    a["AlarmName"].rsplit("-", 5)[0],  # drops the uuid of TargetTracking-…
                    # a load balancer's dimension ends in an id moto generates
                    re.sub(
                        r"/[0-9a-f]{16}\b", "/<id>", json.dumps(a["Dimensions"], sort_keys=True)
                    ),
                    a["ActionsEnabled"],
                    tuple(arn.split(":")[2] for arn in a["AlarmActions"]),
                )
                for a in _alarms(client, region)
            ),
        }
    s3 = client("s3")
    inventory["buckets"] = sorted(
        (b["Name"], s3.get_bucket_location(Bucket=b["Name"])["LocationConstraint"])
        for b in s3.list_buckets()["Buckets"]
    )
    return inventory


def _reset_moto(endpoint_url: str) -> None:
    request = urllib.request.Request(f"{endpoint_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200


@pytest.fixture
def moto_server() -> Iterator[str]:
    """A real moto server on 127.0.0.1, as `auditor demo` runs it; its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()  # the port the OS picked for port=0
        assert (host, port != 0) == ("127.0.0.1", True)
        endpoint_url = f"http://{host}:{port}"
        # Every moto server in a process shares one set of backends, which outlive stop():
        # start from an empty account and leave one behind.
        _reset_moto(endpoint_url)
        yield endpoint_url
        _reset_moto(endpoint_url)
    finally:
        server.stop()


def test_seeding_over_http_matches_the_mock(
    monkeypatch: pytest.MonkeyPatch, moto_server: str
) -> None:
    """The demo seeds a real moto server through endpoint_url; the estate is deterministic."""
    _fake_credentials(monkeypatch)
    with mock_aws():
        session = boto3.session.Session(region_name=US)
        seed_estate(session)
        expected = _inventory(_clients(session))

    session = boto3.session.Session(region_name=US)
    seed_estate(session, moto_server)
    over_http = _inventory(_clients(session, moto_server))

    assert over_http == expected
    # 3 seeded, 2 by the compute estate (lesson-api, lingo-web), plus 4 for each of the 5
    # target-tracking policies (user-progress table and GSI read+write, leaderboard read), plus
    # 6 on the audit trail's security-event metric filters (auditor/demo/monitoring.py), plus 1
    # on its Organizations changes filter (auditor/demo/security.py).
    assert len(over_http[US]["alarms"]) == 3 + 2 + 4 * 5 + 6 + 1
    assert over_http[EU]["clusters"] == [("reporting", False)]
