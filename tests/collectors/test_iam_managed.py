"""The IAM collector keeps the AWS-managed policies a principal attaches, with their default
version's document, and leaves out the ones nothing attaches (moto, AWS-managed policies
loaded)."""

from __future__ import annotations

import json

import boto3
import pytest

from auditor.models import CollectionError

from .conftest import collect_scopes

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def test_attached_aws_managed_policies_are_kept_apart_with_their_documents(
    aws: boto3.session.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read when moto first builds the account's IAM backend, i.e. at the first IAM call.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    iam = aws.client("iam")
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument="{}")
    iam.attach_role_policy(RoleName="ops", PolicyArn=ADMIN_ARN)
    iam.create_group(GroupName="auditors")
    iam.attach_group_policy(GroupName="auditors", PolicyArn=READ_ARN)
    scoped = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    iam.create_policy(
        PolicyName="mine",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [scoped]}),
    )

    details = collect_scopes(aws, ["iam_authorization_details"])["global"].iam_authorization_details

    assert details is not None and not isinstance(details, CollectionError)
    assert [p.name for p in details.policies] == ["mine"]
    managed = {p.arn: p for p in details.aws_managed_policies}
    assert set(managed) == {ADMIN_ARN, READ_ARN}
    admin = managed[ADMIN_ARN]
    assert admin.name == "AdministratorAccess"
    assert admin.default_document["Statement"] == [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}
    ]
    assert details.roles[0].attached_policy_arns == [ADMIN_ARN]
