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
from checks.iam_principal import (
    iam_principal_no_aws_managed_admin,
    iam_principal_no_privilege_escalation,
    iam_role_service_trust_names_source,
)

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


# --- iam_principal_no_privilege_escalation ----------------------------------------------------


def _customer(name: str, document: object) -> ManagedPolicy:
    return ManagedPolicy(
        arn=f"arn:aws:iam::{ACCOUNT}:policy/{name}",
        name=name,
        default_version_id="v1",
        default_document=document,
    )


def _details(
    *principals: IAMPrincipal, policies: list[ManagedPolicy], aws_managed: list[ManagedPolicy]
) -> object:
    return global_scope(
        iam_authorization_details=IAMAuthorizationDetails(
            users=[p for p in principals if p.kind == "user"],
            groups=[p for p in principals if p.kind == "group"],
            roles=[p for p in principals if p.kind == "role"],
            policies=policies,
            aws_managed_policies=aws_managed,
        )
    )


PASS_ROLE = _customer("pass-any-role", policy(allow("iam:PassRole")))
CREATE_FUNCTION = _customer("ship-functions", policy(allow("lambda:CreateFunction")))


def test_pass_role_and_lambda_split_across_a_users_own_and_group_policies_fail() -> None:
    group = _holding("group", "deployers", CREATE_FUNCTION.arn)
    user = principal("user", "ci", invoke=policy(allow("lambda:InvokeFunction")))
    user = user.model_copy(
        update={"attached_policy_arns": [PASS_ROLE.arn], "group_names": ["deployers"]}
    )

    verdicts = run_check(
        iam_principal_no_privilege_escalation,
        _details(user, group, policies=[PASS_ROLE, CREATE_FUNCTION], aws_managed=[]),
    )

    by_id = {v.resource.id: v for v in verdicts}
    assert by_id["deployers"].status is Status.PASS
    verdict = by_id["ci"]
    assert verdict.status is Status.FAIL
    assert verdict.resource.type == "AWS::IAM::User"
    assert verdict.message == (
        "User ci's policies together allow privilege escalation on every resource through "
        "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction "
        "(PassRoleToNewLambdaThenInvoke) across policies."
    )
    assert verdict.evidence["policies"] == [
        "inline invoke",
        "pass-any-role",
        "ship-functions (group deployers)",
    ]
    assert verdict.evidence["escalations"] == [
        {
            "method": "PassRoleToNewLambdaThenInvoke",
            "actions": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
            "granted_by": {
                "iam:PassRole": ["pass-any-role#0"],
                "lambda:CreateFunction": ["ship-functions (group deployers)#0"],
                "lambda:InvokeFunction": ["inline invoke#0"],
            },
            "split_across_policies": True,
            "reference": "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
        }
    ]


def test_deny_in_another_policy_takes_the_action_back() -> None:
    deny = _customer("no-pass", policy({"Effect": "Deny", "Action": "iam:Pass*", "Resource": "*"}))
    role = _holding("role", "builder", PASS_ROLE.arn, deny.arn)
    role = role.model_copy(
        update={
            "inline_policies": principal(
                "role", "x", a=policy(allow("ec2:RunInstances"))
            ).inline_policies
        }
    )

    [verdict] = run_check(
        iam_principal_no_privilege_escalation,
        _details(role, policies=[PASS_ROLE, deny], aws_managed=[]),
    )

    assert verdict.status is Status.PASS
    assert verdict.message == (
        "Role builder's 3 policies together allow no known privilege-escalation combination "
        "on every resource."
    )


def test_newer_methods_are_found_with_their_reference() -> None:
    role = principal("role", "ops", run=policy(allow(["ssm:SendCommand"])))

    [verdict] = run_check(
        iam_principal_no_privilege_escalation, _details(role, policies=[], aws_managed=[])
    )

    assert verdict.status is Status.FAIL
    [found] = verdict.evidence["escalations"]
    assert found["method"] == "RunCommandOnInstance"
    assert (
        found["reference"] == "https://hackingthe.cloud/aws/exploitation/iam_privilege_escalation/"
    )
    assert found["split_across_policies"] is False


def test_aws_managed_admin_policy_escalates() -> None:
    role = _holding("role", "break-glass", ADMIN_ARN)

    [verdict] = run_check(
        iam_principal_no_privilege_escalation, _details(role, policies=[], aws_managed=[ADMIN])
    )

    assert verdict.status is Status.FAIL
    assert verdict.message.endswith("more (see evidence).")


