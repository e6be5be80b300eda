"""IAM checks: policies grant neither full admin, whole services nor a way to escalate; users
hold no policies of their own, sign in with MFA and keep fresh, used credentials; the root user
has MFA (hardware) and no access keys; role trust policies admit only whom they should."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import Field, JsonValue

from auditor.checkapi import CheckParameters, Scope, Verdict, check, failed, unreadable
from auditor.datasets import (
    IAM_ACCOUNT_SUMMARY,
    IAM_AUTHORIZATION_DETAILS,
    IAM_CREDENTIAL_REPORT,
    IAM_PASSWORD_POLICY,
    IAM_VIRTUAL_MFA_DEVICES,
)
from auditor.findings import Remediation, ResourceRef, Severity, Status
from auditor.models import (
    AccessKeyStatus,
    CollectionError,
    CredentialReportUser,
    IAMAccountSummary,
    IAMAuthorizationDetails,
    IAMPasswordPolicy,
    IAMPrincipal,
    RootCredentialsManagement,
    VirtualMFADevice,
)
from checks.iam_escalation import RHINO_RESEARCH, escalations
from checks.iam_policy import (
    Grant,
    PolicyDocument,
    full_admin_grants,
    parse_policy,
    service_wildcard_grants,
)
from checks.resource_policy import AllowStatement, parse_resource_policy
from checks.verdicts import flag_verdict, not_collected

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


def _unreadable_policy(policy: _Policy, error: str) -> Verdict:
    evidence: dict[str, JsonValue] = {**policy.evidence, "unreadable": [error]}
    message = (
        f"{policy.described} could not be read as a policy document ({error}), so it cannot "
        "be shown to be safe."
    )
    return Verdict(Status.FAIL, policy.resource, message, evidence)


def _skipped(document: PolicyDocument) -> str:
    count = len(document.unreadable)
    return f" ({count} unreadable part(s) skipped)" if count else ""


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
            yield _unreadable_policy(policy, document.error)
            continue
        found = find(document)
        evidence["grants"] = [grant.evidence() for grant in found]
        evidence["unreadable"] = list[JsonValue](document.unreadable)
        skipped = _skipped(document)
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


# --- Privilege escalation ----------------------------------------------------------------------


_SHOWN_ESCALATIONS = 3  # a policy allowing "*" has every method; the evidence lists them all


# HIGH: the policy does not grant everything outright, but whoever holds it can take it.
@check(
    id="iam_policy_no_privilege_escalation",
    title="IAM policies allow no known privilege-escalation path",
    service="iam",
    severity=Severity.HIGH,
    resource_type=_MANAGED_TYPE,
    datasets=[IAM_AUTHORIZATION_DETAILS],
    rationale=(
        "Study materials (Identity: seed 004 on IAM policies, seed 000's '최소 권한 정책'): "
        "least privilege fails when a policy lets its holder raise its own privileges. Rhino "
        "Security Labs' AWS IAM privilege-escalation research lists the action combinations "
        "that do so on every resource (iam:CreatePolicyVersion, iam:Attach*Policy, "
        "iam:Put*Policy, iam:PassRole with lambda:CreateFunction and lambda:InvokeFunction, "
        "…). No FSBP or CIS control covers this."
    ),
    remediation=Remediation(
        console=(
            "IAM console > Policies (or the user, group or role for an inline policy) > the "
            "policy > Edit > scope the named actions to the specific roles, users and policies "
            "they manage (e.g. iam:PassRole on one role ARN with an iam:PassedToService "
            "condition), or remove them > Next > Save changes."
        ),
        cli=(
            "aws iam create-policy-version --policy-arn <policy-arn> "
            f"--policy-document file://scoped.json --set-as-default   {_INLINE_PUT}"
        ),
        terraform=(
            f"{_TERRAFORM_RESOURCES}: give iam:PassRole, iam:Attach*/Put*Policy, "
            'iam:CreatePolicyVersion and the like specific resources, never "*"'
        ),
    ),
    references=[
        RHINO_RESEARCH,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
        _LEAST_PRIVILEGE,
    ],
    compliance={},
)
def iam_policy_no_privilege_escalation(scope: Scope) -> Iterable[Verdict]:
    """Same policies as iam_policy_no_full_admin; see `checks.iam_escalation` for the methods
    and how wildcards, NotAction, NotResource and Deny are read."""
    for policy in _policies(scope.get(IAM_AUTHORIZATION_DETAILS)):
        document = parse_policy(policy.document)
        if document.error is not None:
            yield _unreadable_policy(policy, document.error)
            continue
        found = escalations(document)
        evidence = dict(policy.evidence)
        evidence["escalations"] = [e.evidence() for e in found]
        evidence["unreadable"] = list[JsonValue](document.unreadable)
        skipped = _skipped(document)
        if found:
            paths = "; ".join(e.describe() for e in found[:_SHOWN_ESCALATIONS])
            if len(found) > _SHOWN_ESCALATIONS:
                paths += f"; and {len(found) - _SHOWN_ESCALATIONS} more (see evidence)"
            message = (
                f"{policy.described} allows privilege escalation on every resource through "
                f"{paths}{skipped}."
            )
            yield Verdict(Status.FAIL, policy.resource, message, evidence)
        else:
            message = (
                f"{policy.described} allows no known privilege-escalation combination on "
                f"every resource{skipped}."
            )
            yield Verdict(Status.PASS, policy.resource, message, evidence)


# --- Users hold no policies of their own -------------------------------------------------------

_USER_TYPE = "AWS::IAM::User"


def _user_ref(user: IAMPrincipal | CredentialReportUser) -> ResourceRef:
    name = user.name if isinstance(user, IAMPrincipal) else user.user
    return ResourceRef(arn=user.arn, id=name, type=_USER_TYPE)


# LOW, as Security Hub rates IAM.2: it is a manageability risk, not a grant in itself.
@check(
    id="iam_user_no_direct_policies",
    title="IAM users receive permissions only through groups or roles",
    service="iam",
    severity=Severity.LOW,
    resource_type=_USER_TYPE,
    datasets=[IAM_AUTHORIZATION_DETAILS],
    rationale=(
        "Study materials (Identity: seed 004 — a group is the set of users sharing "
        "permissions, a role hands out temporary credentials): policies attached to groups "
        "and roles rather than to each user keep access reviewable as users come and go."
    ),
    remediation=Remediation(
        console=(
            "IAM console > User groups > Create group with the user's policies > add the user; "
            "then Users > the user > Permissions > remove each directly attached or inline "
            "policy."
        ),
        cli=(
            "aws iam add-user-to-group --group-name <group> --user-name <user>; "
            "aws iam detach-user-policy --user-name <user> --policy-arn <policy-arn>; "
            "aws iam delete-user-policy --user-name <user> --policy-name <inline-policy>"
        ),
        terraform=(
            "aws_iam_group_policy_attachment / aws_iam_group_policy with "
            "aws_iam_user_group_membership, instead of aws_iam_user_policy or "
            "aws_iam_user_policy_attachment"
        ),
    ),
    references=[
        f"{_IAM_CONTROLS}#iam-2",
        f"{_CONFIG_RULES}/iam-user-no-policies-check.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html",
    ],
    compliance={"fsbp": ["IAM.2"], "cis-3.0": ["1.15"], "cis-5.0": ["1.14"]},
)
def iam_user_no_direct_policies(scope: Scope) -> Iterable[Verdict]:
    """A user FAILs with any managed policy attached to it or any inline policy of its own;
    what it gets through its groups is fine."""
    for user in scope.get(IAM_AUTHORIZATION_DETAILS).users:
        inline = [p.name for p in user.inline_policies]
        attached = list(user.attached_policy_arns)
        evidence: dict[str, JsonValue] = {
            "inline_policies": list[JsonValue](inline),
            "attached_policy_arns": list[JsonValue](attached),
            "groups": list[JsonValue](user.group_names),
        }
        if inline or attached:
            held = [f"attached {arn.rsplit('/', 1)[-1]}" for arn in attached]
            held += [f"inline {name}" for name in inline]
            message = f"IAM user {user.name} holds policies directly: {', '.join(held)}."
            yield Verdict(Status.FAIL, _user_ref(user), message, evidence)
        else:
            message = f"IAM user {user.name} holds no policies directly."
            yield Verdict(Status.PASS, _user_ref(user), message, evidence)


# --- Credential report: console MFA, key rotation, unused credentials ------------------------


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _age_days(since: datetime, now: datetime) -> int:
    """Whole days from `since` to the report's generation; never negative."""
    return max(0, (now - since).days)


