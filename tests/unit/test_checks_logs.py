"""Log group retention on hand-built log groups, and how metric filter patterns are compared."""

from __future__ import annotations

from conftest import (
    ACCOUNT,
    REGION,
    by_resource,
    dataset_denied,
    engine_findings,
    run_check,
    scope_snapshot,
)

from auditor.findings import Status
from auditor.models import LogGroup
from checks.logs import RequiredPattern, conditions, logs_log_group_retention, reachable_conditions


def group(name: str, retention_days: int | None) -> LogGroup:
    return LogGroup(
        arn=f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}",
        name=name,
        retention_days=retention_days,
    )


def test_year_long_retention_passes_short_and_never_expiring_fail() -> None:
    verdicts = by_resource(
        run_check(
            logs_log_group_retention,
            scope_snapshot(
                logs_log_groups=[
                    group("/app/audit", 400),
                    group("/app/debug", 14),
                    group("/aws/lambda/forever", None),
                ]
            ),
        )
    )

    assert verdicts["/app/audit"].status is Status.PASS
    assert verdicts["/app/audit"].message == "Log group /app/audit keeps events for 400 days."
    assert verdicts["/app/debug"].status is Status.FAIL
    assert verdicts["/app/debug"].message == (
        "Log group /app/debug keeps events for 14 days, under the 365-day minimum."
    )
    assert verdicts["/app/debug"].evidence == {"retention_days": 14, "minimum_days": 365}
    assert verdicts["/aws/lambda/forever"].status is Status.FAIL
    assert "never expires" in verdicts["/aws/lambda/forever"].message
    assert verdicts["/aws/lambda/forever"].evidence["retention_days"] is None


def test_minimum_is_a_parameter() -> None:
    [verdict] = run_check(
        logs_log_group_retention,
        scope_snapshot(logs_log_groups=[group("/app/debug", 14)]),
        min_retention_days=7,
    )

    assert verdict.status is Status.PASS
    assert verdict.evidence == {"retention_days": 14, "minimum_days": 7}


def test_unreadable_log_groups_are_an_error() -> None:
    [finding] = engine_findings(
        logs_log_group_retention,
        scope_snapshot(logs_log_groups=dataset_denied("logs", "DescribeLogGroups")),
    )

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeLogGroups"


# --- filter pattern comparison -----------------------------------------------------------------


def test_spacing_quotes_parentheses_and_order_do_not_matter() -> None:
    tight = '{($.eventName=CreateTrail)||($.eventName="StopLogging")}'
    loose = '{  ($.eventName = "StopLogging")  ||\n ($.eventName = CreateTrail) }'

    assert (
        conditions(tight)
        == conditions(loose)
        == {
            ("eventName", "=", "CreateTrail"),
            ("eventName", "=", "StopLogging"),
        }
    )


def test_not_exists_and_inequality_are_read() -> None:
    assert conditions(
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
        '&& $.eventType != "AwsServiceEvent" }'
    ) == {
        ("userIdentity.type", "=", "Root"),
        ("userIdentity.invokedBy", "NOT EXISTS", ""),
        ("eventType", "!=", "AwsServiceEvent"),
    }


def test_missing_event_names_and_narrowing_conditions_are_named() -> None:
    required = RequiredPattern(
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || "
        "($.eventName = StopLogging) }"
    )

    assert required.missing_from(
        "{ ($.eventName = CreateTrail) || ($.eventName = StopLogging) }"
    ) == ["lacks eventName = UpdateTrail"]
    assert required.missing_from(
        "{ (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || "
        '($.eventName = StopLogging)) && ($.userIdentity.arn = "arn:aws:iam::1:user/x") }'
    ) == ["adds userIdentity.arn = arn:aws:iam::1:user/x"]
    # More event names on the same field widen the filter: still a match.
    assert (
        required.missing_from(
            "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || "
            "($.eventName = StopLogging) || ($.eventName = DeleteTrail) }"
        )
        == []
    )


def test_optional_conditions_may_be_present_or_absent() -> None:
    required = RequiredPattern(
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") '
        '&& ($.userIdentity.type = "IAMUser") }',
        optional=frozenset({("userIdentity.type", "=", "IAMUser")}),
    )

    assert (
        required.missing_from(
            '{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed!="Yes")}'
        )
        == []
    )
    assert required.missing_from(required.pattern) == []


# --- metric filter patterns: boolean structure ------------------------------------------------


def test_and_of_two_event_names_can_never_match_and_lacks_both() -> None:
    required = RequiredPattern('{ ($.eventName = "CreateTrail") || ($.eventName = "StopLogging") }')
    impossible = '{ ($.eventName = "CreateTrail") && ($.eventName = "StopLogging") }'

    assert reachable_conditions(impossible) == frozenset()
    assert required.missing_from(impossible) == [
        "lacks eventName = CreateTrail",
        "lacks eventName = StopLogging",
    ]
    assert (
        required.missing_from('{ ($.eventName = StopLogging) || ($.eventName = "CreateTrail") }')
        == []
    )


def test_only_the_impossible_alternative_is_dropped() -> None:
    pattern = (
        '{ ($.eventName = "DeleteTrail") || '
        '(($.eventName = "CreateTrail") && ($.eventName != "CreateTrail")) }'
    )

    assert reachable_conditions(pattern) == {("eventName", "=", "DeleteTrail")}


def test_wildcard_values_and_different_fields_can_hold_together() -> None:
    pattern = (
        '{ ($.errorCode = "*UnauthorizedOperation") && ($.errorCode = "AccessDenied*") && '
        '($.sourceIPAddress != "delivery.logs.amazonaws.com") }'
    )

    assert len(reachable_conditions(pattern)) == 3


def test_pattern_the_reader_cannot_structure_falls_back_to_its_conditions() -> None:
    unbalanced = '{ ($.eventName = "CreateTrail") && ($.eventName = "StopLogging" }'

    assert reachable_conditions(unbalanced) == {
        ("eventName", "=", "CreateTrail"),
        ("eventName", "=", "StopLogging"),
    }
