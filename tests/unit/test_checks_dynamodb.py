"""The DynamoDB checks (auto scaling, TTL, point-in-time recovery, alarms, deletion protection)
on hand-built tables."""

from __future__ import annotations

import pytest
from conftest import (
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
from auditor.models import PointInTimeRecovery, TimeToLive
from checks.dynamodb import (
    dynamodb_table_autoscaling,
    dynamodb_table_deletion_protection,
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