# INFORMATIONAL: a count to bring down, not a misconfiguration; the key checks below judge age
# and use.
@check(
    id="iam_user_no_long_lived_access_keys",
    title="IAM users work with temporary credentials, not long-lived access keys",
    service="iam",
    severity=Severity.INFORMATIONAL,
    resource_type=_USER_TYPE,
    datasets=[IAM_CREDENTIAL_REPORT],
    rationale=(
        "Study materials (Identity: seed 004 — STS issues temporary credentials, and roles "
        "rather than users' keys are how applications and people should reach AWS): an active "
        "access key works until someone deletes it, wherever it was copied to, while role "
        "sessions (IAM Identity Center, instance and task roles, OIDC from CI) expire on their "
        "own. Each active key is a finding to count down. No FSBP or CIS control covers this "
        "(IAM.3 and IAM.22 judge a key's age and use, not its existence)."
    ),
    remediation=Remediation(
        console=(
            "Give the person an IAM Identity Center user, or the workload a role (EC2 instance "
            "profile, ECS task role, Lambda execution role, GitHub OIDC role); then IAM console "
            "> Users > the user > Security credentials > Access keys > Deactivate, then Delete."
        ),
        cli=(
            "aws iam update-access-key --user-name <user> --access-key-id <key-id> "
            "--status Inactive; then aws iam delete-access-key --user-name <user> "
            "--access-key-id <key-id>"
        ),
        terraform=(
            "remove aws_iam_access_key resources; give workloads an aws_iam_role (with "
            "aws_iam_openid_connect_provider for CI) instead"
        ),
    ),
    references=[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"
        "#bp-workloads-use-roles",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp.html",
    ],
)
def iam_user_no_long_lived_access_keys(scope: Scope) -> Iterable[Verdict]:
    """Every user of the credential report: an active access key in either slot FAILs."""
    for user in scope.get(IAM_CREDENTIAL_REPORT).users:
        active = [slot for slot, key in user.access_keys if key.active]
        evidence: dict[str, JsonValue] = {"active_access_key_slots": list[JsonValue](active)}
        if active:
            count = "an active access key" if len(active) == 1 else "two active access keys"
            message = f"IAM user {user.user} has {count}: a long-lived credential."
            yield Verdict(Status.FAIL, _user_ref(user), message, evidence)
        else:
            message = f"IAM user {user.user} has no active access key."
            yield Verdict(Status.PASS, _user_ref(user), message, evidence)


