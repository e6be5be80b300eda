"""The SQS checks (encryption, public access, dead-letter queues) on hand-built queues."""

from __future__ import annotations

from typing import Any

from conftest import (
    ACCOUNT,
    REGION,
    by_resource,
    dataset_denied,
    denied,
    engine_findings,
    only_verdict,
    run_check,
    scope_snapshot,
)

from auditor.findings import Status
from auditor.models import CollectionError, QueueAttributes, SQSQueue
from checks.sqs import sqs_queue_encrypted, sqs_queue_has_dead_letter_queue, sqs_queue_not_public


def queue(
    name: str, attributes: QueueAttributes | CollectionError | None = None, **fields: Any
) -> SQSQueue:
    return SQSQueue(
        url=f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}",
        arn=arn(name),
        name=name,
        attributes=attributes if attributes is not None else QueueAttributes(**fields),
    )


def arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def queues(*items: SQSQueue) -> Any:
    return scope_snapshot(sqs_queues=list(items))


# --- sqs_queue_encrypted -----------------------------------------------------------------------


def test_sse_sqs_and_kms_pass_and_plain_fails() -> None:
    verdicts = by_resource(
        run_check(
            sqs_queue_encrypted,
            queues(
                queue("managed", sqs_managed_sse=True),
                queue("kms", kms_master_key_id="alias/orders"),
                queue("plain"),
            ),
        )
    )

    assert verdicts["managed"].status is Status.PASS
    assert (
        verdicts["managed"].message
        == "SQS queue managed is encrypted with SQS-managed keys (SSE-SQS)."
    )
    assert verdicts["kms"].status is Status.PASS
    assert verdicts["kms"].evidence == {
        "sqs_managed_sse": False,
        "kms_master_key_id": "alias/orders",
    }
    assert verdicts["plain"].status is Status.FAIL
    assert verdicts["plain"].resource.type == "AWS::SQS::Queue"


def test_encryption_error_for_a_queue_whose_attributes_cannot_be_read() -> None:
    error = denied("sqs", "GetQueueAttributes", "q")

    verdict = only_verdict(sqs_queue_encrypted, queues(queue("q", error)))

    assert verdict.status is Status.ERROR
    assert verdict.error == error


# --- sqs_queue_not_public ----------------------------------------------------------------------


def test_queue_open_to_everyone_fails_and_conditioned_access_passes() -> None:
    open_policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:*"}]}
    sns_only = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:t"}},
            }
        ]
    }
    verdicts = by_resource(
        run_check(
            sqs_queue_not_public,
            queues(queue("open", policy=open_policy), queue("sns", policy=sns_only), queue("none")),
        )
    )

    assert verdicts["open"].status is Status.FAIL
    assert verdicts["open"].message == "SQS queue open is open to everyone through statement 0."
    assert verdicts["open"].evidence["public_statements"][0]["principal"] == "*"  # type: ignore[index]
    assert verdicts["sns"].status is Status.PASS
    assert verdicts["sns"].evidence == {"public_statements": []}
    assert verdicts["none"].status is Status.PASS
    assert verdicts["none"].message == "SQS queue none has no access policy: only its account."


def test_unreadable_queue_policy_fails_and_unreadable_attributes_error() -> None:
    verdicts = by_resource(
        run_check(
            sqs_queue_not_public,
            queues(
                queue("broken", policy="not json"),
                queue("denied", denied("sqs", "GetQueueAttributes", "denied")),
            ),
        )
    )

    assert verdicts["broken"].status is Status.FAIL
    assert verdicts["broken"].evidence == {"unreadable_policy": "the document is not valid JSON"}
    assert verdicts["denied"].status is Status.ERROR
    assert verdicts["denied"].error == denied("sqs", "GetQueueAttributes", "denied")


# --- sqs_queue_has_dead_letter_queue -----------------------------------------------------------


def test_queue_with_redrive_passes_and_its_dead_letter_queue_is_not_judged() -> None:
    work = queue("work", dead_letter_target_arn=arn("work-dlq"), max_receive_count=5)
    dlq = queue("work-dlq")
    lonely = queue("lonely")

    verdicts = by_resource(run_check(sqs_queue_has_dead_letter_queue, queues(work, dlq, lonely)))

    assert set(verdicts) == {"work", "lonely"}
    assert verdicts["work"].status is Status.PASS
    assert (
        verdicts["work"].message
        == "SQS queue work moves failing messages to work-dlq after 5 receives."
    )
    assert verdicts["lonely"].status is Status.FAIL
    assert verdicts["lonely"].evidence == {
        "dead_letter_target_arn": None,
        "max_receive_count": None,
    }


def test_without_redrive_it_is_an_error_while_another_queue_is_unreadable() -> None:
    error = denied("sqs", "GetQueueAttributes", "other")

    verdicts = by_resource(
        run_check(
            sqs_queue_has_dead_letter_queue, queues(queue("maybe-dlq"), queue("other", error))
        )
    )

    assert verdicts["maybe-dlq"].status is Status.ERROR
    assert verdicts["maybe-dlq"].error == error
    assert verdicts["other"].status is Status.ERROR


def test_dead_letter_error_when_queues_cannot_be_listed() -> None:
    [finding] = engine_findings(
        sqs_queue_has_dead_letter_queue,
        scope_snapshot(sqs_queues=dataset_denied("sqs", "ListQueues")),
    )

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "ListQueues"
