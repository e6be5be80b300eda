"""Answers shaped as the AWS API reference (or botocore's examples-1.json) documents them, fed
through botocore's Stubber into the real collectors; each test asserts the models they give.

moto cannot give these answers (an organization trail seen from a member account, a key
described with only CustomerMasterKeySpec, a missing ARN member...), so they are fixture files
under tests/fixtures/api_reference/, each naming the reference page its shape is copied from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest import mock

from auditor.checkapi import Check, Scope, Verdict
from auditor.models import (
    CollectionError,
    IAMAccountSummary,
    IAMPasswordPolicy,
    Organization,
    RootCredentialsManagement,
    ScopeSnapshot,
)
from auditor.registry import load_collectors
from checks.cloudtrail import cloudtrail_multi_region_enabled
from checks.cloudwatch import cloudwatch_alarm_has_action
from checks.iam import iam_root_hardware_mfa, iam_root_mfa_enabled, iam_root_no_access_keys
from checks.kms import kms_key_rotation_enabled
from checks.rds import rds_cluster_multi_az
from tests.support.stubbed import AnswerBook, StubbedPool, collect_stubbed

FIXTURES = Path(__file__).parent.parent / "fixtures" / "api_reference"


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return loaded


def replay(name: str) -> ScopeSnapshot:
    """Queue the fixture's answers, run the collector of its dataset; the scope it gives."""
    data = fixture(name)
    regions = tuple(data.get("regions", ["us-east-1"]))
    if data.get("book"):
        book = AnswerBook(data["answers"])
        return collect_stubbed(book, [data["dataset"]], regions)[data.get("scope", "us-east-1")]
    pool = StubbedPool()
    for answer in data["answers"]:
        region = answer.get("region", "us-east-1")
        if "error" in answer:
            status = answer.get("status", 400)
            pool.refuse(answer["service"], answer["operation"], answer["error"], region, status)
        else:
            pool.answer(
                answer["service"],
                answer["operation"],
                answer["response"],
                region,
                answer.get("params"),
            )
    scope_region = data.get("scope", "us-east-1")
    # One detail read at a time, so per-resource answers are taken in the list's order.
    with mock.patch("auditor.collectors.base.DETAIL_READS_AT_ONCE", 1):
        scopes = collect_stubbed(pool, [data["dataset"]])
    pool.assert_all_answered()
    return scopes[scope_region]


def dataset(scope: ScopeSnapshot, name: str) -> list[Any]:
    value = getattr(scope, name)
    assert isinstance(value, list), value
    return value


def test_every_collector_has_a_fixture() -> None:
    covered = {json.loads(path.read_text())["dataset"] for path in FIXTURES.glob("*.json")}
    assert sorted(set(load_collectors()) - covered) == []


def test_fixtures_name_their_reference_page() -> None:
    names = sorted(FIXTURES.glob("*.json"))
    assert names
    for path in names:
        data = json.loads(path.read_text())
        assert data["source"].startswith("https://"), path.name
        assert data["answers"], path.name


# --- CloudTrail --------------------------------------------------------------------------------


def test_member_account_keeps_organization_trail_from_describe_trails_without_a_gap() -> None:
    scope = replay("cloudtrail_organization_trail")

    [trail] = dataset(scope, "cloudtrail_trails")
    assert trail.arn == "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-audit"
    assert (trail.multi_region, trail.organization_trail) == (True, True)
    assert isinstance(trail.is_logging, CollectionError)
    assert trail.is_logging.error_code == "TrailNotFoundException"
    assert isinstance(trail.event_selectors, CollectionError)
    assert trail.event_selectors.error_code == "CloudTrailARNInvalidException"
    # The management account reads and is judged on its trail; the member's scan has no gap.
    assert scope.errors == []


def verdicts(
    check: Check, scope: ScopeSnapshot, account: ScopeSnapshot | None = None
) -> list[Verdict]:
    return list(check.run(Scope(scope, check.metadata.datasets, check.configure({}), account)))


def test_member_account_region_passes_on_the_organization_trail() -> None:
    scope = replay("cloudtrail_organization_trail")
    [verdict] = verdicts(cloudtrail_multi_region_enabled, scope)

    assert verdict.status.value == "PASS"
    assert verdict.evidence["qualifying_trails"] == ["org-audit"]
    assert verdict.evidence["judged_from"] == "DescribeTrails"
    assert "organization trail org-audit of account 111111111111" in verdict.message


