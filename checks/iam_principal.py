"""IAM checks judged per principal: what a user, group or role holds through the AWS-managed
policies attached to it, the escalation paths all its policies open together, and whether a
role trusted by a service says on whose behalf."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field, JsonValue

from auditor.checkapi import CheckParameters, Scope, Verdict, check
from auditor.datasets import IAM_AUTHORIZATION_DETAILS
from auditor.findings import Remediation, ResourceRef, Severity, Status
from auditor.models import IAMAuthorizationDetails, IAMPrincipal, ManagedPolicy
from checks.iam_escalation import RHINO_RESEARCH, principal_escalations
from checks.iam_policy import PolicyDocument, full_admin_grants, parse_policy
from checks.resource_policy import AllowStatement, parse_resource_policy

PRINCIPAL_TYPES = {"user": "AWS::IAM::User", "group": "AWS::IAM::Group", "role": "AWS::IAM::Role"}
_AWS_POLICY_PREFIX = ":iam::aws:policy/"
_IAM_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html"


def principal_ref(principal: IAMPrincipal) -> ResourceRef:
    return ResourceRef(arn=principal.arn, id=principal.name, type=PRINCIPAL_TYPES[principal.kind])


def _aws_managed_arns(principal: IAMPrincipal) -> list[str]:
    return [arn for arn in principal.attached_policy_arns if _AWS_POLICY_PREFIX in arn]


def _admin_verdict(principal: IAMPrincipal, held: dict[str, ManagedPolicy | None]) -> Verdict:
    admin: list[str] = []
    missing: list[str] = []
    unreadable: list[str] = []
    for arn, policy in held.items():
        if policy is None:
            missing.append(arn)
            continue
        document = parse_policy(policy.default_document)
        if document.error is not None:
            unreadable.append(arn)
        elif full_admin_grants(document):
            admin.append(arn)
    evidence: dict[str, JsonValue] = {
        "aws_managed_policy_arns": list[JsonValue](held),
        "full_admin_policy_arns": list[JsonValue](admin),
    }
    described = f"{principal.kind.capitalize()} {principal.name}"
    if admin:
        message = (
            f"{described} holds AWS-managed {', '.join(a.rsplit('/', 1)[-1] for a in admin)}, "
            "which allows every action on every resource."
        )
        return Verdict(Status.FAIL, principal_ref(principal), message, evidence)
    if missing or unreadable:
        # The document that decides was not in the answer (or does not parse): never a PASS.
        evidence["not_returned"] = list[JsonValue](missing)
        evidence["unreadable"] = list[JsonValue](unreadable)
        message = (
            f"Could not judge {described}: GetAccountAuthorizationDetails gave no readable "
            f"default version of {', '.join(missing + unreadable)}."
        )
        return Verdict(Status.ERROR, principal_ref(principal), message, evidence)
    message = f"{described} holds no AWS-managed policy allowing every action on every resource."
    return Verdict(Status.PASS, principal_ref(principal), message, evidence)


# HIGH, as iam_policy_no_full_admin: whoever holds the policy can do anything in the account.
@check(
    id="iam_principal_no_aws_managed_admin",
    title="IAM users, groups and roles hold no AWS-managed policy allowing every action",
    service="iam",
    severity=Severity.HIGH,
    resource_type="AWS::IAM::Role",
    datasets=[IAM_AUTHORIZATION_DETAILS],
    rationale=(
        "Study materials (Identity: '최소 권한 정책'): least privilege means no principal holds "
        '"*" on "*". The commonest such grant is the AWS-managed AdministratorAccess policy, '
        "which iam_policy_no_full_admin does not see: it, like Security Hub's IAM.1, judges "
        "customer-managed and inline policies. This check answers the rest of CIS "
        '"Ensure IAM policies that allow full *:* administrative privileges are not '
        'attached", whose audit covers every attached policy: each user, group or role with '
        "an AWS-managed policy attached is judged on that policy's default version."
    ),
    remediation=Remediation(
        console=(
            "IAM console > Users, User groups or Roles > choose the principal > Permissions > "
            "select AdministratorAccess (or the named policy) > Remove; attach a policy "
            "limited to the actions and resources it needs."
        ),
        cli=(
            "aws iam detach-role-policy --role-name <role> --policy-arn "
            "arn:aws:iam::aws:policy/AdministratorAccess   (or detach-user-policy / "
            "detach-group-policy)"
        ),
        terraform=(
            "remove the aws_iam_role_policy_attachment (or _user_ / _group_) whose policy_arn "
            "is arn:aws:iam::aws:policy/AdministratorAccess; attach a scoped policy instead"
        ),
    ),
    references=[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html",
        f"{_IAM_CONTROLS}#iam-1",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    ],
    compliance={"cis-3.0": ["1.16"], "cis-5.0": ["1.15"]},
)
def iam_principal_no_aws_managed_admin(scope: Scope) -> Iterable[Verdict]:
    """One verdict per user, group or role with AWS-managed policies attached; a principal
    without any is left to iam_policy_no_full_admin, which judges the policies it does hold."""
    details = scope.get(IAM_AUTHORIZATION_DETAILS)
    by_arn = {p.arn: p for p in details.aws_managed_policies}
    for principal in details.principals:
        arns = _aws_managed_arns(principal)
        if arns:
            yield _admin_verdict(principal, {arn: by_arn.get(arn) for arn in arns})


# --- Privilege escalation on a principal's effective policy set ------------------------------

_SHOWN_ESCALATIONS = 3


def _held_policies(
    principal: IAMPrincipal, details: IAMAuthorizationDetails
) -> tuple[list[tuple[str, PolicyDocument]], list[str]]:
    """(label, document) of every policy the principal holds, and the attached ARNs whose
    document the answer lacks or that do not parse. A user also holds its groups' policies."""
    managed = {p.arn: p for p in (*details.policies, *details.aws_managed_policies)}
    groups = {g.name: g for g in details.groups}
    holders = [principal]
    if principal.kind == "user":
        holders += [groups[name] for name in principal.group_names if name in groups]
    held: list[tuple[str, PolicyDocument]] = []
    gaps = [f"group {n}" for n in principal.group_names if n not in groups]
    for holder in holders:
        via = "" if holder is principal else f" (group {holder.name})"
        for inline in holder.inline_policies:
            held.append((f"inline {inline.name}{via}", parse_policy(inline.document)))
        for arn in holder.attached_policy_arns:
            policy = managed.get(arn)
            document = None if policy is None else parse_policy(policy.default_document)
            if document is None or document.error is not None:
                gaps.append(arn)
            else:
                held.append((f"{arn.rsplit('/', 1)[-1]}{via}", document))
    # An unreadable inline document is judged (FAIL) by the per-policy checks; here it is a gap.
    gaps += [label for label, document in held if document.error is not None]
    return [(label, doc) for label, doc in held if doc.error is None], gaps


