"""Makes the demo account the management account of a small organization with one member,
lingo-sandbox, so the checks that judge an account as a whole (the root user, account-wide
settings) show a well-kept account and a neglected one in the same report.

Also gives the management account one long-forgotten deploy key, so the key-age checks have
something old to find.

moto cannot create what these checks look at: it has no root user (its account summary always
says no root MFA and no root access keys), and it stamps every access key and user with the
current time while dating its credential report 2015-02-02. The demo only ever runs on an
in-process moto, so those few facts are set on moto's own models, as the comments say.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from auditor.demo.common import DEMO_REGIONS, US, ClientFactory

MEMBER_NAME = "lingo-sandbox"
ROLE_NAME = "OrganizationAccountAccessRole"
# Before the credential report's date (2015-02-02 in moto): years without rotation or use.
_LONG_AGO = datetime(2013, 3, 4, 9, 30, tzinfo=UTC)


def _iam_model(account: str) -> Any:
    from moto.backends import get_backend

    return get_backend("iam")[account]["global"]


def _root_signs_in_with_hardware_mfa(account: str) -> None:
    """The management account's root user has a hardware MFA device and no access keys."""
    _iam_model(account).account_summary._account_mfa_enabled = 1


def _root_has_access_keys(account: str) -> None:
    """Someone created access keys for the sandbox's root user and never turned on MFA."""
    _iam_model(account).account_summary._account_access_keys_present = 1


def _forgotten_deploy_key(client: ClientFactory, account: str) -> None:
    """A CI user from the first release, its key never rotated and no longer used."""
    iam = client("iam", US)
    iam.create_user(UserName="legacy-ci-deployer")
    key_id = iam.create_access_key(UserName="legacy-ci-deployer")["AccessKey"]["AccessKeyId"]
    user: Any = _iam_model(account).users["legacy-ci-deployer"]
    user.create_date = _LONG_AGO
    for key in user.access_keys:
        if key.access_key_id == key_id:
            key.create_date = _LONG_AGO


def _member_networks_now(member: str) -> None:
    """moto creates an account's default VPC and security group in a region when that account
    is first used there; left to the scan, whose reads run in parallel, those ids would be
    drawn in a different order each run. Creating them here keeps them the same."""
    from moto.backends import get_backend

    for region in DEMO_REGIONS:
        get_backend("ec2")[member][region]


def seed_organization(client: ClientFactory, account: str) -> str:
    """Create the organization and its sandbox member; the member's account id."""
    _root_signs_in_with_hardware_mfa(account)
    _forgotten_deploy_key(client, account)
    organizations = client("organizations", US)
    organizations.create_organization(FeatureSet="ALL")
    member: str = organizations.create_account(
        AccountName=MEMBER_NAME, Email="aws-sandbox@lingo.example"
    )["CreateAccountStatus"]["AccountId"]
    _root_has_access_keys(member)
    _member_networks_now(member)
    return member
