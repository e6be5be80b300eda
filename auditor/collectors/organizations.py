"""Organizations collector: the organization the account belongs to and its management
account, one DescribeOrganization per account (any member account may ask)."""

from __future__ import annotations

from auditor.collectors.base import CollectContext, Collector, Operation, none_if_absent
from auditor.datasets import ORGANIZATIONS_ORGANIZATION
from auditor.models import Organization

_SERVICE = "organizations"
# DescribeOrganization's answer for an account that belongs to no organization.
_NOT_IN_USE = "AWSOrganizationsNotInUseException"


def _management_account(organization: dict[str, str]) -> str:
    """MasterAccountId, or the last part of MasterAccountArn where an answer carries only that
    (botocore's own example does); with neither, the missing field fails the dataset."""
    if "MasterAccountId" in organization:
        return organization["MasterAccountId"]
    return organization["MasterAccountArn"].rsplit("/", 1)[-1]


def collect_organization(ctx: CollectContext) -> Organization:
    answer = none_if_absent((_NOT_IN_USE,), lambda: ctx.call(_SERVICE, "DescribeOrganization"))
    if answer is None:
        return Organization(in_organization=False)
    organization = answer["Organization"]
    return Organization(
        in_organization=True,
        organization_id=organization.get("Id"),
        management_account_id=_management_account(organization),
        feature_set=organization.get("FeatureSet"),
    )


ORGANIZATION = Collector(
    dataset=ORGANIZATIONS_ORGANIZATION,
    operations=(Operation(_SERVICE, "DescribeOrganization", "organizations:DescribeOrganization"),),
    collect=collect_organization,
)
