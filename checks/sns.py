"""SNS checks: topics are encrypted with a KMS key and not open to everyone."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.checkapi import Scope, Verdict, check, failed, passed, unreadable
from auditor.datasets import SNS_TOPICS
from auditor.findings import Remediation, ResourceRef, Severity
from auditor.models import CollectionError, SNSTopic
from checks.resource_policy import exposure_verdict

_TOPIC_TYPE = "AWS::SNS::Topic"
_SNS_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html"
_GUIDE = "https://docs.aws.amazon.com/sns/latest/dg"


def topic_ref(topic: SNSTopic) -> ResourceRef:
    return ResourceRef(arn=topic.arn, id=topic.name, type=_TOPIC_TYPE)


# MEDIUM, as Security Hub rates SNS.1.
@check(
    id="sns_topic_encrypted",
    title="SNS topics are encrypted at rest with a KMS key",
    service="sns",
    severity=Severity.MEDIUM,
    resource_type=_TOPIC_TYPE,
    datasets=[SNS_TOPICS],
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "SNS topics between tiers and for alarms): messages carry application data; server-side "
        "encryption with a KMS key keeps them unreadable at rest and puts decryption behind KMS "
        "permissions. SNS.1 is an active Security Hub control (its sibling SNS.2 was retired in "
        "April 2024); like it, SNS's own disk encryption does not count."
    ),
    remediation=Remediation(
        console=(
            "SNS console > Topics > select the topic > Edit > Encryption: Enable encryption, "
            "choose a KMS key (alias/aws/sns or a customer managed key) > Save changes."
        ),
        cli=(
            "aws sns set-topic-attributes --topic-arn <topic-arn> "
            "--attribute-name KmsMasterKeyId --attribute-value alias/aws/sns"
        ),
        terraform="aws_sns_topic: kms_master_key_id = <key-arn or alias/aws/sns>",
    ),
    references=[
        f"{_SNS_CONTROLS}#sns-1",
        f"{_GUIDE}/sns-server-side-encryption.html",
        "https://docs.aws.amazon.com/config/latest/developerguide/sns-encrypted-kms.html",
    ],
    compliance={"fsbp": ["SNS.1"]},
)
def sns_topic_encrypted(scope: Scope) -> Iterable[Verdict]:
    for topic in scope.get(SNS_TOPICS):
        attributes = topic.attributes
        ref = topic_ref(topic)
        if isinstance(attributes, CollectionError):
            yield unreadable(ref, attributes)
            continue
        key = attributes.kms_master_key_id
        if key:
            yield passed(
                ref,
                f"SNS topic {topic.name} is encrypted with KMS key {key}.",
                kms_master_key_id=key,
            )
        else:
            yield failed(
                ref,
                f"SNS topic {topic.name} has no KMS key: its messages are not encrypted with "
                "server-side encryption.",
                kms_master_key_id=None,
            )


# CRITICAL, as Security Hub rates SNS.4: anyone could publish to, subscribe to or reconfigure it.
@check(
    id="sns_topic_not_public",
    title="SNS topic policies do not allow access by everyone",
    service="sns",
    severity=Severity.CRITICAL,
    resource_type=_TOPIC_TYPE,
    datasets=[SNS_TOPICS],
    rationale=(
        "Study materials (Identity and Compute: the Developing on AWS notes on resource-based "
        'policies): a topic policy names who may use the topic; Principal "*" without a '
        "condition pinning the source account, organization, ARN or network lets anyone publish "
        "to it, subscribe to its messages or change it."
    ),
    remediation=Remediation(
        console=(
            "SNS console > Topics > select the topic > Edit > Access policy > replace Principal "
            '"*" with the accounts or services that use the topic, or add an aws:SourceArn / '
            "aws:SourceAccount condition > Save changes."
        ),
        cli=(
            "aws sns set-topic-attributes --topic-arn <topic-arn> --attribute-name Policy "
            "--attribute-value file://scoped-policy.json"
        ),
        terraform=(
            "aws_sns_topic_policy: statements with specific principals, or a condition on "
            'aws:SourceArn / aws:SourceAccount, never a bare "*" principal'
        ),
    ),
    references=[
        f"{_SNS_CONTROLS}#sns-4",
        f"{_GUIDE}/sns-access-policy-use-cases.html",
        "https://docs.aws.amazon.com/config/latest/developerguide/sns-topic-no-public-access.html",
    ],
    compliance={"fsbp": ["SNS.4"]},
)
def sns_topic_not_public(scope: Scope) -> Iterable[Verdict]:
    """Same reading of Principal "*" and narrowing conditions as sqs_queue_not_public (the
    default topic policy's AWS:SourceOwner condition narrows it to the account); a policy that
    cannot be read fails."""
    for topic in scope.get(SNS_TOPICS):
        attributes = topic.attributes
        ref = topic_ref(topic)
        if isinstance(attributes, CollectionError):
            yield unreadable(ref, attributes)
            continue
        yield exposure_verdict(
            ref,
            f"SNS topic {topic.name}",
            "access policy",
            attributes.policy,
            exposed="is open to everyone",
        )
