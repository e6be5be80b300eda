"""Cognito checks: user pools require MFA and run threat protection in enforcement mode."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import Field

from auditor.checkapi import CheckParameters, Scope, Verdict, check, failed, passed, unreadable
from auditor.datasets import COGNITO_USER_POOLS
from auditor.findings import Remediation, ResourceRef, Severity
from auditor.models import CognitoUserPool, CollectionError, UserPoolSettings

_POOL_TYPE = "AWS::Cognito::UserPool"
_GUIDE = "https://docs.aws.amazon.com/cognito/latest/developerguide"
_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/cognito-controls.html"


def pool_ref(pool: CognitoUserPool) -> ResourceRef:
    return ResourceRef(arn=pool.arn, id=pool.id, type=_POOL_TYPE)


def _pools(scope: Scope) -> Iterable[tuple[CognitoUserPool, UserPoolSettings | Verdict]]:
    """Each pool with its settings, or the ERROR verdict when they could not be read."""
    for pool in scope.get(COGNITO_USER_POOLS):
        if isinstance(pool.settings, CollectionError):
            yield pool, unreadable(pool_ref(pool), pool.settings)
        else:
            yield pool, pool.settings


class MfaRequirement(CheckParameters):
    accept_optional: bool = Field(
        default=False,
        description="Also pass pools where MFA is OPTIONAL (each user may turn it on).",
    )


# MEDIUM: a stolen or guessed password alone opens the account.
@check(
    id="cognito_user_pool_mfa_required",
    title="Cognito user pools require multi-factor authentication",
    service="cognito",
    severity=Severity.MEDIUM,
    resource_type=_POOL_TYPE,
    datasets=[COGNITO_USER_POOLS],
    parameters=MfaRequirement,
    rationale=(
        "Study materials (Identity: the Developing on AWS notes on Cognito user pools): user "
        "pools should require a second factor (TOTP or SMS) at sign-in, so a leaked or guessed "
        "password is not enough to take over an account."
    ),
    remediation=Remediation(
        console=(
            "Cognito console > User pools > select the pool > Authentication > Sign-in > "
            "Multi-factor authentication > Edit > MFA enforcement: Require MFA, choose the "
            "authenticator app and/or SMS > Save changes."
        ),
        cli=(
            "aws cognito-idp set-user-pool-mfa-config --user-pool-id <pool-id> "
            "--software-token-mfa-configuration Enabled=true --mfa-configuration ON"
        ),
        terraform=(
            'aws_cognito_user_pool: mfa_configuration = "ON" and software_token_mfa_configuration '
            "{ enabled = true }"
        ),
    ),
    references=[f"{_GUIDE}/user-pool-settings-mfa.html"],
)
def cognito_user_pool_mfa_required(scope: Scope) -> Iterable[Verdict]:
    accept_optional = scope.parameters(MfaRequirement).accept_optional
    accepted = ("ON", "OPTIONAL") if accept_optional else ("ON",)
    for pool, settings in _pools(scope):
        if isinstance(settings, Verdict):
            yield settings
            continue
        mode = settings.mfa_configuration.upper()
        name = f"Cognito user pool {pool.name}"
        if mode in accepted:
            yield passed(pool_ref(pool), f"{name} has MFA {mode}.", mfa_configuration=mode)
        else:
            what = "only optional" if mode == "OPTIONAL" else "off"
            yield failed(
                pool_ref(pool),
                f"{name} has MFA {what}: a password alone signs in.",
                mfa_configuration=mode,
            )


class ThreatProtectionMode(CheckParameters):
    minimum_mode: Literal["AUDIT", "ENFORCED"] = Field(
        default="ENFORCED",
        description="ENFORCED (full function: acts on risky sign-ins) or AUDIT (also accepts "
        "audit-only mode), as Security Hub's SecurityMode parameter.",
    )


# MEDIUM, as Security Hub rates Cognito.1.
@check(
    id="cognito_user_pool_threat_protection",
    title="Cognito user pools enforce threat protection",
    service="cognito",
    severity=Severity.MEDIUM,
    resource_type=_POOL_TYPE,
    datasets=[COGNITO_USER_POOLS],
    parameters=ThreatProtectionMode,
    rationale=(
        "Study materials (Identity: the Developing on AWS notes on Cognito advanced security): "
        "threat protection scores each sign-in for compromised credentials and unusual devices "
        "or places, and in full-function mode blocks or challenges the risky ones."
    ),
    remediation=Remediation(
        console=(
            "Cognito console > User pools > select the pool > Threat protection > Activate (Plus "
            "feature plan) > Enforcement mode: Full function > configure the risk responses > "
            "Save changes."
        ),
        cli=(
            "aws cognito-idp update-user-pool --user-pool-id <pool-id> "
            "--user-pool-add-ons AdvancedSecurityMode=ENFORCED   # update-user-pool resets "
            "settings it is not given: pass the pool's current configuration too"
        ),
        terraform=(
            'aws_cognito_user_pool: user_pool_add_ons { advanced_security_mode = "ENFORCED" }'
        ),
    ),
    references=[
        f"{_CONTROLS}#cognito-1",
        f"{_GUIDE}/cognito-user-pool-settings-threat-protection.html",
    ],
    # Security Hub's Cognito.1 is this control, but it is not part of the FSBP standard (FSBP
    # lists Cognito.2 and Cognito.3 only), so no framework id is claimed.
)
def cognito_user_pool_threat_protection(scope: Scope) -> Iterable[Verdict]:
    minimum = scope.parameters(ThreatProtectionMode).minimum_mode
    accepted = ("ENFORCED",) if minimum == "ENFORCED" else ("AUDIT", "ENFORCED")
    for pool, settings in _pools(scope):
        if isinstance(settings, Verdict):
            yield settings
            continue
        mode = (settings.advanced_security_mode or "OFF").upper()
        name = f"Cognito user pool {pool.name}"
        if mode in accepted:
            yield passed(
                pool_ref(pool),
                f"{name} runs threat protection in {mode} mode.",
                advanced_security_mode=mode,
            )
        else:
            what = "audit-only mode" if mode == "AUDIT" else "off"
            yield failed(
                pool_ref(pool), f"{name} has threat protection {what}.", advanced_security_mode=mode
            )