# HIGH, as iam_policy_no_privilege_escalation: whoever holds these policies can take more.
@check(
    id="iam_principal_no_privilege_escalation",
    title="IAM users, groups and roles hold no known privilege-escalation path",
    service="iam",
    severity=Severity.HIGH,
    resource_type="AWS::IAM::Role",
    datasets=[IAM_AUTHORIZATION_DETAILS],
    rationale=(
        "Study materials (Identity: seed 004 on IAM policies, '최소 권한 정책'): least "
        "privilege fails when a principal can raise its own privileges. IAM evaluates all of a "
        "principal's policies together, so iam:PassRole in one policy and "
        "lambda:CreateFunction in another escalate as surely as one policy holding both. This "
        "check joins each principal's inline, attached (customer- and AWS-managed) and, for a "
        "user, its groups' policies, and looks for the published methods (Rhino Security Labs, "
        "Hacking the Cloud, pathfinding.cloud; the evidence names each method's reference). "
        "No FSBP or CIS control covers this."
    ),
    remediation=Remediation(
        console=(
            "IAM console > Users, User groups or Roles > the principal > Permissions > for each "
            "policy named in the finding, scope the named actions to specific resources (e.g. "
            "iam:PassRole on one role ARN with an iam:PassedToService condition) or remove them."
        ),
        cli=(
            "aws iam create-policy-version --policy-arn <policy-arn> --policy-document "
            "file://scoped.json --set-as-default; or aws iam detach-role-policy --role-name "
            "<role> --policy-arn <policy-arn>"
        ),
        terraform=(
            "aws_iam_policy / aws_iam_role_policy documents whose iam:PassRole, iam:Attach*, "
            'iam:Put*, ssm:SendCommand and the like name specific resources, never "*"'
        ),
    ),
    references=[
        RHINO_RESEARCH,
        "https://hackingthe.cloud/aws/exploitation/iam_privilege_escalation/",
        "https://pathfinding.cloud/",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
    ],
    compliance={},
)
def iam_principal_no_privilege_escalation(scope: Scope) -> Iterable[Verdict]:
    """One verdict per user, group and role. A method found FAILs even when some attached
    policy could not be read; with none found, an unread policy makes the verdict ERROR."""
    details = scope.get(IAM_AUTHORIZATION_DETAILS)
    for principal in details.principals:
        held, gaps = _held_policies(principal, details)
        found = principal_escalations(held)
        described = f"{principal.kind.capitalize()} {principal.name}"
        evidence: dict[str, JsonValue] = {
            "policies": [label for label, _ in held],
            "escalations": [e.evidence() for e in found],
            "not_judged": list[JsonValue](gaps),
        }
        if found:
            shown = "; ".join(
                e.describe() + (" across policies" if e.split else "")
                for e in found[:_SHOWN_ESCALATIONS]
            )
            if len(found) > _SHOWN_ESCALATIONS:
                shown += f"; and {len(found) - _SHOWN_ESCALATIONS} more (see evidence)"
            message = (
                f"{described}'s policies together allow privilege escalation on every "
                f"resource through {shown}."
            )
            yield Verdict(Status.FAIL, principal_ref(principal), message, evidence)
        elif gaps:
            message = (
                f"Could not judge {described}: GetAccountAuthorizationDetails gave no readable "
                f"document for {', '.join(gaps)}."
            )
            yield Verdict(Status.ERROR, principal_ref(principal), message, evidence)
        else:
            message = (
                f"{described}'s {len(held)} policies together allow no known "
                "privilege-escalation combination on every resource."
            )
            yield Verdict(Status.PASS, principal_ref(principal), message, evidence)


