"""SNS collector: topics with their encryption key and access policy."""

from __future__ import annotations

from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, CollectionFailure, Collector, Operation
from auditor.collectors.iam import policy_document
from auditor.datasets import SNS_TOPICS
from auditor.models import CollectionError, SNSTopic, TopicAttributes

_SERVICE = "sns"
_GONE = ("NotFound", "NotFoundException")


class _TopicGone(Exception):
    """Deleted between ListTopics and GetTopicAttributes: nothing left to judge."""


def _attributes(ctx: CollectContext, arn: str) -> TopicAttributes:
    try:
        answer = ctx.call(_SERVICE, "GetTopicAttributes", resource_id=arn, TopicArn=arn)
    except CollectionFailure as failure:
        if failure.error.error_code in _GONE:
            raise _TopicGone from failure
        raise
    attributes = answer.get("Attributes", {})
    return TopicAttributes(
        kms_master_key_id=attributes.get("KmsMasterKeyId") or None,
        policy=policy_document(attributes.get("Policy")),
    )


def collect_topics(ctx: CollectContext) -> list[SNSTopic]:
    def one(item: dict[str, Any]) -> SNSTopic | None:
        arn = str(item["TopicArn"])
        try:
            attributes: TopicAttributes | CollectionError = ctx.attempt(
                partial(_attributes, ctx, arn)
            )
        except _TopicGone:
            return None
        return SNSTopic(arn=arn, name=arn.rsplit(":", 1)[-1], attributes=attributes)

    found = ctx.map(one, ctx.paginate(_SERVICE, "ListTopics", "Topics"))
    return [topic for topic in found if topic is not None]


TOPICS = Collector(
    dataset=SNS_TOPICS,
    operations=(
        Operation(_SERVICE, "ListTopics", "sns:ListTopics"),
        Operation(_SERVICE, "GetTopicAttributes", "sns:GetTopicAttributes"),
    ),
    collect=collect_topics,
)
