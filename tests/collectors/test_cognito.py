"""The Cognito collector against moto: each user pool's MFA setting and threat protection mode."""

from __future__ import annotations

import boto3

from auditor.models import CognitoUserPool, CollectionError

from .conftest import ACCOUNT, FaultyPool, collect_scopes


def _pools(value: object) -> dict[str, CognitoUserPool]:
    assert isinstance(value, list)
    return {p.name: p for p in value}


def test_user_pools_keep_mfa_and_threat_protection(aws: boto3.session.Session) -> None:
    client = aws.client("cognito-idp", region_name="us-east-1")
    guarded = client.create_user_pool(
        PoolName="learners",
        MfaConfiguration="OFF",
        UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"},
    )["UserPool"]["Id"]
    client.create_user_pool(PoolName="staff")

    scope = collect_scopes(aws, ["cognito_user_pools"], regions=("us-east-1",))["us-east-1"]

    pools = _pools(scope.cognito_user_pools)
    learners = pools["learners"]
    assert learners.id == guarded
    assert learners.arn == f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/{guarded}"
    assert not isinstance(learners.settings, CollectionError)
    assert learners.settings.advanced_security_mode == "ENFORCED"
    assert learners.settings.mfa_configuration == "OFF"
    staff = pools["staff"]
    assert not isinstance(staff.settings, CollectionError)
    assert staff.settings.advanced_security_mode is None


def test_denied_describe_errors_only_that_pool(aws: boto3.session.Session) -> None:
    client = aws.client("cognito-idp", region_name="us-east-1")
    locked = client.create_user_pool(PoolName="locked")["UserPool"]["Id"]
    client.create_user_pool(PoolName="open")
    pool = FaultyPool(
        aws,
        {"DescribeUserPool": "AccessDeniedException"},
        when=lambda region, params: params.get("UserPoolId") == locked,
    )

    scope = collect_scopes(aws, ["cognito_user_pools"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    pools = _pools(scope.cognito_user_pools)
    assert isinstance(pools["locked"].settings, CollectionError)
    assert pools["locked"].settings.resource_id == locked
    assert not isinstance(pools["open"].settings, CollectionError)


def test_denied_pool_list_is_a_dataset_error(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"ListUserPools": "AccessDeniedException"})

    scope = collect_scopes(aws, ["cognito_user_pools"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    assert isinstance(scope.cognito_user_pools, CollectionError)
