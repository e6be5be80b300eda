"""Reading composite alarms' AlarmRule: which alarms' ALARM state can set the composite off."""

from __future__ import annotations

import pytest

from checks.alarm_rules import RuleError, alarm_triggers

ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-cpu"


@pytest.mark.parametrize(
    ("rule", "triggers"),
    [
        ('ALARM("orders-cpu")', {"orders-cpu"}),
        ("ALARM(orders-cpu)", {"orders-cpu"}),
        (f"ALARM({ARN})", {ARN}),
        (f'ALARM("{ARN}")', {ARN}),
        ('ALARM("cpu high") OR ALARM("disk full")', {"cpu high", "disk full"}),
        ('ALARM("cpu") AND NOT ALARM("deploying")', {"cpu"}),
        ('(ALARM("a") OR ALARM("b")) AND OK("c")', {"a", "b"}),
        ('NOT (ALARM("a") AND NOT ALARM("b"))', {"b"}),
        ('INSUFFICIENT_DATA("a") OR TRUE', set()),
        ('alarm("a") or alarm("b")', {"a", "b"}),
        ('AT_LEAST(2, ALARM, ("a", "b", c))', {"a", "b", "c"}),
        ('AT_LEAST(50%, OK, ("a", "b")) OR ALARM("d")', {"d"}),
        ('ALARM("quote \\" inside")', {'quote " inside'}),
        ("FALSE", set()),
    ],
)
def test_alarms_that_set_the_composite_off(rule: str, triggers: set[str]) -> None:
    assert alarm_triggers(rule) == triggers


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "ALARM(",
        'ALARM("a") AND',
        'ALARM("a") ALARM("b")',
        "MAYBE(a)",
        'AT_LEAST(x, ALARM, ("a"))',
    ],
)
def test_a_rule_outside_the_grammar_is_an_error(rule: str) -> None:
    with pytest.raises(RuleError):
        alarm_triggers(rule)
