"""The Organizations collector against moto: the organization and its management account, an
account in no organization, and a denied read."""

from __future__ import annotations

import boto3

from auditor.models import CollectionError, Organization

from .conftest import ACCOUNT, FaultyPool, collect_scopes


def test_an_organizations_management_account_is_read_from_describe_organization(
    aws: boto3.session.Session,
) -> None:
    created = aws.client("organizations").create_organization(FeatureSet="ALL")["Organization"]
    pool = FaultyPool(aws, {})

    scope = collect_scopes(aws, ["organizations_organization"], pool=pool, regions=("us-east-1",))[
        "global"
    ]

    assert scope.errors == []
    assert set(pool.api_calls) == {"organizations:DescribeOrganization"}
    organization = scope.organizations_organization
    assert organization == Organization(
        in_organization=True,
        organization_id=created["Id"],
        management_account_id=ACCOUNT,
        feature_set="ALL",
    )
    assert organization.manages(ACCOUNT)
    assert not organization.manages("210987654321")


def test_an_account_in_no_organization_reads_as_such_not_as_an_error(
    aws: boto3.session.Session,
) -> None:
    """DescribeOrganization answers AWSOrganizationsNotInUseException: an answer, not a gap."""
    scope = collect_scopes(aws, ["organizations_organization"], regions=("us-east-1",))["global"]

    assert scope.errors == []
    assert scope.organizations_organization == Organization(in_organization=False)
    assert not Organization(in_organization=False).manages(ACCOUNT)


def test_a_denied_describe_organization_is_a_dataset_error(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"DescribeOrganization": "AccessDeniedException"})

    scope = collect_scopes(aws, ["organizations_organization"], pool=pool, regions=("us-east-1",))[
        "global"
    ]

    error = scope.organizations_organization
    assert isinstance(error, CollectionError)
    assert (error.operation, error.error_code) == ("DescribeOrganization", "AccessDeniedException")
