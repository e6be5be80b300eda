"""The account-level Block Public Access collector (S3 Control) under moto's mock and against a
real moto server reached through a custom endpoint, as the e2e scans and `auditor demo` reach
it: there botocore's `<account id>.<host>` name must lose its account label."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from types import SimpleNamespace

import boto3
import pytest
from moto.server import ThreadedMotoServer

from auditor.models import AccountPublicAccessBlock, CollectionError, PublicAccessBlock
from auditor.session import ClientPool, drop_account_host_label

from .conftest import ACCOUNT, FaultyPool, collect_scopes

ALL_FOUR = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def _account_block(
    session: boto3.session.Session, pool: ClientPool | None = None
) -> AccountPublicAccessBlock | CollectionError | None:
    scopes = collect_scopes(session, ["s3_account_public_access_block"], pool=pool)
    return scopes["global"].s3_account_public_access_block


def test_account_without_settings_reads_as_not_configured(aws: boto3.session.Session) -> None:
    assert _account_block(aws) == AccountPublicAccessBlock(
        account_id=ACCOUNT, settings=PublicAccessBlock(configured=False)
    )


def test_account_settings_are_read(aws: boto3.session.Session) -> None:
    aws.client("s3control", region_name="us-east-1").put_public_access_block(
        AccountId=ACCOUNT,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True},
    )

    block = _account_block(aws)

    assert isinstance(block, AccountPublicAccessBlock)
    assert block.settings == PublicAccessBlock(block_public_acls=True, ignore_public_acls=True)
    assert block.settings.settings_off() == ["BlockPublicPolicy", "RestrictPublicBuckets"]


def test_denied_account_read_is_a_dataset_error(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"GetPublicAccessBlock": "AccessDenied"})

    block = _account_block(aws, pool)

    assert isinstance(block, CollectionError)
    assert (block.region, block.operation, block.error_code) == (
        "global",
        "GetPublicAccessBlock",
        "AccessDenied",
    )


def _reset(endpoint_url: str) -> None:
    request = urllib.request.Request(f"{endpoint_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200


@pytest.fixture
def moto_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint_url = f"http://{host}:{port}"
        _reset(endpoint_url)  # moto's backends are process-wide
        yield endpoint_url
        _reset(endpoint_url)
    finally:
        server.stop()


def test_account_settings_are_read_through_a_custom_endpoint(moto_endpoint: str) -> None:
    session = boto3.session.Session(region_name="us-east-1")
    pool = ClientPool(session, moto_endpoint)
    pool.client("s3control", "us-east-1").put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration=ALL_FOUR
    )

    block = _account_block(session, pool)

    assert block == AccountPublicAccessBlock(
        account_id=ACCOUNT,
        settings=PublicAccessBlock(
            block_public_acls=True,
            ignore_public_acls=True,
            block_public_policy=True,
            restrict_public_buckets=True,
        ),
    )
    assert pool.api_calls["s3control:GetPublicAccessBlock"] == 1


def test_only_an_account_id_label_is_dropped_from_the_host() -> None:
    request = SimpleNamespace(
        url=f"http://{ACCOUNT}.127.0.0.1:5000/v20180820/configuration/publicAccessBlock"
    )
    drop_account_host_label(request)
    assert request.url == "http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock"

    for untouched in (
        "http://localhost:5000/v20180820/configuration/publicAccessBlock",
        "http://10.0.0.5:5000/v20180820/configuration/publicAccessBlock",
    ):
        request = SimpleNamespace(url=untouched)
        drop_account_host_label(request)
        assert request.url == untouched