# --- KMS ---------------------------------------------------------------------------------------


def test_key_with_only_customer_master_key_spec_is_judged_and_one_with_neither_is_an_error() -> (
    None
):
    scope = replay("kms_key_specs")

    legacy, unknown, current = dataset(scope, "kms_keys")
    assert not isinstance(legacy.details, CollectionError)
    assert legacy.details.key_spec == "SYMMETRIC_DEFAULT"
    assert legacy.rotation_enabled is False
    assert isinstance(unknown.details, CollectionError)
    assert (unknown.details.operation, unknown.details.error_code) == (
        "DescribeKey",
        "UnknownKeySpec",
    )
    assert unknown.details.resource_id == "144be297-0ae1-44ac-9c8f-93cd8c82f841"
    assert current.rotation_enabled is True

    found = {v.resource.id: v for v in verdicts(kms_key_rotation_enabled, scope)}
    assert {key: v.status.value for key, v in found.items()} == {
        legacy.id: "FAIL",
        unknown.id: "ERROR",
        current.id: "PASS",
    }


# --- ElastiCache and RDS: answers without their ARN member ------------------------------------


def test_replication_groups_without_arn_keep_their_dataset_with_built_arns() -> None:
    scope = replay("elasticache_replication_groups_without_arn")

    [group] = dataset(scope, "elasticache_replication_groups")
    assert (
        group.arn == "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:clustered-redis"
    )
    assert (group.automatic_failover, group.engine) == ("enabled", "redis")
    assert group.member_clusters == [
        "clustered-redis-0001-001",
        "clustered-redis-0001-002",
        "clustered-redis-0002-001",
        "clustered-redis-0002-002",
    ]


def test_cache_clusters_without_arn_keep_their_dataset_with_built_arns() -> None:
    scope = replay("elasticache_cache_clusters_without_arn")

    [cluster] = dataset(scope, "elasticache_cache_clusters")
    assert cluster.arn == "arn:aws:elasticache:us-east-1:123456789012:cluster:my-mem-cluster"
    assert (cluster.engine, cluster.engine_version) == ("memcached", "1.4.24")
    assert cluster.cache_subnet_group_name == "default"


def test_db_instances_without_arn_keep_their_dataset_with_built_arns() -> None:
    scope = replay("rds_without_arns")

    [instance] = dataset(scope, "rds_db_instances")
    assert instance.arn == "arn:aws:rds:us-east-1:123456789012:db:mydbinstancecf"
    assert instance.vpc_security_group_ids == ["sg-0b2e3a1f2c0d4e5f6"]
    assert (instance.multi_az, instance.backup_retention_period) == (False, 1)


def test_db_snapshots_without_arn_keep_their_dataset_with_built_arns() -> None:
    scope = replay("rds_snapshots_without_arns")

    snapshots = {s.identifier: s for s in dataset(scope, "rds_db_snapshots")}
    assert snapshots["mydbsnapshot"].arn == (
        "arn:aws:rds:us-east-1:123456789012:snapshot:mydbsnapshot"
    )
    assert snapshots["mydbsnapshot"].encrypted is False
    assert snapshots["myclustersnapshotcopy"].arn == (
        "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:myclustersnapshotcopy"
    )
    assert snapshots["myclustersnapshotcopy"].encrypted is True


def test_aurora_serverless_v1_cluster_is_read_and_fails_multi_az_as_serverless() -> None:
    scope = replay("rds_aurora_serverless_v1")

    reports, orders = dataset(scope, "rds_db_clusters")
    assert (reports.engine_mode, reports.members) == ("serverless", [])
    assert reports.arn == "arn:aws:rds:us-east-1:123456789012:cluster:reports"
    assert orders.arn == "arn:aws:rds:us-east-1:123456789012:cluster:orders"
    assert [m.instance_identifier for m in orders.members] == ["orders-1", "orders-2"]

    scope = scope.model_copy(update={"rds_db_instances": []})
    found = {v.resource.id: v for v in verdicts(rds_cluster_multi_az, scope)}
    assert found["reports"].status.value == "FAIL"
    assert "Aurora Serverless v1 (EngineMode serverless)" in found["reports"].message
    assert found["orders"].status.value == "PASS"