# --- Service trust names its source ---------------------------------------------------------

_SOURCE_KEYS = frozenset(
    {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"}
)
_SERVICE_LINKED_PATH = "/aws-service-role/"
_CONFUSED_DEPUTY = "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"


class ServiceTrustSources(CheckParameters):
    exempt_services: list[str] = Field(
        # EC2 assumes an instance profile's role with no source account or ARN to test.
        default_factory=lambda: ["ec2.amazonaws.com"],
        description="Service principals that send no aws:SourceAccount / aws:SourceArn when "
        "they assume a role, so a trust policy cannot name one.",
    )


def _names_source(statement: AllowStatement) -> list[str]:
    """Source keys used under a positive operator. Unlike the narrowing test for public
    policies, a wildcard ARN (ArnLike "arn:aws:codebuild:*:111122223333:project/*") counts: it
    is AWS's own pattern here and still fixes the account. IfExists passes when the key is
    absent, so it does not count."""
    return sorted(
        key
        for key, uses in statement.conditions.items()
        if key in _SOURCE_KEYS
        and any(
            "not" not in op.lower() and not op.lower().endswith("ifexists") and values
            for op, values in uses
        )
    )


# LOW: AWS's confused-deputy guidance is defence in depth: the
# service itself decides whom it acts for; the condition stops it acting for someone else.
@check(
    id="iam_role_service_trust_names_source",
    title="IAM roles trusted by a service say on whose behalf (aws:SourceAccount / SourceArn)",
    service="iam",
    severity=Severity.LOW,
    resource_type="AWS::IAM::Role",
    datasets=[IAM_AUTHORIZATION_DETAILS],
    rationale=(
        "Study materials (Identity: seed 003's role-based access, a role's trust policy names "
        "who may assume it): a role that trusts a service principal with no aws:SourceAccount "
        "or aws:SourceArn condition can be assumed by that service acting for any customer who "
        "names the role, the cross-service confused deputy AWS's guidance warns of. "
        "Service-linked roles (AWS writes their trust) and services that send no source "
        "context (parameter exempt_services) are left out."
    ),
    remediation=Remediation(
        console=(
            "IAM console > Roles > the role > Trust relationships > Edit trust policy > add a "
            'Condition such as "StringEquals": {"aws:SourceAccount": "<account-id>"} (or '
            '"ArnLike": {"aws:SourceArn": "<the resource that uses the role>"}) to the '
            "statement naming the service > Update policy."
        ),
        cli=(
            "aws iam update-assume-role-policy --role-name <role> --policy-document "
            "file://trust-with-source-account.json"
        ),
        terraform=(
            'aws_iam_role assume_role_policy: a condition { test = "StringEquals", '
            'variable = "aws:SourceAccount", values = [<account-id>] } on the service '
            "statement"
        ),
    ),
    references=[
        _CONFUSED_DEPUTY,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount",
    ],
    compliance={},
    parameters=ServiceTrustSources,
)
def iam_role_service_trust_names_source(scope: Scope) -> Iterable[Verdict]:
    """One verdict per role whose trust policy admits a service principal (service-linked
    roles and exempt services aside). A trust policy that cannot be read is left to
    iam_role_trust_policy_restricted, which FAILs it."""
    exempt = {s.lower() for s in scope.parameters(ServiceTrustSources).exempt_services}
    for role in scope.get(IAM_AUTHORIZATION_DETAILS).roles:
        if _SERVICE_LINKED_PATH in role.path:
            continue
        trust = parse_resource_policy(role.assume_role_policy)
        judged = [
            (s, sorted(set(s.service_principals) - exempt))
            for s in trust.allows
            if set(s.service_principals) - exempt
        ]
        if trust.error is not None or not judged:
            continue
        open_to = [
            f"{statement.describe()} ({', '.join(services)})"
            for statement, services in judged
            if not _names_source(statement)
        ]
        evidence: dict[str, JsonValue] = {
            "statements": [s.evidence() for s, _ in judged],
            "without_source_condition": list[JsonValue](open_to),
        }
        ref = principal_ref(role)
        if open_to:
            message = (
                f"Role {role.name} trusts a service with no aws:SourceAccount or aws:SourceArn "
                f"condition in {'; '.join(open_to)}."
            )
            yield Verdict(Status.FAIL, ref, message, evidence)
        else:
            message = (
                f"Role {role.name}'s service trust names the source account or resource "
                "it acts for."
            )
            yield Verdict(Status.PASS, ref, message, evidence)
