"""The engine on hand-built snapshots: gaps become ERROR findings, exit codes, stable ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from auditor.checkapi import (
    Check,
    CheckFunction,
    CheckParameters,
    Scope,
    Verdict,
    check,
    failed,
    passed,
)
from auditor.datasets import DYNAMODB_TABLES, IAM_AUTHORIZATION_DETAILS, RDS_DB_INSTANCES
from auditor.engine import Evaluation, exit_code
from auditor.findings import Remediation, ResourceRef, Severity, Status, finding_id
from auditor.models import (
    CollectionError,
    DBInstance,
    IAMAuthorizationDetails,
    ScopeSnapshot,
    Snapshot,
)

ACCOUNT = "111122223333"
FIX = Remediation(console="RDS > Modify", cli="aws rds modify-db-instance", terraform="multi_az")
NOW = datetime(2026, 11, 24, tzinfo=UTC)


def toy_check(check_id: str, severity: Severity) -> Callable[[CheckFunction], Check]:
    """Metadata for the toy checks below; only id and severity matter to the engine."""
    return check(
        id=check_id,
        title="Toy instances run Multi-AZ" if check_id == "rds_toy_multi_az" else check_id,
        service="rds",
        severity=severity,
        resource_type="AWS::RDS::DBInstance",
        datasets=[RDS_DB_INSTANCES],
        rationale="A toy check for engine tests.",
        remediation=FIX,
    )


def _instance(name: str, multi_az: bool) -> DBInstance:
    return DBInstance(
        arn=f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:{name}",
        identifier=name,
        engine="postgres",
        multi_az=multi_az,
    )


@toy_check("rds_toy_multi_az", Severity.HIGH)
def toy_multi_az(scope: Scope) -> Iterable[Verdict]:
    for db in scope.get(RDS_DB_INSTANCES):
        ref = ResourceRef(arn=db.arn, id=db.identifier, type="AWS::RDS::DBInstance")
        yield (passed if db.multi_az else failed)(ref, db.identifier, multi_az=db.multi_az)


@toy_check("rds_toy_low", Severity.LOW)
def toy_low(scope: Scope) -> Iterable[Verdict]:
    for db in scope.get(RDS_DB_INSTANCES):
        yield failed(ResourceRef(id=db.identifier, type="AWS::RDS::DBInstance"), "always fails")


@toy_check("rds_toy_broken", Severity.MEDIUM)
def toy_broken(scope: Scope) -> Iterable[Verdict]:
    raise KeyError("MultiAZ")


@toy_check("rds_toy_sneaky", Severity.MEDIUM)
def toy_sneaky(scope: Scope) -> Iterable[Verdict]:
    scope.get(DYNAMODB_TABLES)
    return []


def _denied(region: str, operation: str = "DescribeDBInstances") -> CollectionError:
    return CollectionError(
        account_id=ACCOUNT,
        region=region,
        service="rds",
        operation=operation,
        error_code="AccessDenied",
        message="not authorized",
    )


def _snapshot(*scopes: ScopeSnapshot) -> Snapshot:
    return Snapshot(
        tool_version="test",
        collected_at=NOW,
        accounts=[ACCOUNT],
        regions=sorted({s.region for s in scopes}),
        scopes=list(scopes),
    )


def _evaluate(snapshot: Snapshot, *checks: Check) -> Evaluation:
    return Evaluation(snapshot, checks)


def test_a_check_judges_every_resource_of_every_region() -> None:
    snapshot = _snapshot(
        ScopeSnapshot(
            account_id=ACCOUNT, region="eu-west-1", rds_db_instances=[_instance("a", True)]
        ),
        ScopeSnapshot(
            account_id=ACCOUNT, region="us-east-1", rds_db_instances=[_instance("b", False)]
        ),
    )

    findings = _evaluate(snapshot, toy_multi_az).findings

    assert [(f.region, f.resource.id, f.status, f.evidence) for f in findings] == [
        ("eu-west-1", "a", Status.PASS, {"multi_az": True}),
        ("us-east-1", "b", Status.FAIL, {"multi_az": False}),
    ]
    assert findings[0].title == "Toy instances run Multi-AZ"
    assert findings[0].remediation == FIX


def test_a_failed_dataset_makes_the_check_error_in_that_region_only() -> None:
    error = _denied("us-east-1")
    snapshot = _snapshot(
        ScopeSnapshot(
            account_id=ACCOUNT, region="eu-west-1", rds_db_instances=[_instance("a", True)]
        ),
        ScopeSnapshot(
            account_id=ACCOUNT, region="us-east-1", rds_db_instances=error, errors=[error]
        ),
    )

    evaluation = _evaluate(snapshot, toy_multi_az, toy_low)

    by_region = {(f.check_id, f.region): f for f in evaluation.findings}
    assert by_region[("rds_toy_multi_az", "eu-west-1")].status is Status.PASS
    gap = by_region[("rds_toy_multi_az", "us-east-1")]
    assert gap.status is Status.ERROR
    assert "rds:DescribeDBInstances" in gap.message and "AccessDenied" in gap.message
    assert gap.evidence == {"operation": "DescribeDBInstances", "error_code": "AccessDenied"}
    assert gap.resource.id == f"{ACCOUNT}/us-east-1"
    [scan_error] = evaluation.errors
    assert (scan_error.operation, scan_error.region, scan_error.checks) == (
        "DescribeDBInstances",
        "us-east-1",
        ["rds_toy_low", "rds_toy_multi_az"],
    )


def test_a_dataset_missing_from_the_snapshot_is_an_error_not_a_pass() -> None:
    snapshot = _snapshot(ScopeSnapshot(account_id=ACCOUNT, region="eu-west-1"))

    [finding] = _evaluate(snapshot, toy_multi_az).findings

    assert finding.status is Status.ERROR
    assert finding.evidence["error_code"] == "NotCollected"


def test_a_check_that_raises_reports_error_naming_the_exception() -> None:
    snapshot = _snapshot(
        ScopeSnapshot(
            account_id=ACCOUNT, region="eu-west-1", rds_db_instances=[_instance("a", True)]
        )
    )

    evaluation = _evaluate(snapshot, toy_broken, toy_multi_az)

    statuses = {f.check_id: f.status for f in evaluation.findings}
    assert statuses == {"rds_toy_broken": Status.ERROR, "rds_toy_multi_az": Status.PASS}
    [scan_error] = evaluation.errors
    assert scan_error.error_code == "CheckFailed"
    assert "KeyError" in scan_error.message
    assert scan_error.checks == ["rds_toy_broken"]


def test_reading_an_undeclared_dataset_is_caught() -> None:
    snapshot = _snapshot(
        ScopeSnapshot(
            account_id=ACCOUNT, region="eu-west-1", rds_db_instances=[], dynamodb_tables=[]
        )
    )

    [finding] = _evaluate(snapshot, toy_sneaky).findings

    assert finding.status is Status.ERROR
    assert "DatasetNotDeclared" in finding.message


def test_regional_checks_skip_the_global_scope() -> None:
    snapshot = _snapshot(
        ScopeSnapshot(
            account_id=ACCOUNT, region="global", iam_authorization_details=IAMAuthorizationDetails()
        ),
        ScopeSnapshot(account_id=ACCOUNT, region="eu-west-1", rds_db_instances=[]),
    )

    assert _evaluate(snapshot, toy_multi_az).findings == []


def test_finding_ids_are_stable_and_distinct() -> None:
    ref = ResourceRef(arn="arn:aws:rds:eu-west-1:1:db:a", id="a", type="AWS::RDS::DBInstance")

    first = finding_id("rds_toy_multi_az", ACCOUNT, "eu-west-1", ref)

    assert first == finding_id("rds_toy_multi_az", ACCOUNT, "eu-west-1", ref)
    assert first != finding_id("rds_toy_multi_az", ACCOUNT, "us-east-1", ref)
    assert first != finding_id("rds_toy_low", ACCOUNT, "eu-west-1", ref)
    assert len(first) == 24


@pytest.mark.parametrize(
    ("instances", "fail_on", "expected"),
    [
        ([_instance("a", True)], Severity.HIGH, 0),
        ([_instance("a", False)], Severity.HIGH, 1),
        ([_instance("a", False)], Severity.CRITICAL, 0),
        ([_instance("a", False)], None, 0),
    ],
)
def test_exit_code_follows_fail_on(
    instances: list[DBInstance], fail_on: Severity | None, expected: int
) -> None:
    snapshot = _snapshot(
        ScopeSnapshot(account_id=ACCOUNT, region="eu-west-1", rds_db_instances=instances)
    )

    report = _evaluate(snapshot, toy_multi_az).report("scan", NOW, NOW)

    assert exit_code(report, fail_on) == expected


def test_exit_code_is_3_when_incomplete_and_nothing_failed_above_threshold() -> None:
    error = _denied("us-east-1")
    snapshot = _snapshot(
        ScopeSnapshot(
            account_id=ACCOUNT, region="eu-west-1", rds_db_instances=[_instance("a", True)]
        ),
        ScopeSnapshot(
            account_id=ACCOUNT, region="us-east-1", rds_db_instances=error, errors=[error]
        ),
    )
    report = _evaluate(snapshot, toy_multi_az, toy_low).report("scan", NOW, NOW)

    assert exit_code(report, Severity.HIGH) == 3  # toy_low FAILs, but below the threshold
    assert exit_code(report, Severity.LOW) == 1  # a failure at the threshold wins over a gap


def test_summary_counts_and_pass_rate() -> None:
    snapshot = _snapshot(
        ScopeSnapshot(
            account_id=ACCOUNT,
            region="eu-west-1",
            rds_db_instances=[_instance("a", True), _instance("b", True), _instance("c", False)],
        )
    )

    summary = _evaluate(snapshot, toy_multi_az, toy_low).report("scan", NOW, NOW).summary

    assert (summary.total, summary.by_status.PASS, summary.by_status.FAIL) == (6, 2, 4)
    assert summary.by_severity[Severity.HIGH].FAIL == 1
    assert summary.by_severity[Severity.LOW].FAIL == 3
    assert summary.pass_rate == 2 / 6


def test_unreadable_resource_verdicts_are_listed_as_gaps_with_their_check() -> None:
    error = _denied("eu-west-1", operation="DescribeDBInstanceAutomatedBackups")

    @toy_check("rds_toy_partial", Severity.LOW)
    def toy_partial(scope: Scope) -> Iterable[Verdict]:
        from auditor.checkapi import unreadable

        for db in scope.get(RDS_DB_INSTANCES):
            yield unreadable(ResourceRef(id=db.identifier, type="AWS::RDS::DBInstance"), error)

    snapshot = _snapshot(
        ScopeSnapshot(
            account_id=ACCOUNT,
            region="eu-west-1",
            rds_db_instances=[_instance("a", True)],
            errors=[error],
        )
    )

    evaluation = _evaluate(snapshot, toy_partial)

    assert [f.status for f in evaluation.findings] == [Status.ERROR]
    assert [e.checks for e in evaluation.errors] == [["rds_toy_partial"]]


class _Threshold(CheckParameters):
    minimum_instances: int = 2


@check(
    id="rds_toy_count",
    title="Enough instances per region",
    service="rds",
    severity=Severity.LOW,
    resource_type="AWS::::Region",
    datasets=[RDS_DB_INSTANCES],
    rationale="A toy check with a parameter.",
    remediation=FIX,
    parameters=_Threshold,
)
def toy_count(scope: Scope) -> Iterable[Verdict]:
    minimum = scope.parameters(_Threshold).minimum_instances
    count = len(scope.get(RDS_DB_INSTANCES))
    ref = ResourceRef(id=scope.region, type="AWS::::Region")
    yield (passed if count >= minimum else failed)(ref, f"{count} of {minimum}", count=count)


def test_parameters_default_and_override() -> None:
    snapshot = _snapshot(
        ScopeSnapshot(
            account_id=ACCOUNT, region="eu-west-1", rds_db_instances=[_instance("a", True)]
        )
    )

    [default] = Evaluation(snapshot, [toy_count]).findings
    [lowered] = Evaluation(
        snapshot, [toy_count], {"rds_toy_count": toy_count.configure({"minimum_instances": 1})}
    ).findings

    assert toy_count.metadata.parameters == {"minimum_instances": 2}
    assert (default.status, default.message) == (Status.FAIL, "1 of 2")
    assert (lowered.status, lowered.message) == (Status.PASS, "1 of 1")


@pytest.mark.parametrize(
    "overrides", [{"minimum_instance": 1}, {"minimum_instances": "many"}], ids=["typo", "type"]
)
def test_bad_parameters_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        toy_count.configure(overrides)


@check(
    id="rds_toy_with_iam",
    title="Instances seen together with the account's IAM",
    service="rds",
    severity=Severity.LOW,
    resource_type="AWS::RDS::DBInstance",
    datasets=[RDS_DB_INSTANCES, IAM_AUTHORIZATION_DETAILS],
    rationale="A regional check that also reads a global dataset.",
    remediation=FIX,
)
def toy_with_iam(scope: Scope) -> Iterable[Verdict]:
    roles = len(scope.get(IAM_AUTHORIZATION_DETAILS).roles)
    for db in scope.get(RDS_DB_INSTANCES):
        yield passed(ResourceRef(id=db.identifier, type="AWS::RDS::DBInstance"), f"{roles} roles")


def test_a_regional_check_reads_the_accounts_global_datasets() -> None:
    regional = ScopeSnapshot(
        account_id=ACCOUNT, region="eu-west-1", rds_db_instances=[_instance("a", True)]
    )
    account = ScopeSnapshot(
        account_id=ACCOUNT, region="global", iam_authorization_details=IAMAuthorizationDetails()
    )

    [finding] = Evaluation(_snapshot(regional, account), [toy_with_iam]).findings

    assert toy_with_iam.metadata.scope == "regional"
    assert (finding.status, finding.region, finding.message) == (
        Status.PASS,
        "eu-west-1",
        "0 roles",
    )


def test_a_regional_check_is_error_when_the_global_dataset_failed() -> None:
    regional = ScopeSnapshot(
        account_id=ACCOUNT, region="eu-west-1", rds_db_instances=[_instance("a", True)]
    )
    denied = CollectionError(
        account_id=ACCOUNT,
        region="global",
        service="iam",
        operation="GetAccountAuthorizationDetails",
        error_code="AccessDenied",
        message="no",
    )
    account = ScopeSnapshot(
        account_id=ACCOUNT, region="global", iam_authorization_details=denied, errors=[denied]
    )

    evaluation = Evaluation(_snapshot(regional, account), [toy_with_iam])

    [finding] = evaluation.findings
    assert finding.status is Status.ERROR
    assert "GetAccountAuthorizationDetails" in finding.message
    [error] = evaluation.errors
    assert error.checks == ["rds_toy_with_iam"]