# MEDIUM, as Security Hub rates IAM.5.
@check(
    id="iam_user_console_mfa",
    title="IAM users with a console password have MFA",
    service="iam",
    severity=Severity.MEDIUM,
    resource_type=_USER_TYPE,
    datasets=[IAM_CREDENTIAL_REPORT],
    rationale=(
        "Study materials (Identity: seed 004 — console access is an ID and a password): a "
        "password alone is phished or guessed; MFA adds a device the attacker does not hold."
    ),
    remediation=Remediation(
        console=(
            "IAM console > Users > the user > Security credentials > Multi-factor "
            "authentication (MFA) > Assign MFA device (or remove the console password if the "
            "user does not sign in)."
        ),
        cli=(
            "aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> "
            "--outfile qr.png --bootstrap-method QRCodePNG; aws iam enable-mfa-device "
            "--user-name <user> --serial-number <mfa-arn> --authentication-code1 <code> "
            "--authentication-code2 <code>"
        ),
        terraform=(
            "aws_iam_virtual_mfa_device for the user, and an IAM policy denying actions when "
            "aws:MultiFactorAuthPresent is false"
        ),
    ),
    references=[
        f"{_IAM_CONTROLS}#iam-5",
        f"{_CONFIG_RULES}/mfa-enabled-for-iam-console-access.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html",
    ],
    compliance={"fsbp": ["IAM.5"], "cis-3.0": ["1.10"], "cis-5.0": ["1.9"]},
)
def iam_user_console_mfa(scope: Scope) -> Iterable[Verdict]:
    """Every user of the credential report: a console password without an active MFA device
    FAILs; a user without a console password passes (there is no console sign-in to guard)."""
    for user in scope.get(IAM_CREDENTIAL_REPORT).users:
        ref = _user_ref(user)
        evidence: dict[str, JsonValue] = {
            "password_enabled": user.password_enabled,
            "mfa_active": user.mfa_active,
            "password_last_used": _when(user.password_last_used),
        }
        if not user.password_enabled:
            yield Verdict(
                Status.PASS, ref, f"IAM user {user.user} has no console password.", evidence
            )
        elif user.mfa_active:
            yield Verdict(
                Status.PASS,
                ref,
                f"IAM user {user.user} signs in with a password and MFA.",
                evidence,
            )
        else:
            yield Verdict(
                Status.FAIL,
                ref,
                f"IAM user {user.user} has a console password and no MFA device.",
                evidence,
            )


class AccessKeyAge(CheckParameters):
    max_age_days: int = Field(
        default=90, ge=1, description="Oldest an active access key may be, in days."
    )


def _active_keys(user: CredentialReportUser) -> list[tuple[int, AccessKeyStatus]]:
    return [(slot, key) for slot, key in user.access_keys if key.active]


# MEDIUM, as Security Hub rates IAM.3.
@check(
    id="iam_user_access_keys_rotated",
    title="Active IAM access keys are rotated within 90 days",
    service="iam",
    severity=Severity.MEDIUM,
    resource_type=_USER_TYPE,
    datasets=[IAM_CREDENTIAL_REPORT],
    rationale=(
        "Study materials (Identity: seed 004 — programmatic access is an Access Key ID and "
        "Secret Access Key, STS issues temporary ones): a long-lived key that is never "
        "rotated stays useful to whoever copied it; rotate within 90 days, or move the "
        "workload to a role."
    ),
    remediation=Remediation(
        console=(
            "IAM console > Users > the user > Security credentials > Access keys > Create "
            "access key; move the workload to it; then Deactivate and Delete the old key."
        ),
        cli=(
            "aws iam create-access-key --user-name <user>; "
            "aws iam update-access-key --user-name <user> --access-key-id <old-key-id> "
            "--status Inactive; aws iam delete-access-key --user-name <user> "
            "--access-key-id <old-key-id>"
        ),
        terraform=(
            "aws_iam_access_key recreated on a schedule (e.g. replace_triggered_by a "
            "time_rotating resource of 90 days), or an IAM role instead of a user key"
        ),
    ),
    references=[
        f"{_IAM_CONTROLS}#iam-3",
        f"{_CONFIG_RULES}/access-keys-rotated.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console",
    ],
    compliance={"fsbp": ["IAM.3"], "cis-3.0": ["1.14"], "cis-5.0": ["1.13"]},
    parameters=AccessKeyAge,
)
def iam_user_access_keys_rotated(scope: Scope) -> Iterable[Verdict]:
    """Each user's active keys, aged from their last rotation to when IAM generated the
    report (the moment the report describes). A user with no active key passes."""
    limit = scope.parameters(AccessKeyAge).max_age_days
    report = scope.get(IAM_CREDENTIAL_REPORT)
    for user in report.users:
        ref = _user_ref(user)
        keys: list[JsonValue] = []
        stale: list[str] = []
        for slot, key in _active_keys(user):
            if key.last_rotated is None:  # AWS always dates an active key; do not guess
                keys.append({"slot": slot, "last_rotated": None, "age_days": None})
                stale.append(f"access key {slot} has no rotation date")
                continue
            age = _age_days(key.last_rotated, report.generated_time)
            keys.append({"slot": slot, "last_rotated": _when(key.last_rotated), "age_days": age})
            if age > limit:
                stale.append(f"access key {slot} was last rotated {age} days ago")
        evidence: dict[str, JsonValue] = {
            "active_access_keys": keys,
            "max_age_days": limit,
            "report_generated": _when(report.generated_time),
        }
        if stale:
            message = f"IAM user {user.user}: {'; '.join(stale)} (limit {limit} days)."
            yield Verdict(Status.FAIL, ref, message, evidence)
        elif keys:
            message = (
                f"IAM user {user.user}'s {len(keys)} active access key(s) were rotated within "
                f"{limit} days."
            )
            yield Verdict(Status.PASS, ref, message, evidence)
        else:
            yield Verdict(
                Status.PASS, ref, f"IAM user {user.user} has no active access key.", evidence
            )


