"""The identity checks on hand-built models: privilege escalation, users' direct policies, the
credential report (console MFA, key rotation, unused credentials), the root user, and role
trust policies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import (
    ACCOUNT,
    allow,
    by_resource,
    dataset_denied,
    engine_findings,
    global_scope,
    iam_scope,
    managed_policy,
    only_verdict,
    policy,
    principal,
    run_check,
)

from auditor.checkapi import Scope
from auditor.engine import Evaluation
from auditor.findings import Status
from auditor.models import (
    AccessKeyStatus,
    CollectionError,
    CredentialReportUser,
    IAMAccountSummary,
    IAMAuthorizationDetails,
    IAMCredentialReport,
    IAMPasswordPolicy,
    IAMPrincipal,
    RootCredentialsManagement,
    ScopeSnapshot,
    Snapshot,
    VirtualMFADevice,
)
from checks.iam import (
    iam_password_policy_min_length,
    iam_password_policy_reuse_prevention,
    iam_policy_no_privilege_escalation,
    iam_role_trust_policy_restricted,
    iam_root_hardware_mfa,
    iam_root_mfa_enabled,
    iam_root_no_access_keys,
    iam_user_access_keys_rotated,
    iam_user_console_mfa,
    iam_user_no_direct_policies,
    iam_user_no_long_lived_access_keys,
    iam_user_unused_credentials,
)
from checks.iam_escalation import ESCALATION_METHODS, RHINO_RESEARCH

GENERATED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"
PARTNER = "210987654321"


def days_ago(days: int) -> datetime:
    return GENERATED - timedelta(days=days)


# --- iam_policy_no_privilege_escalation ---------------------------------------------------------


def escalation_verdict(document: Any) -> Any:
    return only_verdict(
        iam_policy_no_privilege_escalation, iam_scope(managed_policy("release", document))
    )


def test_pass_role_with_lambda_create_and_invoke_fails_naming_the_combination() -> None:
    verdict = escalation_verdict(
        policy(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]))
    )

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "Customer-managed policy release allows privilege escalation on every resource through "
        "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction "
        "(PassRoleToNewLambdaThenInvoke)."
    )
    assert verdict.evidence["escalations"] == [
        {
            "method": "PassRoleToNewLambdaThenInvoke",
            "actions": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
            "statements": {
                "iam:PassRole": [0],
                "lambda:CreateFunction": [0],
                "lambda:InvokeFunction": [0],
            },
            "reference": RHINO_RESEARCH,
        }
    ]


def test_combination_split_across_statements_is_joined() -> None:
    verdict = escalation_verdict(
        policy(allow("iam:PassRole"), allow("cloudformation:CreateStack", Sid="Stacks"))
    )

    assert verdict.status is Status.FAIL
    assert "iam:PassRole + cloudformation:CreateStack (PassRoleToCloudFormation)" in (
        verdict.message
    )
    [found] = verdict.evidence["escalations"]
    assert found["statements"] == {"iam:PassRole": [0], "cloudformation:CreateStack": [1]}


def test_wildcard_action_matches_every_put_policy_method() -> None:
    verdict = escalation_verdict(policy(allow("IAM:put*")))

    assert verdict.status is Status.FAIL
    methods = [e["method"] for e in verdict.evidence["escalations"]]
    assert methods == ["PutUserPolicy", "PutGroupPolicy", "PutRolePolicy"]


def test_single_action_methods_fail_alone() -> None:
    verdict = escalation_verdict(policy(allow("iam:CreatePolicyVersion")))

    assert verdict.status is Status.FAIL
    assert "iam:CreatePolicyVersion (CreateNewPolicyVersion)" in verdict.message


def test_pass_role_alone_passes() -> None:
    verdict = escalation_verdict(policy(allow(["iam:PassRole", "lambda:InvokeFunction"])))

    assert verdict.status is Status.PASS
    assert verdict.message == (
        "Customer-managed policy release allows no known privilege-escalation combination on "
        "every resource."
    )
    assert verdict.evidence["escalations"] == []


def test_escalation_actions_scoped_to_named_resources_pass() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/lesson-api"
    verdict = escalation_verdict(
        policy(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], role))
    )

    assert verdict.status is Status.PASS


def test_not_action_grants_what_it_does_not_name() -> None:
    document = policy({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})

    verdict = escalation_verdict(document)

    assert verdict.status is Status.FAIL
    assert "iam:CreateAccessKey (CreateAccessKey)" in [
        f"{' + '.join(e['actions'])} ({e['method']})" for e in verdict.evidence["escalations"]
    ]


def test_not_resource_grants_every_resource_but_a_few() -> None:
    document = policy(
        {
            "Effect": "Allow",
            "Action": "iam:CreateAccessKey",
            "NotResource": f"arn:aws:iam::{ACCOUNT}:user/break-glass",
        }
    )

    assert escalation_verdict(document).status is Status.FAIL


def test_unconditional_deny_on_every_resource_takes_the_action_back() -> None:
    document = policy(
        allow("iam:CreateAccessKey"),
        {"Effect": "Deny", "Action": "iam:Create*", "Resource": "*"},
    )

    assert escalation_verdict(document).status is Status.PASS


def test_conditional_deny_does_not_take_the_action_back() -> None:
    document = policy(
        allow("iam:CreateAccessKey"),
        {
            "Effect": "Deny",
            "Action": "iam:CreateAccessKey",
            "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
        },
    )

    assert escalation_verdict(document).status is Status.FAIL


def test_policy_allowing_everything_names_three_methods_and_counts_the_rest() -> None:
    verdict = escalation_verdict(policy(allow("*")))

    assert verdict.status is Status.FAIL
    assert verdict.message.endswith(f"; and {len(ESCALATION_METHODS) - 3} more (see evidence).")
    assert len(verdict.evidence["escalations"]) == len(ESCALATION_METHODS) == 42


def test_inline_policy_of_a_role_is_judged() -> None:
    role = principal("role", "builder", shipping=policy(allow("iam:AttachRolePolicy")))

    verdict = only_verdict(iam_policy_no_privilege_escalation, iam_scope(principals=[role]))

    assert verdict.status is Status.FAIL
    assert verdict.resource.id == "builder/shipping"
    assert verdict.resource.type == "AWS::IAM::RolePolicy"


def test_unreadable_policy_fails_rather_than_passes() -> None:
    verdict = escalation_verdict("{not json")

    assert verdict.status is Status.FAIL
    assert "could not be read as a policy document" in verdict.message


def test_escalation_check_errors_when_authorization_details_are_denied() -> None:
    error = dataset_denied("iam", "GetAccountAuthorizationDetails", region="global")

    [finding] = engine_findings(
        iam_policy_no_privilege_escalation, global_scope(iam_authorization_details=error)
    )

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "GetAccountAuthorizationDetails"


# --- iam_user_no_direct_policies ----------------------------------------------------------------


def test_user_with_inline_and_attached_policies_fails() -> None:
    user = principal("user", "deployer", deploy=policy(allow("s3:PutObject")))
    user = user.model_copy(
        update={"attached_policy_arns": [f"arn:aws:iam::{ACCOUNT}:policy/release"]}
    )

    verdict = only_verdict(iam_user_no_direct_policies, iam_scope(principals=[user]))

    assert verdict.status is Status.FAIL
    assert (
        verdict.message
        == "IAM user deployer holds policies directly: attached release, inline deploy."
    )
    assert verdict.evidence["inline_policies"] == ["deploy"]
    assert verdict.resource.type == "AWS::IAM::User"


def test_user_with_permissions_only_through_groups_passes() -> None:
    user = principal("user", "mina").model_copy(update={"group_names": ["editors"]})

    verdict = only_verdict(iam_user_no_direct_policies, iam_scope(principals=[user]))

    assert verdict.status is Status.PASS
    assert verdict.evidence["groups"] == ["editors"]


def test_direct_policies_check_errors_when_details_are_denied() -> None:
    error = dataset_denied("iam", "GetAccountAuthorizationDetails", region="global")

    [finding] = engine_findings(
        iam_user_no_direct_policies, global_scope(iam_authorization_details=error)
    )

    assert finding.status is Status.ERROR
    assert finding.evidence == {
        "operation": "GetAccountAuthorizationDetails",
        "error_code": "AccessDenied",
    }


# --- Credential report checks -------------------------------------------------------------------


def report_user(name: str, **fields: Any) -> CredentialReportUser:
    return CredentialReportUser(
        user=name,
        arn=f"arn:aws:iam::{ACCOUNT}:user/{name}",
        user_creation_time=fields.pop("user_creation_time", days_ago(400)),
        **fields,
    )


def key(*, rotated: int, used: int | None = None, active: bool = True) -> AccessKeyStatus:
    return AccessKeyStatus(
        active=active,
        last_rotated=days_ago(rotated),
        last_used_date=None if used is None else days_ago(used),
    )


def report_scope(*users: CredentialReportUser) -> ScopeSnapshot:
    return global_scope(
        iam_credential_report=IAMCredentialReport(generated_time=GENERATED, users=list(users))
    )


REPORT_DENIED = dataset_denied("iam", "GenerateCredentialReport", region="global")


def test_console_password_without_mfa_fails() -> None:
    verdicts = by_resource(
        run_check(
            iam_user_console_mfa,
            report_scope(
                report_user("jun", password_enabled=True),
                report_user("mina", password_enabled=True, mfa_active=True),
                report_user("ci"),
            ),
        )
    )

    assert verdicts["jun"].status is Status.FAIL
    assert verdicts["jun"].message == "IAM user jun has a console password and no MFA device."
    assert verdicts["jun"].evidence["mfa_active"] is False
    assert verdicts["mina"].status is Status.PASS
    assert verdicts["mina"].message == "IAM user mina signs in with a password and MFA."
    assert verdicts["ci"].status is Status.PASS
    assert verdicts["ci"].message == "IAM user ci has no console password."


def test_console_mfa_errors_when_the_report_cannot_be_read() -> None:
    [finding] = engine_findings(
        iam_user_console_mfa, global_scope(iam_credential_report=REPORT_DENIED)
    )

    assert finding.status is Status.ERROR
    assert "GenerateCredentialReport" in finding.message


def test_active_access_keys_are_long_lived_credentials_and_inactive_ones_are_not() -> None:
    verdicts = by_resource(
        run_check(
            iam_user_no_long_lived_access_keys,
            report_scope(
                report_user("ci", access_key_1=key(rotated=10)),
                report_user("both", access_key_1=key(rotated=10), access_key_2=key(rotated=5)),
                report_user("retired", access_key_2=key(rotated=300, active=False)),
                report_user("console-only", password_enabled=True),
            ),
        )
    )

    assert verdicts["ci"].status is Status.FAIL
    assert verdicts["ci"].message == (
        "IAM user ci has an active access key: a long-lived credential."
    )
    assert verdicts["ci"].evidence == {"active_access_key_slots": [1]}
    assert verdicts["both"].status is Status.FAIL
    assert "two active access keys" in verdicts["both"].message
    assert verdicts["both"].evidence == {"active_access_key_slots": [1, 2]}
    assert verdicts["retired"].status is Status.PASS
    assert verdicts["retired"].message == "IAM user retired has no active access key."
    assert verdicts["console-only"].status is Status.PASS


def test_long_lived_keys_check_errors_when_the_report_cannot_be_read() -> None:
    [finding] = engine_findings(
        iam_user_no_long_lived_access_keys, global_scope(iam_credential_report=REPORT_DENIED)
    )

    assert finding.status is Status.ERROR
    assert "GenerateCredentialReport" in finding.message


def test_active_key_older_than_90_days_fails_and_90_days_passes() -> None:
    verdicts = by_resource(
        run_check(
            iam_user_access_keys_rotated,
            report_scope(
                report_user("old", access_key_1=key(rotated=10), access_key_2=key(rotated=91)),
                report_user("edge", access_key_1=key(rotated=90)),
            ),
        )
    )

    old = verdicts["old"]
    assert old.status is Status.FAIL
    assert old.message == "IAM user old: access key 2 was last rotated 91 days ago (limit 90 days)."
    assert old.evidence["active_access_keys"] == [
        {"slot": 1, "last_rotated": days_ago(10).isoformat(), "age_days": 10},
        {"slot": 2, "last_rotated": days_ago(91).isoformat(), "age_days": 91},
    ]
    assert old.evidence["report_generated"] == GENERATED.isoformat()
    assert verdicts["edge"].status is Status.PASS


def test_inactive_old_key_and_keyless_user_pass() -> None:
    verdicts = by_resource(
        run_check(
            iam_user_access_keys_rotated,
            report_scope(
                report_user("retired", access_key_1=key(rotated=900, active=False)),
                report_user("human"),
            ),
        )
    )

    assert verdicts["retired"].status is Status.PASS
    assert verdicts["human"].message == "IAM user human has no active access key."


def test_key_age_limit_is_a_parameter() -> None:
    scope = report_scope(report_user("svc", access_key_1=key(rotated=45)))

    [default] = run_check(iam_user_access_keys_rotated, scope)
    [strict] = run_check(iam_user_access_keys_rotated, scope, max_age_days=30)

    assert default.status is Status.PASS
    assert strict.status is Status.FAIL
    assert strict.evidence["max_age_days"] == 30


def test_key_rotation_errors_when_the_report_cannot_be_read() -> None:
    [finding] = engine_findings(
        iam_user_access_keys_rotated, global_scope(iam_credential_report=REPORT_DENIED)
    )

    assert finding.status is Status.ERROR
    assert finding.evidence == {
        "operation": "GenerateCredentialReport",
        "error_code": "AccessDenied",
    }


def test_password_unused_for_45_days_fails_and_44_passes() -> None:
    verdicts = by_resource(
        run_check(
            iam_user_unused_credentials,
            report_scope(
                report_user("idle", password_enabled=True, password_last_used=days_ago(45)),
                report_user("busy", password_enabled=True, password_last_used=days_ago(44)),
            ),
        )
    )

    assert verdicts["idle"].status is Status.FAIL
    assert verdicts["idle"].message == (
        "IAM user idle: password last used 45 days ago (limit 45 days)."
    )
    assert verdicts["busy"].status is Status.PASS
    assert verdicts["busy"].message == "IAM user busy's credentials were used within 45 days."


def test_never_used_key_is_aged_from_its_creation() -> None:
    [verdict] = run_check(
        iam_user_unused_credentials, report_scope(report_user("bot", access_key_1=key(rotated=60)))
    )

    assert verdict.status is Status.FAIL
    assert (
        verdict.message == "IAM user bot: access key 1 never used, set 60 days ago (limit 45 days)."
    )
    assert verdict.evidence["credentials"] == [
        {
            "credential": "access key 1",
            "since": days_ago(60).isoformat(),
            "ever_used": False,
            "days": 60,
        }
    ]


def test_unused_limit_is_a_parameter_and_90_reproduces_iam_8() -> None:
    scope = report_scope(report_user("bot", access_key_1=key(rotated=200, used=60)))

    [default] = run_check(iam_user_unused_credentials, scope)
    [relaxed] = run_check(iam_user_unused_credentials, scope, max_unused_days=90)

    assert default.status is Status.FAIL
    assert relaxed.status is Status.PASS


def test_user_without_credentials_passes_unused_check() -> None:
    [verdict] = run_check(iam_user_unused_credentials, report_scope(report_user("nobody")))

    assert verdict.status is Status.PASS
    assert verdict.message == "IAM user nobody has no console password or active access key."


def test_unused_credentials_errors_when_the_report_cannot_be_read() -> None:
    [finding] = engine_findings(
        iam_user_unused_credentials, global_scope(iam_credential_report=REPORT_DENIED)
    )

    assert finding.status is Status.ERROR
    assert finding.evidence == {
        "operation": "GenerateCredentialReport",
        "error_code": "AccessDenied",
    }


# --- The root user ------------------------------------------------------------------------------


def summary_scope(
    *, mfa: bool = True, keys: bool = False, devices: list[VirtualMFADevice] | None = None
) -> ScopeSnapshot:
    return global_scope(
        iam_account_summary=IAMAccountSummary(
            root_arn=ROOT_ARN, account_mfa_enabled=mfa, account_access_keys_present=keys
        ),
        iam_virtual_mfa_devices=devices or [],
    )


def test_root_access_keys_fail_and_their_absence_passes() -> None:
    present = only_verdict(iam_root_no_access_keys, summary_scope(keys=True))
    absent = only_verdict(iam_root_no_access_keys, summary_scope(keys=False))

    assert (present.status, present.message) == (Status.FAIL, "The root user has access keys.")
    assert present.resource.arn == ROOT_ARN
    assert present.resource.id == ACCOUNT
    assert present.resource.type == "AWS::::Account"
    assert present.evidence == {"account_access_keys_present": True}
    assert (absent.status, absent.message) == (Status.PASS, "The root user has no access keys.")
    assert absent.evidence == {"account_access_keys_present": False}


def test_root_checks_error_when_the_summary_is_denied() -> None:
    denied = dataset_denied("iam", "GetAccountSummary", region="global")

    for check in (iam_root_no_access_keys, iam_root_mfa_enabled, iam_root_hardware_mfa):
        [finding] = engine_findings(
            check, global_scope(iam_account_summary=denied, iam_virtual_mfa_devices=[])
        )
        assert finding.status is Status.ERROR, check.id
        assert "GetAccountSummary" in finding.message


def test_root_without_mfa_fails_and_with_mfa_passes() -> None:
    off = only_verdict(iam_root_mfa_enabled, summary_scope(mfa=False))
    on = only_verdict(iam_root_mfa_enabled, summary_scope(mfa=True))

    assert (off.status, off.message) == (Status.FAIL, "The root user has no MFA.")
    assert (on.status, on.message) == (Status.PASS, "The root user has MFA enabled.")
    assert off.evidence == {"account_mfa_enabled": False}
    assert on.evidence == {"account_mfa_enabled": True}


MANAGEMENT = "111122223333"
CENTRAL = RootCredentialsManagement(
    readable=True,
    organization_id="o-a1b2c3d4e5",
    enabled_features=["RootCredentialsManagement", "RootSessions"],
)


def bare_root(
    management: RootCredentialsManagement | CollectionError | None, account: str = ACCOUNT
) -> IAMAccountSummary:
    """A root user with no MFA, no access keys and no password (AccountPasswordPresent 0)."""
    return IAMAccountSummary(
        root_arn=f"arn:aws:iam::{account}:root",
        account_mfa_enabled=False,
        account_access_keys_present=False,
        account_password_present=False,
        root_credentials_management=management,
    )


def org_findings(*summaries: tuple[str, IAMAccountSummary]) -> dict[str, Any]:
    """iam_root_mfa_enabled over an --org snapshot of the given accounts' summaries."""
    scopes = [
        ScopeSnapshot(account_id=account, region="global", iam_account_summary=summary)
        for account, summary in summaries
    ]
    snapshot = Snapshot(
        tool_version="test",
        collected_at=GENERATED,
        accounts=[a for a, _ in summaries],
        regions=["global"],
        scopes=scopes,
        organization_accounts=sorted(a for a, _ in summaries),
    )
    return {f.account_id: f for f in Evaluation(snapshot, [iam_root_mfa_enabled]).findings}


