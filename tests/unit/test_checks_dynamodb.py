"""The DynamoDB checks (auto scaling, TTL, point-in-time recovery, alarms, deletion protection)
on hand-built tables."""

from __future__ import annotations

import pytest
from conftest import (
    ACCOUNT,
    REGION,
    SCALING_POLICY_ACTION,
    by_resource,
    dataset_denied,
    denied,
    dynamodb_table,
    engine_findings,
    metric_alarm,
    only_verdict,
    run_check,
    scalable_target,
    scaling_for,
    scope_snapshot,
)

from auditor.findings import Status
from auditor.models import (
    DynamoDBTable,
    EventSourceMapping,
    GlobalSecondaryIndex,
    PointInTimeRecovery,
    TableReplica,
    TableUsage,
    TimeToLive,
)
from checks.dynamodb import (
    dynamodb_stream_has_consumer,
    dynamodb_table_autoscaling,
    dynamodb_table_capacity_mode_fits,
    dynamodb_table_class_fits_cost,
    dynamodb_table_deletion_protection,
    dynamodb_table_global_replicas,
    dynamodb_table_has_alarm,
    dynamodb_table_pitr_enabled,
    dynamodb_table_ttl_enabled,
)

# --- dynamodb_table_autoscaling -----------------------------------------------------------------


