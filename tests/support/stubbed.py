"""A client pool whose real botocore clients answer from botocore's Stubber.

For answers moto cannot give (an organization trail seen from a member account, a key described
without KeySpec): each answer is queued as the AWS API reference documents its shape, botocore
validates it against the service model, and the real collectors read it through the same pool
code a scan uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore import xform_name
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from botocore.validate import validate_parameters

from auditor.collect import Target, collect
from auditor.models import ScopeSnapshot, Snapshot
from auditor.registry import load_collectors
from auditor.session import ClientPool

ACCOUNT = "123456789012"


def offline_session() -> boto3.session.Session:
    """A session with moto's fake credentials: no request leaves the process unanswered."""
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )


class StubbedPool(ClientPool):
    """Every (service, region) client is a real one with an active Stubber."""

    def __init__(self) -> None:
        super().__init__(offline_session(), None)
        self.stubbers: dict[tuple[str, str], Stubber] = {}

    def client(self, service: str, region: str) -> Any:
        client = super().client(service, region)
        if (service, region) not in self.stubbers:
            stubber = Stubber(client)
            stubber.activate()
            self.stubbers[(service, region)] = stubber
        return client

    def stub(self, service: str, region: str = "us-east-1") -> Stubber:
        self.client(service, region)
        return self.stubbers[(service, region)]

    def answer(
        self,
        service: str,
        operation: str,
        response: dict[str, Any],
        region: str = "us-east-1",
        params: dict[str, Any] | None = None,
    ) -> None:
        """Queue `response`; with `params`, the request must carry exactly those."""
        method = _method(self, service, region, operation)
        self.stub(service, region).add_response(method, response, params)

    def refuse(
        self, service: str, operation: str, code: str, region: str = "us-east-1", status: int = 400
    ) -> None:
        self.stub(service, region).add_client_error(
            _method(self, service, region, operation),
            service_error_code=code,
            service_message=f"refused: {code}",
            http_status_code=status,
        )

    def assert_all_answered(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


def _method(pool: StubbedPool, service: str, region: str, operation: str) -> str:
    model = pool.client(service, region).meta.service_model
    assert operation in model.operation_names, operation
    return str(xform_name(operation))


def collect_stubbed(
    pool: ClientPool, datasets: Iterable[str], regions: tuple[str, ...] = ("us-east-1",)
) -> dict[str, ScopeSnapshot]:
    """The real collectors for `datasets`, one at a time so the queued answers keep their order."""
    scopes = collect(
        Target(ACCOUNT, regions), list(datasets), load_collectors(), pool, max_workers=1
    )
    return {scope.region: scope for scope in scopes}


def snapshot_of(scope: ScopeSnapshot) -> Snapshot:
    """A snapshot of one collected scope, for the engine to evaluate."""
    return Snapshot(
        tool_version="test",
        collected_at=datetime(2026, 1, 1, tzinfo=UTC),
        accounts=[scope.account_id],
        regions=[scope.region],
        scopes=[scope],
    )


class AnswerBook(ClientPool):
    """Clients that answer from a book instead of a queue: each entry names a service, an
    operation and the request parameters it answers (`match`, a subset), so the answers hold
    whatever order and however many times the collector asks. Each response is validated against
    the operation's output shape, as Stubber validates; a request the book has no entry for
    fails the test."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        super().__init__(offline_session(), None)
        self.entries = entries
        self.asked: list[tuple[str, str, dict[str, Any]]] = []
        self._hooked: set[tuple[str, str]] = set()

    def client(self, service: str, region: str) -> Any:
        client = super().client(service, region)
        if (service, region) not in self._hooked:
            self._hooked.add((service, region))
            client.meta.events.register("before-parameter-build", _keep_params)
            client.meta.events.register_first("before-call", self._answer)
        return client

    def _answer(self, model: Any, context: dict[str, Any], **_: Any) -> Any:
        service = model.service_model.service_name
        params: dict[str, Any] = context.get("book_params", {})
        self.asked.append((service, model.name, params))
        for entry in self.entries:
            wanted = entry.get("match", {})
            if (entry["service"], entry["operation"]) != (service, model.name):
                continue
            if any(params.get(key) != value for key, value in wanted.items()):
                continue
            if "error" in entry:
                status = int(entry.get("status", 400))
                body = {
                    "Error": {"Code": entry["error"], "Message": f"refused: {entry['error']}"},
                    "ResponseMetadata": {"HTTPStatusCode": status},
                }
                return AWSResponse(None, status, {}, None), body
            response = dict(entry["response"])
            # botocore hands GetBucketLocation's empty constraint over as None (us-east-1);
            # the model has no null, so a None member is left out of the validation.
            validate_parameters(
                {k: v for k, v in response.items() if v is not None}, model.output_shape
            )
            response.setdefault("ResponseMetadata", {"HTTPStatusCode": 200})
            return AWSResponse(None, 200, {}, None), response
        raise AssertionError(f"no answer in the book for {service}:{model.name} {params}")


def _keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    context["book_params"] = dict(params)
