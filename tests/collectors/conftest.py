"""Collector tests run under moto's mock_aws with real boto3 calls."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from auditor.collect import Target, collect
from auditor.models import ScopeSnapshot
from auditor.registry import load_collectors
from auditor.session import ClientPool

ACCOUNT = "123456789012"
REGIONS = ("us-east-1", "eu-west-1")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.session.Session]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        yield boto3.session.Session(region_name="us-east-1")


class FaultyPool(ClientPool):
    """A real client pool that answers chosen operations with an AWS error instead.

    The error is built exactly as botocore builds a ClientError from an AWS error body.
    """

    def __init__(
        self,
        session: boto3.session.Session,
        faults: dict[str, str],
        when: Callable[[str, dict[str, Any]], bool] = lambda region, params: True,
    ) -> None:
        super().__init__(session, None)
        self.faults = faults
        self.when = when

    def _maybe_fail(self, region: str, operation: str, params: dict[str, Any]) -> None:
        code = self.faults.get(operation)
        if code is not None and self.when(region, params):
            raise ClientError(
                {
                    "Error": {"Code": code, "Message": f"User is not authorized to {operation}"},
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                operation,
            )

    def call(self, service: str, region: str, operation: str, params: dict[str, Any]) -> Any:
        self._maybe_fail(region, operation, params)
        return super().call(service, region, operation, params)

    def paginate(
        self, service: str, region: str, operation: str, params: dict[str, Any]
    ) -> Iterable[dict[str, Any]]:
        self._maybe_fail(region, operation, params)
        return super().paginate(service, region, operation, params)


def collect_scopes(
    session: boto3.session.Session,
    datasets: Iterable[str],
    *,
    pool: ClientPool | None = None,
    regions: tuple[str, ...] = REGIONS,
) -> dict[str, ScopeSnapshot]:
    """Run the real collectors for `datasets`; the scopes by region ("global" included)."""
    scopes = collect(
        Target(ACCOUNT, regions),
        list(datasets),
        load_collectors(),
        pool or ClientPool(session, None),
    )
    return {scope.region: scope for scope in scopes}