def test_on_demand_table_passes() -> None:
    table = dynamodb_table("sessions", billing_mode="PAY_PER_REQUEST", scalable_targets=[])

    verdict = only_verdict(dynamodb_table_autoscaling, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.PASS
    assert verdict.resource.id == "sessions"
    assert verdict.resource.type == "AWS::DynamoDB::Table"
    assert verdict.resource.arn == table.arn
    assert "on-demand capacity" in verdict.message
    assert verdict.evidence["billing_mode"] == "PAY_PER_REQUEST"


def test_on_demand_table_passes_even_when_its_scalable_targets_could_not_be_read() -> None:
    error = denied("application-autoscaling", "DescribeScalableTargets", "sessions")
    table = dynamodb_table("sessions", billing_mode="PAY_PER_REQUEST", scalable_targets=error)

    verdict = only_verdict(dynamodb_table_autoscaling, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.PASS
    assert verdict.error is None


def test_provisioned_table_with_scaling_on_table_and_every_index_passes() -> None:
    table = dynamodb_table("orders", indexes=["by-user", "by-date"])

    verdict = only_verdict(dynamodb_table_autoscaling, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.PASS
    assert verdict.evidence == {
        "billing_mode": "PROVISIONED",
        "indexes": ["by-user", "by-date"],
        "missing": [],
    }
    assert "its 2 global secondary index(es)" in verdict.message


def test_index_missing_a_write_scaling_policy_fails_naming_it() -> None:
    targets = scaling_for("orders")  # the table itself scales
    targets += [
        scalable_target("table/orders/index/by-user", "dynamodb:index:ReadCapacityUnits"),
        scalable_target(
            "table/orders/index/by-user", "dynamodb:index:WriteCapacityUnits", with_policy=False
        ),
    ]
    table = dynamodb_table("orders", indexes=["by-user"], scalable_targets=targets)

    verdict = only_verdict(dynamodb_table_autoscaling, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "Provisioned DynamoDB table orders cannot scale: index by-user: no write scaling policy."
    )
    assert verdict.evidence["missing"] == ["index by-user: no write scaling policy"]


def test_target_without_a_policy_does_not_count_as_scaling() -> None:
    targets = [
        scalable_target("table/orders", "dynamodb:table:ReadCapacityUnits", with_policy=False),
        scalable_target("table/orders", "dynamodb:table:WriteCapacityUnits"),
    ]
    table = dynamodb_table("orders", scalable_targets=targets)

    verdict = only_verdict(dynamodb_table_autoscaling, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["missing"] == ["table: no read scaling policy"]


def test_provisioned_table_without_any_target_fails_listing_everything_missing() -> None:
    table = dynamodb_table("orders", indexes=["by-user"], scalable_targets=[])

    verdict = only_verdict(dynamodb_table_autoscaling, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["missing"] == [
        "table: no read scalable target",
        "table: no write scalable target",
        "index by-user: no read scalable target",
        "index by-user: no write scalable target",
    ]


def test_targets_of_another_table_do_not_count() -> None:
    table = dynamodb_table("orders", scalable_targets=scaling_for("orders-archive"))

    verdict = only_verdict(dynamodb_table_autoscaling, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.FAIL
    assert "table: no read scalable target" in verdict.message


def test_provisioned_table_whose_scalable_targets_could_not_be_read_is_an_error() -> None:
    error = denied("application-autoscaling", "DescribeScalableTargets", "orders")
    table = dynamodb_table("orders", scalable_targets=error)

    verdict = only_verdict(dynamodb_table_autoscaling, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.ERROR
    assert verdict.error == error
    assert verdict.resource.id == "orders"
    assert verdict.message.startswith("Could not judge: application-autoscaling:")
    assert verdict.evidence == {
        "operation": "DescribeScalableTargets",
        "error_code": "AccessDeniedException",
    }


# --- dynamodb_table_ttl_enabled -----------------------------------------------------------------


def test_table_with_ttl_enabled_passes() -> None:
    table = dynamodb_table("sessions", ttl=TimeToLive(status="ENABLED", attribute_name="exp"))

    verdict = only_verdict(dynamodb_table_ttl_enabled, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.PASS
    assert verdict.message == "DynamoDB table sessions expires items by TTL on exp."
    assert verdict.evidence == {"status": "ENABLED", "attribute_name": "exp"}


def test_table_without_ttl_fails() -> None:
    table = dynamodb_table("sessions", ttl=TimeToLive(status="DISABLED"))

    verdict = only_verdict(dynamodb_table_ttl_enabled, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.FAIL
    assert verdict.message == "DynamoDB table sessions does not expire items: TTL is DISABLED."
    assert verdict.evidence == {"status": "DISABLED", "attribute_name": None}


@pytest.mark.parametrize(
    ("status", "expected"),
    [("ENABLING", Status.PASS), ("DISABLING", Status.FAIL)],
)
def test_ttl_in_transition_is_judged_by_where_it_is_heading(status: str, expected: Status) -> None:
    table = dynamodb_table("sessions", ttl=TimeToLive(status=status, attribute_name="exp"))

    verdict = only_verdict(dynamodb_table_ttl_enabled, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is expected
    assert verdict.evidence["status"] == status


def test_table_whose_ttl_could_not_be_read_is_an_error() -> None:
    error = denied("dynamodb", "DescribeTimeToLive", "sessions")
    table = dynamodb_table("sessions", ttl=error)

    verdict = only_verdict(dynamodb_table_ttl_enabled, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.ERROR
    assert verdict.error == error
    assert verdict.evidence["operation"] == "DescribeTimeToLive"


# --- dynamodb_table_pitr_enabled ----------------------------------------------------------------


def test_table_with_pitr_enabled_passes() -> None:
    pitr = PointInTimeRecovery(status="ENABLED", recovery_period_days=35)
    table = dynamodb_table("orders", pitr=pitr)

    verdict = only_verdict(dynamodb_table_pitr_enabled, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.PASS
    assert verdict.evidence == {"status": "ENABLED", "recovery_period_days": 35}


def test_table_with_pitr_disabled_fails() -> None:
    table = dynamodb_table("orders", pitr=PointInTimeRecovery(status="DISABLED"))

    verdict = only_verdict(dynamodb_table_pitr_enabled, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.FAIL
    assert verdict.message == "DynamoDB table orders has point-in-time recovery DISABLED."
    assert verdict.evidence["status"] == "DISABLED"


def test_table_whose_pitr_could_not_be_read_is_an_error() -> None:
    error = denied("dynamodb", "DescribeContinuousBackups", "orders")
    table = dynamodb_table("orders", pitr=error)

    verdict = only_verdict(dynamodb_table_pitr_enabled, scope_snapshot(dynamodb_tables=[table]))

    assert verdict.status is Status.ERROR
    assert verdict.error == error


def test_an_unreadable_table_does_not_stop_the_others_being_judged() -> None:
    broken = dynamodb_table("broken", pitr=denied("dynamodb", "DescribeContinuousBackups", "x"))
    fine = dynamodb_table("fine")

    verdicts = by_resource(
        run_check(dynamodb_table_pitr_enabled, scope_snapshot(dynamodb_tables=[broken, fine]))
    )

    assert verdicts["broken"].status is Status.ERROR
    assert verdicts["broken"].error == broken.point_in_time_recovery
    assert verdicts["fine"].status is Status.PASS


# --- dynamodb_table_has_alarm -------------------------------------------------------------------


def test_table_with_an_alarm_notifying_sns_passes() -> None:
    alarm = metric_alarm(
        "orders-read-throttles", namespace="AWS/DynamoDB", dimensions=[{"TableName": "orders"}]
    )
    snapshot = scope_snapshot(
        dynamodb_tables=[dynamodb_table("orders")], cloudwatch_metric_alarms=[alarm]
    )

    verdict = only_verdict(dynamodb_table_has_alarm, snapshot)

    assert verdict.status is Status.PASS
    assert verdict.resource.id == "orders"
    assert verdict.evidence["notifying_alarms"] == ["orders-read-throttles"]


def test_table_watched_only_by_target_tracking_alarms_fails() -> None:
    alarms = [
        metric_alarm(
            f"TargetTracking-table/orders-{level}",
            namespace="AWS/DynamoDB",
            dimensions=[{"TableName": "orders"}],
            alarm_actions=[SCALING_POLICY_ACTION],
        )
        for level in ("AlarmHigh", "AlarmLow")
    ]
    snapshot = scope_snapshot(
        dynamodb_tables=[dynamodb_table("orders")], cloudwatch_metric_alarms=alarms
    )

    verdict = only_verdict(dynamodb_table_has_alarm, snapshot)

    assert verdict.status is Status.FAIL
    assert "none of the 2 alarms watching it notifies anyone" in verdict.message


def test_alarm_on_an_index_of_the_table_counts_for_the_table() -> None:
    alarm = metric_alarm(
        "orders-by-user-throttles",
        namespace="AWS/DynamoDB",
        dimensions=[{"TableName": "orders", "GlobalSecondaryIndexName": "by-user"}],
    )
    snapshot = scope_snapshot(
        dynamodb_tables=[dynamodb_table("orders", indexes=["by-user"])],
        cloudwatch_metric_alarms=[alarm],
    )

    verdict = only_verdict(dynamodb_table_has_alarm, snapshot)

    assert verdict.status is Status.PASS


def test_alarm_on_another_table_or_namespace_does_not_count() -> None:
    alarms = [
        metric_alarm("other", namespace="AWS/DynamoDB", dimensions=[{"TableName": "billing"}]),
        metric_alarm("wrong-ns", namespace="AWS/RDS", dimensions=[{"TableName": "orders"}]),
    ]
    snapshot = scope_snapshot(
        dynamodb_tables=[dynamodb_table("orders")], cloudwatch_metric_alarms=alarms
    )

    verdict = only_verdict(dynamodb_table_has_alarm, snapshot)

    assert verdict.status is Status.FAIL
    assert verdict.evidence == {"notifying_alarms": [], "silent_alarms": {}}


# --- dynamodb_table_deletion_protection -----------------------------------------------------------


def test_protected_table_passes_and_unprotected_fails() -> None:
    protected = dynamodb_table("orders").model_copy(update={"deletion_protection": True})
    snapshot = scope_snapshot(dynamodb_tables=[protected, dynamodb_table("sessions")])

    verdicts = by_resource(run_check(dynamodb_table_deletion_protection, snapshot))

    assert verdicts["orders"].status is Status.PASS
    assert verdicts["orders"].message == "DynamoDB table orders has deletion protection enabled."
    assert verdicts["sessions"].status is Status.FAIL
    assert verdicts["sessions"].message == (
        "DynamoDB table sessions can be deleted without first turning off deletion protection."
    )
    assert verdicts["sessions"].evidence == {"deletion_protection": False}


def test_deletion_protection_is_an_error_when_tables_cannot_be_listed() -> None:
    snapshot = scope_snapshot(dynamodb_tables=dataset_denied("dynamodb", "ListTables"))

    [finding] = engine_findings(dynamodb_table_deletion_protection, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "ListTables"


# --- dynamodb_table_class_fits_cost -----------------------------------------------------------

GIB = 1024**3


def sized(name: str, size_gb: float, units: int, table_class: str = "STANDARD") -> DynamoDBTable:
    return dynamodb_table(name).model_copy(
        update={
            "size_bytes": int(size_gb * GIB),
            "read_capacity_units": units,
            "write_capacity_units": units,
            "table_class": table_class,
        }
    )


def test_large_cold_standard_table_fails_with_both_estimates() -> None:
    # 200 GB at 10 RCU / 10 WCU: storage $50.00, throughput 730 × (10 × 0.00013 + 10 × 0.00065)
    # = $5.69. Standard $55.69; Standard-IA 50 × 0.4 + 5.69 × 1.25 = $27.12: 51% less.
    verdict = only_verdict(
        dynamodb_table_class_fits_cost, scope_snapshot(dynamodb_tables=[sized("archive", 200, 10)])
    )

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "DynamoDB table archive would cost about 51% less on STANDARD_INFREQUENT_ACCESS "
        "(≈$27.12 instead of ≈$55.69 a month)."
    )
    assert verdict.evidence == {
        "table_class": "STANDARD",
        "size_gb": 200.0,
        "monthly_cost_standard": 55.69,
        "monthly_cost_standard_ia": 27.12,
    }


def test_small_busy_standard_table_passes_and_busy_ia_table_fails() -> None:
    # 2 GB at 50 units: storage $0.50, throughput $28.47; Standard-IA would be $35.79.
    tables = [sized("hot", 2, 50), sized("hot-ia", 2, 50, "STANDARD_INFREQUENT_ACCESS")]

    verdicts = by_resource(
        run_check(dynamodb_table_class_fits_cost, scope_snapshot(dynamodb_tables=tables))
    )

    assert verdicts["hot"].status is Status.PASS
    assert verdicts["hot"].message == (
        "DynamoDB table hot is on the cheaper class for its size and capacity "
        "(STANDARD, ≈$28.97 a month)."
    )
    assert verdicts["hot-ia"].status is Status.FAIL
    assert "would cost about 19% less on STANDARD" in verdicts["hot-ia"].message


def test_index_capacity_counts_and_on_demand_tables_are_not_judged() -> None:
    # 20 GB at 5 units is cold (storage $5.00, throughput $2.85: 29% less on IA) until its
    # index's 45 provisioned units join the throughput ($28.47 in all: IA would cost more).
    indexed = sized("with-index", 20, 5).model_copy(
        update={
            "global_secondary_indexes": [
                GlobalSecondaryIndex(
                    name="by-user", read_capacity_units=45, write_capacity_units=45
                )
            ]
        }
    )
    on_demand = sized("on-demand", 500, 0).model_copy(update={"billing_mode": "PAY_PER_REQUEST"})
    snapshot = scope_snapshot(dynamodb_tables=[sized("no-index", 20, 5), indexed, on_demand])

    verdicts = by_resource(run_check(dynamodb_table_class_fits_cost, snapshot))

    assert set(verdicts) == {"no-index", "with-index"}
    assert verdicts["no-index"].status is Status.FAIL
    assert verdicts["with-index"].status is Status.PASS
    assert verdicts["with-index"].evidence["monthly_cost_standard"] == 33.47


def test_minimum_saving_is_a_parameter() -> None:
    snapshot = scope_snapshot(dynamodb_tables=[sized("archive", 200, 10)])

    [verdict] = run_check(dynamodb_table_class_fits_cost, snapshot, minimum_saving_percent=60)

    assert verdict.status is Status.PASS


def test_table_class_is_an_error_when_tables_cannot_be_listed() -> None:
    snapshot = scope_snapshot(dynamodb_tables=dataset_denied("dynamodb", "ListTables"))

    [finding] = engine_findings(dynamodb_table_class_fits_cost, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["error_code"] == "AccessDenied"


def test_table_alarm_check_is_an_error_when_alarms_cannot_be_read() -> None:
    snapshot = scope_snapshot(
        dynamodb_tables=[dynamodb_table("orders")],
        cloudwatch_metric_alarms=dataset_denied("cloudwatch", "DescribeAlarms"),
    )

    [finding] = engine_findings(dynamodb_table_has_alarm, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence == {"operation": "DescribeAlarms", "error_code": "AccessDenied"}


# --- dynamodb_stream_has_consumer -----------------------------------------------------------


def streamed(name: str, label: str = "2026-01-01T00:00:00.000") -> DynamoDBTable:
    table = dynamodb_table(name)
    return table.model_copy(
        update={"stream_enabled": True, "latest_stream_arn": f"{table.arn}/stream/{label}"}
    )


def trigger(table: DynamoDBTable, function: str, state: str = "Enabled") -> EventSourceMapping:
    return EventSourceMapping(
        uuid=f"uuid-{function}",
        event_source_arn=table.latest_stream_arn,
        function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}",
        state=state,
    )


def test_stream_read_by_an_enabled_trigger_passes_and_an_unread_one_fails() -> None:
    read, unread, paused = streamed("progress"), streamed("streaks"), streamed("audit")
    snapshot = scope_snapshot(
        dynamodb_tables=[read, unread, paused, dynamodb_table("no-stream")],
        lambda_event_source_mappings=[
            trigger(read, "leaderboard-updater"),
            trigger(paused, "audit-export", state="Disabled"),
        ],
    )

    verdicts = by_resource(run_check(dynamodb_stream_has_consumer, snapshot))

    assert set(verdicts) == {"progress", "streaks", "audit"}  # no stream: not judged
    assert verdicts["progress"].status is Status.PASS
    assert verdicts["progress"].message == (
        "DynamoDB table progress's stream is read by "
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:leaderboard-updater."
    )
    assert verdicts["streaks"].status is Status.FAIL
    assert verdicts["streaks"].message == (
        "DynamoDB table streaks has a stream that no enabled Lambda trigger reads; a consumer "
        "outside Lambda would not show here."
    )
    assert verdicts["audit"].status is Status.FAIL
    assert "(Disabled)" in verdicts["audit"].message
    assert verdicts["audit"].evidence["reading_triggers"] == []


def test_a_trigger_on_an_earlier_stream_of_the_table_does_not_count() -> None:
    old = streamed("progress", label="2025-01-01T00:00:00.000")
    current = streamed("progress", label="2026-01-01T00:00:00.000")
    snapshot = scope_snapshot(
        dynamodb_tables=[current], lambda_event_source_mappings=[trigger(old, "stale")]
    )

    [verdict] = run_check(dynamodb_stream_has_consumer, snapshot)

    assert verdict.status is Status.FAIL


def test_stream_check_is_an_error_when_triggers_cannot_be_listed() -> None:
    snapshot = scope_snapshot(
        dynamodb_tables=[streamed("progress")],
        lambda_event_source_mappings=dataset_denied("lambda", "ListEventSourceMappings"),
    )

    [finding] = engine_findings(dynamodb_stream_has_consumer, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "ListEventSourceMappings"


# --- dynamodb_table_global_replicas -----------------------------------------------------------


def replicated(name: str, *replicas: tuple[str, str], version: str = "2019.11.21") -> DynamoDBTable:
    return dynamodb_table(name).model_copy(
        update={
            "global_table_version": version,
            "replicas": [TableReplica(region=r, status=s) for r, s in replicas],
        }
    )


def test_replicated_table_passes_and_broken_or_legacy_replicas_fail() -> None:
    snapshot = scope_snapshot(
        dynamodb_tables=[
            replicated("lessons", ("us-east-1", "ACTIVE"), ("ap-northeast-2", "CREATING")),
            replicated("profiles", ("us-east-1", "INACCESSIBLE_ENCRYPTION_CREDENTIALS")),
            replicated("legacy", ("us-east-1", "ACTIVE"), version="2017.11.29"),
            dynamodb_table("local-only"),
        ]
    )

    verdicts = by_resource(run_check(dynamodb_table_global_replicas, snapshot))

    assert set(verdicts) == {"lessons", "profiles", "legacy"}  # not declared, not replicated
    assert verdicts["lessons"].status is Status.PASS
    assert verdicts["lessons"].message == (
        "DynamoDB table lessons is replicated to ap-northeast-2, us-east-1."
    )
    assert verdicts["profiles"].status is Status.FAIL
    assert verdicts["profiles"].message == (
        "DynamoDB table profiles has unusable replicas: us-east-1 "
        "(INACCESSIBLE_ENCRYPTION_CREDENTIALS)."
    )
    assert verdicts["legacy"].status is Status.FAIL
    assert "version 2017.11.29, not 2019.11.21" in verdicts["legacy"].message


def test_table_declared_global_without_a_replica_elsewhere_fails() -> None:
    snapshot = scope_snapshot(
        dynamodb_tables=[
            dynamodb_table("user-profiles"),
            replicated("user-settings", (REGION, "ACTIVE")),  # only its own region
            dynamodb_table("jobs"),
        ]
    )

    verdicts = by_resource(
        run_check(dynamodb_table_global_replicas, snapshot, global_tables=["user-*"])
    )

    assert set(verdicts) == {"user-profiles", "user-settings"}
    assert verdicts["user-profiles"].status is Status.FAIL
    assert verdicts["user-profiles"].message == (
        f"DynamoDB table user-profiles is meant to be global but has no replica outside {REGION} "
        "(a legacy 2017.11.29 global table also looks like this)."
    )
    assert verdicts["user-profiles"].evidence["declared_global"] is True
    assert verdicts["user-settings"].status is Status.FAIL


def test_global_replicas_check_is_an_error_when_tables_cannot_be_listed() -> None:
    snapshot = scope_snapshot(dynamodb_tables=dataset_denied("dynamodb", "ListTables"))

    [finding] = engine_findings(dynamodb_table_global_replicas, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "ListTables"


# --- dynamodb_table_capacity_mode_fits --------------------------------------------------------

DAYS = 14
SECONDS = DAYS * 86400


def used(name: str, reads_per_second: float, writes_per_second: float) -> TableUsage:
    return TableUsage(
        table_name=name,
        days=DAYS,
        consumed_read_units=reads_per_second * SECONDS,
        consumed_write_units=writes_per_second * SECONDS,
    )


def capacity(name: str, units: int = 0) -> DynamoDBTable:
    mode = "PROVISIONED" if units else "PAY_PER_REQUEST"
    return dynamodb_table(name).model_copy(
        update={"billing_mode": mode, "read_capacity_units": units, "write_capacity_units": units}
    )


def test_idle_provisioned_and_steady_on_demand_fail_and_fitting_modes_pass() -> None:
    snapshot = scope_snapshot(
        dynamodb_tables=[
            capacity("idle", 20),  # $11.39 a month for nothing
            capacity("busy-provisioned", 50),  # 40 reads/s, 35 writes/s: capacity is cheaper
            capacity("steady-on-demand"),  # 200 reads/s, 50 writes/s all day
            capacity("quiet-on-demand"),
        ],
        dynamodb_table_usage=[
            used("idle", 0, 0),
            used("busy-provisioned", 40, 35),
            used("steady-on-demand", 200, 50),
            used("quiet-on-demand", 0.5, 0.1),
        ],
    )

    verdicts = by_resource(run_check(dynamodb_table_capacity_mode_fits, snapshot))

    assert verdicts["idle"].status is Status.FAIL
    assert verdicts["idle"].message == (
        "DynamoDB table idle would cost about 100% less on on-demand (≈$0.00 instead of "
        "≈$11.39 a month, from 14 days of traffic)."
    )
    assert verdicts["busy-provisioned"].status is Status.PASS
    assert verdicts["busy-provisioned"].message == (
        "DynamoDB table busy-provisioned: provisioned mode fits its last 14 days of traffic "
        "(≈$28.47 a month)."
    )
    # On demand: 200 × 2,628,000 / 1e6 × $0.125 + 50 × 2,628,000 / 1e6 × $0.625 = $147.83;
    # sized at 70%: 285.7 RCU and 71.4 WCU = $27.11 + $33.89 = $61.01.
    assert verdicts["steady-on-demand"].status is Status.FAIL
    assert verdicts["steady-on-demand"].evidence["monthly_on_demand"] == 147.83
    assert verdicts["steady-on-demand"].evidence["monthly_provisioned_sized"] == 61.01
    assert "59% less on provisioned capacity" in verdicts["steady-on-demand"].message
    assert verdicts["quiet-on-demand"].status is Status.PASS


def test_small_savings_are_not_findings() -> None:
    snapshot = scope_snapshot(
        dynamodb_tables=[capacity("tiny", 5)], dynamodb_table_usage=[used("tiny", 0, 0)]
    )

    [verdict] = run_check(dynamodb_table_capacity_mode_fits, snapshot)  # saves $2.85 a month

    assert verdict.status is Status.PASS
    [strict] = run_check(dynamodb_table_capacity_mode_fits, snapshot, minimum_monthly_saving=1)
    assert strict.status is Status.FAIL


def test_capacity_mode_is_an_error_when_usage_cannot_be_read() -> None:
    snapshot = scope_snapshot(
        dynamodb_tables=[capacity("idle", 20)],
        dynamodb_table_usage=dataset_denied("cloudwatch", "GetMetricData"),
    )

    [finding] = engine_findings(dynamodb_table_capacity_mode_fits, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence == {"operation": "GetMetricData", "error_code": "AccessDenied"}


def test_a_table_without_a_usage_answer_is_an_error_not_skipped() -> None:
    snapshot = scope_snapshot(dynamodb_tables=[capacity("new-table", 20)], dynamodb_table_usage=[])

    [verdict] = run_check(dynamodb_table_capacity_mode_fits, snapshot)

    assert verdict.status is Status.ERROR
    assert verdict.resource.id == "new-table"
    assert verdict.error is not None
    assert (verdict.error.operation, verdict.error.error_code) == ("GetMetricData", "NotCollected")