class UnusedCredentials(CheckParameters):
    max_unused_days: int = Field(
        default=45,
        ge=1,
        description="Days a password or active access key may go unused (IAM.8 uses 90).",
    )


def _credential_uses(user: CredentialReportUser) -> list[tuple[str, datetime | None, bool]]:
    """(credential, last use or, if never used, when it was set, whether it was ever used)."""
    uses: list[tuple[str, datetime | None, bool]] = []
    if user.password_enabled:
        used = user.password_last_used
        since = used or user.password_last_changed or user.user_creation_time
        uses.append(("password", since, used is not None))
    for slot, key in _active_keys(user):
        uses.append(
            (f"access key {slot}", key.last_used_date or key.last_rotated, bool(key.last_used_date))
        )
    return uses


# MEDIUM, as Security Hub rates IAM.22.
@check(
    id="iam_user_unused_credentials",
    title="IAM users have no password or access key unused for 45 days",
    service="iam",
    severity=Severity.MEDIUM,
    resource_type=_USER_TYPE,
    datasets=[IAM_CREDENTIAL_REPORT],
    rationale=(
        "Study materials (Identity: seed 004 — passwords for the console, access keys for "
        "programs): a credential nobody uses is one nobody watches; remove or deactivate "
        "passwords and active keys unused for 45 days (Security Hub IAM.22 and CIS; IAM.8 "
        "is the same rule at 90 days)."
    ),
    remediation=Remediation(
        console=(
            "IAM console > Users > the user > Security credentials > Console sign-in > "
            "Manage console access > Disable; Access keys > Deactivate (then Delete) each "
            "unused key."
        ),
        cli=(
            "aws iam delete-login-profile --user-name <user>; aws iam update-access-key "
            "--user-name <user> --access-key-id <key-id> --status Inactive"
        ),
        terraform=(
            "remove the aws_iam_user_login_profile and aws_iam_access_key resources the user "
            'no longer uses (or set the key\'s status = "Inactive")'
        ),
    ),
    references=[
        f"{_IAM_CONTROLS}#iam-22",
        f"{_IAM_CONTROLS}#iam-8",
        f"{_CONFIG_RULES}/iam-user-unused-credentials-check.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html",
    ],
    compliance={"fsbp": ["IAM.22"], "cis-3.0": ["1.12"], "cis-5.0": ["1.11"]},
    parameters=UnusedCredentials,
)
def iam_user_unused_credentials(scope: Scope) -> Iterable[Verdict]:
    """A user FAILs when its console password or an active key was last used (or, never used,
    was set) `max_unused_days` or more before the report was generated."""
    limit = scope.parameters(UnusedCredentials).max_unused_days
    report = scope.get(IAM_CREDENTIAL_REPORT)
    for user in report.users:
        ref = _user_ref(user)
        shown: list[JsonValue] = []
        unused: list[str] = []
        for credential, since, ever_used in _credential_uses(user):
            days = None if since is None else _age_days(since, report.generated_time)
            shown.append(
                {
                    "credential": credential,
                    "since": _when(since),
                    "ever_used": ever_used,
                    "days": days,
                }
            )
            if days is None:
                unused.append(f"{credential} has no date of use or creation")
            elif days >= limit:
                what = "last used" if ever_used else "never used, set"
                unused.append(f"{credential} {what} {days} days ago")
        evidence: dict[str, JsonValue] = {
            "credentials": shown,
            "max_unused_days": limit,
            "report_generated": _when(report.generated_time),
        }
        if unused:
            message = f"IAM user {user.user}: {'; '.join(unused)} (limit {limit} days)."
            yield Verdict(Status.FAIL, ref, message, evidence)
        elif shown:
            message = f"IAM user {user.user}'s credentials were used within {limit} days."
            yield Verdict(Status.PASS, ref, message, evidence)
        else:
            message = f"IAM user {user.user} has no console password or active access key."
            yield Verdict(Status.PASS, ref, message, evidence)


# --- The root user -----------------------------------------------------------------------------

_ACCOUNT_TYPE = "AWS::::Account"
_ROOT_GUIDE = "https://docs.aws.amazon.com/IAM/latest/UserGuide"