# --- CloudWatch --------------------------------------------------------------------------------


def test_composite_alarms_are_read_with_their_rule_and_page_for_the_metric_alarm() -> None:
    # moto 5.2 does not implement PutCompositeAlarm, so the answer is stubbed.
    scope = replay("cloudwatch_composite_alarms")

    cpu, page = dataset(scope, "cloudwatch_metric_alarms")
    assert (cpu.name, cpu.alarm_rule, cpu.alarm_actions) == ("orders-db-cpu", None, [])
    assert cpu.watches("AWS/RDS", "DBInstanceIdentifier", "orders-db")
    assert page.name == "orders-page"
    assert page.alarm_rule is not None and page.alarm_rule.startswith('ALARM("orders-db-cpu")')
    assert (page.namespace, page.dimensions) == (None, [])
    assert page.alarm_actions == ["arn:aws:sns:us-east-1:123456789012:oncall"]

    found = {v.resource.id: v for v in verdicts(cloudwatch_alarm_has_action, scope)}
    assert found["orders-db-cpu"].status.value == "PASS"
    assert found["orders-db-cpu"].evidence["acting_composites"] == ["orders-page"]


# --- IAM ---------------------------------------------------------------------------------------


def test_url_encoded_policy_documents_are_read_as_json() -> None:
    scope = replay("iam_authorization_details_url_encoded")

    details = scope.iam_authorization_details
    assert details is not None and not isinstance(details, CollectionError)
    [alice] = details.users
    assert alice.group_names == ["Admins"]
    assert alice.inline_policies[0].document["Statement"][0]["Action"] == "s3:*"
    [role] = details.roles
    assert role.assume_role_policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    [policy] = details.policies
    assert (policy.name, policy.default_version_id, policy.attachment_count) == (
        "create-update-delete-set-managed-policies",
        "v1",
        1,
    )
    assert policy.default_document["Statement"][0] == {
        "Effect": "Allow",
        "Action": "*",
        "Resource": "*",
    }


def test_credential_report_rows_with_not_supported_no_information_and_na() -> None:
    scope = replay("iam_credential_report_rows")

    report = scope.iam_credential_report
    assert report is not None and not isinstance(report, CollectionError)
    root = report.root
    assert root is not None and root.arn == "arn:aws:iam::123456789012:root"
    assert (root.password_enabled, root.password_last_changed, root.mfa_active) == (
        False,
        None,
        True,
    )
    assert root.password_last_used is not None and root.password_last_used.year == 2024
    assert root.access_key_1.active is False and root.access_key_1.last_rotated is None
    users = {u.user: u for u in report.users}
    assert users["Alice"].password_enabled is True
    assert users["Alice"].password_last_used is None  # no_information: never signed in
    assert users["Alice"].access_key_1.active is True
    assert users["Alice"].access_key_1.last_used_date is None  # N/A: never used
    deploy = users["deploy"]
    assert deploy.access_key_1.last_used_date is not None
    assert deploy.access_key_1.last_used_date.tzinfo is not None
    assert deploy.access_key_2.active is True and deploy.access_key_2.last_used_date is None


def test_virtual_mfa_devices_keep_their_user_and_only_roots_count_as_roots() -> None:
    scope = replay("iam_virtual_mfa_devices_users")

    devices = {
        d.serial_number.rsplit("/", 1)[-1]: d for d in dataset(scope, "iam_virtual_mfa_devices")
    }
    assert devices["ExampleMFADevice"].user_arn is None
    assert devices["phone"].user_arn == "arn:aws:iam::123456789012:root"
    assert devices["root-account-mfa-device"].user_arn == "arn:aws:iam::123456789012:user/mallory"

    summary = IAMAccountSummary(
        root_arn="arn:aws:iam::123456789012:root",
        account_mfa_enabled=True,
        account_access_keys_present=False,
    )
    account = scope.model_copy(update={"iam_account_summary": summary})
    [verdict] = verdicts(iam_root_hardware_mfa, account)
    assert verdict.status.value == "FAIL"
    assert verdict.evidence["root_virtual_mfa_devices"] == ["arn:aws:iam::123456789012:mfa/phone"]


