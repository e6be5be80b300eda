"""Owners of an organization scan through the real CLI (moto server on 127.0.0.1): the
resource's owner tag, then the account's tag in AWS Organizations, then the account map,
else unowned."""

from __future__ import annotations

import json
from pathlib import Path

import boto3

from tests.e2e.conftest import ACCOUNT, moto_client, moto_server, run_auditor


def _sqs(port: int, account_id: str) -> object:
    if account_id == ACCOUNT:
        return moto_client(port, "sqs")
    creds = moto_client(port, "sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="seed",
    )["Credentials"]
    return boto3.client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def test_org_owners_in_order_of_precedence(tmp_path: Path) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text(
        'owner_tags = ["owner", "team"]\n[account_owners]\n'
        f'"{ACCOUNT}" = "payments"\n"210987654321" = "never-used"\n'
    )
    with moto_server(tmp_path / "moto.log") as port:
        org = moto_client(port, "organizations")
        org.create_organization(FeatureSet="ALL")

        def member(name: str, tags: list[dict[str, str]]) -> str:
            status = org.create_account(AccountName=name, Email=f"{name}@example.com", Tags=tags)
            return str(status["CreateAccountStatus"]["AccountId"])

        lab = member("lab", [{"Key": "team", "Value": "lab-team"}])
        plain = member("plain", [])
        _sqs(port, ACCOUNT).create_queue(QueueName="tagged", tags={"owner": "orders-team"})
        _sqs(port, ACCOUNT).create_queue(QueueName="mapped")
        _sqs(port, lab).create_queue(QueueName="lab-tagged", tags={"team": "ml"})
        _sqs(port, lab).create_queue(QueueName="lab-plain")
        _sqs(port, plain).create_queue(QueueName="nobody")
        result = run_auditor(
            tmp_path,
            "scan",
            "--org",
            "--region",
            "us-east-1",
            "--check",
            "sqs_queue_has_dead_letter_queue",
            "--config",
            str(config),
            "--endpoint-url",
            f"http://127.0.0.1:{port}",
            "--output-dir",
            str(tmp_path / "out"),
            "--format",
            "json",
            "--fail-on",
            "none",
        )
    assert result.code == 0, result.stderr
    report = json.loads((tmp_path / "out" / "auditor-report.json").read_text())
    owners = {f["resource"]["id"]: f["owner"] for f in report["findings"]}
    assert owners == {
        "tagged": "orders-team",  # the resource's tag beats the account map
        "mapped": "payments",  # the account map
        "lab-tagged": "ml",  # the resource's tag beats the account's
        "lab-plain": "lab-team",  # the account's tag in Organizations
        "nobody": "unowned",
    }
    calls = report["scan"]["api_calls"]
    assert calls["resourcegroupstaggingapi:GetResources"] == 3  # one per account and region