def test_bare_root_passes_where_the_organization_manages_root_credentials_centrally() -> None:
    member = bare_root(RootCredentialsManagement(readable=False))
    management = bare_root(CENTRAL, MANAGEMENT).model_copy(
        update={"account_mfa_enabled": True, "account_password_present": True}
    )

    found = org_findings((ACCOUNT, member), (MANAGEMENT, management))

    assert found[ACCOUNT].status is Status.PASS
    assert found[ACCOUNT].message == (
        "The root user has no password, no access keys and no MFA to need: its organization "
        f"manages root credentials centrally (read in account {MANAGEMENT}), so none can be set "
        "or recovered in this account."
    )
    assert found[ACCOUNT].evidence == {
        "account_mfa_enabled": False,
        "account_password_present": False,
        "root_credentials_management": ["RootCredentialsManagement", "RootSessions"],
        "read_in_account": MANAGEMENT,
    }
    assert found[MANAGEMENT].status is Status.PASS
    assert found[MANAGEMENT].message == "The root user has MFA enabled."


def test_bare_root_fails_where_no_organization_manages_root_credentials() -> None:
    standalone = only_verdict(
        iam_root_mfa_enabled,
        global_scope(iam_account_summary=bare_root(RootCredentialsManagement(readable=True))),
    )
    without_feature = RootCredentialsManagement(
        readable=True, organization_id="o-a1b2c3d4e5", enabled_features=["RootSessions"]
    )
    member = org_findings(
        (ACCOUNT, bare_root(RootCredentialsManagement(readable=False))),
        (MANAGEMENT, bare_root(without_feature, MANAGEMENT)),
    )[ACCOUNT]

    assert standalone.status is Status.FAIL
    assert standalone.message == (
        "The root user has no password and no access keys now, but no organization manages its "
        "root credentials centrally: whoever controls the account's email address can recover "
        "a password and sign in without MFA."
    )
    assert member.status is Status.FAIL
    assert f"(read in account {MANAGEMENT})" in member.message
    assert member.evidence["root_credentials_management"] == ["RootSessions"]