def _root_ref(scope: Scope, summary: IAMAccountSummary) -> ResourceRef:
    return ResourceRef(arn=summary.root_arn, id=scope.account_id, type=_ACCOUNT_TYPE)


# CRITICAL, as Security Hub rates IAM.4: a root key is the whole account, with no MFA on it.
@check(
    id="iam_root_no_access_keys",
    title="The root user has no access keys",
    service="iam",
    severity=Severity.CRITICAL,
    resource_type=_ACCOUNT_TYPE,
    datasets=[IAM_ACCOUNT_SUMMARY],
    rationale=(
        "Study materials (Identity: seed 004 — the account is managed through the root user; "
        "programmatic access uses access keys): a root access key can do anything in the "
        "account, cannot be limited by any policy, and is never needed for daily work."
    ),
    remediation=Remediation(
        console=(
            "Sign in as the root user > account name > Security credentials > Access keys > "
            "Deactivate, then Delete each key."
        ),
        cli=(
            "as the root user (the only identity that can): aws iam delete-access-key "
            "--access-key-id <root-key-id>"
        ),
        terraform=(
            "root keys are not a Terraform resource: delete them as the root user; in an "
            "organization, aws_iam_organizations_features with enabled_features = "
            '["RootCredentialsManagement"] lets member accounts go without root credentials'
        ),
    ),
    references=[
        f"{_IAM_CONTROLS}#iam-4",
        f"{_CONFIG_RULES}/iam-root-access-key-check.html",
        f"{_ROOT_GUIDE}/id_root-user.html#id_root-user_manage_delete-key",
    ],
    compliance={"fsbp": ["IAM.4"], "cis-3.0": ["1.4"], "cis-5.0": ["1.3"]},
)
def iam_root_no_access_keys(scope: Scope) -> Iterable[Verdict]:
    """GetAccountSummary's AccountAccessKeysPresent, as the iam-root-access-key-check rule."""
    summary = scope.get(IAM_ACCOUNT_SUMMARY)
    present = summary.account_access_keys_present
    yield flag_verdict(
        _root_ref(scope, summary),
        "The root user",
        not present,
        "has no access keys",
        "has access keys",
        account_access_keys_present=present,
    )


# CRITICAL, as Security Hub rates IAM.9: the root password alone opens the whole account.
@check(
    id="iam_root_mfa_enabled",
    title="The root user has MFA, or no credentials its organization would let it recover",
    service="iam",
    severity=Severity.CRITICAL,
    resource_type=_ACCOUNT_TYPE,
    datasets=[IAM_ACCOUNT_SUMMARY],
    rationale=(
        "Study materials (Identity: seed 004 — 'Root User를 통해 관리하며 MFA 필수', the "
        "account is managed through the root user and MFA is mandatory). A member account "
        "whose organization manages root credentials centrally (IAM centralized root access) "
        "and whose root user has no password and no access keys has nothing to sign in with "
        "and cannot recover a password, so it passes, as IAM.9 and CIS v5.0 1.4 pass it. "
        "Without central management a root user with no password still gets one by password "
        "recovery through the account's email address, so it fails without MFA."
    ),
    remediation=Remediation(
        console=(
            "Sign in as the root user > account name > Security credentials > Multi-factor "
            "authentication (MFA) > Assign MFA device; for member accounts, IAM console (in "
            "the management account) > Root access management > Enable, then delete the "
            "members' root credentials."
        ),
        cli=(
            "as the root user: aws iam create-virtual-mfa-device ... and aws iam "
            "enable-mfa-device (a hardware key or passkey is assigned in the console); for "
            "member accounts, from the management account: aws iam "
            "enable-organizations-root-credentials-management"
        ),
        terraform=(
            "root MFA is not a Terraform resource: assign the device as the root user; in an "
            "organization, aws_iam_organizations_features with enabled_features = "
            '["RootCredentialsManagement"] lets member accounts go without root credentials'
        ),
    ),
    references=[
        f"{_IAM_CONTROLS}#iam-9",
        f"{_CONFIG_RULES}/root-account-mfa-enabled.html",
        f"{_ROOT_GUIDE}/enable-mfa-for-root.html",
        f"{_ROOT_GUIDE}/id_root-user.html#id_root-user-access-management",
    ],
    compliance={"fsbp": ["IAM.9"], "cis-3.0": ["1.5"], "cis-5.0": ["1.4"]},
)
def iam_root_mfa_enabled(scope: Scope) -> Iterable[Verdict]:
    """GetAccountSummary's AccountMFAEnabled, as the root-account-mfa-enabled rule; a root user
    with no MFA, no access keys and no password (AccountPasswordPresent 0) is judged by
    whether its organization manages root credentials centrally (ListOrganizationsFeatures,
    read in this account or, for a member account, in the management account of the same
    --org scan)."""
    summary = scope.get(IAM_ACCOUNT_SUMMARY)
    ref = _root_ref(scope, summary)
    enabled = summary.account_mfa_enabled
    bare = not enabled and not summary.account_access_keys_present
    if not (bare and summary.account_password_present is False):
        yield flag_verdict(
            ref,
            "The root user",
            enabled,
            "has MFA enabled",
            "has no MFA",
            account_mfa_enabled=enabled,
        )
        return
    yield _root_without_credentials(scope, ref, summary.root_credentials_management)