def test_account_summary_from_botocores_example() -> None:
    scope = replay("iam_account_summary")

    summary = scope.iam_account_summary
    assert summary is not None and not isinstance(summary, CollectionError)
    assert (summary.account_mfa_enabled, summary.account_access_keys_present) == (False, True)
    assert summary.root_arn == "arn:aws:iam::123456789012:root"


def test_a_bare_member_root_reads_organization_features_as_not_its_to_read() -> None:
    summary = replay("iam_account_summary_bare_root_member").iam_account_summary

    assert isinstance(summary, IAMAccountSummary)
    assert (summary.account_mfa_enabled, summary.account_access_keys_present) == (False, False)
    assert summary.account_password_present is False
    assert summary.root_credentials_management == RootCredentialsManagement(readable=False)


def test_a_bare_root_reads_the_organization_features_where_it_may() -> None:
    summary = replay("iam_account_summary_bare_root_management").iam_account_summary

    assert isinstance(summary, IAMAccountSummary)
    management = summary.root_credentials_management
    assert management == RootCredentialsManagement(
        readable=True,
        organization_id="o-aa111bb222",
        enabled_features=["RootCredentialsManagement", "RootSessions"],
    )
    assert management.centrally_managed is True


def test_a_root_with_credentials_is_not_asked_about_organization_features() -> None:
    # botocore's example: root access keys present, so ListOrganizationsFeatures is not sent
    # (replay fails on an unqueued call).
    summary = replay("iam_account_summary").iam_account_summary

    assert isinstance(summary, IAMAccountSummary)
    assert summary.account_password_present is None
    assert summary.root_credentials_management is None


def test_a_denied_organization_features_read_is_the_root_mfa_checks_error_alone() -> None:
    # moto's GetAccountSummary carries no AccountPasswordPresent, so against moto the auditor
    # never needs ListOrganizationsFeatures; this is where its denial is shown.
    scope = replay("iam_account_summary_bare_root_denied")
    summary = scope.iam_account_summary

    assert isinstance(summary, IAMAccountSummary)
    gap = summary.root_credentials_management
    assert isinstance(gap, CollectionError)
    assert (gap.operation, gap.error_code) == ("ListOrganizationsFeatures", "AccessDenied")
    [mfa] = verdicts(iam_root_mfa_enabled, scope)
    assert mfa.status.value == "ERROR"
    assert mfa.evidence == {"operation": "ListOrganizationsFeatures", "error_code": "AccessDenied"}
    # The rest of the summary was read: the access key check still judges.
    [keys] = verdicts(iam_root_no_access_keys, scope)
    assert keys.status.value == "PASS"


def test_organization_without_master_account_id_names_its_management_account_from_the_arn() -> None:
    organization = replay("organizations_organization").organizations_organization

    assert isinstance(organization, Organization)
    assert organization.organization_id == "o-exampleorgid"
    assert organization.management_account_id == "111111111111"
    assert organization.manages("111111111111") and not organization.manages("222222222222")


def test_password_policy_from_botocores_example() -> None:
    policy = replay("iam_password_policy").iam_password_policy

    assert policy == IAMPasswordPolicy(
        present=True,
        minimum_password_length=8,
        password_reuse_prevention=12,
        require_symbols=True,
        require_numbers=True,
        max_password_age=90,
    )


# --- Lambda, ELBv2, Auto Scaling, EC2 (botocore's examples-1.json, unchanged) --------------------


def test_lambda_functions_from_botocores_examples() -> None:
    scope = replay("lambda_functions")

    hello, mine = dataset(scope, "lambda_functions")
    assert (hello.name, hello.runtime, hello.package_type) == ("helloworld", "nodejs10.x", "Zip")
    assert hello.resource_policy.document is None
    assert hello.event_invoke_configs == []
    statement = mine.resource_policy.document["Statement"][0]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert [
        (c.function_arn.rsplit(":", 1)[-1], c.maximum_retry_attempts)
        for c in mine.event_invoke_configs
    ] == [
        ("GREEN", 2),
        ("BLUE", 0),
    ]


