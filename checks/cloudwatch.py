"""CloudWatch checks, and the one rule for "an alarm on this resource notifies people"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pydantic import JsonValue

from auditor.checkapi import Scope, Verdict, check, failed, passed
from auditor.datasets import CLOUDWATCH_METRIC_ALARMS
from auditor.findings import Remediation, ResourceRef, Severity
from auditor.models import MetricAlarm

_ALARM_TYPE = "AWS::CloudWatch::Alarm"
# arn:<partition>:sns:<region>:<account>:<topic>; FIFO topics end in ".fifo".
_SNS_TOPIC_ARN = re.compile(r"^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$")
ALARMS_GUIDE = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html"
)


def is_sns_topic(action: str) -> bool:
    """Whether an alarm action publishes to an SNS topic, the way alarms reach people.

    Application Auto Scaling and EC2 Auto Scaling policies (the `TargetTracking-…` alarms),
    EC2 stop/reboot actions, Systems Manager OpsItems and Lambda functions act on resources
    but page no one, so they do not count. Incident Manager response plans do engage people,
    but who they reach cannot be seen from the alarm; the practice names SNS.
    """
    return _SNS_TOPIC_ARN.match(action) is not None


def notifies_people(alarm: MetricAlarm) -> bool:
    """Actions enabled, and an ALARM-state action that publishes to an SNS topic."""
    return alarm.actions_enabled and any(is_sns_topic(a) for a in alarm.alarm_actions)


def _why_silent(alarm: MetricAlarm) -> str:
    if not alarm.actions_enabled:
        return "actions disabled"
    if not alarm.alarm_actions:
        return "no ALARM action"
    return "no ALARM action publishes to an SNS topic"


def alarm_coverage(
    resource: ResourceRef,
    described: str,
    alarms: Sequence[MetricAlarm],
    *,
    namespace: str,
    dimension: str,
    value: str,
) -> Verdict:
    """PASS when a metric alarm watching the resource's dimension notifies people.

    An alarm watches the resource when it is in `namespace` (or a metric-math alarm across
    namespaces) and one of its metrics has `dimension` = `value`.
    """
    watching = sorted(
        (a for a in alarms if a.watches(namespace, dimension, value)), key=lambda a: a.name
    )
    notifying = [a.name for a in watching if notifies_people(a)]
    silent: dict[str, JsonValue] = {
        a.name: _why_silent(a) for a in watching if not notifies_people(a)
    }
    if notifying:
        return passed(
            resource,
            f"{described} is watched by {_alarms(len(notifying))} notifying an SNS topic.",
            notifying_alarms=list[JsonValue](notifying),
            silent_alarms=silent,
        )
    if not silent:
        reason = f"no metric alarm in {namespace} has the dimension {dimension}={value}"
    elif len(silent) == 1:
        name, why = next(iter(silent.items()))
        reason = f"the one alarm watching it, {name}, notifies no one ({why})"
    else:
        reason = f"none of the {_alarms(len(silent))} watching it notifies anyone"
    return failed(
        resource,
        f"{described} has no metric alarm that notifies an SNS topic: {reason}.",
        notifying_alarms=[],
        silent_alarms=silent,
    )


def _alarms(count: int) -> str:
    return f"{count} alarm" + ("" if count == 1 else "s")


def alarm_remediation(
    *,
    console_metric: str,
    namespace: str,
    metric: str,
    dimension: str,
    placeholder: str,
    alarm_when: str,
) -> Remediation:
    """How to put an alarm that notifies an SNS topic on one resource's metric.

    `alarm_when` is the put-metric-alarm condition, e.g. "--statistic Average --period 300
    --evaluation-periods 2 --threshold 80 --comparison-operator GreaterThanOrEqualToThreshold".
    """
    return Remediation(
        console=(
            f"CloudWatch console > Alarms > Create alarm > Select metric > {console_metric} > "
            f"{metric} for the resource > set the condition > Notification: 'In alarm', send to "
            "an SNS topic with subscribed people > Create alarm."
        ),
        cli=(
            f"aws cloudwatch put-metric-alarm --alarm-name {placeholder}-{metric} "
            f"--namespace {namespace} --metric-name {metric} "
            f"--dimensions Name={dimension},Value={placeholder} {alarm_when} "
            "--alarm-actions <sns-topic-arn>"
        ),
        terraform=(
            f'aws_cloudwatch_metric_alarm: namespace = "{namespace}", metric_name = "{metric}", '
            f'dimensions = {{ {dimension} = "{placeholder}" }}, '
            "alarm_actions = [aws_sns_topic.<name>.arn]"
        ),
    )


def _alarm_ref(alarm: MetricAlarm) -> ResourceRef:
    return ResourceRef(arn=alarm.arn, id=alarm.name, type=_ALARM_TYPE)


# LOW: an alarm without an action is a gap only where nothing else watches the resource; the
# per-resource alarm checks (rds_instance_has_alarm, dynamodb_table_has_alarm) judge that.
@check(
    id="cloudwatch_alarm_has_action",
    title="CloudWatch alarms have enabled actions for the ALARM state",
    service="cloudwatch",
    severity=Severity.LOW,
    resource_type=_ALARM_TYPE,
    datasets=[CLOUDWATCH_METRIC_ALARMS],
    rationale=(
        "Study materials (Monitoring, the Duolingo DynamoDB case study and the purpose-built "
        "databases talk): an alarm exists to notify someone, as in the Duolingo DynamoDB case "
        "study's CPU >= 80% alarm that sends to an SNS topic; one with no action, or with actions "
        "disabled, changes state and nobody hears it."
    ),
    remediation=Remediation(
        console=(
            "CloudWatch console > Alarms > All alarms > select the alarm > Actions > Edit > "
            "Configure actions: add a notification to an SNS topic for the 'In alarm' state > "
            "Update alarm (an alarm whose actions are disabled is re-enabled with the CLI)."
        ),
        cli=(
            "aws cloudwatch enable-alarm-actions --alarm-names <alarm-name>   # actions disabled; "
            "to add an action, re-run aws cloudwatch put-metric-alarm with the alarm's settings "
            "plus --alarm-actions <sns-topic-arn>"
        ),
        terraform=(
            "aws_cloudwatch_metric_alarm: actions_enabled = true and "
            "alarm_actions = [aws_sns_topic.<name>.arn]"
        ),
    ),
    references=[
        ALARMS_GUIDE,
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html",
    ],
)
def cloudwatch_alarm_has_action(scope: Scope) -> Iterable[Verdict]:
    for alarm in scope.get(CLOUDWATCH_METRIC_ALARMS):
        if alarm.actions_enabled and alarm.alarm_actions:
            verdict, outcome = passed, f"acts on {len(alarm.alarm_actions)} target(s) when it fires"
        elif not alarm.actions_enabled:
            verdict, outcome = failed, "has its actions disabled, so firing does nothing"
        else:
            verdict, outcome = failed, "has no action for the ALARM state"
        yield verdict(
            _alarm_ref(alarm),
            f"CloudWatch alarm {alarm.name} {outcome}.",
            actions_enabled=alarm.actions_enabled,
            alarm_actions=list[JsonValue](alarm.alarm_actions),
        )
