"""An AWS Organization's accounts, and a session in each through a role assumed with STS.

The organization is listed with Organizations ListAccounts (botocore's paginator); each member
account is reached through botocore's own assume-role credential fetcher, which refreshes the
credentials before they expire during a long scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import boto3
import botocore.credentials
import botocore.exceptions
import botocore.session

from auditor.collectors.base import error_code_of
from auditor.errors import UsageError
from auditor.models import GLOBAL_REGION, CollectionError
from auditor.session import client_config, locked_create_client

DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"
_SESSION_NAME = "auditor"


@dataclass(frozen=True)
class OrgOptions:
    role_name: str = DEFAULT_ROLE_NAME
    external_id: str | None = None
    accounts: tuple[str, ...] = ()  # only these (empty: every active account)
    exclude_accounts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str


def _active(account: dict[str, object]) -> bool:
    # `State` replaces the deprecated `Status`; either says ACTIVE for a usable account.
    state = account.get("State") or account.get("Status")
    return state == "ACTIVE"


def list_accounts(
    session: boto3.session.Session, endpoint_url: str | None, region: str
) -> list[Account]:
    """The organization's ACTIVE accounts; a caller that cannot list them is a usage error."""
    # Retried like every other read (Organizations' rates are low), in the caller's partition.
    client = session.client(
        "organizations", region_name=region, endpoint_url=endpoint_url, config=client_config(2)
    )
    try:
        pages = client.get_paginator("list_accounts").paginate()
        accounts = [
            Account(str(a["Id"]), str(a.get("Name", "")))
            for page in pages
            for a in page.get("Accounts", [])
            if _active(a)
        ]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
        code = error_code_of(exc) or type(exc).__name__
        raise UsageError(
            f"cannot list the organization's accounts (organizations:ListAccounts: {code}); "
            "--org needs credentials of the management account or a delegated administrator"
        ) from None
    return sorted(accounts, key=lambda a: a.account_id)


def select_accounts(accounts: Sequence[Account], options: OrgOptions) -> list[Account]:
    known = {a.account_id for a in accounts}
    for account_id in (*options.accounts, *options.exclude_accounts):
        if account_id not in known:
            raise UsageError(f"account {account_id!r} is not an active account of the organization")
    return [
        a
        for a in accounts
        if (not options.accounts or a.account_id in options.accounts)
        and a.account_id not in options.exclude_accounts
    ]


def role_arn(partition: str, account_id: str, role_name: str) -> str:
    return f"arn:{partition}:iam::{account_id}:role/{role_name}"


class _Fixed:
    """A credential provider (as botocore's resolver calls one) that hands out one object."""

    METHOD = "assume-role"
    CANONICAL_NAME = "assume-role"

    def __init__(self, credentials: botocore.credentials.Credentials) -> None:
        self._credentials = credentials

    def load(self) -> botocore.credentials.Credentials:
        return self._credentials


def assume_role(
    session: boto3.session.Session,
    endpoint_url: str | None,
    arn: str,
    external_id: str | None,
    sts_region: str,
) -> boto3.session.Session:
    """A session acting through the role; raises botocore's error when it cannot be assumed."""
    source = session._session  # the botocore session boto3 wraps
    source_credentials = source.get_credentials()
    if source_credentials is None:
        raise botocore.exceptions.NoCredentialsError()
    extra: dict[str, str] = {"RoleSessionName": _SESSION_NAME}
    if external_id:
        extra["ExternalId"] = external_id
    fetcher = botocore.credentials.AssumeRoleCredentialFetcher(
        client_creator=partial(
            locked_create_client,
            source,
            region_name=sts_region,
            endpoint_url=endpoint_url,
            config=client_config(2),
        ),
        source_credentials=source_credentials,
        role_arn=arn,
        extra_args=extra,
    )
    fetcher.fetch_credentials()  # fail now, naming the account, rather than mid-scan
    credentials = botocore.credentials.DeferredRefreshableCredentials(
        refresh_using=fetcher.fetch_credentials, method="assume-role"
    )
    target = botocore.session.Session()
    # Share the service models already loaded: one copy, however many accounts.
    target.register_component("data_loader", source.get_component("data_loader"))
    target.register_component(
        "credential_provider", botocore.credentials.CredentialResolver([_Fixed(credentials)])
    )
    return boto3.session.Session(botocore_session=target, region_name=session.region_name)


def unreachable(account_id: str, arn: str, exc: Exception) -> CollectionError:
    """The one gap an account whose role could not be assumed leaves in the report."""
    code = error_code_of(exc) or type(exc).__name__
    return CollectionError(
        account_id=account_id,
        region=GLOBAL_REGION,
        service="sts",
        operation="AssumeRole",
        error_code=code,
        message=f"cannot assume {arn} in account {account_id}: nothing in it was read"[:500],
        resource_id=arn,
    )


def regions_unknown(account_id: str, arn: str, exc: Exception) -> CollectionError:
    """The one gap a member account leaves when its enabled regions cannot be listed."""
    code = error_code_of(exc) or type(exc).__name__
    return CollectionError(
        account_id=account_id,
        region=GLOBAL_REGION,
        service="ec2",
        operation="DescribeRegions",
        error_code=code,
        message=(
            f"cannot list the enabled regions of account {account_id} through {arn}: "
            "nothing in it was read (pass --region to scan chosen regions)"
        )[:500],
        resource_id=arn,
    )