def test_unreadable_attached_policy_with_nothing_found_is_an_error() -> None:
    role = _holding("role", "builder", PASS_ROLE.arn, f"arn:aws:iam::{ACCOUNT}:policy/gone")

    [verdict] = run_check(
        iam_principal_no_privilege_escalation,
        _details(role, policies=[PASS_ROLE], aws_managed=[]),
    )

    assert verdict.status is Status.ERROR
    assert verdict.message == (
        "Could not judge Role builder: GetAccountAuthorizationDetails gave no readable "
        f"document for arn:aws:iam::{ACCOUNT}:policy/gone."
    )
    assert verdict.evidence["not_judged"] == [f"arn:aws:iam::{ACCOUNT}:policy/gone"]


# --- iam_role_service_trust_names_source ------------------------------------------------------


def _role_trusting(
    name: str, principal_: object, condition: object = None, path: str = "/"
) -> IAMPrincipal:
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Principal": principal_,
        "Action": "sts:AssumeRole",
    }
    if condition is not None:
        statement["Condition"] = condition
    role = principal("role", name)
    return role.model_copy(update={"assume_role_policy": policy(statement), "path": path})


def test_service_trust_without_source_condition_fails() -> None:
    role = _role_trusting("builder", {"Service": "codebuild.amazonaws.com"})

    [verdict] = run_check(
        iam_role_service_trust_names_source, _details(role, policies=[], aws_managed=[])
    )

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "Role builder trusts a service with no aws:SourceAccount or aws:SourceArn condition in "
        "statement 0 (codebuild.amazonaws.com)."
    )
    assert verdict.evidence["without_source_condition"] == ["statement 0 (codebuild.amazonaws.com)"]


def test_source_account_or_wildcard_source_arn_passes() -> None:
    by_account = _role_trusting(
        "recorder",
        {"Service": "config.amazonaws.com"},
        {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
    )
    by_arn = _role_trusting(
        "builder",
        {"Service": ["codebuild.amazonaws.com"]},
        {"ArnLike": {"AWS:SourceArn": f"arn:aws:codebuild:*:{ACCOUNT}:project/*"}},
    )

    verdicts = run_check(
        iam_role_service_trust_names_source,
        _details(by_account, by_arn, policies=[], aws_managed=[]),
    )

    assert {v.resource.id: v.status for v in verdicts} == {
        "recorder": Status.PASS,
        "builder": Status.PASS,
    }


def test_negated_or_if_exists_source_conditions_do_not_count() -> None:
    negated = _role_trusting(
        "a", {"Service": "sns.amazonaws.com"}, {"StringNotEquals": {"aws:SourceAccount": ACCOUNT}}
    )
    if_exists = _role_trusting(
        "b",
        {"Service": "sns.amazonaws.com"},
        {"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}},
    )

    verdicts = run_check(
        iam_role_service_trust_names_source,
        _details(negated, if_exists, policies=[], aws_managed=[]),
    )

    assert [v.status for v in verdicts] == [Status.FAIL, Status.FAIL]


def test_service_linked_exempt_and_non_service_roles_are_not_judged() -> None:
    linked = _role_trusting(
        "AWSServiceRoleForECS",
        {"Service": "ecs.amazonaws.com"},
        path="/aws-service-role/ecs.amazonaws.com/",
    )
    instance = _role_trusting("web", {"Service": "ec2.amazonaws.com"})
    partner = _role_trusting("partner", {"AWS": "arn:aws:iam::210987654321:root"})

    scope = _details(linked, instance, partner, policies=[], aws_managed=[])

    assert run_check(iam_role_service_trust_names_source, scope) == []
    [verdict] = run_check(iam_role_service_trust_names_source, scope, exempt_services=[])
    assert (verdict.resource.id, verdict.status) == ("web", Status.FAIL)


def test_service_trust_check_is_an_error_when_the_details_are_denied() -> None:
    error = dataset_denied("iam", "GetAccountAuthorizationDetails", region="global")

    [finding] = engine_findings(
        iam_role_service_trust_names_source, global_scope(iam_authorization_details=error)
    )

    assert finding.status is Status.ERROR
    assert finding.evidence["error_code"] == "AccessDenied"
