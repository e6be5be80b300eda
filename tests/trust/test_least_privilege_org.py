"""`scan --org` needs only what `auditor policy --org` prints for the caller, and what
`auditor policy` prints for the role in each member account, against a moto server enforcing
IAM (moto's differences from AWS are adapted in the test's copies of the policies, as in
test_least_privilege.py). Without `sts:AssumeRole` a member account is one gap in the report;
without `organizations:ListAccounts` the scan stops at once with one line and exit 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from ..e2e.conftest import ACCOUNT, Result, clean_env, moto_client, moto_server, run_auditor
from .test_least_privilege import _moto_policy, users_then_enforce

pytestmark = pytest.mark.e2e

REGION = ["--region", "us-east-1"]
ROLE = "OrganizationAccountAccessRole"


@dataclass
class Org:
    port: int
    member: str
    keys: dict[str, tuple[str, str]]


def _actions(tmp: Path, *args: str) -> list[str]:
    printed = run_auditor(tmp, "policy", *REGION, *args)
    assert printed.code == 0, printed.stderr
    actions: list[str] = json.loads(printed.stdout)["Statement"][0]["Action"]
    return actions


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Org]:
    tmp = tmp_path_factory.mktemp("org")
    caller = _actions(tmp, "--org")
    member_role = _actions(tmp)
    users = {
        "org-auditor": caller,
        "org-without-assume-role": [a for a in caller if a != "sts:AssumeRole"],
        "org-without-list-accounts": [a for a in caller if a != "organizations:ListAccounts"],
    }
    with moto_server(tmp / "server.log", seed=True, module="tests.trust.enforcing_moto") as port:
        [member] = [
            a["Id"]
            for a in moto_client(port, "organizations").list_accounts()["Accounts"]
            if a["Id"] != ACCOUNT
        ]
        # The member's role (its trust policy already names the management account) gets the
        # policy `auditor policy` prints, and nothing else.
        credentials = moto_client(port, "sts").assume_role(
            RoleArn=f"arn:aws:iam::{member}:role/{ROLE}", RoleSessionName="set-up"
        )["Credentials"]
        member_iam = boto3.client(
            "iam",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        assert member_iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"] == []
        member_iam.put_role_policy(
            RoleName=ROLE, PolicyName="auditor", PolicyDocument=_moto_policy(member_role)
        )
        policies = {user: _moto_policy(actions) for user, actions in users.items()}
        yield Org(port, member, users_then_enforce(port, policies))


def _org_scan(org: Org, user: str, tmp_path: Path) -> Result:
    key_id, secret = org.keys[user]
    return run_auditor(
        tmp_path,
        "scan",
        "--org",
        *REGION,
        "--endpoint-url",
        f"http://127.0.0.1:{org.port}",
        "--output-dir",
        str(tmp_path / "out"),
        "--fail-on",
        "none",
        env=clean_env(tmp_path, AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret),
    )


def test_the_printed_policies_are_enough_for_an_organization_scan(org: Org, tmp_path: Path) -> None:
    result = _org_scan(org, "org-auditor", tmp_path)

    assert result.code == 0, result.stderr
    assert result.report["errors"] == []
    by_account = result.report["summary"]["by_account"]
    assert set(by_account) == {ACCOUNT, org.member}
    assert all(counts["ERROR"] == 0 and counts["PASS"] > 0 for counts in by_account.values())


def test_without_assume_role_the_member_account_is_one_gap(org: Org, tmp_path: Path) -> None:
    result = _org_scan(org, "org-without-assume-role", tmp_path)

    assert result.code == 3, result.stderr
    gaps = {(e["account_id"], e["operation"], e["error_code"]) for e in result.report["errors"]}
    assert gaps == {(org.member, "AssumeRole", "AccessDenied")}
    by_account = result.report["summary"]["by_account"]
    assert by_account[ACCOUNT]["ERROR"] == 0
    assert by_account[org.member]["PASS"] == by_account[org.member]["FAIL"] == 0


def test_without_list_accounts_the_scan_stops_with_one_line(org: Org, tmp_path: Path) -> None:
    result = _org_scan(org, "org-without-list-accounts", tmp_path)

    assert result.code == 2
    [line] = result.stderr.strip().splitlines()
    assert "organizations:ListAccounts" in line
    assert not (tmp_path / "out" / "auditor-report.json").exists()
