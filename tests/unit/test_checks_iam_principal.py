"""iam_principal_no_aws_managed_admin: each user, group or role judged on the default version
of the AWS-managed policies attached to it, on hand-built authorization details."""

from __future__ import annotations

from conftest import (
    ACCOUNT,
    allow,
    dataset_denied,
    engine_findings,
    global_scope,
    policy,
    principal,
    run_check,
)

from auditor.findings import Status
from auditor.models import IAMAuthorizationDetails, IAMPrincipal, ManagedPolicy
from checks.iam_principal import iam_principal_no_aws_managed_admin

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def _aws_policy(arn: str, document: object) -> ManagedPolicy:
    return ManagedPolicy(
        arn=arn, name=arn.rsplit("/", 1)[-1], default_version_id="v1", default_document=document
    )


ADMIN = _aws_policy(ADMIN_ARN, policy(allow("*")))
READ_ONLY = _aws_policy(READ_ARN, policy(allow(["s3:Get*", "ec2:Describe*"])))


def _holding(kind: str, name: str, *arns: str) -> IAMPrincipal:
    held = principal(kind, name)
    return held.model_copy(update={"attached_policy_arns": list(arns)})


def _scope(*principals: IAMPrincipal, aws_managed: list[ManagedPolicy] | None = None) -> object:
    return global_scope(
        iam_authorization_details=IAMAuthorizationDetails(
            users=[p for p in principals if p.kind == "user"],
            groups=[p for p in principals if p.kind == "group"],
            roles=[p for p in principals if p.kind == "role"],
            aws_managed_policies=[ADMIN, READ_ONLY] if aws_managed is None else aws_managed,
        )
    )


def test_role_with_administrator_access_attached_fails() -> None:
    [verdict] = run_check(
        iam_principal_no_aws_managed_admin, _scope(_holding("role", "ops", ADMIN_ARN, READ_ARN))
    )

    assert verdict.status is Status.FAIL
    assert verdict.resource.type == "AWS::IAM::Role"
    assert verdict.resource.arn == f"arn:aws:iam::{ACCOUNT}:role/ops"
    assert verdict.message == (
        "Role ops holds AWS-managed AdministratorAccess, which allows every action on every "
        "resource."
    )
    assert verdict.evidence == {
        "aws_managed_policy_arns": [ADMIN_ARN, READ_ARN],
        "full_admin_policy_arns": [ADMIN_ARN],
    }


def test_each_kind_of_principal_is_judged_and_the_unattached_are_left_out() -> None:
    verdicts = run_check(
        iam_principal_no_aws_managed_admin,
        _scope(
            _holding("user", "ana", ADMIN_ARN),
            _holding("group", "admins", ADMIN_ARN),
            _holding("role", "reader", READ_ARN),
            _holding("role", "custom", f"arn:aws:iam::{ACCOUNT}:policy/mine"),
        ),
    )

    assert {(v.resource.type, v.resource.id, v.status) for v in verdicts} == {
        ("AWS::IAM::User", "ana", Status.FAIL),
        ("AWS::IAM::Group", "admins", Status.FAIL),
        ("AWS::IAM::Role", "reader", Status.PASS),
    }


def test_read_only_managed_policy_passes() -> None:
    [verdict] = run_check(
        iam_principal_no_aws_managed_admin, _scope(_holding("role", "reader", READ_ARN))
    )

    assert verdict.status is Status.PASS
    assert verdict.message == (
        "Role reader holds no AWS-managed policy allowing every action on every resource."
    )
    assert verdict.evidence["full_admin_policy_arns"] == []


def test_attached_policy_missing_from_the_answer_is_an_error_not_a_pass() -> None:
    [verdict] = run_check(
        iam_principal_no_aws_managed_admin,
        _scope(_holding("role", "ops", READ_ARN, ADMIN_ARN), aws_managed=[READ_ONLY]),
    )

    assert verdict.status is Status.ERROR
    assert verdict.message == (
        "Could not judge Role ops: GetAccountAuthorizationDetails gave no readable default "
        f"version of {ADMIN_ARN}."
    )
    assert verdict.evidence["not_returned"] == [ADMIN_ARN]


def test_admin_found_is_not_hidden_by_another_missing_policy() -> None:
    [verdict] = run_check(
        iam_principal_no_aws_managed_admin,
        _scope(_holding("role", "ops", READ_ARN, ADMIN_ARN), aws_managed=[ADMIN]),
    )

    assert verdict.status is Status.FAIL
    assert verdict.evidence["full_admin_policy_arns"] == [ADMIN_ARN]


def test_denied_authorization_details_are_an_error() -> None:
    error = dataset_denied("iam", "GetAccountAuthorizationDetails", region="global")

    [finding] = engine_findings(
        iam_principal_no_aws_managed_admin, global_scope(iam_authorization_details=error)
    )

    assert finding.status is Status.ERROR
    assert finding.evidence == {
        "operation": "GetAccountAuthorizationDetails",
        "error_code": "AccessDenied",
    }