def test_bare_member_root_fails_when_the_management_account_was_not_read() -> None:
    verdict = only_verdict(
        iam_root_mfa_enabled,
        global_scope(iam_account_summary=bare_root(RootCredentialsManagement(readable=False))),
    )

    assert verdict.status is Status.FAIL
    assert "known only to the management account, which this scan did not read" in (verdict.message)
    assert verdict.evidence["root_credentials_management"] == "unknown"


def test_bare_root_errors_when_the_organization_features_read_failed() -> None:
    denied = dataset_denied("iam", "ListOrganizationsFeatures", region="global")

    [failed] = engine_findings(
        iam_root_mfa_enabled, global_scope(iam_account_summary=bare_root(denied))
    )
    [old] = engine_findings(iam_root_mfa_enabled, global_scope(iam_account_summary=bare_root(None)))

    assert failed.status is Status.ERROR
    assert failed.evidence == {
        "operation": "ListOrganizationsFeatures",
        "error_code": "AccessDenied",
    }
    assert old.status is Status.ERROR
    assert old.evidence["error_code"] == "NotCollected"


def test_root_with_a_password_and_no_mfa_fails_whatever_the_organization() -> None:
    summary = bare_root(CENTRAL).model_copy(update={"account_password_present": True})

    verdict = only_verdict(iam_root_mfa_enabled, global_scope(iam_account_summary=summary))

    assert (verdict.status, verdict.message) == (Status.FAIL, "The root user has no MFA.")


