"""Seeds the identity side of the demo account beyond its policies: an editor who signs in with
MFA and gets permissions from a group, a support agent with a bare console password, a release
policy that can pass roles to new Lambda functions, two partner roles, one behind an
external ID and one without, and a password policy as CIS asks for it (the sandbox member
account has none).

Runs after the core IAM estate (`content-editors` exists). The root user's MFA and access keys
(one root user per account) and a stale key are in `organization.py`: moto cannot create them,
so it sets them on moto's models.
"""

from __future__ import annotations

import json
from typing import Any

from auditor.demo.common import US, ClientFactory, tags, trust_policy

# The partner's account: an outside analytics vendor.
_PARTNER_ACCOUNT = "210987654321"
# moto insists on a password for a login profile; this one is obviously not a secret.
_CONSOLE_PASSWORD = "demo-password-not-secret"  # noqa: S105
# A virtual MFA device accepts any two six-digit codes in moto.
_MFA_CODES = {"AuthenticationCode1": "123456", "AuthenticationCode2": "654321"}


def _seed_users(iam: Any) -> None:
    # Signs in with MFA, holds nothing directly: permissions come from the group.
    iam.create_user(UserName="mina.editor", Tags=tags("identity"))
    iam.add_user_to_group(GroupName="content-editors", UserName="mina.editor")
    iam.create_login_profile(UserName="mina.editor", Password=_CONSOLE_PASSWORD)
    device = iam.create_virtual_mfa_device(
        VirtualMFADeviceName="mina.editor", Tags=tags("identity")
    )
    iam.enable_mfa_device(
        UserName="mina.editor",
        SerialNumber=device["VirtualMFADevice"]["SerialNumber"],
        **_MFA_CODES,
    )
    iam.create_access_key(UserName="mina.editor")
    # Set up in a hurry: a console password and nothing else.
    iam.create_user(UserName="jun.support", Tags=tags("identity"))
    iam.create_login_profile(UserName="jun.support", Password=_CONSOLE_PASSWORD)


def _seed_release_policy(iam: Any) -> None:
    """A release policy that can create a function with any role and run it: escalation."""
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ShipFunctions",
                "Effect": "Allow",
                "Action": ["lambda:CreateFunction", "lambda:InvokeFunction", "iam:PassRole"],
                "Resource": "*",
            }
        ],
    }
    iam.create_policy(
        PolicyName="lesson-release",
        Description="Create and smoke-test lesson functions",
        PolicyDocument=json.dumps(document),
        Tags=tags("identity"),
    )


def _seed_partner_roles(iam: Any) -> None:
    partner = {"AWS": f"arn:aws:iam::{_PARTNER_ACCOUNT}:root"}
    iam.create_role(
        RoleName="partner-billing-export",
        AssumeRolePolicyDocument=trust_policy(
            partner, {"StringEquals": {"sts:ExternalId": "lingo-billing-7f3a9c"}}
        ),
        Tags=tags("identity"),
    )
    iam.create_role(
        RoleName="partner-analytics-reader",
        AssumeRolePolicyDocument=trust_policy(partner),
        Tags=tags("identity"),
    )


def _seed_password_policy(iam: Any) -> None:
    iam.update_account_password_policy(
        MinimumPasswordLength=14,
        PasswordReusePrevention=24,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        AllowUsersToChangePassword=True,
    )


def seed_identity(client: ClientFactory) -> None:
    """Create the identity examples in the account (IAM is global; calls go to us-east-1)."""
    iam = client("iam", US)
    _seed_password_policy(iam)
    _seed_users(iam)
    _seed_release_policy(iam)
    _seed_partner_roles(iam)
