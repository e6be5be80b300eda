"""The collector framework's per-resource blast radius: `CollectContext.each` keeps a resource
whose read failed as that resource's unread record (one AWS says is gone since the list too), and
the engine reports each unread resource as ERROR in every check of its type over its dataset."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from auditor.checkapi import Scope, Verdict, check, passed
from auditor.collect import Target, collect
from auditor.collectors.base import (
    CollectContext,
    CollectionFailure,
    Collector,
    Operation,
    UndeclaredOperation,
    UnpagedList,
)
from auditor.datasets import SQS_QUEUES
from auditor.engine import Evaluation
from auditor.findings import Remediation, ResourceRef, Severity, Status
from auditor.models import CollectionError, QueueAttributes, SQSQueue
from tests.support.stubbed import snapshot_of

ACCOUNT = "111122223333"
QUEUE = "AWS::SQS::Queue"


class Refused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Caller:
    """Answers GetQueueAttributes per queue from `answers`: a dict, or a code to refuse with."""

    def __init__(self, queues: list[str], answers: dict[str, Any]) -> None:
        self.queues = queues
        self.answers = answers

    def call(self, service: str, region: str, operation: str, params: dict[str, Any]) -> Any:
        answer = self.answers[params["QueueUrl"]]
        if isinstance(answer, str):
            raise Refused(answer)
        return answer

    def paginate(
        self, service: str, region: str, operation: str, params: dict[str, Any]
    ) -> Iterable[dict[str, Any]]:
        if "list" in self.answers:
            raise Refused(self.answers["list"])
        yield {"QueueUrls": self.queues}

    def error_from(
        self,
        exc: Exception,
        *,
        account_id: str,
        region: str,
        service: str,
        operation: str,
        resource_id: str | None,
    ) -> CollectionError | None:
        if not isinstance(exc, Refused):
            return None
        return CollectionError(
            account_id=account_id,
            region=region,
            service=service,
            operation=operation,
            error_code=exc.code,
            message="refused",
            resource_id=resource_id,
        )


def _queue(ctx: CollectContext, url: str) -> SQSQueue:
    answer = ctx.call("sqs", "GetQueueAttributes", resource_id=url, QueueUrl=url)
    attributes = answer["Attributes"]  # a KeyError where the answer is malformed
    return SQSQueue(
        url=url,
        arn=f"arn:aws:sqs:eu-west-1:{ACCOUNT}:{url}",
        name=url,
        attributes=QueueAttributes(sqs_managed_sse=attributes["SqsManagedSseEnabled"] == "true"),
    )


def _collect(ctx: CollectContext) -> list[SQSQueue]:
    urls = ctx.paginate("sqs", "ListQueues", "QueueUrls")
    return ctx.each(
        urls,
        lambda url: _queue(ctx, url),
        kind=QUEUE,
        ident=str,
        arn=lambda url: f"arn:aws:sqs:eu-west-1:{ACCOUNT}:{url}",
    )


TOY = Collector(
    dataset=SQS_QUEUES,
    operations=(
        Operation("sqs", "ListQueues", "sqs:ListQueues"),
        Operation("sqs", "GetQueueAttributes", "sqs:GetQueueAttributes"),
    ),
    collect=_collect,
)


def _scope(queues: list[str], answers: dict[str, Any]) -> Any:
    [scope] = collect(
        Target(ACCOUNT, ("eu-west-1",)),
        ["sqs_queues"],
        {"sqs_queues": TOY},
        Caller(queues, answers),
    )
    return scope


READ = {"Attributes": {"SqsManagedSseEnabled": "true"}}


def test_each_keeps_every_failed_read_as_that_resources_unread_record() -> None:
    scope = _scope(
        ["ok", "denied", "gone", "garbled"],
        {"ok": READ, "denied": "AccessDenied", "gone": "QueueDoesNotExist", "garbled": {}},
    )

    assert [q.name for q in scope.sqs_queues] == ["ok"]
    unread = {u.id: u for u in scope.unread}
    # Deleted since the list is a gap too: a wrong region or a lagging list answers the same.
    assert sorted(unread) == ["denied", "garbled", "gone"]
    assert unread["gone"].error.error_code == "QueueDoesNotExist"
    assert (unread["denied"].type, unread["denied"].arn) == (
        QUEUE,
        f"arn:aws:sqs:eu-west-1:{ACCOUNT}:denied",
    )
    assert (unread["denied"].error.operation, unread["denied"].error.error_code) == (
        "GetQueueAttributes",
        "AccessDenied",
    )
    garbled = unread["garbled"].error
    assert (garbled.operation, garbled.error_code, garbled.resource_id) == (
        "collect:sqs_queues",
        "MalformedAnswer",
        "garbled",
    )
    assert "KeyError" in garbled.message
    assert sorted(e.resource_id or "" for e in scope.errors) == ["denied", "garbled", "gone"]


def test_only_a_failed_list_fails_the_dataset() -> None:
    scope = _scope(["ok"], {"ok": READ, "list": "AccessDenied"})

    assert isinstance(scope.sqs_queues, CollectionError)
    assert scope.sqs_queues.operation == "ListQueues"
    assert scope.unread == []


def test_an_undeclared_operation_inside_each_is_not_taken_for_a_resource_gap() -> None:
    ctx = CollectContext(
        TOY,
        Caller(["q"], {}),
        account_id=ACCOUNT,
        region="eu-west-1",
        api_region="eu-west-1",
        scan_regions=("eu-west-1",),
    )

    with pytest.raises(UndeclaredOperation):
        ctx.each(
            ["q"], lambda url: ctx.call("sqs", "DeleteQueue", QueueUrl=url), kind=QUEUE, ident=str
        )
    assert ctx.unread == []


def test_a_paginated_list_sent_as_one_call_inside_each_fails_the_collector() -> None:
    def unpaged(url: str) -> SQSQueue:
        raise UnpagedList("sqs:ListQueues pages: read it with paginate")

    def collect_unpaged(ctx: CollectContext) -> list[SQSQueue]:
        return ctx.each(["q"], unpaged, kind=QUEUE, ident=str)

    [scope] = collect(
        Target(ACCOUNT, ("eu-west-1",)),
        ["sqs_queues"],
        {"sqs_queues": Collector(SQS_QUEUES, TOY.operations, collect_unpaged)},
        Caller(["q"], {}),
    )

    # The whole dataset, not one queue read as a gap: a collector bug is no resource's fault.
    assert isinstance(scope.sqs_queues, CollectionError)
    assert scope.sqs_queues.error_code == "CollectorFailed"
    assert scope.unread == []


def test_attempt_lets_a_gone_code_through_to_each_which_keeps_the_resource_unread() -> None:
    ctx = CollectContext(
        TOY,
        Caller(["q"], {"q": "QueueDoesNotExist"}),
        account_id=ACCOUNT,
        region="eu-west-1",
        api_region="eu-west-1",
        scan_regions=("eu-west-1",),
    )

    def read() -> Any:
        return ctx.call("sqs", "GetQueueAttributes", QueueUrl="q")

    with pytest.raises(CollectionFailure):
        ctx.attempt(read, gone=("QueueDoesNotExist",))
    assert ctx.errors == []  # attempt kept no field gap ...
    assert (
        ctx.each(
            ["q"], lambda _: ctx.attempt(read, gone=("QueueDoesNotExist",)), kind=QUEUE, ident=str
        )
        == []
    )
    # ... each keeps the whole resource unread instead.
    [unread] = ctx.unread
    assert (unread.id, unread.error.error_code) == ("q", "QueueDoesNotExist")
    assert ctx.errors == [unread.error]


def _toy_check(check_id: str, resource_type: str) -> Any:
    @check(
        id=check_id,
        title="Toy queues are encrypted",
        service="sqs",
        severity=Severity.LOW,
        resource_type=resource_type,
        datasets=[SQS_QUEUES],
        rationale="A toy check for the engine.",
        remediation=Remediation(console="-", cli="-", terraform="-"),
    )
    def run(scope: Scope) -> Iterable[Verdict]:
        for queue in scope.get(SQS_QUEUES):
            yield passed(queue_ref(queue), "encrypted")

    return run


def queue_ref(queue: SQSQueue) -> ResourceRef:
    return ResourceRef(arn=queue.arn, id=queue.name, type=QUEUE)


def test_the_engine_reports_an_unread_resource_as_error_in_checks_of_its_type_only() -> None:
    scope = _scope(["ok", "denied"], {"ok": READ, "denied": "AccessDenied"})
    of_queues = _toy_check("sqs_toy_encrypted", QUEUE)
    of_topics = _toy_check("sqs_toy_topics", "AWS::SNS::Topic")
    snapshot = snapshot_of(scope)

    evaluation = Evaluation(snapshot, [of_queues, of_topics])

    by_check = {(f.check_id, f.resource.id): f for f in evaluation.findings}
    assert sorted(by_check) == [
        ("sqs_toy_encrypted", "denied"),
        ("sqs_toy_encrypted", "ok"),
        ("sqs_toy_topics", "ok"),
    ]
    denied = by_check[("sqs_toy_encrypted", "denied")]
    assert (denied.status, denied.resource.arn, denied.evidence["error_code"]) == (
        Status.ERROR,
        f"arn:aws:sqs:eu-west-1:{ACCOUNT}:denied",
        "AccessDenied",
    )
    assert by_check[("sqs_toy_encrypted", "ok")].status is Status.PASS
    [gap] = evaluation.errors
    assert (gap.resource_id, gap.checks) == ("denied", ["sqs_toy_encrypted"])
