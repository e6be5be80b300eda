"""SQS checks: queues are encrypted, not open to everyone, and send poison messages to a
dead-letter queue."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import JsonValue

from auditor.checkapi import Scope, Verdict, check, unreadable
from auditor.datasets import SQS_QUEUES
from auditor.findings import Remediation, ResourceRef, Severity, Status
from auditor.models import CollectionError, SQSQueue
from checks.resource_policy import exposure_verdict

_QUEUE_TYPE = "AWS::SQS::Queue"
_SQS_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html"
_GUIDE = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide"


def queue_ref(queue: SQSQueue) -> ResourceRef:
    return ResourceRef(arn=queue.arn, id=queue.name, type=_QUEUE_TYPE)


# MEDIUM, as Security Hub rates SQS.1.
@check(
    id="sqs_queue_encrypted",
    title="SQS queues are encrypted at rest",
    service="sqs",
    severity=Severity.MEDIUM,
    resource_type=_QUEUE_TYPE,
    datasets=[SQS_QUEUES],
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "queues between tiers): messages carry the application's data between services; "
        "server-side encryption (SQS-managed or a KMS key) keeps them unreadable at rest."
    ),
    remediation=Remediation(
        console=(
            "SQS console > Queues > select the queue > Edit > Encryption: Enabled, choose "
            "Amazon SQS key (SSE-SQS) or an AWS KMS key (SSE-KMS) > Save."
        ),
        cli=(
            "aws sqs set-queue-attributes --queue-url <queue-url> "
            "--attributes SqsManagedSseEnabled=true"
        ),
        terraform=(
            "aws_sqs_queue: sqs_managed_sse_enabled = true (or kms_master_key_id = <key-arn>)"
        ),
    ),
    references=[
        f"{_SQS_CONTROLS}#sqs-1",
        f"{_GUIDE}/sqs-server-side-encryption.html",
    ],
    compliance={"fsbp": ["SQS.1"]},
)
def sqs_queue_encrypted(scope: Scope) -> Iterable[Verdict]:
    for queue in scope.get(SQS_QUEUES):
        attributes = queue.attributes
        ref = queue_ref(queue)
        if isinstance(attributes, CollectionError):
            yield unreadable(ref, attributes)
            continue
        evidence: dict[str, JsonValue] = {
            "sqs_managed_sse": attributes.sqs_managed_sse,
            "kms_master_key_id": attributes.kms_master_key_id,
        }
        if attributes.kms_master_key_id:
            how = f"with KMS key {attributes.kms_master_key_id}"
        elif attributes.sqs_managed_sse:
            how = "with SQS-managed keys (SSE-SQS)"
        else:
            yield Verdict(
                Status.FAIL, ref, f"SQS queue {queue.name} stores messages unencrypted.", evidence
            )
            continue
        yield Verdict(Status.PASS, ref, f"SQS queue {queue.name} is encrypted {how}.", evidence)


# HIGH, as Security Hub rates SQS.3: anyone can read, send or delete the queue's messages.
@check(
    id="sqs_queue_not_public",
    title="SQS queue policies do not allow access by everyone",
    service="sqs",
    severity=Severity.HIGH,
    resource_type=_QUEUE_TYPE,
    datasets=[SQS_QUEUES],
    rationale=(
        "Study materials (Identity and Compute: the Developing on AWS notes on resource-based "
        'policies): a queue policy names who may use the queue; Principal "*" without a '
        "condition pinning the source account, organization, ARN or network lets anyone send, "
        "read or delete its messages."
    ),
    remediation=Remediation(
        console=(
            "SQS console > Queues > select the queue > Access policy > Edit > replace Principal "
            '"*" with the accounts or services that use the queue, or add an aws:SourceArn / '
            "aws:SourceAccount condition > Save."
        ),
        cli=(
            "aws sqs set-queue-attributes --queue-url <queue-url> "
            "--attributes Policy=file://scoped-policy.json"
        ),
        terraform=(
            "aws_sqs_queue_policy: statements with specific principals, or a condition on "
            'aws:SourceArn / aws:SourceAccount, never a bare "*" principal'
        ),
    ),
    references=[
        f"{_SQS_CONTROLS}#sqs-3",
        f"{_GUIDE}/sqs-basic-examples-of-sqs-policies.html",
    ],
    compliance={"fsbp": ["SQS.3"]},
)
def sqs_queue_not_public(scope: Scope) -> Iterable[Verdict]:
    """Same reading of Principal "*" and narrowing conditions as lambda_function_not_public;
    a policy that cannot be read fails."""
    for queue in scope.get(SQS_QUEUES):
        attributes = queue.attributes
        ref = queue_ref(queue)
        if isinstance(attributes, CollectionError):
            yield unreadable(ref, attributes)
            continue
        yield exposure_verdict(
            ref,
            f"SQS queue {queue.name}",
            "access policy",
            attributes.policy,
            exposed="is open to everyone",
        )


# MEDIUM: a message that always fails is retried until it expires, blocking nothing but
# hiding the failure and costing a receive every visibility timeout.
@check(
    id="sqs_queue_has_dead_letter_queue",
    title="SQS queues send failing messages to a dead-letter queue",
    service="sqs",
    severity=Severity.MEDIUM,
    resource_type=_QUEUE_TYPE,
    datasets=[SQS_QUEUES],
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "SQS YAML with a redrive policy): after maxReceiveCount failed receives a message moves to "
        "a dead-letter queue, where it can be inspected and replayed instead of cycling until it "
        "expires."
    ),
    remediation=Remediation(
        console=(
            "SQS console > Queues > select the queue > Edit > Dead-letter queue: Enabled, choose "
            "the queue and the Maximum receives > Save."
        ),
        cli=(
            "aws sqs set-queue-attributes --queue-url <queue-url> --attributes "
            '\'{"RedrivePolicy":"{\\"deadLetterTargetArn\\":\\"<dlq-arn>\\",'
            '\\"maxReceiveCount\\":\\"5\\"}"}\''
        ),
        terraform=(
            "aws_sqs_queue: redrive_policy = jsonencode({ deadLetterTargetArn = "
            "aws_sqs_queue.<dlq>.arn, maxReceiveCount = 5 })"
        ),
    ),
    references=[
        f"{_GUIDE}/sqs-dead-letter-queues.html",
        f"{_GUIDE}/sqs-configure-dead-letter-queue.html",
    ],
    compliance={"wa-rel": ["REL05-BP04"]},
)
def sqs_queue_has_dead_letter_queue(scope: Scope) -> Iterable[Verdict]:
    """Queues that are themselves the dead-letter queue of another queue in the region are not
    judged: a dead-letter queue needs no dead-letter queue of its own. A queue without a
    redrive policy is an ERROR while another queue's attributes are unreadable, since that
    queue might use it as its dead-letter queue."""
    queues = scope.get(SQS_QUEUES)
    targets = {
        q.attributes.dead_letter_target_arn: q.name
        for q in queues
        if not isinstance(q.attributes, CollectionError) and q.attributes.dead_letter_target_arn
    }
    unknown = next(
        (q.attributes for q in queues if isinstance(q.attributes, CollectionError)), None
    )
    for queue in queues:
        attributes = queue.attributes
        ref = queue_ref(queue)
        if isinstance(attributes, CollectionError):
            yield unreadable(ref, attributes)
            continue
        if queue.arn in targets:
            continue
        evidence: dict[str, JsonValue] = {
            "dead_letter_target_arn": attributes.dead_letter_target_arn,
            "max_receive_count": attributes.max_receive_count,
        }
        if attributes.dead_letter_target_arn:
            target = attributes.dead_letter_target_arn.rsplit(":", 1)[-1]
            after = (
                f" after {attributes.max_receive_count} receives"
                if attributes.max_receive_count
                else ""
            )
            yield Verdict(
                Status.PASS,
                ref,
                f"SQS queue {queue.name} moves failing messages to {target}{after}.",
                evidence,
            )
        elif unknown is not None:
            yield unreadable(ref, unknown)
        else:
            yield Verdict(
                Status.FAIL,
                ref,
                f"SQS queue {queue.name} has no redrive policy: a message that keeps failing is "
                "retried until it expires.",
                evidence,
            )