def test_lambda_event_source_mappings_from_botocores_example() -> None:
    scope = replay("lambda_event_source_mappings")

    [mapping] = dataset(scope, "lambda_event_source_mappings")
    assert mapping.uuid == "a1b2c3d4-5678-90ab-cdef-11111EXAMPLE"
    assert mapping.event_source_arn == "arn:aws:sqs:us-west-2:123456789012:mySQSqueue"
    assert mapping.state == "Enabled"


def test_load_balancer_with_listeners_and_attributes_from_botocores_examples() -> None:
    scope = replay("elbv2_load_balancers")

    [lb] = dataset(scope, "elbv2_load_balancers")
    assert (lb.name, lb.type, lb.scheme) == ("my-load-balancer", "application", "internet-facing")
    assert lb.availability_zones == ["us-west-2a", "us-west-2b"]
    assert lb.security_group_ids == ["sg-5943793c"]
    [listener] = lb.listeners
    assert (listener.port, listener.protocol) == (80, "HTTP")
    assert [a.type for a in listener.default_actions] == ["forward"]
    assert lb.attributes["deletion_protection.enabled"] == "false"


def test_auto_scaling_group_from_botocores_example() -> None:
    scope = replay("autoscaling_groups")

    [group] = dataset(scope, "autoscaling_groups")
    assert group.name == "my-auto-scaling-group"
    assert group.availability_zones == ["us-west-2a", "us-west-2b", "us-west-2c"]
    assert (group.health_check_type, group.load_balancer_names) == ("EC2", [])
    # The examples' policies carry no Enabled member: AWS's default, enabled.
    assert group.scaling_policies == ["ScaleIn", "ScalePercentChange"]
    assert group.scheduled_actions == ["my-scheduled-action"]


def test_network_interface_from_botocores_example() -> None:
    scope = replay("ec2_network_interfaces")

    [eni] = dataset(scope, "ec2_network_interfaces")
    assert (eni.id, eni.status, eni.attached_to) == (
        "eni-e5aa89a3",
        "in-use",
        "i-1234567890abcdef0",
    )
    assert eni.security_group_ids == ["sg-8637d3e3"]
    assert eni.requester_managed is False


# --- EC2, Logs, SNS, DAX, Cognito, API Gateway, S3 Control (API reference examples) ------------


def test_security_group_rules_from_the_api_reference_example() -> None:
    scope = replay("ec2_security_groups")

    [group] = dataset(scope, "ec2_security_groups")
    assert (group.id, group.name, group.vpc_id) == ("sg-1a2b3c4d", "WebServers", "vpc-1a2b3c4d")
    web, ssh = group.ingress
    assert (web.protocol, web.from_port, web.to_port, web.ipv4_ranges) == (
        "tcp",
        80,
        80,
        ["203.0.113.0/24"],
    )
    assert ssh.group_ids == ["111122223333/sg-2a2b3c4d"]  # another account's group
    [egress] = group.egress
    assert (egress.protocol, egress.ipv4_ranges) == ("-1", ["0.0.0.0/0"])
    assert group.tags == {"tier": "web"}


def test_log_groups_keep_arn_without_its_star_and_no_retention_as_never_expiring() -> None:
    scope = replay("logs_log_groups")

    one, two = dataset(scope, "logs_log_groups")
    assert one.arn == "arn:aws:logs:us-east-1:123456789012:log-group:my-log-group-1"
    assert (one.retention_days, one.stored_bytes) == (14, 1048576)
    assert two.arn == "arn:aws:logs:us-east-1:123456789012:log-group:my-log-group-2"
    assert two.retention_days is None
    assert two.kms_key_id is not None and two.kms_key_id.endswith("1234567890ab")


def test_metric_filters_from_the_api_reference_example() -> None:
    scope = replay("logs_metric_filters")

    [found] = dataset(scope, "logs_metric_filters")
    assert (found.name, found.log_group_name) == ("exampleFilterName", "exampleLogGroupName")
    assert [(m.namespace, m.name) for m in found.metrics] == [("MyApp", "Volume")]


def test_sns_topic_policy_attribute_is_read_as_json() -> None:
    scope = replay("sns_topics")

    [topic] = dataset(scope, "sns_topics")
    assert topic.name == "My-Topic"
    assert topic.attributes.kms_master_key_id is None
    [statement] = topic.attributes.policy["Statement"]
    assert statement["Principal"] == {"AWS": "*"}
    assert statement["Condition"] == {"StringLike": {"AWS:SourceArn": "arn:aws:*:*:698519295917:*"}}


