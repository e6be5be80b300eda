"""IAM credential collectors: the credential report (passwords, MFA and access keys of every
user and of the root user), the account summary's root flags, the assigned virtual MFA
devices that tell a root user's virtual MFA from a hardware one, and the account password
policy."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from typing import Any

from auditor.collectors.base import (
    CollectContext,
    CollectionFailure,
    Collector,
    Operation,
    none_if_absent,
)
from auditor.datasets import (
    IAM_ACCOUNT_SUMMARY,
    IAM_CREDENTIAL_REPORT,
    IAM_PASSWORD_POLICY,
    IAM_VIRTUAL_MFA_DEVICES,
)
from auditor.models import (
    AccessKeyStatus,
    CredentialReportUser,
    IAMAccountSummary,
    IAMCredentialReport,
    IAMPasswordPolicy,
    RootCredentialsManagement,
    VirtualMFADevice,
)

_SERVICE = "iam"
ROOT_USER = "<root_account>"
# Seconds to wait between polls while IAM generates the report (about half a minute in all);
# a report still not ready after the last one is a ReportInProgress error, never an empty list.
POLL_SECONDS: tuple[float, ...] = (2.0, 4.0, 8.0, 16.0)
# What the report writes where it has no date: never used, not applicable, root's password.
_NO_DATE = frozenset({"", "n/a", "no_information", "not_supported"})


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _fetch_report(ctx: CollectContext) -> dict[str, Any]:
    """GenerateCredentialReport (it only starts generation; AWS reuses a report under four
    hours old) then GetCredentialReport, polling while the report is being generated."""
    for delay in (*POLL_SECONDS, None):
        state = str(ctx.call(_SERVICE, "GenerateCredentialReport").get("State", ""))
        try:
            return ctx.call(_SERVICE, "GetCredentialReport")
        except CollectionFailure as failure:
            code = failure.error.error_code
            pending = code == "ReportInProgress" or (
                code == "ReportNotPresent" and state != "COMPLETE"
            )
            if not pending or delay is None:
                raise
        _sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def _utc(moment: datetime) -> datetime:
    """Report times carry +00:00; a time without a zone is UTC too (botocore may hand the
    GeneratedTime over in the local zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _flag(row: dict[str, str], column: str) -> bool:
    return row.get(column, "").strip().lower() == "true"


def _date(row: dict[str, str], column: str) -> datetime | None:
    """A report timestamp; N/A and its kin are None, anything else unreadable raises, so a
    malformed report fails the dataset rather than reading as fresh credentials."""
    value = (row.get(column) or "").strip()
    if value.lower() in _NO_DATE:
        return None
    try:
        return _utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        raise ValueError(f"credential report column {column} holds {value[:40]!r}") from None


def _key(row: dict[str, str], slot: int) -> AccessKeyStatus:
    prefix = f"access_key_{slot}"
    return AccessKeyStatus(
        active=_flag(row, f"{prefix}_active"),
        last_rotated=_date(row, f"{prefix}_last_rotated"),
        last_used_date=_date(row, f"{prefix}_last_used_date"),
    )


def _row(row: dict[str, str]) -> CredentialReportUser:
    return CredentialReportUser(
        user=row["user"],
        arn=row["arn"],
        user_creation_time=_date(row, "user_creation_time"),
        password_enabled=_flag(row, "password_enabled"),
        password_last_used=_date(row, "password_last_used"),
        password_last_changed=_date(row, "password_last_changed"),
        mfa_active=_flag(row, "mfa_active"),
        access_key_1=_key(row, 1),
        access_key_2=_key(row, 2),
    )


def parse_credential_report(content: bytes | str, generated_time: datetime) -> IAMCredentialReport:
    """The report's CSV as models: the root user's row apart, one per IAM user."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    rows = [_row(row) for row in csv.DictReader(io.StringIO(text))]
    return IAMCredentialReport(
        generated_time=generated_time,
        root=next((r for r in rows if r.user == ROOT_USER), None),
        users=[r for r in rows if r.user != ROOT_USER],
    )


def collect_credential_report(ctx: CollectContext) -> IAMCredentialReport:
    answer = _fetch_report(ctx)
    generated = answer["GeneratedTime"]
    if isinstance(generated, str):
        generated = datetime.fromisoformat(generated.replace("Z", "+00:00"))
    return parse_credential_report(answer["Content"], _utc(generated))


# ListOrganizationsFeatures' answers that say something about the account rather than fail:
# outside any organization, or in one where centralized root access cannot be on (IAM's
# trusted access off, or consolidated billing only).
_NO_ROOT_FEATURES = (
    "OrganizationNotFoundException",
    "ServiceAccessNotEnabledException",
    "OrganizationNotInAllFeaturesModeException",
)
# A member account may not ask; the management account's answer (same scan) stands for it.
_NOT_MANAGEMENT = "AccountNotManagementOrDelegatedAdministratorException"


def _root_credentials_management(ctx: CollectContext) -> RootCredentialsManagement:
    try:
        answer = ctx.call(_SERVICE, "ListOrganizationsFeatures")
    except CollectionFailure as failure:
        code = failure.error.error_code
        if code == _NOT_MANAGEMENT:
            return RootCredentialsManagement(readable=False)
        if code in _NO_ROOT_FEATURES:
            return RootCredentialsManagement(readable=True)
        raise
    return RootCredentialsManagement(
        readable=True,
        organization_id=answer.get("OrganizationId"),
        enabled_features=list(answer.get("EnabledFeatures", [])),
    )


def collect_account_summary(ctx: CollectContext) -> IAMAccountSummary:
    summary = ctx.call(_SERVICE, "GetAccountSummary")["SummaryMap"]
    password = summary.get("AccountPasswordPresent")
    # The MFA and access key flags are always in the map; a missing one fails the dataset.
    mfa = int(summary["AccountMFAEnabled"]) == 1
    keys = int(summary["AccountAccessKeysPresent"]) == 1
    # Centralized root access only matters to a root user with no credentials at all, so it
    # is asked only then; its failure is the root MFA check's alone.
    bare = not mfa and not keys and password is not None and int(password) == 0
    return IAMAccountSummary(
        root_arn=f"arn:{ctx.partition}:iam::{ctx.account_id}:root",
        account_mfa_enabled=mfa,
        account_access_keys_present=keys,
        account_password_present=None if password is None else int(password) == 1,
        root_credentials_management=(
            ctx.attempt(lambda: _root_credentials_management(ctx)) if bare else None
        ),
    )


def collect_virtual_mfa_devices(ctx: CollectContext) -> list[VirtualMFADevice]:
    devices = ctx.paginate(
        _SERVICE, "ListVirtualMFADevices", "VirtualMFADevices", AssignmentStatus="Assigned"
    )
    return [
        VirtualMFADevice(
            serial_number=d["SerialNumber"],
            user_arn=(d.get("User") or {}).get("Arn"),
        )
        for d in devices
    ]


# GetAccountPasswordPolicy's answer for an account that never set a policy.
_NO_POLICY_SET = "NoSuchEntity"


def collect_password_policy(ctx: CollectContext) -> IAMPasswordPolicy:
    """The account's password policy; "none set" is an answer (IAM's default applies), any
    other failure (AccessDenied) fails the dataset."""
    answer = none_if_absent(
        (_NO_POLICY_SET,), lambda: ctx.call(_SERVICE, "GetAccountPasswordPolicy")
    )
    if answer is None:
        return IAMPasswordPolicy(present=False)
    policy = answer["PasswordPolicy"]
    return IAMPasswordPolicy(
        present=True,
        minimum_password_length=policy.get("MinimumPasswordLength"),
        password_reuse_prevention=policy.get("PasswordReusePrevention"),
        require_symbols=bool(policy.get("RequireSymbols")),
        require_numbers=bool(policy.get("RequireNumbers")),
        require_uppercase_characters=bool(policy.get("RequireUppercaseCharacters")),
        require_lowercase_characters=bool(policy.get("RequireLowercaseCharacters")),
        max_password_age=policy.get("MaxPasswordAge"),
    )


CREDENTIAL_REPORT = Collector(
    dataset=IAM_CREDENTIAL_REPORT,
    operations=(
        # Not a read: it starts report generation, and is the one documented exception to
        # the read-only rule (the report itself changes nothing in the account).
        Operation(_SERVICE, "GenerateCredentialReport", "iam:GenerateCredentialReport"),
        Operation(_SERVICE, "GetCredentialReport", "iam:GetCredentialReport"),
    ),
    collect=collect_credential_report,
)

ACCOUNT_SUMMARY = Collector(
    dataset=IAM_ACCOUNT_SUMMARY,
    operations=(
        Operation(_SERVICE, "GetAccountSummary", "iam:GetAccountSummary"),
        Operation(_SERVICE, "ListOrganizationsFeatures", "iam:ListOrganizationsFeatures"),
    ),
    collect=collect_account_summary,
)

VIRTUAL_MFA_DEVICES = Collector(
    dataset=IAM_VIRTUAL_MFA_DEVICES,
    operations=(Operation(_SERVICE, "ListVirtualMFADevices", "iam:ListVirtualMFADevices"),),
    collect=collect_virtual_mfa_devices,
)

PASSWORD_POLICY = Collector(
    dataset=IAM_PASSWORD_POLICY,
    operations=(Operation(_SERVICE, "GetAccountPasswordPolicy", "iam:GetAccountPasswordPolicy"),),
    collect=collect_password_policy,
)
