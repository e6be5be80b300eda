"""Cognito collector: user pools with their MFA setting and threat protection mode."""

from __future__ import annotations

from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import COGNITO_USER_POOLS
from auditor.models import CognitoUserPool, UserPoolSettings

_SERVICE = "cognito-idp"


def _settings(ctx: CollectContext, pool_id: str) -> UserPoolSettings:
    pool = ctx.call(_SERVICE, "DescribeUserPool", resource_id=pool_id, UserPoolId=pool_id)[
        "UserPool"
    ]
    return UserPoolSettings(
        mfa_configuration=pool.get("MfaConfiguration", "OFF"),
        advanced_security_mode=pool.get("UserPoolAddOns", {}).get("AdvancedSecurityMode"),
    )


def collect_user_pools(ctx: CollectContext) -> list[CognitoUserPool]:
    def one(p: dict[str, Any]) -> CognitoUserPool:
        return CognitoUserPool(
            id=p["Id"],
            name=p.get("Name", ""),
            arn=f"arn:{ctx.partition}:cognito-idp:{ctx.region}:{ctx.account_id}:userpool/{p['Id']}",
            settings=ctx.attempt(partial(_settings, ctx, p["Id"])),
        )

    pools = ctx.paginate(_SERVICE, "ListUserPools", "UserPools")
    return ctx.each(pools, one, kind="AWS::Cognito::UserPool", ident=lambda p: p["Id"])


USER_POOLS = Collector(
    dataset=COGNITO_USER_POOLS,
    operations=(
        Operation(_SERVICE, "ListUserPools", "cognito-idp:ListUserPools"),
        Operation(_SERVICE, "DescribeUserPool", "cognito-idp:DescribeUserPool"),
    ),
    collect=collect_user_pools,
)