def _root_without_credentials(
    scope: Scope,
    ref: ResourceRef,
    management: RootCredentialsManagement | CollectionError | None,
) -> Verdict:
    """The root user has no MFA, no password and no access keys: which case applies."""
    if management is None:
        management = not_collected(scope, "iam", "ListOrganizationsFeatures", scope.account_id)
    if isinstance(management, CollectionError):
        return unreadable(ref, management)
    source = scope.account_id
    if not management.readable:
        # Only the management account (or IAM's delegated administrator) may ask.
        reads = {
            account: s.root_credentials_management
            for account, s in scope.organization_reads(IAM_ACCOUNT_SUMMARY).items()
            if isinstance(s.root_credentials_management, RootCredentialsManagement)
            and s.root_credentials_management.readable
        }
        found = next(iter(reads.items()), None)
        if found is None:
            return failed(
                ref,
                "The root user has no MFA, no password and no access keys, but whether its "
                "organization manages root credentials centrally is known only to the "
                "management account, which this scan did not read (scan with --org from it); "
                "until then a password can be recovered through the account's email address.",
                account_mfa_enabled=False,
                account_password_present=False,
                root_credentials_management="unknown",
            )
        source, management = found
    where = "" if source == scope.account_id else f" (read in account {source})"
    evidence: dict[str, JsonValue] = {
        "account_mfa_enabled": False,
        "account_password_present": False,
        "root_credentials_management": list[JsonValue](management.enabled_features),
        "read_in_account": source,
    }
    if management.centrally_managed:
        return Verdict(
            Status.PASS,
            ref,
            "The root user has no password, no access keys and no MFA to need: its "
            f"organization manages root credentials centrally{where}, so none can be set or "
            "recovered in this account.",
            evidence,
        )
    return Verdict(
        Status.FAIL,
        ref,
        "The root user has no password and no access keys now, but no organization manages "
        f"its root credentials centrally{where}: whoever controls the account's email "
        "address can recover a password and sign in without MFA.",
        evidence,
    )


def _root_virtual_devices(
    summary: IAMAccountSummary, devices: list[VirtualMFADevice]
) -> list[VirtualMFADevice]:
    """The root user's virtual devices: those whose User is the root ARN. The device's name
    (root-account-mfa-device, as the console names root's) is chosen by whoever creates it, so
    any user's device may carry it."""
    return [d for d in devices if d.user_arn == summary.root_arn]


# HIGH, below Security Hub's CRITICAL for IAM.6: a virtual device is still MFA; the account
# without any is what iam_root_mfa_enabled rates critical.
@check(
    id="iam_root_hardware_mfa",
    title="The root user's MFA is a hardware device",
    service="iam",
    severity=Severity.HIGH,
    resource_type=_ACCOUNT_TYPE,
    datasets=[IAM_ACCOUNT_SUMMARY, IAM_VIRTUAL_MFA_DEVICES],
    rationale=(
        "Study materials (Identity: seed 004 — MFA is mandatory for the root user): a virtual "
        "MFA app lives on a phone that is lost, cloned or shared; the root user, which cannot "
        "be limited by policy, should sign in with a hardware key."
    ),
    remediation=Remediation(
        console=(
            "Sign in as the root user > account name > Security credentials > Multi-factor "
            "authentication (MFA) > Assign MFA device > Passkey or security key / Hardware TOTP "
            "token; then remove the virtual device."
        ),
        cli=(
            "as the root user: aws iam deactivate-mfa-device --serial-number <virtual-mfa-arn> "
            "after assigning the hardware device (aws iam enable-mfa-device for a TOTP token)"
        ),
        terraform=(
            "root MFA devices are not a Terraform resource: assign the hardware device as the "
            "root user"
        ),
    ),
    references=[
        f"{_IAM_CONTROLS}#iam-6",
        f"{_CONFIG_RULES}/root-account-hardware-mfa-enabled.html",
        f"{_ROOT_GUIDE}/enable-mfa-for-root.html",
    ],
    compliance={"fsbp": ["IAM.6"], "cis-3.0": ["1.6"], "cis-5.0": ["1.5"]},
)
def iam_root_hardware_mfa(scope: Scope) -> Iterable[Verdict]:
    """FAIL without any root MFA (AccountMFAEnabled) or with a virtual device assigned to the
    root user (ListVirtualMFADevices); PASS when root MFA is on and none of it is virtual."""
    summary = scope.get(IAM_ACCOUNT_SUMMARY)
    virtual = _root_virtual_devices(summary, scope.get(IAM_VIRTUAL_MFA_DEVICES))
    ref = _root_ref(scope, summary)
    evidence: dict[str, JsonValue] = {
        "account_mfa_enabled": summary.account_mfa_enabled,
        "root_virtual_mfa_devices": [d.serial_number for d in virtual],
    }
    if not summary.account_mfa_enabled:
        yield Verdict(Status.FAIL, ref, "The root user has no MFA device at all.", evidence)
    elif virtual:
        serials = ", ".join(d.serial_number for d in virtual)
        yield Verdict(
            Status.FAIL, ref, f"The root user's MFA is a virtual device ({serials}).", evidence
        )
    else:
        yield Verdict(Status.PASS, ref, "The root user's MFA is a hardware device.", evidence)


# --- The account password policy ---------------------------------------------------------------

