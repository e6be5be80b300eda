"""The Cognito user pool checks (MFA required, threat protection enforced)."""

from __future__ import annotations

from typing import Any

from conftest import (
    ACCOUNT,
    REGION,
    by_resource,
    dataset_denied,
    denied,
    engine_findings,
    run_check,
    scope_snapshot,
)

from auditor.findings import Status
from auditor.models import CognitoUserPool, CollectionError, UserPoolSettings
from checks.cognito import cognito_user_pool_mfa_required, cognito_user_pool_threat_protection


def pool(name: str, settings: UserPoolSettings | CollectionError) -> CognitoUserPool:
    pool_id = f"{REGION}_{name}"
    return CognitoUserPool(
        id=pool_id,
        name=name,
        arn=f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{pool_id}",
        settings=settings,
    )


def pools(*items: CognitoUserPool) -> Any:
    return scope_snapshot(cognito_user_pools=list(items))


def test_mfa_on_passes_optional_and_off_fail() -> None:
    snapshot = pools(
        pool("on", UserPoolSettings(mfa_configuration="ON")),
        pool("optional", UserPoolSettings(mfa_configuration="OPTIONAL")),
        pool("off", UserPoolSettings(mfa_configuration="OFF")),
    )

    verdicts = by_resource(run_check(cognito_user_pool_mfa_required, snapshot))

    assert verdicts[f"{REGION}_on"].status is Status.PASS
    assert verdicts[f"{REGION}_on"].resource.type == "AWS::Cognito::UserPool"
    assert verdicts[f"{REGION}_optional"].status is Status.FAIL
    assert "MFA only optional" in verdicts[f"{REGION}_optional"].message
    assert verdicts[f"{REGION}_off"].status is Status.FAIL
    assert verdicts[f"{REGION}_off"].evidence == {"mfa_configuration": "OFF"}


def test_optional_mfa_can_be_accepted_by_parameter() -> None:
    snapshot = pools(pool("optional", UserPoolSettings(mfa_configuration="OPTIONAL")))

    [verdict] = run_check(cognito_user_pool_mfa_required, snapshot, accept_optional=True)

    assert verdict.status is Status.PASS


def test_mfa_error_for_a_pool_that_cannot_be_described() -> None:
    error = denied("cognito-idp", "DescribeUserPool", f"{REGION}_p")

    [verdict] = run_check(cognito_user_pool_mfa_required, pools(pool("p", error)))

    assert verdict.status is Status.ERROR
    assert verdict.error == error


def test_threat_protection_enforced_passes_audit_and_off_fail() -> None:
    snapshot = pools(
        pool("enforced", UserPoolSettings(advanced_security_mode="ENFORCED")),
        pool("audit", UserPoolSettings(advanced_security_mode="AUDIT")),
        pool("off", UserPoolSettings()),
    )

    verdicts = by_resource(run_check(cognito_user_pool_threat_protection, snapshot))

    assert verdicts[f"{REGION}_enforced"].status is Status.PASS
    assert verdicts[f"{REGION}_audit"].status is Status.FAIL
    assert "audit-only mode" in verdicts[f"{REGION}_audit"].message
    assert verdicts[f"{REGION}_off"].status is Status.FAIL
    assert verdicts[f"{REGION}_off"].evidence == {"advanced_security_mode": "OFF"}


def test_audit_mode_is_accepted_when_configured() -> None:
    snapshot = pools(pool("audit", UserPoolSettings(advanced_security_mode="AUDIT")))

    [verdict] = run_check(cognito_user_pool_threat_protection, snapshot, minimum_mode="AUDIT")

    assert verdict.status is Status.PASS


def test_threat_protection_error_when_pools_cannot_be_listed() -> None:
    snapshot = scope_snapshot(cognito_user_pools=dataset_denied("cognito-idp", "ListUserPools"))

    [finding] = engine_findings(cognito_user_pool_threat_protection, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "ListUserPools"
