"""The IAM credential collectors against moto (credential report, account summary, virtual MFA
devices, password policy), and through botocore's Stubber where moto cannot answer as AWS
does: a report still being generated, and the root user's row (moto's report has none)."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from auditor.collectors import iam_credentials
from auditor.models import (
    AccessKeyStatus,
    CollectionError,
    IAMAccountSummary,
    IAMCredentialReport,
    IAMPasswordPolicy,
    VirtualMFADevice,
)
from auditor.session import ClientPool

from .conftest import ACCOUNT, FaultyPool, collect_scopes

DATASETS = (
    "iam_credential_report",
    "iam_account_summary",
    "iam_virtual_mfa_devices",
    "iam_password_policy",
)
MFA_CODES = {"AuthenticationCode1": "123456", "AuthenticationCode2": "654321"}

# The columns and values the IAM User Guide ("Getting credential reports", report format)
# documents; the root row reports not_supported where a field does not apply to it.
HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)
ROOT_ROW = (
    f"<root_account>,arn:aws:iam::{ACCOUNT}:root,2019-03-01T09:00:00+00:00,not_supported,"
    "2026-05-20T08:15:00+00:00,not_supported,not_supported,false,true,2020-01-10T10:00:00+00:00,"
    "2026-05-30T11:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
)
USER_ROW = (
    f"ops-bot,arn:aws:iam::{ACCOUNT}:user/ops-bot,2024-02-01T12:00:00+00:00,false,N/A,N/A,N/A,"
    "false,true,2025-11-01T00:00:00+00:00,N/A,N/A,N/A,true,2026-04-01T00:00:00+00:00,"
    "2026-05-31T23:59:59+00:00,eu-west-1,dynamodb,false,N/A,false,N/A"
)
GENERATED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_report_summary_and_devices_are_read_from_moto(aws: boto3.session.Session) -> None:
    iam = aws.client("iam")
    iam.create_user(UserName="mina")
    iam.create_login_profile(UserName="mina", Password="demo-password-not-secret")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="mina")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="mina", SerialNumber=device["SerialNumber"], **MFA_CODES)
    iam.create_access_key(UserName="mina")
    iam.create_user(UserName="ci")
    # Created but never assigned: not a device anyone signs in with.
    iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")

    scope = collect_scopes(aws, DATASETS, regions=("us-east-1",))["global"]

    assert scope.errors == []
    report = scope.iam_credential_report
    assert isinstance(report, IAMCredentialReport)
    assert report.generated_time.tzinfo is UTC
    rows = {row.user: row for row in report.users}
    assert sorted(rows) == ["ci", "mina"]
    mina = rows["mina"]
    assert mina.arn == f"arn:aws:iam::{ACCOUNT}:user/mina"
    assert (mina.password_enabled, mina.mfa_active) == (True, True)
    assert mina.password_last_used is None  # moto: no_information
    assert mina.access_key_1.active is True
    assert mina.access_key_1.last_rotated is not None
    assert mina.access_key_1.last_used_date is None
    assert mina.access_key_2 == AccessKeyStatus()
    assert (rows["ci"].password_enabled, rows["ci"].mfa_active) == (False, False)
    assert scope.iam_account_summary == IAMAccountSummary(
        root_arn=f"arn:aws:iam::{ACCOUNT}:root",
        account_mfa_enabled=False,
        account_access_keys_present=False,
    )
    assert scope.iam_virtual_mfa_devices == [
        VirtualMFADevice(
            serial_number=f"arn:aws:iam::{ACCOUNT}:mfa/mina",
            user_arn=f"arn:aws:iam::{ACCOUNT}:user/mina",
        )
    ]


def _stubbed(aws: boto3.session.Session) -> tuple[ClientPool, Stubber]:
    pool = ClientPool(aws, None)
    return pool, Stubber(pool.client("iam", "us-east-1"))


def test_report_in_progress_is_polled_until_ready(
    aws: boto3.session.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto has the report at once; AWS answers GetCredentialReport with ReportInProgress
    (HTTP 404) while GenerateCredentialReport's State is STARTED or INPROGRESS."""
    waits: list[float] = []
    monkeypatch.setattr(iam_credentials, "_sleep", waits.append)
    pool, stub = _stubbed(aws)
    with stub:
        stub.add_response("generate_credential_report", {"State": "STARTED"}, {})
        stub.add_client_error(
            "get_credential_report", service_error_code="ReportInProgress", http_status_code=404
        )
        stub.add_response("generate_credential_report", {"State": "COMPLETE"}, {})
        stub.add_response(
            "get_credential_report",
            {
                "Content": f"{HEADER}\n{ROOT_ROW}\n{USER_ROW}\n".encode(),
                "ReportFormat": "text/csv",
                "GeneratedTime": GENERATED,
            },
            {},
        )
        scope = collect_scopes(aws, ["iam_credential_report"], pool=pool, regions=("us-east-1",))[
            "global"
        ]
        stub.assert_no_pending_responses()

    assert waits == [iam_credentials.POLL_SECONDS[0]]
    report = scope.iam_credential_report
    assert isinstance(report, IAMCredentialReport)
    assert report.generated_time == GENERATED
    root = report.root
    assert root is not None
    assert root.arn == f"arn:aws:iam::{ACCOUNT}:root"
    assert root.password_enabled is False  # not_supported
    assert root.password_last_used == datetime(2026, 5, 20, 8, 15, tzinfo=UTC)
    assert root.password_last_changed is None
    assert root.access_key_1 == AccessKeyStatus(
        active=True,
        last_rotated=datetime(2020, 1, 10, 10, 0, tzinfo=UTC),
        last_used_date=datetime(2026, 5, 30, 11, 0, tzinfo=UTC),
    )
    [bot] = report.users
    assert bot.user == "ops-bot"
    assert bot.user_creation_time == datetime(2024, 2, 1, 12, 0, tzinfo=UTC)
    assert bot.access_key_1.last_used_date is None  # N/A: never used
    assert bot.access_key_2.last_used_date == datetime(2026, 5, 31, 23, 59, 59, tzinfo=UTC)


