"""The RDS checks (Multi-AZ instances and clusters, instance alarms) on hand-built snapshots."""

from __future__ import annotations

from conftest import (
    REGION,
    SCALING_POLICY_ACTION,
    SNS_TOPIC,
    aurora_member,
    by_resource,
    db_cluster,
    db_instance,
    metric_alarm,
    only_verdict,
    run_check,
    scope_snapshot,
)

from auditor.findings import Status
from checks.rds import rds_cluster_multi_az, rds_instance_has_alarm, rds_instance_multi_az

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
