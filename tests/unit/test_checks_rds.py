"""The RDS checks (Multi-AZ, alarms, backups, encryption, exposure, deletion protection,
Performance Insights, Backtrack, read replicas and proxies) on hand-built snapshots."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from conftest import (
    ACCOUNT,
    REGION,
    SCALING_POLICY_ACTION,
    SNS_TOPIC,
    aurora_member,
    by_resource,
    dataset_denied,
    db_cluster,
    db_instance,
    denied,
    engine_findings,
    metric_alarm,
    only_verdict,
    run_check,
    scope_snapshot,
)
from pydantic import ValidationError

from auditor.checkapi import Check
from auditor.findings import Status
from auditor.models import DBCluster, DBProxy, DBProxyTarget, DBSnapshot
from checks.rds import (
    rds_cluster_backtrack_enabled,
    rds_cluster_backup_retention,
    rds_cluster_deletion_protection,
    rds_cluster_multi_az,
    rds_cluster_storage_encrypted,
    rds_database_behind_proxy,
    rds_instance_backup_retention,
    rds_instance_deletion_protection,
    rds_instance_has_alarm,
    rds_instance_multi_az,
    rds_instance_not_publicly_accessible,
    rds_instance_performance_insights,
    rds_instance_read_replica,
    rds_instance_storage_encrypted,
    rds_snapshot_encrypted,
)

# --- rds_instance_multi_az ----------------------------------------------------------------------


def test_multi_az_instance_passes() -> None:
    db = db_instance("orders", multi_az=True, secondary_availability_zone=f"{REGION}b")

    verdict = only_verdict(rds_instance_multi_az, scope_snapshot(rds_db_instances=[db]))

    assert verdict.status is Status.PASS
    assert verdict.resource.id == "orders"
    assert verdict.resource.type == "AWS::RDS::DBInstance"
    assert verdict.resource.arn == db.arn
    assert verdict.message == "RDS DB instance orders runs Multi-AZ (eu-west-1a, eu-west-1b)."
    assert verdict.evidence["multi_az"] is True
    assert verdict.region is None  # the scope's region


def test_single_az_instance_fails_naming_its_zone() -> None:
    db = db_instance("orders", availability_zone=f"{REGION}c")

    verdict = only_verdict(rds_instance_multi_az, scope_snapshot(rds_db_instances=[db]))

    assert verdict.status is Status.FAIL
    assert "single Availability Zone (eu-west-1c)" in verdict.message
    assert verdict.evidence == {
        "multi_az": False,
        "availability_zone": "eu-west-1c",
        "secondary_availability_zone": None,
        "read_replica_source": None,
    }


def test_aurora_cluster_member_is_left_to_the_cluster_check() -> None:
    snapshot = scope_snapshot(
        rds_db_instances=[
            aurora_member("aurora-1", "aurora", f"{REGION}a"),
            db_instance("standalone"),
        ]
    )

    verdicts = run_check(rds_instance_multi_az, snapshot)

    assert [(v.resource.id, v.status) for v in verdicts] == [("standalone", Status.FAIL)]


def test_single_az_read_replica_is_judged_and_names_its_source() -> None:
    replica = db_instance("orders-replica", read_replica_source="orders")

    verdict = only_verdict(rds_instance_multi_az, scope_snapshot(rds_db_instances=[replica]))

    assert verdict.status is Status.FAIL
    assert "(a read replica of orders)" in verdict.message
    assert verdict.evidence["read_replica_source"] == "orders"


def test_multi_az_read_replica_passes() -> None:
    replica = db_instance("orders-replica", multi_az=True, read_replica_source="orders")

    verdict = only_verdict(rds_instance_multi_az, scope_snapshot(rds_db_instances=[replica]))

    assert verdict.status is Status.PASS


# --- rds_cluster_multi_az -----------------------------------------------------------------------


def test_cluster_with_members_in_two_zones_passes() -> None:
    snapshot = scope_snapshot(
        rds_db_clusters=[db_cluster("aurora", ["aurora-1", "aurora-2"])],
        rds_db_instances=[
            aurora_member("aurora-1", "aurora", f"{REGION}a"),
            aurora_member("aurora-2", "aurora", f"{REGION}b"),
        ],
    )

    verdict = only_verdict(rds_cluster_multi_az, snapshot)

    assert verdict.status is Status.PASS
    assert verdict.resource.type == "AWS::RDS::DBCluster"
    assert verdict.resource.id == "aurora"
    assert "2 Availability Zones (eu-west-1a, eu-west-1b)" in verdict.message
    assert verdict.evidence["member_availability_zones"] == ["eu-west-1a", "eu-west-1b"]


def test_cluster_in_one_zone_without_multi_az_fails() -> None:
    snapshot = scope_snapshot(
        rds_db_clusters=[db_cluster("aurora", ["aurora-1", "aurora-2"], multi_az=False)],
        rds_db_instances=[
            aurora_member("aurora-1", "aurora", f"{REGION}a"),
            aurora_member("aurora-2", "aurora", f"{REGION}a"),
        ],
    )

    verdict = only_verdict(rds_cluster_multi_az, snapshot)

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "RDS DB cluster aurora has its instances in a single Availability Zone (eu-west-1a) "
        "and does not report Multi-AZ."
    )
    assert verdict.evidence["member_availability_zones"] == ["eu-west-1a"]
    assert verdict.evidence["multi_az"] is False


def test_cluster_that_reports_multi_az_passes() -> None:
    snapshot = scope_snapshot(
        rds_db_clusters=[db_cluster("multi-az-cluster", ["m-1"], multi_az=True)],
        rds_db_instances=[aurora_member("m-1", "multi-az-cluster", f"{REGION}a")],
    )

    verdict = only_verdict(rds_cluster_multi_az, snapshot)

    assert verdict.status is Status.PASS
    assert verdict.message == "RDS DB cluster multi-az-cluster reports Multi-AZ."


def test_member_missing_from_the_instances_is_not_counted() -> None:
    snapshot = scope_snapshot(
        rds_db_clusters=[db_cluster("aurora", ["aurora-1", "aurora-gone"])],
        rds_db_instances=[aurora_member("aurora-1", "aurora", f"{REGION}a")],
    )

    verdict = only_verdict(rds_cluster_multi_az, snapshot)

    assert verdict.status is Status.FAIL
    assert verdict.evidence["member_availability_zones"] == ["eu-west-1a"]
    assert verdict.evidence["members_without_known_zone"] == ["aurora-gone"]


def test_cluster_with_no_member_in_a_known_zone_fails() -> None:
    snapshot = scope_snapshot(
        rds_db_clusters=[db_cluster("headless", [])],
        rds_db_instances=[],
    )

    verdict = only_verdict(rds_cluster_multi_az, snapshot)

    assert verdict.status is Status.FAIL
    assert "in no known zone" in verdict.message
    assert verdict.evidence["members"] == []


def test_aurora_serverless_v1_cluster_fails_as_serverless_not_as_zoneless() -> None:
    snapshot = scope_snapshot(
        rds_db_clusters=[cluster("reports", "aurora-mysql", engine_mode="serverless")],
        rds_db_instances=[],
    )

    verdict = only_verdict(rds_cluster_multi_az, snapshot)

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "RDS DB cluster reports is Aurora Serverless v1 (EngineMode serverless), whose capacity "
        "runs in a single Availability Zone with no instances to spread; Aurora Serverless v2 "
        "or provisioned instances can span two or more zones."
    )
    assert verdict.evidence["members"] == []


def test_each_cluster_is_judged_on_its_own_members() -> None:
    snapshot = scope_snapshot(
        rds_db_clusters=[db_cluster("spread", ["s-1", "s-2"]), db_cluster("packed", ["p-1"])],
        rds_db_instances=[
            aurora_member("s-1", "spread", f"{REGION}a"),
            aurora_member("s-2", "spread", f"{REGION}c"),
            aurora_member("p-1", "packed", f"{REGION}b"),
        ],
    )

    verdicts = by_resource(run_check(rds_cluster_multi_az, snapshot))

    assert verdicts["spread"].status is Status.PASS
    assert verdicts["packed"].status is Status.FAIL


# --- rds_instance_has_alarm ---------------------------------------------------------------------


def _on(identifier: str) -> list[dict[str, str]]:
    return [{"DBInstanceIdentifier": identifier}]


def test_instance_with_an_alarm_notifying_sns_passes() -> None:
    snapshot = scope_snapshot(
        rds_db_instances=[db_instance("orders")],
        cloudwatch_metric_alarms=[metric_alarm("orders-cpu", dimensions=_on("orders"))],
    )

    verdict = only_verdict(rds_instance_has_alarm, snapshot)

    assert verdict.status is Status.PASS
    assert verdict.resource.id == "orders"
    assert verdict.evidence == {"notifying_alarms": ["orders-cpu"], "silent_alarms": {}}


def test_instance_without_any_alarm_fails() -> None:
    snapshot = scope_snapshot(rds_db_instances=[db_instance("orders")], cloudwatch_metric_alarms=[])

    verdict = only_verdict(rds_instance_has_alarm, snapshot)

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "RDS DB instance orders has no metric alarm that notifies an SNS topic: no metric alarm "
        "in AWS/RDS has the dimension DBInstanceIdentifier=orders."
    )


def test_alarm_with_actions_disabled_does_not_count() -> None:
    alarm = metric_alarm("orders-cpu", dimensions=_on("orders"), actions_enabled=False)
    snapshot = scope_snapshot(
        rds_db_instances=[db_instance("orders")], cloudwatch_metric_alarms=[alarm]
    )

    verdict = only_verdict(rds_instance_has_alarm, snapshot)

    assert verdict.status is Status.FAIL
    assert "orders-cpu, notifies no one (actions disabled)" in verdict.message
    assert verdict.evidence["silent_alarms"] == {"orders-cpu": "actions disabled"}


def test_alarm_with_only_an_autoscaling_action_does_not_count() -> None:
    alarm = metric_alarm(
        "TargetTracking-orders-AlarmHigh",
        dimensions=_on("orders"),
        alarm_actions=[SCALING_POLICY_ACTION],
    )
    snapshot = scope_snapshot(
        rds_db_instances=[db_instance("orders")], cloudwatch_metric_alarms=[alarm]
    )

    verdict = only_verdict(rds_instance_has_alarm, snapshot)

    assert verdict.status is Status.FAIL
    assert verdict.evidence["silent_alarms"] == {
        "TargetTracking-orders-AlarmHigh": "no ALARM action publishes to an SNS topic"
    }


def test_metric_math_alarm_over_several_instances_counts_for_each() -> None:
    alarm = metric_alarm(
        "fleet-connections",
        namespace=None,  # metric math across namespaces
        dimensions=[
            {"DBInstanceIdentifier": "orders"},
            {"DBInstanceIdentifier": "billing"},
            {"LoadBalancer": "app/web/1234"},
        ],
    )
    snapshot = scope_snapshot(
        rds_db_instances=[db_instance("orders"), db_instance("billing"), db_instance("reports")],
        cloudwatch_metric_alarms=[alarm],
    )

    verdicts = by_resource(run_check(rds_instance_has_alarm, snapshot))

    assert verdicts["orders"].status is Status.PASS
    assert verdicts["billing"].status is Status.PASS
    assert verdicts["reports"].status is Status.FAIL


def test_alarm_on_another_instance_does_not_count() -> None:
    snapshot = scope_snapshot(
        rds_db_instances=[db_instance("orders")],
        cloudwatch_metric_alarms=[metric_alarm("billing-cpu", dimensions=_on("billing"))],
    )

    verdict = only_verdict(rds_instance_has_alarm, snapshot)

    assert verdict.status is Status.FAIL
    assert verdict.evidence == {"notifying_alarms": [], "silent_alarms": {}}


def test_alarm_in_another_namespace_does_not_count() -> None:
    # DocumentDB uses the same dimension name; its alarm says nothing about the RDS instance.
    alarm = metric_alarm("docdb-cpu", namespace="AWS/DocDB", dimensions=_on("orders"))
    snapshot = scope_snapshot(
        rds_db_instances=[db_instance("orders")], cloudwatch_metric_alarms=[alarm]
    )

    verdict = only_verdict(rds_instance_has_alarm, snapshot)

    assert verdict.status is Status.FAIL


def test_one_notifying_alarm_is_enough_and_silent_ones_are_listed() -> None:
    snapshot = scope_snapshot(
        rds_db_instances=[db_instance("orders")],
        cloudwatch_metric_alarms=[
            metric_alarm("orders-cpu", dimensions=_on("orders"), alarm_actions=[]),
            metric_alarm("orders-storage", dimensions=_on("orders"), alarm_actions=[SNS_TOPIC]),
        ],
    )

    verdict = only_verdict(rds_instance_has_alarm, snapshot)

    assert verdict.status is Status.PASS
    assert verdict.message == (
        "RDS DB instance orders is watched by 1 alarm notifying an SNS topic."
    )
    assert verdict.evidence == {
        "notifying_alarms": ["orders-storage"],
        "silent_alarms": {"orders-cpu": "no ALARM action"},
    }


def test_cluster_members_are_judged_for_alarms_too() -> None:
    snapshot = scope_snapshot(
        rds_db_instances=[
            aurora_member("aurora-1", "aurora", f"{REGION}a"),
            aurora_member("aurora-2", "aurora", f"{REGION}b"),
        ],
        cloudwatch_metric_alarms=[metric_alarm("writer-cpu", dimensions=_on("aurora-1"))],
    )

    verdicts = by_resource(run_check(rds_instance_has_alarm, snapshot))

    assert verdicts["aurora-1"].status is Status.PASS
    assert verdicts["aurora-2"].status is Status.FAIL


# --- Shared helpers for the data-tier checks ----------------------------------------------------


def cluster(identifier: str, engine: str = "aurora-postgresql", **fields: Any) -> DBCluster:
    return DBCluster(
        arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:{identifier}",
        identifier=identifier,
        engine=engine,
        multi_az=False,
        **fields,
    )


def snapshot(
    identifier: str, *, kind: Literal["instance", "cluster"] = "instance", encrypted: bool
) -> DBSnapshot:
    kind_in_arn = "cluster-snapshot" if kind == "cluster" else "snapshot"
    return DBSnapshot(
        arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:{kind_in_arn}:{identifier}",
        identifier=identifier,
        kind=kind,
        source_identifier="orders",
        snapshot_type="manual",
        engine="postgres",
        encrypted=encrypted,
    )


def proxy(name: str, *targets: tuple[str, str]) -> DBProxy:
    return DBProxy(
        arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:db-proxy:prx-{name}",
        name=name,
        engine_family="POSTGRESQL",
        targets=[DBProxyTarget(type=kind, resource_id=rid) for kind, rid in targets],
    )


def statuses(check: Check, **datasets: Any) -> dict[str, Status]:
    return {v.resource.id: v.status for v in run_check(check, scope_snapshot(**datasets))}


@pytest.mark.parametrize(
    ("check", "dataset", "operation"),
    [
        (rds_instance_backup_retention, "rds_db_instances", "DescribeDBInstances"),
        (rds_cluster_backup_retention, "rds_db_clusters", "DescribeDBClusters"),
        (rds_instance_storage_encrypted, "rds_db_instances", "DescribeDBInstances"),
        (rds_cluster_storage_encrypted, "rds_db_clusters", "DescribeDBClusters"),
        (rds_snapshot_encrypted, "rds_db_snapshots", "DescribeDBSnapshots"),
        (rds_instance_not_publicly_accessible, "rds_db_instances", "DescribeDBInstances"),
        (rds_instance_deletion_protection, "rds_db_instances", "DescribeDBInstances"),
        (rds_cluster_deletion_protection, "rds_db_clusters", "DescribeDBClusters"),
        (rds_instance_performance_insights, "rds_db_instances", "DescribeDBInstances"),
        (rds_cluster_backtrack_enabled, "rds_db_clusters", "DescribeDBClusters"),
        (rds_instance_read_replica, "rds_db_instances", "DescribeDBInstances"),
        (rds_database_behind_proxy, "rds_db_proxies", "DescribeDBProxies"),
    ],
)
def test_an_unreadable_dataset_is_an_error_never_a_pass(
    check: Check, dataset: str, operation: str
) -> None:
    readable: dict[str, Any] = {d: [] for d in check.metadata.datasets}
    readable[dataset] = dataset_denied("rds", operation)

    [finding] = engine_findings(check, scope_snapshot(**readable))

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == operation


# --- rds_instance_backup_retention / rds_cluster_backup_retention --------------------------------


def test_instance_backups_kept_seven_days_pass_and_fewer_fail() -> None:
    found = statuses(
        rds_instance_backup_retention,
        rds_db_instances=[
            db_instance("week", backup_retention_period=7),
            db_instance("day", backup_retention_period=1),
            db_instance("off", backup_retention_period=0),
        ],
    )

    assert found == {"week": Status.PASS, "day": Status.FAIL, "off": Status.FAIL}


def test_instance_retention_message_and_evidence() -> None:
    db = db_instance("orders", backup_retention_period=3)

    verdict = only_verdict(rds_instance_backup_retention, scope_snapshot(rds_db_instances=[db]))

    assert verdict.message == "RDS DB instance orders keeps automated backups 3 day(s), under 7."
    assert verdict.evidence == {"backup_retention_period": 3, "minimum_days": 7}


def test_backups_turned_off_say_so() -> None:
    db = db_instance("orders", backup_retention_period=0)

    verdict = only_verdict(rds_instance_backup_retention, scope_snapshot(rds_db_instances=[db]))

    assert "has automated backups turned off (retention 0 days)" in verdict.message


def test_retention_minimum_is_a_parameter() -> None:
    snapshot_ = scope_snapshot(rds_db_instances=[db_instance("orders", backup_retention_period=7)])

    [verdict] = run_check(rds_instance_backup_retention, snapshot_, minimum_days=14)

    assert verdict.status is Status.FAIL
    assert verdict.evidence["minimum_days"] == 14


def test_retention_minimum_outside_what_rds_allows_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"minimum_days\n.*less than or equal to 35"):
        rds_instance_backup_retention.configure({"minimum_days": 36})


def test_replicas_and_cluster_members_are_not_judged_for_instance_backups() -> None:
    found = statuses(
        rds_instance_backup_retention,
        rds_db_instances=[
            db_instance("orders", backup_retention_period=7),
            db_instance("orders-replica", read_replica_source="orders"),
            aurora_member("aurora-1", "aurora", f"{REGION}a"),
        ],
    )

    assert found == {"orders": Status.PASS}


def test_cluster_backup_retention_is_judged_per_cluster() -> None:
    found = statuses(
        rds_cluster_backup_retention,
        rds_db_clusters=[
            cluster("content", backup_retention_period=14),
            cluster("reporting", backup_retention_period=1),
        ],
    )

    assert found == {"content": Status.PASS, "reporting": Status.FAIL}


# --- storage encryption ---------------------------------------------------------------------------


def test_encrypted_instance_passes_and_unencrypted_fails() -> None:
    found = statuses(
        rds_instance_storage_encrypted,
        rds_db_instances=[
            db_instance("vault", storage_encrypted=True),
            db_instance("plain"),
            aurora_member("aurora-1", "aurora", f"{REGION}a"),  # the cluster's to judge
        ],
    )

    assert found == {"vault": Status.PASS, "plain": Status.FAIL}


def test_unencrypted_instance_message() -> None:
    verdict = only_verdict(
        rds_instance_storage_encrypted, scope_snapshot(rds_db_instances=[db_instance("plain")])
    )

    assert verdict.message == "RDS DB instance plain stores its data unencrypted."
    assert verdict.evidence == {"storage_encrypted": False}


def test_cluster_encryption_is_judged_on_the_cluster() -> None:
    found = statuses(
        rds_cluster_storage_encrypted,
        rds_db_clusters=[cluster("vault", storage_encrypted=True), cluster("plain")],
    )

    assert found == {"vault": Status.PASS, "plain": Status.FAIL}


def test_snapshots_of_instances_and_clusters_are_judged() -> None:
    verdicts = by_resource(
        run_check(
            rds_snapshot_encrypted,
            scope_snapshot(
                rds_db_snapshots=[
                    snapshot("nightly", encrypted=True),
                    snapshot("before-migration", kind="cluster", encrypted=False),
                ]
            ),
        )
    )

    assert verdicts["nightly"].status is Status.PASS
    assert verdicts["nightly"].resource.type == "AWS::RDS::DBSnapshot"
    failing = verdicts["before-migration"]
    assert failing.status is Status.FAIL
    assert failing.resource.type == "AWS::RDS::DBClusterSnapshot"
    assert failing.message == (
        "RDS manual DB cluster snapshot before-migration of orders is not encrypted."
    )
    assert failing.evidence == {"encrypted": False, "snapshot_type": "manual", "source": "orders"}


# --- rds_instance_not_publicly_accessible ---------------------------------------------------------


def test_public_instance_fails_and_private_passes_cluster_members_included() -> None:
    public_member = db_instance(
        "aurora-1", engine="aurora-mysql", cluster_identifier="aurora", publicly_accessible=True
    )
    found = statuses(
        rds_instance_not_publicly_accessible,
        rds_db_instances=[db_instance("private"), public_member],
    )

    assert found == {"private": Status.PASS, "aurora-1": Status.FAIL}


def test_public_instance_names_its_security_groups() -> None:
    db = db_instance("open", publicly_accessible=True, vpc_security_group_ids=["sg-0123"])

    verdict = only_verdict(
        rds_instance_not_publicly_accessible, scope_snapshot(rds_db_instances=[db])
    )

    assert "is publicly accessible" in verdict.message
    assert verdict.evidence == {"publicly_accessible": True, "security_groups": ["sg-0123"]}


# --- deletion protection --------------------------------------------------------------------------


def test_instance_deletion_protection() -> None:
    found = statuses(
        rds_instance_deletion_protection,
        rds_db_instances=[
            db_instance("guarded", deletion_protection=True),
            db_instance("bare"),
            aurora_member("aurora-1", "aurora", f"{REGION}a"),
        ],
    )

    assert found == {"guarded": Status.PASS, "bare": Status.FAIL}


def test_cluster_deletion_protection() -> None:
    found = statuses(
        rds_cluster_deletion_protection,
        rds_db_clusters=[cluster("guarded", deletion_protection=True), cluster("bare")],
    )

    assert found == {"guarded": Status.PASS, "bare": Status.FAIL}


# --- rds_instance_performance_insights ------------------------------------------------------------


def test_performance_insights_is_judged_on_every_instance() -> None:
    found = statuses(
        rds_instance_performance_insights,
        rds_db_instances=[
            db_instance("tuned", performance_insights_enabled=True),
            aurora_member("aurora-1", "aurora", f"{REGION}a"),
        ],
    )

    assert found == {"tuned": Status.PASS, "aurora-1": Status.FAIL}


# --- rds_cluster_backtrack_enabled ----------------------------------------------------------------


def test_backtrack_is_judged_on_aurora_mysql_only() -> None:
    verdicts = by_resource(
        run_check(
            rds_cluster_backtrack_enabled,
            scope_snapshot(
                rds_db_clusters=[
                    cluster("rewindable", "aurora-mysql", backtrack_window=86400),
                    cluster("fixed", "aurora-mysql"),
                    cluster("postgres", "aurora-postgresql"),
                ]
            ),
        )
    )

    assert set(verdicts) == {"rewindable", "fixed"}
    assert verdicts["rewindable"].status is Status.PASS
    assert verdicts["rewindable"].message == (
        "Aurora MySQL DB cluster rewindable can backtrack 24 hour(s)."
    )
    assert verdicts["fixed"].status is Status.FAIL
    assert verdicts["fixed"].evidence == {"backtrack_window_seconds": 0, "engine": "aurora-mysql"}


# --- rds_instance_read_replica --------------------------------------------------------------------


def test_every_primary_is_judged_for_replicas_without_a_tag_selection() -> None:
    verdicts = by_resource(
        run_check(
            rds_instance_read_replica,
            scope_snapshot(
                rds_db_instances=[
                    db_instance("catalog", read_replicas=["catalog-replica"]),
                    db_instance("catalog-replica", read_replica_source="catalog"),
                    db_instance("orders"),
                    aurora_member("aurora-1", "aurora", f"{REGION}a"),
                ]
            ),
        )
    )

    assert {k: v.status for k, v in verdicts.items()} == {
        "catalog": Status.PASS,
        "orders": Status.FAIL,
    }
    assert verdicts["catalog"].evidence == {"read_replicas": ["catalog-replica"]}


def test_tag_selection_narrows_the_judged_primaries() -> None:
    snapshot_ = scope_snapshot(
        rds_db_instances=[
            db_instance("catalog", tags={"workload": "read-heavy"}),
            db_instance("ledger", tags={"workload": "write-heavy"}),
            db_instance("search", tags={"reads": "yes"}),
        ]
    )

    verdicts = run_check(
        rds_instance_read_replica, snapshot_, tags=["workload=read-heavy", "reads"]
    )

    assert sorted(v.resource.id for v in verdicts) == ["catalog", "search"]


def test_a_tag_selector_without_a_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="tag selector '=read-heavy' has no key"):
        rds_instance_read_replica.configure({"tags": ["=read-heavy"]})


# --- rds_database_behind_proxy --------------------------------------------------------------------


def test_instances_and_clusters_targeted_by_a_proxy_pass() -> None:
    verdicts = by_resource(
        run_check(
            rds_database_behind_proxy,
            scope_snapshot(
                rds_db_proxies=[
                    proxy("app", ("RDS_INSTANCE", "users-db")),
                    proxy("content", ("TRACKED_CLUSTER", "lessons")),
                ],
                rds_db_instances=[
                    db_instance("users-db"),
                    db_instance("analytics-db", engine="mysql"),
                    db_instance("legacy", engine="oracle-ee"),  # RDS Proxy cannot front Oracle
                ],
                rds_db_clusters=[cluster("lessons")],
            ),
        )
    )

    assert {k: v.status for k, v in verdicts.items()} == {
        "users-db": Status.PASS,
        "analytics-db": Status.FAIL,
        "lessons": Status.PASS,
    }
    assert verdicts["lessons"].resource.type == "AWS::RDS::DBCluster"
    assert (
        verdicts["users-db"].message == "RDS DB instance users-db is reached through RDS Proxy app."
    )
    assert verdicts["analytics-db"].evidence == {"proxies": []}


def test_unreadable_proxy_targets_make_an_unproxied_database_an_error() -> None:
    error = denied("rds", "DescribeDBProxyTargets", "mystery")
    locked = DBProxy(arn="arn:aws:rds:::db-proxy:prx-mystery", name="mystery", targets=error)
    snapshot_ = scope_snapshot(
        rds_db_proxies=[locked, proxy("app", ("RDS_INSTANCE", "users-db"))],
        rds_db_instances=[db_instance("users-db"), db_instance("orders")],
        rds_db_clusters=[],
    )

    verdicts = by_resource(run_check(rds_database_behind_proxy, snapshot_))

    assert verdicts["users-db"].status is Status.PASS  # a readable proxy fronts it
    assert verdicts["orders"].status is Status.ERROR
    assert verdicts["orders"].error == error


def test_proxy_check_honours_the_tag_selection() -> None:
    snapshot_ = scope_snapshot(
        rds_db_proxies=[],
        rds_db_instances=[db_instance("api-db", tags={"client": "lambda"}), db_instance("batch")],
        rds_db_clusters=[],
    )

    [verdict] = run_check(rds_database_behind_proxy, snapshot_, tags=["client=lambda"])

    assert (verdict.resource.id, verdict.status) == ("api-db", Status.FAIL)


def test_cluster_multi_az_is_an_error_when_the_instances_cannot_be_read() -> None:
    # The check places a cluster's members by their instances' zones: without them, no verdict.
    snapshot = scope_snapshot(
        rds_db_clusters=[db_cluster("orders", ["orders-1", "orders-2"])],
        rds_db_instances=dataset_denied("rds", "DescribeDBInstances"),
    )

    [finding] = engine_findings(rds_cluster_multi_az, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeDBInstances"


def test_instance_alarm_check_is_an_error_when_alarms_cannot_be_read() -> None:
    snapshot = scope_snapshot(
        rds_db_instances=[db_instance("orders-db")],
        cloudwatch_metric_alarms=dataset_denied("cloudwatch", "DescribeAlarms"),
    )

    [finding] = engine_findings(rds_instance_has_alarm, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence == {"operation": "DescribeAlarms", "error_code": "AccessDenied"}