def test_dax_cluster_from_the_api_reference_shape() -> None:
    scope = replay("dax_clusters")

    [cluster] = dataset(scope, "dax_clusters")
    assert (cluster.name, cluster.total_nodes) == ("daxcluster", 2)
    assert [n.availability_zone for n in cluster.nodes] == ["us-east-1a", "us-east-1b"]
    assert (cluster.encrypted_at_rest, cluster.endpoint_encryption) == (True, "TLS")
    assert cluster.security_group_ids == ["sg-1af6e36e"]


def test_cognito_user_pool_from_the_api_reference_examples() -> None:
    scope = replay("cognito_user_pools")

    [pool] = dataset(scope, "cognito_user_pools")
    assert pool.arn == "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_EXAMPLE1"
    assert (pool.settings.mfa_configuration, pool.settings.advanced_security_mode) == (
        "OPTIONAL",
        "ENFORCED",
    )


def test_rest_api_stage_from_the_api_reference_example() -> None:
    scope = replay("apigateway_rest_apis")

    [api] = dataset(scope, "apigateway_rest_apis")
    assert api.arn == "arn:aws:apigateway:us-east-1::/restapis/fugvjdxtri"
    [stage] = api.stages
    assert stage.arn == "arn:aws:apigateway:us-east-1::/restapis/fugvjdxtri/stages/prod"
    assert (stage.tracing_enabled, stage.cache_cluster_enabled) == (True, False)
    assert (
        stage.access_log_destination == "arn:aws:logs:us-east-1:123456789012:log-group:api-access"
    )
    assert stage.web_acl_arn is not None
    [setting] = stage.method_settings
    assert (setting.method_path, setting.logging_level) == ("*/*", "ERROR")


def test_http_api_stages_and_routes_from_the_api_reference() -> None:
    scope = replay("apigateway_v2_apis")

    [api] = dataset(scope, "apigateway_v2_apis")
    assert (api.name, api.protocol_type) == ("http-api", "HTTP")
    [stage] = api.stages
    assert (stage.name, stage.access_log_destination) == ("$default", None)
    assert [(r.route_key, r.authorization_type) for r in api.routes] == [
        ("GET /pets", "JWT"),
        ("$default", "NONE"),
    ]


def test_account_never_configuring_block_public_access_has_all_four_off() -> None:
    scope = replay("s3control_public_access_block")

    block = scope.s3_account_public_access_block
    assert block is not None and not isinstance(block, CollectionError)
    assert block.settings.configured is False
    assert not any(
        (
            block.settings.block_public_acls,
            block.settings.ignore_public_acls,
            block.settings.block_public_policy,
            block.settings.restrict_public_buckets,
        )
    )


# --- S3 (an answer book: the collector's order of reads is not part of the fixture) -------------


def test_bucket_locations_null_and_eu_are_us_east_1_and_eu_west_1() -> None:
    scope = replay("s3_bucket_locations")

    buckets = {b.name: b for b in dataset(scope, "s3_buckets")}
    plain, legacy = buckets["amzn-s3-demo-bucket1"], buckets["amzn-s3-demo-eu-legacy"]
    assert plain.region == "us-east-1"  # LocationConstraint null
    assert legacy.region == "eu-west-1"  # LocationConstraint EU
    assert plain.lifecycle_rules == []
    [rule] = legacy.lifecycle_rules
    assert (rule.id, rule.status, rule.prefix, rule.expiration_days) == (
        "TestOnly",
        "Enabled",
        "documents/",
        3650,
    )
    assert plain.versioning is not None and not isinstance(plain.versioning, CollectionError)
    assert plain.versioning.status == ""
    assert legacy.versioning is not None and not isinstance(legacy.versioning, CollectionError)
    assert legacy.versioning.enabled
    assert plain.policy is not None and not isinstance(plain.policy, CollectionError)
    assert plain.policy.document is None
    assert legacy.policy is not None and not isinstance(legacy.policy, CollectionError)
    assert legacy.policy.document["Statement"][0]["Sid"] == "TLSOnly"


# --- DynamoDB and SQS (answer books) -------------------------------------------------------------


