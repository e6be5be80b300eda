"""`auditor scan --org` against an organization in a moto server: every active account is read
through the role assumed in it, one report covers them all, and an account whose role cannot
be assumed is one ERROR entry naming it while the rest of the scan goes on.

moto's STS lets any role be assumed, so the account out of reach is made by the loopback proxy
answering its AssumeRole with AccessDenied, as AWS does when the trust policy refuses.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from auditor.findings import Report

from ..support.awsproxy import AwsProxy, Fault, RecordedRequest
from .conftest import ACCOUNT, moto_client, moto_server, run_auditor

pytestmark = pytest.mark.e2e

ROLE = "OrganizationAccountAccessRole"


class Org:
    def __init__(self, port: int, members: list[str], locked: str) -> None:
        self.port = port
        self.members = members  # reachable member accounts
        self.locked = locked  # its role refuses the auditor

    @property
    def reachable(self) -> list[str]:
        return sorted([ACCOUNT, *self.members])


def _member_session(port: int, account_id: str) -> boto3.session.Session:
    sts = moto_client(port, "sts")
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE}", RoleSessionName="seed"
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    )


def _seed_tables(session: boto3.session.Session, port: int, account_id: str) -> None:
    """One table with point-in-time recovery and one without, named after the account."""
    dynamodb = session.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}")
    for name in (f"safe-{account_id}", f"bare-{account_id}"):
        dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    dynamodb.update_continuous_backups(
        TableName=f"safe-{account_id}",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Org]:
    with moto_server(tmp_path_factory.mktemp("moto-org") / "server.log") as port:
        organizations = moto_client(port, "organizations")
        organizations.create_organization(FeatureSet="ALL")
        created = [
            organizations.create_account(AccountName=name, Email=f"{name}@example.com")[
                "CreateAccountStatus"
            ]["AccountId"]
            for name in ("payments", "analytics", "sandbox")
        ]
        management = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        _seed_tables(management, port, ACCOUNT)
        for account_id in created:
            _seed_tables(_member_session(port, account_id), port, account_id)
        yield Org(port, members=created[:2], locked=created[2])


def _locked_out(org: Org) -> Fault:
    def refuses(request: RecordedRequest) -> bool:
        return f":{org.locked}:role/" in request.params.get("RoleArn", "")

    return Fault(
        "AssumeRole",
        code="AccessDenied",
        status=403,
        message="not authorized to perform: sts:AssumeRole",
        when=refuses,
    )


def _scan(tmp_path: Path, endpoint: str, *extra: str) -> Any:
    return run_auditor(
        tmp_path,
        "scan",
        "--org",
        "--region",
        "us-east-1",
        "--check",
        "dynamodb_table_pitr_enabled",
        "--fail-on",
        "none",
        "--output-dir",
        str(tmp_path / "out"),
        "--endpoint-url",
        endpoint,
        *extra,
    )


def test_org_scan_reads_every_account_and_reports_the_one_out_of_reach(
    tmp_path: Path, org: Org
) -> None:
    with AwsProxy(org.port, [_locked_out(org)]) as proxy:
        result = _scan(tmp_path, proxy.url)

    # README: exit 3 when the scan is incomplete and nothing failed at or above --fail-on.
    assert result.code == 3, result.stderr
    report = Report.model_validate(result.report)
    assert report.scan.accounts == sorted([*org.reachable, org.locked])
    statuses = {f.resource.id: f.status.value for f in report.findings if f.region != "global"}
    for account_id in org.reachable:
        assert statuses[f"safe-{account_id}"] == "PASS"
        assert statuses[f"bare-{account_id}"] == "FAIL"
    # Each member was read with its own credentials: no account sees another's tables.
    for finding in report.findings:
        if finding.resource.id.startswith(("safe-", "bare-")):
            assert finding.resource.id.endswith(finding.account_id)
    # The locked account: one gap naming it and the role, ERROR findings, no PASS or FAIL.
    assert len(report.errors) == 1
    gap = report.errors[0]
    assert (gap.account_id, gap.service, gap.operation, gap.error_code) == (
        org.locked,
        "sts",
        "AssumeRole",
        "AccessDenied",
    )
    assert f"arn:aws:iam::{org.locked}:role/{ROLE}" in gap.message
    assert gap.checks == ["dynamodb_table_pitr_enabled"]
    locked = [f for f in report.findings if f.account_id == org.locked]
    assert [f.status.value for f in locked] == ["ERROR"]
    # The per-account summary.
    by_account = report.summary.by_account
    assert set(by_account) == {*org.reachable, org.locked}
    for account_id in org.reachable:
        assert (by_account[account_id].PASS, by_account[account_id].FAIL) == (1, 1)
    assert by_account[org.locked].ERROR == 1
    assert by_account[org.locked].PASS == by_account[org.locked].FAIL == 0
    # Roles were assumed with the default name and only for members, never the caller.
    assumed = sorted(r.params["RoleArn"] for r in proxy.requests if r.operation == "AssumeRole")
    assert assumed == sorted(f"arn:aws:iam::{a}:role/{ROLE}" for a in [*org.members, org.locked])
    assert f"account {org.locked} is out of reach" in result.stderr
    html = (result.output_dir / "auditor-report.html").read_text()
    for account_id in [*org.reachable, org.locked]:
        assert account_id in html


def test_accounts_and_exclude_accounts_narrow_the_scan(tmp_path: Path, org: Org) -> None:
    with AwsProxy(org.port, [_locked_out(org)]) as proxy:
        result = _scan(
            tmp_path,
            proxy.url,
            "--exclude-accounts",
            org.locked,
            "--accounts",
            f"{org.members[0]},{org.locked}",
            "--role-name",
            "AuditRole",
            "--external-id",
            "shared-secret-id",
        )

    assert result.code == 0, result.stderr
    report = Report.model_validate(result.report)
    assert report.scan.accounts == [org.members[0]]
    assert report.errors == []
    assert {f.account_id for f in report.findings} == {org.members[0]}
    assumes = [r.params for r in proxy.requests if r.operation == "AssumeRole"]
    assert [(p["RoleArn"], p["ExternalId"]) for p in assumes] == [
        (f"arn:aws:iam::{org.members[0]}:role/AuditRole", "shared-secret-id")
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--accounts", "999999999999"],
            "account '999999999999' is not an active account of the organization",
        ),
        (["--accounts", "12345"], "--accounts '12345' is not a 12-digit AWS account id"),
    ],
)
def test_bad_account_selection_is_one_line_and_exit_2(
    tmp_path: Path, org: Org, extra: list[str], message: str
) -> None:
    result = _scan(tmp_path, f"http://127.0.0.1:{org.port}", *extra)

    assert result.code == 2
    assert result.stderr.strip().splitlines() == [f"auditor: error: {message}"]
    assert not (tmp_path / "out" / "auditor-report.json").exists()


def test_org_options_without_org_are_refused(tmp_path: Path, org: Org) -> None:
    result = run_auditor(
        tmp_path,
        "scan",
        "--role-name",
        "AuditRole",
        "--endpoint-url",
        f"http://127.0.0.1:{org.port}",
        "--output-dir",
        str(tmp_path / "out"),
    )

    assert result.code == 2
    assert result.stderr.strip() == "auditor: error: --role-name needs --org"


def test_org_shards_merged_equal_the_whole_org_scan(tmp_path: Path, org: Org) -> None:
    """Shards split (account, region) pairs across accounts, the locked one included."""
    results = {}
    with AwsProxy(org.port, [_locked_out(org)]) as proxy:
        for name, extra in (
            ("whole", ()),
            ("one", ("--shard", "1/2")),
            ("two", ("--shard", "2/2")),
        ):
            run_dir = tmp_path / name
            run_dir.mkdir()
            result = _scan(run_dir, proxy.url, "--format", "json", *extra)
            assert result.code == (3 if result.report["errors"] else 0), result.stderr
            results[name] = Report.model_validate(result.report)
    merged_dir = tmp_path / "merged"
    merged = run_auditor(
        tmp_path,
        "merge",
        str(tmp_path / "one" / "out" / "auditor-report.json"),
        str(tmp_path / "two" / "out" / "auditor-report.json"),
        "--output-dir",
        str(merged_dir),
        "--fail-on",
        "none",
    )

    assert merged.code == 3, merged.stderr
    # The shards split the findings (moto's account ids are random, so the split varies) and
    # the locked account's gap is in one of them, or both when its scopes are split.
    one, two = ({f.id for f in results[n].findings} for n in ("one", "two"))
    assert not one & two
    whole = results["whole"]
    # Two tables in each reachable account and the locked account's ERROR: not empty sets.
    assert len(whole.findings) == 2 * len(org.reachable) + 1
    assert one | two == {f.id for f in whole.findings}
    assert 1 <= len(results["one"].errors) + len(results["two"].errors) <= 2
    report = Report.model_validate_json((merged_dir / "auditor-report.json").read_text())
    assert [(f.id, f.status) for f in report.findings] == [(f.id, f.status) for f in whole.findings]
    assert report.errors == whole.errors
    assert report.summary.by_account == whole.summary.by_account


def test_a_member_whose_regions_cannot_be_listed_is_one_gap_and_the_scan_goes_on(
    tmp_path: Path, org: Org
) -> None:
    # Without --region each member's enabled regions are listed through its role; the caller's
    # own DescribeRegions (always the first) is answered, every member's is refused.
    calls = {"n": 0}

    def after_the_callers(_: RecordedRequest) -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    refused = Fault("DescribeRegions", code="UnauthorizedOperation", when=after_the_callers)
    with AwsProxy(org.port, [refused]) as proxy:
        result = run_auditor(
            tmp_path,
            "scan",
            "--org",
            "--check",
            "dynamodb_table_pitr_enabled",
            "--output-dir",
            str(tmp_path / "out"),
            "--endpoint-url",
            proxy.url,
        )

    members = sorted([*org.members, org.locked])
    assert calls["n"] == 1 + len(members)  # the caller's answered, each member's refused
    assert result.code == 3, result.stderr
    report = Report.model_validate(result.report)
    # One gap per member, naming the account, the role and the refused call.
    gaps = sorted(report.errors, key=lambda e: e.account_id)
    assert [(g.account_id, g.service, g.operation, g.error_code) for g in gaps] == [
        (a, "ec2", "DescribeRegions", "UnauthorizedOperation") for a in members
    ]
    for gap, account_id in zip(gaps, members, strict=True):
        assert f"arn:aws:iam::{account_id}:role/{ROLE}" in gap.message
        assert gap.checks == ["dynamodb_table_pitr_enabled"]
    # The members' findings are all ERROR; the caller's own account was judged as usual.
    for account_id in members:
        statuses = {f.status.value for f in report.findings if f.account_id == account_id}
        assert statuses == {"ERROR"}
    own = {f.resource.id: f.status.value for f in report.findings if f.account_id == ACCOUNT}
    assert own == {f"safe-{ACCOUNT}": "PASS", f"bare-{ACCOUNT}": "FAIL"}