def test_root_virtual_mfa_fails_hardware_check_by_its_user_whatever_its_name() -> None:
    for name in ("root-account-mfa-device", "phone"):
        device = VirtualMFADevice(
            serial_number=f"arn:aws:iam::{ACCOUNT}:mfa/{name}", user_arn=ROOT_ARN
        )
        verdict = only_verdict(iam_root_hardware_mfa, summary_scope(devices=[device]))
        assert verdict.status is Status.FAIL
        assert (
            verdict.message == f"The root user's MFA is a virtual device ({device.serial_number})."
        )
        assert verdict.evidence["root_virtual_mfa_devices"] == [device.serial_number]


def test_another_users_device_named_as_roots_is_not_roots() -> None:
    # Anyone who may create virtual MFA devices can name one root-account-mfa-device.
    impostor = VirtualMFADevice(
        serial_number=f"arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device",
        user_arn=f"arn:aws:iam::{ACCOUNT}:user/mina",
    )

    verdict = only_verdict(iam_root_hardware_mfa, summary_scope(devices=[impostor]))

    assert verdict.status is Status.PASS
    assert verdict.evidence["root_virtual_mfa_devices"] == []


def test_root_mfa_without_a_virtual_device_passes_hardware_check() -> None:
    someone_else = VirtualMFADevice(
        serial_number=f"arn:aws:iam::{ACCOUNT}:mfa/mina",
        user_arn=f"arn:aws:iam::{ACCOUNT}:user/mina",
    )

    verdict = only_verdict(iam_root_hardware_mfa, summary_scope(devices=[someone_else]))

    assert verdict.status is Status.PASS
    assert verdict.message == "The root user's MFA is a hardware device."


