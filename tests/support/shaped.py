"""A client pool that answers every request with an answer drawn from the operation's own
output shape in botocore's service model.

Optional members are present or absent, lists empty or not, strings empty, long, hostile or
an enum value botocore does not know yet, timestamps with and without a time zone: the shapes
AWS may send that moto never does. The pagination tokens of a paginated operation are left out
(one page), so a collector's list ends.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.exceptions import DataNotFoundError
from botocore.model import Shape

from auditor.session import ClientPool
from tests.support.stubbed import offline_session

_STRINGS = (
    "",
    "x",
    "prod",
    "arn:aws:iam::123456789012:role/app",
    "<img src=x onerror=alert(1)>",
    "é" * 300,
    "{}",
    '{"Version": "2012-10-17", "Statement": []}',
)
_TIMES = (
    datetime(2026, 1, 5, 3, 30, tzinfo=UTC),
    datetime(2019, 7, 1, 12, 0),  # no time zone
    datetime(2026, 11, 30, tzinfo=UTC) - timedelta(microseconds=1),
)


class ShapedAnswers(ClientPool):
    """Every (service, region) client answers from `rng`, drawn from the output shape."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__(offline_session(), None)
        self.rng = rng
        self.asked: list[tuple[str, str]] = []
        self._hooked: set[tuple[str, str]] = set()

    def client(self, service: str, region: str) -> Any:
        client = super().client(service, region)
        if (service, region) not in self._hooked:
            self._hooked.add((service, region))
            client.meta.events.register_first("before-call", self._answer)
        return client

    def _answer(self, model: Any, **_: Any) -> Any:
        service = model.service_model.service_name
        self.asked.append((service, model.name))
        body: dict[str, Any] = {}
        if model.output_shape is not None:
            body = self.structure(model.output_shape, depth=0)
            for member in _one_page(service, model.name):
                body.pop(member, None)
        body["ResponseMetadata"] = {"HTTPStatusCode": 200}
        return AWSResponse(None, 200, {}, None), body

    def value(self, shape: Shape, depth: int) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, depth + 1)
        if kind == "list":
            count = 0 if depth > 4 else self.rng.choice((0, 1, 1, 2, 3))
            return [self.value(shape.member, depth + 1) for _ in range(count)]  # type: ignore[attr-defined]
        if kind == "map":
            count = 0 if depth > 4 else self.rng.choice((0, 1, 2))
            return {
                self.string(shape.key): self.value(shape.value, depth + 1)  # type: ignore[attr-defined]
                for _ in range(count)
            }
        if kind == "string":
            return self.string(shape)
        if kind in ("integer", "long"):
            low = int(shape.metadata.get("min", 0))
            return self.rng.choice((low, low + 1, 1000, 2**31 - 1))
        if kind in ("float", "double"):
            return self.rng.choice((0.0, 0.5, 99.9, 1e9))
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "timestamp":
            return self.rng.choice(_TIMES)
        if kind == "blob":
            return self.rng.choice((b"", b"user,arn\n", "é".encode() * 10))
        raise AssertionError(f"a shape type botocore has not had: {kind}")

    def structure(self, shape: Shape, depth: int) -> dict[str, Any]:
        required = set(shape.metadata.get("required", ()))
        members: dict[str, Shape] = shape.members  # type: ignore[attr-defined]
        return {
            name: self.value(member, depth)
            for name, member in members.items()
            if name in required or (depth <= 5 and self.rng.random() < 0.6)
        }

    def string(self, shape: Shape) -> str:
        enum: list[str] = list(shape.enum) if shape.enum else []  # type: ignore[attr-defined]
        if enum:
            # Now and then a value AWS added after this botocore was released.
            return self.rng.choice(enum) if self.rng.random() < 0.85 else "NEW_VALUE_2027"
        text = self.rng.choice(_STRINGS)
        low = int(shape.metadata.get("min", 0))
        return text + "a" * max(0, low - len(text))


_PAGINATORS: dict[str, Any] = {}


def _one_page(service: str, operation: str) -> list[str]:
    """The output members that would ask for another page (tokens, IsTruncated)."""
    if service not in _PAGINATORS:
        session = boto3.session.Session()._session
        try:
            _PAGINATORS[service] = session.get_paginator_model(service)
        except DataNotFoundError:  # a service without paginators
            _PAGINATORS[service] = None
    model = _PAGINATORS[service]
    if model is None:
        return []
    try:
        config = model.get_paginator(operation)
    except ValueError:
        return []
    tokens = config["output_token"]
    names = [tokens] if isinstance(tokens, str) else list(tokens)
    if "more_results" in config:
        names.append(config["more_results"])
    # A token like "NextMarker || Contents[-1].Key" names its members before any operator.
    return [part.strip().split(".")[0].split("[")[0] for n in names for part in n.split("||")]