def test_table_made_before_billing_modes_is_provisioned_with_its_targets() -> None:
    scope = replay("dynamodb_tables")

    [table] = dataset(scope, "dynamodb_tables")
    assert (table.name, table.billing_mode, table.table_class) == (
        "Music",
        "PROVISIONED",
        "STANDARD",
    )
    assert (table.read_capacity_units, table.write_capacity_units) == (5, 5)
    assert (table.ttl.status, table.ttl.attribute_name) == ("ENABLED", "expiresAt")
    assert table.point_in_time_recovery.status == "ENABLED"
    assert table.point_in_time_recovery.recovery_period_days == 35
    [target] = table.scalable_targets
    assert target.scalable_dimension == "dynamodb:table:ReadCapacityUnits"
    assert [p.name for p in target.policies] == ["music-read"]


def test_queue_attributes_are_strings_and_the_redrive_policy_is_json() -> None:
    scope = replay("sqs_queues")

    [queue] = dataset(scope, "sqs_queues")
    assert queue.arn == "arn:aws:sqs:us-east-1:123456789012:MyQueue"
    assert queue.attributes.sqs_managed_sse is True
    assert queue.attributes.dead_letter_target_arn == (
        "arn:aws:sqs:us-east-1:123456789012:MyDeadLetterQueue"
    )
    assert queue.attributes.max_receive_count == 1000


def test_customer_key_with_a_spec_botocore_does_not_know_is_an_error() -> None:
    # A spec newer than this botocore (or garbled) cannot say whether the key can rotate.
    key_id = "0d990263-018e-4e65-a703-eff731de951e"
    pool = StubbedPool()
    arn = f"arn:aws:kms:us-east-1:123456789012:key/{key_id}"
    pool.answer("kms", "ListKeys", {"Keys": [{"KeyArn": arn, "KeyId": key_id}], "Truncated": False})
    pool.answer(
        "kms",
        "DescribeKey",
        {
            "KeyMetadata": {
                "KeyId": key_id,
                "Arn": arn,
                "KeyManager": "CUSTOMER",
                "KeySpec": "QUANTUM_SAFE_9000",
                "KeyState": "Enabled",
                "Origin": "AWS_KMS",
            }
        },
    )

    [key] = dataset(collect_stubbed(pool, ["kms_keys"])["us-east-1"], "kms_keys")

    pool.assert_all_answered()
    assert isinstance(key.details, CollectionError)
    assert key.details.error_code == "UnknownKeySpec"
    assert "QUANTUM_SAFE_9000" in key.details.message


# --- CloudWatch dashboards, DynamoDB usage, RDS Proxy ------------------------------------------


def test_dashboard_regions_from_the_body_structure_example() -> None:
    scope = replay("cloudwatch_dashboards")

    [board] = dataset(scope, "cloudwatch_dashboards")
    assert (board.name, board.arn) == ("ops", "arn:aws:cloudwatch::123456789012:dashboard/ops")
    assert board.regions == ["eu-west-1", "us-east-1"]


def test_table_usage_sums_the_metric_data_results() -> None:
    scope = replay("dynamodb_table_usage")

    [usage] = dataset(scope, "dynamodb_table_usage")
    assert usage.table_name == "Music"
    assert (usage.consumed_read_units, usage.consumed_write_units) == (86400.0, 4320.0)


def test_db_proxy_and_its_target_from_the_api_reference_shapes() -> None:
    scope = replay("rds_db_proxies")

    [proxy] = dataset(scope, "rds_db_proxies")
    assert (proxy.name, proxy.engine_family, proxy.status) == (
        "orders-proxy",
        "POSTGRESQL",
        "available",
    )
    assert [(t.type, t.resource_id) for t in proxy.targets] == [("RDS_INSTANCE", "orders")]


def test_tagged_resources_from_the_api_reference_shape() -> None:
    scope = replay("tagging_resources")

    tagged = {r.arn: r.tags for r in dataset(scope, "tagging_resources")}
    assert tagged == {
        "arn:aws:rds:us-east-1:123456789012:db:orders": {"owner": "payments-team", "env": "prod"},
        # A mapping without its optional Tags member is a resource with no tags, not an error.
        "arn:aws:s3:::example-bucket": {},
    }
