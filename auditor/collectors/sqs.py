"""SQS collector: queues with their encryption, access policy and redrive (dead-letter) policy."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.collectors.iam import policy_document
from auditor.datasets import SQS_QUEUES
from auditor.models import QueueAttributes, SQSQueue

_SERVICE = "sqs"
# GetQueueAttributes' answer for a queue that no longer exists (query and JSON protocol codes).
_GONE = ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist")
QUEUE_TYPE = "AWS::SQS::Queue"


def _redrive(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _attributes(ctx: CollectContext, url: str) -> QueueAttributes:
    answer = ctx.call(
        _SERVICE,
        "GetQueueAttributes",
        resource_id=url,
        QueueUrl=url,
        AttributeNames=["All"],
    )
    attributes = answer.get("Attributes", {})
    redrive = _redrive(attributes.get("RedrivePolicy"))
    receives = str(redrive.get("maxReceiveCount", ""))
    return QueueAttributes(
        sqs_managed_sse=str(attributes.get("SqsManagedSseEnabled", "false")).lower() == "true",
        kms_master_key_id=attributes.get("KmsMasterKeyId") or None,
        policy=policy_document(attributes.get("Policy")),
        dead_letter_target_arn=redrive.get("deadLetterTargetArn") or None,
        max_receive_count=int(receives) if receives.isdigit() else None,
    )


def _queue_arn(ctx: CollectContext, url: str) -> str:
    """arn:<partition>:sqs:<region>:<account>:<name> from https://…/<account>/<name>."""
    account, name = url.rstrip("/").split("/")[-2:]
    return f"arn:{ctx.partition}:sqs:{ctx.region}:{account}:{name}"


def collect_queues(ctx: CollectContext) -> list[SQSQueue]:
    def one(url: str) -> SQSQueue:
        # A queue deleted since ListQueues is unread as a whole, not judged on a gap.
        attributes = ctx.attempt(partial(_attributes, ctx, url), gone=_GONE)
        return SQSQueue(
            url=url,
            arn=_queue_arn(ctx, url),
            name=url.rstrip("/").rsplit("/", 1)[-1],
            attributes=attributes,
        )

    # Sent with MaxResults (session.PAGE_SIZE_NEEDED): without it ListQueues stops at 1,000.
    urls = ctx.paginate(_SERVICE, "ListQueues", "QueueUrls")
    return ctx.each(urls, one, kind=QUEUE_TYPE, ident=str, arn=partial(_queue_arn, ctx))


QUEUES = Collector(
    dataset=SQS_QUEUES,
    operations=(
        Operation(_SERVICE, "ListQueues", "sqs:ListQueues"),
        Operation(_SERVICE, "GetQueueAttributes", "sqs:GetQueueAttributes"),
    ),
    collect=collect_queues,
)
