"""IAM checks: customer-managed and inline policies grant neither full admin nor whole services."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import JsonValue

from auditor.checkapi import Scope, Verdict, check
from auditor.datasets import IAM_AUTHORIZATION_DETAILS
from auditor.findings import Remediation, ResourceRef, Severity, Status
from auditor.models import IAMAuthorizationDetails
from checks.iam_policy import (
    Grant,
    PolicyDocument,
    full_admin_grants,
    parse_policy,
    service_wildcard_grants,
)

_MANAGED_TYPE = "AWS::IAM::ManagedPolicy"
_INLINE_TYPES = {
    "user": "AWS::IAM::UserPolicy",
    "group": "AWS::IAM::GroupPolicy",
    "role": "AWS::IAM::RolePolicy",
}
_IAM_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html"
_CONFIG_RULES = "https://docs.aws.amazon.com/config/latest/developerguide"
_LEAST_PRIVILEGE = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"
)
_INLINE_EDIT = (
    "for an inline policy: Users, User groups or Roles > choose the identity > Permissions > "
    "choose the policy > Edit"
)
_INLINE_PUT = (
    "# inline: aws iam put-role-policy (or put-user-policy, put-group-policy) --role-name <role> "
    "--policy-name <policy> --policy-document file://least-privilege.json"
)
_TERRAFORM_RESOURCES = (
    "aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy or aws_iam_group_policy: a policy "
    'document (e.g. from data "aws_iam_policy_document")'
)


@dataclass(frozen=True)
class _Policy:
    """A policy under review: where its finding points and the document as stored."""

    resource: ResourceRef
    described: str
    document: Any
    evidence: dict[str, JsonValue]


def _policies(details: IAMAuthorizationDetails) -> Iterator[_Policy]:
    """Each customer-managed policy (its default version) and each inline policy."""
    for policy in details.policies:
        yield _Policy(
            ResourceRef(arn=policy.arn, id=policy.name, type=_MANAGED_TYPE),
            f"Customer-managed policy {policy.name}",
            policy.default_document,
            {
                "default_version_id": policy.default_version_id,
                "attachment_count": policy.attachment_count,
            },
        )
    for principal in details.principals:
        for inline in principal.inline_policies:
            yield _Policy(
                ResourceRef(
                    arn=principal.arn,
                    id=f"{principal.name}/{inline.name}",
                    type=_INLINE_TYPES[principal.kind],
                ),
                f"Inline policy {inline.name} of {principal.kind} {principal.name}",
                inline.document,
                {},
            )


def _judge(
    scope: Scope,
    find: Callable[[PolicyDocument], list[Grant]],
    *,
    grants: str,
    grants_nothing: str,
    detail: Callable[[Grant], str],
) -> Iterator[Verdict]:
    """One verdict per policy: FAIL naming each offending statement, else PASS.

    A document that cannot be read at all FAILs rather than ERRORs: IAM accepts only valid
    policies, so an unreadable one is corrupt or hostile data a person must look at, and no
    read of AWS failed. Parts skipped inside a readable document are named in the message and
    the evidence, and never hide a grant found in the rest.
    """
    for policy in _policies(scope.get(IAM_AUTHORIZATION_DETAILS)):
        document = parse_policy(policy.document)
        evidence = dict(policy.evidence)
        if document.error is not None:
            evidence["unreadable"] = [document.error]
            message = (
                f"{policy.described} could not be read as a policy document "
                f"({document.error}), so it cannot be shown to be safe."
            )
            yield Verdict(Status.FAIL, policy.resource, message, evidence)
            continue
        found = find(document)
        evidence["grants"] = [grant.evidence() for grant in found]
        evidence["unreadable"] = list[JsonValue](document.unreadable)
        skipped = (
            f" ({len(document.unreadable)} unreadable part(s) skipped)"
            if document.unreadable
            else ""
        )
        if found:
            where = "; ".join(f"{grant.describe()}: {detail(grant)}" for grant in found)
            message = f"{policy.described} {grants} in {where}{skipped}."
            yield Verdict(Status.FAIL, policy.resource, message, evidence)
        else:
            message = f"{policy.described} {grants_nothing}{skipped}."
            yield Verdict(Status.PASS, policy.resource, message, evidence)


def _listed(entries: Iterable[str]) -> str:
    return ", ".join(entries) or "nothing"


def _admin_detail(grant: Grant) -> str:
    if grant.resources:
        return f"Action {_listed(grant.actions)} on Resource {_listed(grant.resources)}"
    excluded = _listed(grant.not_resources or ())
    return f"Action {_listed(grant.actions)} on every resource but NotResource {excluded}"


def _service_detail(grant: Grant) -> str:
    granted = list(grant.actions)
    if grant.not_actions is not None:
        granted.append(f"every action but NotAction {_listed(grant.not_actions)}")
    return ", ".join(granted)


# HIGH, as Security Hub rates IAM.1: the policy hands out the whole account, but only to what
# it is attached to (attachment_count says), and break-glass roles may need it; CRITICAL is
# kept for exposure to anyone.
@check(
    id="iam_policy_no_full_admin",
    title="IAM policies do not allow every action on every resource",
    service="iam",
    severity=Severity.HIGH,
    resource_type=_MANAGED_TYPE,
    datasets=[IAM_AUTHORIZATION_DETAILS],
    rationale=(
        "Study materials (Identity, the Duolingo DynamoDB case study, the architecture "
        "retrospective and the Developing on AWS notes: '최소 권한 정책'): "
        "least privilege means no "
        'customer-managed or inline policy allows "*" on "*"; whoever holds such a policy can do '
        "anything in the account, including granting itself more."
    ),
    remediation=Remediation(
        console=(
            "IAM console > Policies > choose the customer-managed policy > Permissions > Edit > "
            'replace the statement allowing Action "*" on Resource "*" with the actions and '
            f"resources the identities need > Next > Save changes ({_INLINE_EDIT})."
        ),
        cli=(
            "aws iam create-policy-version --policy-arn <policy-arn> "
            f"--policy-document file://least-privilege.json --set-as-default   {_INLINE_PUT}"
        ),
        terraform=(
            f'{_TERRAFORM_RESOURCES} whose statements name specific actions and resources, not "*"'
        ),
    ),
    references=[
        f"{_IAM_CONTROLS}#iam-1",
        f"{_CONFIG_RULES}/iam-policy-no-statements-with-admin-access.html",
        _LEAST_PRIVILEGE,
    ],
    compliance={"fsbp": ["IAM.1"], "cis-3.0": ["1.16"], "cis-5.0": ["1.15"]},
)
def iam_policy_no_full_admin(scope: Scope) -> Iterable[Verdict]:
    """Judges each customer-managed policy's default version and each inline policy of a user,
    group or role; see `checks.iam_policy.full_admin_grants` for what counts."""
    return _judge(
        scope,
        full_admin_grants,
        grants="allows every action on every resource",
        grants_nothing="allows no statement of every action on every resource",
        detail=_admin_detail,
    )


# MEDIUM, above Security Hub's LOW for IAM.21: this check also reads inline policies, and one
# "iam:*" is enough for a principal to grant itself everything else.
@check(
    id="iam_policy_no_service_wildcard",
    title="IAM policies do not allow every action of a service",
    service="iam",
    severity=Severity.MEDIUM,
    resource_type=_MANAGED_TYPE,
    datasets=[IAM_AUTHORIZATION_DETAILS],
    rationale=(
        "Study materials (Identity, the Developing on AWS notes' IAM policy structure): least "
        'privilege names the actions a workload uses; "s3:*" or an Allow with NotAction grants '
        "every current and future action of whole services."
    ),
    remediation=Remediation(
        console=(
            "IAM console > Policies > choose the customer-managed policy > Permissions > Edit > "
            'replace each "<service>:*" action, and each Allow statement with NotAction, with '
            "the actions used (IAM Access Analyzer can generate them from CloudTrail activity) "
            f"> Next > Save changes ({_INLINE_EDIT})."
        ),
        cli=(
            "aws iam create-policy-version --policy-arn <policy-arn> "
            f"--policy-document file://least-privilege.json --set-as-default   {_INLINE_PUT}"
        ),
        terraform=(
            f'{_TERRAFORM_RESOURCES} whose actions are specific, e.g. "s3:GetObject" rather '
            'than "s3:*", and with no Allow statement using not_actions'
        ),
    ),
    references=[
        f"{_IAM_CONTROLS}#iam-21",
        f"{_CONFIG_RULES}/iam-policy-no-statements-with-full-access.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html",
    ],
    compliance={"fsbp": ["IAM.21"]},
)
def iam_policy_no_service_wildcard(scope: Scope) -> Iterable[Verdict]:
    """Same policies as iam_policy_no_full_admin; see
    `checks.iam_policy.service_wildcard_grants` for what counts."""
    return _judge(
        scope,
        service_wildcard_grants,
        grants="allows every action of a service",
        grants_nothing="allows no service-wide wildcard or NotAction",
        detail=_service_detail,
    )