def test_report_never_ready_is_an_error_naming_the_operation(
    aws: boto3.session.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(iam_credentials, "_sleep", waits.append)
    pool, stub = _stubbed(aws)
    with stub:
        for _ in range(len(iam_credentials.POLL_SECONDS) + 1):
            stub.add_response("generate_credential_report", {"State": "INPROGRESS"}, {})
            stub.add_client_error(
                "get_credential_report",
                service_error_code="ReportInProgress",
                http_status_code=404,
            )
        scope = collect_scopes(aws, ["iam_credential_report"], pool=pool, regions=("us-east-1",))[
            "global"
        ]
        stub.assert_no_pending_responses()

    assert waits == list(iam_credentials.POLL_SECONDS)
    error = scope.iam_credential_report
    assert isinstance(error, CollectionError)
    assert (error.operation, error.error_code) == ("GetCredentialReport", "ReportInProgress")


def test_malformed_report_date_fails_the_dataset(aws: boto3.session.Session) -> None:
    pool, stub = _stubbed(aws)
    broken = USER_ROW.replace("2025-11-01T00:00:00+00:00", "last tuesday")
    with stub:
        stub.add_response("generate_credential_report", {"State": "COMPLETE"}, {})
        stub.add_response(
            "get_credential_report",
            {"Content": f"{HEADER}\n{broken}\n".encode(), "GeneratedTime": GENERATED},
            {},
        )
        scope = collect_scopes(aws, ["iam_credential_report"], pool=pool, regions=("us-east-1",))[
            "global"
        ]

    error = scope.iam_credential_report
    assert isinstance(error, CollectionError)
    # Named by the answer that could not be read, not as a crash of the collector.
    assert (error.operation, error.error_code) == ("GetCredentialReport", "MalformedAnswer")
    assert "access_key_1_last_rotated" in error.message


@pytest.mark.parametrize(
    ("operation", "dataset"),
    [
        ("GenerateCredentialReport", "iam_credential_report"),
        ("GetCredentialReport", "iam_credential_report"),
        ("GetAccountSummary", "iam_account_summary"),
        ("ListVirtualMFADevices", "iam_virtual_mfa_devices"),
        ("GetAccountPasswordPolicy", "iam_password_policy"),
    ],
)
def test_denied_read_is_a_dataset_error(
    aws: boto3.session.Session, operation: str, dataset: str
) -> None:
    pool = FaultyPool(aws, {operation: "AccessDenied"})

    scope = collect_scopes(aws, DATASETS, pool=pool, regions=("us-east-1",))["global"]

    error = getattr(scope, dataset)
    assert isinstance(error, CollectionError)
    assert (error.operation, error.error_code) == (operation, "AccessDenied")
    others = [getattr(scope, name) for name in DATASETS if name != dataset]
    assert not any(isinstance(value, CollectionError) for value in others)


def test_collectors_send_only_their_declared_operations(aws: boto3.session.Session) -> None:
    aws.client("iam").create_user(UserName="someone")
    pool = FaultyPool(aws, {})

    scope = collect_scopes(aws, DATASETS, pool=pool, regions=("us-east-1",))["global"]

    assert scope.errors == []
    assert set(pool.api_calls) == {
        "iam:GenerateCredentialReport",
        "iam:GetCredentialReport",
        "iam:GetAccountSummary",
        "iam:ListVirtualMFADevices",
        "iam:GetAccountPasswordPolicy",
    }


def test_password_policy_is_read_with_its_settings(aws: boto3.session.Session) -> None:
    aws.client("iam").update_account_password_policy(
        MinimumPasswordLength=16,
        PasswordReusePrevention=24,
        RequireSymbols=True,
        RequireNumbers=True,
        MaxPasswordAge=90,
    )

    scope = collect_scopes(aws, ["iam_password_policy"], regions=("us-east-1",))["global"]

    assert scope.iam_password_policy == IAMPasswordPolicy(
        present=True,
        minimum_password_length=16,
        password_reuse_prevention=24,
        require_symbols=True,
        require_numbers=True,
        require_uppercase_characters=False,
        require_lowercase_characters=False,
        max_password_age=90,
    )


def test_an_account_without_a_password_policy_reads_as_none_set_not_an_error(
    aws: boto3.session.Session,
) -> None:
    """GetAccountPasswordPolicy answers NoSuchEntity (HTTP 404) when no policy was ever set:
    an answer about the account, not a gap in the scan."""
    scope = collect_scopes(aws, ["iam_password_policy"], regions=("us-east-1",))["global"]

    assert scope.errors == []
    assert scope.iam_password_policy == IAMPasswordPolicy(present=False)