def test_root_without_any_mfa_fails_hardware_check() -> None:
    verdict = only_verdict(iam_root_hardware_mfa, summary_scope(mfa=False))

    assert verdict.status is Status.FAIL
    assert verdict.message == "The root user has no MFA device at all."


def test_hardware_check_errors_when_virtual_devices_are_denied() -> None:
    denied = dataset_denied("iam", "ListVirtualMFADevices", region="global")
    scope = summary_scope().model_copy(update={"iam_virtual_mfa_devices": denied})

    [finding] = engine_findings(iam_root_hardware_mfa, scope)

    assert finding.status is Status.ERROR
    assert "ListVirtualMFADevices" in finding.message


# --- iam_role_trust_policy_restricted -----------------------------------------------------------


def role(name: str, trust: Any) -> IAMPrincipal:
    return IAMPrincipal(
        kind="role",
        arn=f"arn:aws:iam::{ACCOUNT}:role/{name}",
        name=name,
        assume_role_policy=trust,
    )


def trust(principal_: Any, condition: dict[str, Any] | None = None, **extra: Any) -> Any:
    statement = {"Effect": "Allow", "Principal": principal_, "Action": "sts:AssumeRole", **extra}
    if condition is not None:
        statement["Condition"] = condition
    return policy(statement)