_ACCOUNT_POLICY_GUIDE = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"
)
_ACCOUNT_POLICY_CONSOLE = "IAM console > Account settings > Password policy > Edit > Custom > "
_ACCOUNT_POLICY_TERRAFORM = "aws_iam_account_password_policy (one per account): "


def _password_ref(scope: Scope) -> ResourceRef:
    return ResourceRef(
        arn=f"arn:aws:iam::{scope.account_id}:account-password-policy",
        id=scope.account_id,
        type=_ACCOUNT_TYPE,
    )


_REPLACES_POLICY = "(the command replaces the whole policy: pass every setting you keep)"


def _password_references(control: str) -> list[str]:
    return [
        f"{_IAM_CONTROLS}#{control}",
        _ACCOUNT_POLICY_GUIDE,
        f"{_CONFIG_RULES}/iam-password-policy.html",
    ]


def _password_setting(scope: Scope, setting: str, needed: int, what: str, default: str) -> Verdict:
    """PASS when the account's policy sets `setting` (an IAMPasswordPolicy field) to at least
    `needed`; FAIL when it is lower, unset, or the account has no policy at all (IAM's default
    sets neither)."""
    policy: IAMPasswordPolicy = scope.get(IAM_PASSWORD_POLICY)
    found: int | None = getattr(policy, setting) if policy.present else None
    evidence: dict[str, JsonValue] = {
        "password_policy_present": policy.present,
        setting: found,
        "required": needed,
    }
    if not policy.present:
        message = f"The account has no IAM password policy: IAM's default allows {default}."
    elif found is None or found < needed:
        shown = "not set" if found is None else found
        message = f"The account's IAM password policy {what} is {shown}, below {needed}."
    else:
        message = f"The account's IAM password policy {what} is {found} (at least {needed})."
    good = policy.present and found is not None and found >= needed
    return Verdict(Status.PASS if good else Status.FAIL, _password_ref(scope), message, evidence)


class MinimumPasswordLength(CheckParameters):
    minimum_password_length: int = Field(
        default=14,
        ge=6,
        le=128,
        description="The shortest password the account policy may allow (CIS asks for 14).",
    )


# MEDIUM, as Security Hub rates IAM.15: short passwords fall to guessing, MFA aside.
@check(
    id="iam_password_policy_min_length",
    parameters=MinimumPasswordLength,
    title="The account password policy requires passwords of at least 14 characters",
    service="iam",
    severity=Severity.MEDIUM,
    resource_type=_ACCOUNT_TYPE,
    datasets=[IAM_PASSWORD_POLICY],
    rationale=(
        "Study materials (Identity: seed 004 — IAM users sign in to the console with a "
        "password): a long minimum length makes guessing and brute-forcing a console password "
        "impractical. An account with no policy gets IAM's default of 8 characters. Security "
        "Hub checks this as IAM.15 in its CIS standards; FSBP's IAM.7 asks for less (8 "
        "characters) and for character classes, which this check does not judge."
    ),
    remediation=Remediation(
        console=f"{_ACCOUNT_POLICY_CONSOLE}Password minimum length: 14 > Save changes.",
        cli=f"aws iam update-account-password-policy --minimum-password-length 14 "
        f"{_REPLACES_POLICY}",
        terraform=f"{_ACCOUNT_POLICY_TERRAFORM}minimum_password_length = 14",
    ),
    references=_password_references("iam-15"),
    compliance={"cis-3.0": ["1.8"], "cis-5.0": ["1.7"]},
)
def iam_password_policy_min_length(scope: Scope) -> Iterable[Verdict]:
    """GetAccountPasswordPolicy's MinimumPasswordLength against the parameter; no policy
    (NoSuchEntity) fails, a denied read is the engine's ERROR."""
    needed = scope.parameters(MinimumPasswordLength).minimum_password_length
    yield _password_setting(
        scope, "minimum_password_length", needed, "minimum length", "passwords of 8 characters"
    )


class PasswordReusePrevention(CheckParameters):
    password_reuse_prevention: int = Field(
        default=24,
        ge=1,
        le=24,
        description="How many previous passwords the policy must forbid reusing (CIS asks "
        "for 24, the most IAM allows).",
    )


# LOW, as Security Hub rates IAM.16: reuse matters once a password has leaked.
@check(
    id="iam_password_policy_reuse_prevention",
    parameters=PasswordReusePrevention,
    title="The account password policy forbids reusing any of the last 24 passwords",
    service="iam",
    severity=Severity.LOW,
    resource_type=_ACCOUNT_TYPE,
    datasets=[IAM_PASSWORD_POLICY],
    rationale=(
        "Study materials (Identity: seed 004 — rotate credentials): a rotated password that "
        "may be set again is not rotated; remembering 24 previous passwords stops a user "
        "cycling back to one that leaked. IAM's default (no policy) prevents no reuse. Security "
        "Hub checks this as IAM.16 in its CIS standards (not in FSBP)."
    ),
    remediation=Remediation(
        console=f"{_ACCOUNT_POLICY_CONSOLE}Prevent password reuse: remember 24 passwords > Save "
        "changes.",
        cli=f"aws iam update-account-password-policy --password-reuse-prevention 24 "
        f"{_REPLACES_POLICY}",
        terraform=f"{_ACCOUNT_POLICY_TERRAFORM}password_reuse_prevention = 24",
    ),
    references=_password_references("iam-16"),
    compliance={"cis-3.0": ["1.9"], "cis-5.0": ["1.8"]},
)
def iam_password_policy_reuse_prevention(scope: Scope) -> Iterable[Verdict]:
    """GetAccountPasswordPolicy's PasswordReusePrevention against the parameter; no policy
    (NoSuchEntity) fails, a denied read is the engine's ERROR."""
    needed = scope.parameters(PasswordReusePrevention).password_reuse_prevention
    yield _password_setting(
        scope,
        "password_reuse_prevention",
        needed,
        "reuse prevention",
        "any previous password again",
    )


