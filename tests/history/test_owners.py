"""Owners: a resource's owner tag (bulk GetResources, else its collector's tags), then the
account's tag in AWS Organizations, then the configured account map, else "unowned"."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
from moto import mock_aws

from auditor.config import AuditorConfig
from auditor.findings import ResourceRef, Status
from auditor.owners import UNOWNED, owner_of, read_account_tags
from tests.e2e.conftest import ACCOUNT, moto_client, moto_server, run_auditor
from tests.history.test_history_cli import CHECKS
from tests.report_factory import make_finding

CONFIG = AuditorConfig(owner_tags=["owner", "team"], account_owners={ACCOUNT: "payments"})
ARN = "arn:aws:s3:::alpha"


def finding(tags: dict[str, str] | None = None, account: str = ACCOUNT) -> object:
    f = make_finding("s3_bucket_lifecycle_configured", Status.FAIL, "alpha", arn=ARN)
    resource = ResourceRef(arn=ARN, id="alpha", type="AWS::S3::Bucket", tags=tags)
    return f.model_copy(update={"resource": resource, "account_id": account})


def test_owner_precedence() -> None:
    bulk = {ARN: {"team": "storage", "owner": "alice"}}
    accounts = {ACCOUNT: {"team": "org-team"}}
    f = finding(tags={"owner": "collector-owner"})
    # the first configured key wins within one source; bulk tags before the collector's
    assert owner_of(f, CONFIG, bulk, accounts) == "alice"  # type: ignore[arg-type]
    assert owner_of(f, CONFIG, {}, accounts) == "collector-owner"  # type: ignore[arg-type]
    assert owner_of(finding(), CONFIG, {ARN: {"team": " "}}, accounts) == "org-team"  # type: ignore[arg-type]
    assert owner_of(finding(), CONFIG, {}, {}) == "payments"  # type: ignore[arg-type]
    other = finding(account="210987654321")
    assert owner_of(other, CONFIG, {}, {}) == UNOWNED  # type: ignore[arg-type]
    assert owner_of(f, AuditorConfig(), bulk, accounts) == UNOWNED  # type: ignore[arg-type]


def test_account_tags_are_read_from_organizations() -> None:
    with mock_aws():
        org = boto3.client("organizations", region_name="us-east-1")
        org.create_organization(FeatureSet="ALL")
        org.create_account(
            Email="sandbox@example.com",
            AccountName="sandbox",
            Tags=[{"Key": "team", "Value": "lab"}],
        )
        ids = sorted(a["Id"] for a in org.list_accounts()["Accounts"])
        member = next(i for i in ids if i != ACCOUNT)
        tags, failed = read_account_tags(org, [*ids, "999999999999"])
    assert tags[member] == {"team": "lab"} and tags[ACCOUNT] == {}
    assert failed == ["999999999999 (TargetNotFoundException)"]


def test_scan_owners_from_tags_and_the_account_map(tmp_path: Path) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text(
        'owner_tags = ["owner", "team"]\n[account_owners]\n"123456789012" = "payments"\n'
    )
    mutes = tmp_path / "mute.yaml"
    mutes.write_text(
        "mutes:\n  - owned_by: storage\n    reason: storage accepts it\n"
        "    owner: lead@example.com\n    expires: 2099-01-01\n"
    )
    with moto_server(tmp_path / "moto.log") as port:
        s3 = moto_client(port, "s3")
        s3.create_bucket(Bucket="alpha")
        s3.put_bucket_tagging(
            Bucket="alpha", Tagging={"TagSet": [{"Key": "team", "Value": "storage"}]}
        )
        s3.create_bucket(Bucket="bravo")
        moto_client(port, "sqs").create_queue(QueueName="orders", tags={"owner": "orders-team"})
        result = run_auditor(
            tmp_path,
            "scan",
            "--region",
            "us-east-1",
            *CHECKS,
            "--config",
            str(config),
            "--mutelist",
            str(mutes),
            "--endpoint-url",
            f"http://127.0.0.1:{port}",
            "--output-dir",
            str(tmp_path / "out"),
            "--format",
            "json,markdown,csv",
            "--fail-on",
            "none",
        )
        policy = run_auditor(tmp_path, "policy", "--config", str(config), *CHECKS)
    assert result.code == 0, result.stderr
    report = json.loads((tmp_path / "out" / "auditor-report.json").read_text())
    owners = {f["resource"]["id"]: (f["owner"], f["muted"]) for f in report["findings"]}
    assert owners == {
        "alpha": ("storage", True),
        "bravo": ("payments", False),
        "orders": ("orders-team", False),
    }
    assert report["scan"]["api_calls"]["resourcegroupstaggingapi:GetResources"] == 1
    assert (
        "` orders-team ` | 0 | 0 | 1 | 0 | 0 | 1 |"
        in (tmp_path / "out" / "auditor-report.md").read_text()
    )
    assert "orders-team" in (tmp_path / "out" / "auditor-report.csv").read_text()
    assert "tag:GetResources" in json.loads(policy.stdout)["Statement"][0]["Action"]