def trust_verdicts(*roles: IAMPrincipal) -> dict[str, Any]:
    details = IAMAuthorizationDetails(roles=list(roles))
    return by_resource(
        run_check(iam_role_trust_policy_restricted, global_scope(iam_authorization_details=details))
    )


EXTERNAL_ID = {"StringEquals": {"sts:ExternalId": "lingo-7f3a9c"}}


def test_service_and_same_account_principals_pass() -> None:
    verdicts = trust_verdicts(
        role("fn", trust({"Service": "lambda.amazonaws.com"})),
        role("ops", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:role/ops-admin"})),
        role("acct", trust({"AWS": ACCOUNT})),
    )

    assert {name: v.status for name, v in verdicts.items()} == {
        "fn": Status.PASS,
        "ops": Status.PASS,
        "acct": Status.PASS,
    }
    assert verdicts["fn"].resource.type == "AWS::IAM::Role"


def test_everyone_without_a_condition_fails() -> None:
    verdicts = trust_verdicts(
        role("open", trust("*")),
        role("open-aws", trust({"AWS": "*"}, Sid="Anyone")),
        role("mfa-only", trust("*", {"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
    )

    assert verdicts["open"].status is Status.FAIL
    assert verdicts["open"].message == (
        "IAM role open: statement 0 admits every AWS principal with no condition fixing the "
        "account, organization or ARN."
    )
    assert "statement 0 (Anyone) admits every AWS principal" in verdicts["open-aws"].message
    assert verdicts["mfa-only"].status is Status.FAIL


def test_everyone_narrowed_to_the_organization_passes() -> None:
    verdicts = trust_verdicts(
        role("org", trust("*", {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}))
    )

    assert verdicts["org"].status is Status.PASS


def test_other_account_without_external_id_fails_and_with_it_passes() -> None:
    partner = {"AWS": f"arn:aws:iam::{PARTNER}:root"}
    verdicts = trust_verdicts(
        role("bare", trust(partner)),
        role("guarded", trust(partner, EXTERNAL_ID)),
        role("guessable", trust(partner, {"StringLike": {"sts:ExternalId": "*"}})),
    )

    assert verdicts["bare"].status is Status.FAIL
    assert verdicts["bare"].message == (
        f"IAM role bare: statement 0 admits arn:aws:iam::{PARTNER}:root of another account "
        "without an sts:ExternalId condition."
    )
    assert verdicts["bare"].evidence["problems"] == [
        f"statement 0 admits arn:aws:iam::{PARTNER}:root of another account without an "
        "sts:ExternalId condition"
    ]
    assert verdicts["guarded"].status is Status.PASS
    assert verdicts["guessable"].status is Status.FAIL


def test_accounts_of_the_organization_or_listed_as_trusted_need_no_external_id() -> None:
    partner = {"AWS": f"arn:aws:iam::{PARTNER}:root"}
    details = IAMAuthorizationDetails(roles=[role("org-admin", trust(partner))])
    snapshot = global_scope(iam_authorization_details=details)
    datasets = iam_role_trust_policy_restricted.metadata.datasets
    defaults = iam_role_trust_policy_restricted.configure()

    # With --org the engine hands the organization's accounts to every check.
    [in_org] = iam_role_trust_policy_restricted.run(
        Scope(snapshot, datasets, defaults, None, {ACCOUNT, PARTNER})
    )
    [listed] = run_check(iam_role_trust_policy_restricted, snapshot, trusted_accounts=[PARTNER])
    [outside] = run_check(iam_role_trust_policy_restricted, snapshot, trusted_accounts=["999"])

    assert in_org.status is Status.PASS
    assert listed.status is Status.PASS
    assert outside.status is Status.FAIL


def test_the_engine_treats_the_snapshots_organization_accounts_as_own() -> None:
    partner = {"AWS": f"arn:aws:iam::{PARTNER}:root"}
    details = IAMAuthorizationDetails(roles=[role("org-admin", trust(partner))])
    scope = global_scope(iam_authorization_details=details)
    snapshot = Snapshot(
        tool_version="test",
        collected_at=datetime(2026, 1, 1, tzinfo=UTC),
        accounts=[ACCOUNT],
        regions=["global"],
        scopes=[scope],
        organization_accounts=[ACCOUNT, PARTNER],
    )

    [finding] = Evaluation(snapshot, [iam_role_trust_policy_restricted]).findings

    assert finding.status is Status.PASS


def test_unreadable_or_missing_trust_policy_fails() -> None:
    verdicts = trust_verdicts(role("broken", "{not json"), role("blank", None))

    assert verdicts["broken"].status is Status.FAIL
    assert "could not be read" in verdicts["broken"].message
    assert verdicts["blank"].status is Status.FAIL


def test_trust_check_errors_when_details_are_denied() -> None:
    error = dataset_denied("iam", "GetAccountAuthorizationDetails", region="global")

    [finding] = engine_findings(
        iam_role_trust_policy_restricted, global_scope(iam_authorization_details=error)
    )

    assert finding.status is Status.ERROR
    assert finding.evidence == {
        "operation": "GetAccountAuthorizationDetails",
        "error_code": "AccessDenied",
    }


# --- The account password policy ------------------------------------------------------------


def password_scope(policy: IAMPasswordPolicy) -> ScopeSnapshot:
    return global_scope(iam_password_policy=policy)


STRICT = IAMPasswordPolicy(present=True, minimum_password_length=14, password_reuse_prevention=24)
LAX = IAMPasswordPolicy(present=True, minimum_password_length=8, password_reuse_prevention=5)
NO_POLICY = IAMPasswordPolicy(present=False)


def test_password_policy_of_14_characters_passes_and_of_8_fails() -> None:
    strict = only_verdict(iam_password_policy_min_length, password_scope(STRICT))
    lax = only_verdict(iam_password_policy_min_length, password_scope(LAX))

    assert strict.status is Status.PASS
    assert strict.message == "The account's IAM password policy minimum length is 14 (at least 14)."
    assert strict.resource.id == ACCOUNT
    assert strict.resource.type == "AWS::::Account"
    assert strict.evidence == {
        "password_policy_present": True,
        "minimum_password_length": 14,
        "required": 14,
    }
    assert lax.status is Status.FAIL
    assert lax.message == "The account's IAM password policy minimum length is 8, below 14."


def test_password_reuse_of_24_passes_and_of_5_or_unset_fails() -> None:
    strict = only_verdict(iam_password_policy_reuse_prevention, password_scope(STRICT))
    lax = only_verdict(iam_password_policy_reuse_prevention, password_scope(LAX))
    unset = only_verdict(
        iam_password_policy_reuse_prevention,
        password_scope(IAMPasswordPolicy(present=True, minimum_password_length=20)),
    )

    assert strict.status is Status.PASS
    assert strict.evidence["password_reuse_prevention"] == 24
    assert (lax.status, lax.message) == (
        Status.FAIL,
        "The account's IAM password policy reuse prevention is 5, below 24.",
    )
    assert unset.status is Status.FAIL
    assert (
        unset.message == "The account's IAM password policy reuse prevention is not set, below 24."
    )
    assert unset.evidence["password_reuse_prevention"] is None


def test_an_account_without_a_password_policy_fails_both_checks() -> None:
    length = only_verdict(iam_password_policy_min_length, password_scope(NO_POLICY))
    reuse = only_verdict(iam_password_policy_reuse_prevention, password_scope(NO_POLICY))

    assert (length.status, reuse.status) == (Status.FAIL, Status.FAIL)
    assert length.message == (
        "The account has no IAM password policy: IAM's default allows passwords of 8 characters."
    )
    assert reuse.message == (
        "The account has no IAM password policy: IAM's default allows any previous password again."
    )
    assert length.evidence == {
        "password_policy_present": False,
        "minimum_password_length": None,
        "required": 14,
    }


def test_password_policy_thresholds_follow_the_parameters() -> None:
    [length] = run_check(
        iam_password_policy_min_length, password_scope(LAX), minimum_password_length=8
    )
    [reuse] = run_check(
        iam_password_policy_reuse_prevention, password_scope(LAX), password_reuse_prevention=6
    )

    assert length.status is Status.PASS
    assert (reuse.status, reuse.evidence["required"]) == (Status.FAIL, 6)


def test_password_policy_checks_error_when_the_read_is_denied() -> None:
    denied = dataset_denied("iam", "GetAccountPasswordPolicy", region="global")

    for check in (iam_password_policy_min_length, iam_password_policy_reuse_prevention):
        [finding] = engine_findings(check, global_scope(iam_password_policy=denied))
        assert finding.status is Status.ERROR, check.id
        assert finding.evidence == {
            "operation": "GetAccountPasswordPolicy",
            "error_code": "AccessDenied",
        }