# --- Role trust policies -----------------------------------------------------------------------

_ROLE_TYPE = "AWS::IAM::Role"
_ACCOUNT_ID = re.compile(r"\d{12}")
_EXTERNAL_ID = ("sts:externalid",)


def _account_of(principal: str) -> str | None:
    """The account an AWS principal ("123456789012", "arn:aws:iam::123456789012:role/x") is
    in; None for what names no account (a deleted principal's unique id)."""
    if _ACCOUNT_ID.fullmatch(principal):
        return principal
    parts = principal.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and _ACCOUNT_ID.fullmatch(parts[4]):
        return parts[4]
    return None


class TrustedAccounts(CheckParameters):
    trusted_accounts: list[str] = Field(
        default_factory=list,
        description="Account ids of your own (beyond the scanned account and, with --org, the "
        "organization's) whose principals may assume roles without sts:ExternalId.",
    )


def _trust_problems(statement: AllowStatement, own: frozenset[str]) -> list[str]:
    problems = []
    if statement.everyone and not statement.restricted_by():
        problems.append(
            f"{statement.describe()} admits every AWS principal with no condition fixing the "
            "account, organization or ARN"
        )
    foreign = [p for p in statement.aws_principals if _account_of(p) not in (None, *sorted(own))]
    if foreign and not statement.restricted_by(_EXTERNAL_ID):
        problems.append(
            f"{statement.describe()} admits {', '.join(foreign)} of another account without "
            "an sts:ExternalId condition"
        )
    return problems


# HIGH: a role anyone (or any third party's customers) can assume hands out its permissions.
@check(
    id="iam_role_trust_policy_restricted",
    parameters=TrustedAccounts,
    title="IAM role trust policies admit only named principals, with an external ID across "
    "accounts",
    service="iam",
    severity=Severity.HIGH,
    resource_type=_ROLE_TYPE,
    datasets=[IAM_AUTHORIZATION_DETAILS],
    rationale=(
        "Study materials (Identity: seed 004 — STS issues temporary credentials for "
        "cross-account access and service delegation; seed 000 — roles trust a service): a "
        'trust policy with Principal "*" and no condition lets any AWS account assume the '
        "role, and a role another account may assume without sts:ExternalId is open to the "
        "confused-deputy problem. Service principals, the role's own account and (with --org) "
        "the organization's accounts pass, as do accounts listed in trusted_accounts. No FSBP "
        "or CIS control covers this."
    ),
    remediation=Remediation(
        console=(
            "IAM console > Roles > the role > Trust relationships > Edit trust policy > name "
            'the trusted account or role ARN instead of "*", and add a StringEquals '
            "sts:ExternalId condition for another account > Update policy."
        ),
        cli=(
            "aws iam update-assume-role-policy --role-name <role> "
            "--policy-document file://trust.json"
        ),
        terraform=(
            "aws_iam_role assume_role_policy: principals identifiers naming the account or "
            'role, with a condition { test = "StringEquals", variable = "sts:ExternalId" } '
            "for another account"
        ),
    ),
    references=[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
    ],
    compliance={},
)
def iam_role_trust_policy_restricted(scope: Scope) -> Iterable[Verdict]:
    """Each role's trust policy, Allow statements only: Principal "*" (or {"AWS": "*"}, or a
    NotPrincipal) FAILs unless a condition fixes the account, organization or ARN; an AWS
    principal of another account FAILs without a fixed sts:ExternalId condition. Service and
    federated principals and principals of the role's account pass. A trust policy that cannot
    be read fails: IAM stores only valid ones."""
    for role in scope.get(IAM_AUTHORIZATION_DETAILS).roles:
        ref = ResourceRef(arn=role.arn, id=role.name, type=_ROLE_TYPE)
        trust = parse_resource_policy(role.assume_role_policy)
        if role.assume_role_policy is None or trust.error is not None:
            why = trust.error or "it is missing"
            yield failed(
                ref,
                f"IAM role {role.name}'s trust policy could not be read ({why}), so it cannot "
                "be shown to be restricted.",
                unreadable_policy=why,
            )
            continue
        own = scope.own_accounts | set(scope.parameters(TrustedAccounts).trusted_accounts)
        problems = [p for s in trust.allows for p in _trust_problems(s, own)]
        evidence: dict[str, JsonValue] = {
            "statements": [s.evidence() for s in trust.allows],
            "problems": list[JsonValue](problems),
        }
        if problems:
            yield Verdict(
                Status.FAIL, ref, f"IAM role {role.name}: {'; '.join(problems)}.", evidence
            )
        else:
            yield Verdict(
                Status.PASS,
                ref,
                f"IAM role {role.name} is trusted only by services, federated providers, its "
                "own account or other accounts with an external ID.",
                evidence,
            )
