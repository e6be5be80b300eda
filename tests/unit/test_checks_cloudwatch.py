"""cloudwatch_alarm_has_action, and the shared rule for an alarm that notifies people."""

from __future__ import annotations

import pytest
from conftest import (
    ACCOUNT,
    REGION,
    SCALING_POLICY_ACTION,
    SNS_TOPIC,
    metric_alarm,
    only_verdict,
    scope_snapshot,
)

from auditor.findings import Status
from checks.cloudwatch import cloudwatch_alarm_has_action, is_sns_topic, notifies_people


def test_alarm_with_enabled_actions_passes() -> None:
    alarm = metric_alarm("orders-cpu")

    verdict = only_verdict(
        cloudwatch_alarm_has_action, scope_snapshot(cloudwatch_metric_alarms=[alarm])
    )

    assert verdict.status is Status.PASS
    assert verdict.resource.arn == alarm.arn
    assert verdict.resource.id == "orders-cpu"
    assert verdict.resource.type == "AWS::CloudWatch::Alarm"
    assert verdict.message == "CloudWatch alarm orders-cpu acts on 1 target(s) when it fires."
    assert verdict.evidence == {"actions_enabled": True, "alarm_actions": [SNS_TOPIC]}


def test_alarm_with_actions_disabled_fails() -> None:
    alarm = metric_alarm("orders-cpu", actions_enabled=False)

    verdict = only_verdict(
        cloudwatch_alarm_has_action, scope_snapshot(cloudwatch_metric_alarms=[alarm])
    )

    assert verdict.status is Status.FAIL
    assert "has its actions disabled" in verdict.message
    assert verdict.evidence["actions_enabled"] is False


def test_alarm_without_an_alarm_action_fails() -> None:
    alarm = metric_alarm("orders-cpu", alarm_actions=[])

    verdict = only_verdict(
        cloudwatch_alarm_has_action, scope_snapshot(cloudwatch_metric_alarms=[alarm])
    )

    assert verdict.status is Status.FAIL
    assert verdict.message == "CloudWatch alarm orders-cpu has no action for the ALARM state."


def test_alarm_whose_only_action_is_a_scaling_policy_still_has_an_action() -> None:
    # It acts; whether it reaches people is for the per-resource alarm checks to say.
    alarm = metric_alarm("TargetTracking-orders-AlarmHigh", alarm_actions=[SCALING_POLICY_ACTION])

    verdict = only_verdict(
        cloudwatch_alarm_has_action, scope_snapshot(cloudwatch_metric_alarms=[alarm])
    )

    assert verdict.status is Status.PASS
    assert notifies_people(alarm) is False


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (SNS_TOPIC, True),
        (f"arn:aws-cn:sns:cn-north-1:{ACCOUNT}:pager", True),
        (f"arn:aws-us-gov:sns:us-gov-west-1:{ACCOUNT}:orders.fifo", True),
        (SCALING_POLICY_ACTION, False),
        (f"arn:aws:automate:{REGION}:ec2:stop", False),
        (f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:notify", False),
        (f"arn:aws:ssm:{REGION}:{ACCOUNT}:opsitem:3", False),
        (f"arn:aws:sns:{REGION}:{ACCOUNT}", False),
        ("not-an-arn", False),
    ],
)
def test_only_sns_topics_notify_people(action: str, expected: bool) -> None:
    assert is_sns_topic(action) is expected


def test_an_sns_action_on_a_disabled_alarm_notifies_no_one() -> None:
    assert notifies_people(metric_alarm("a", actions_enabled=False)) is False
    assert (
        notifies_people(metric_alarm("b", alarm_actions=[SCALING_POLICY_ACTION, SNS_TOPIC])) is True
    )
