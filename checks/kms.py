"""KMS checks: customer-managed keys rotate their key material automatically."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.checkapi import Scope, Verdict, check, failed, passed, unreadable
from auditor.datasets import KMS_KEYS
from auditor.findings import Remediation, ResourceRef, Severity
from auditor.models import CollectionError
from checks.verdicts import not_collected

_KEY_TYPE = "AWS::KMS::Key"


# MEDIUM, as Security Hub rates KMS.4.
@check(
    id="kms_key_rotation_enabled",
    title="Customer-managed KMS keys rotate their key material automatically",
    service="kms",
    severity=Severity.MEDIUM,
    resource_type=_KEY_TYPE,
    datasets=[KMS_KEYS],
    rationale=(
        "Study materials (Storage and Databases: encryption at rest with KMS keys for S3, RDS "
        "and DynamoDB): automatic rotation gives a key new material every year while keeping the "
        "old material to decrypt what it already protects, so material that leaked stops "
        "protecting new data. Judged on enabled, customer-managed symmetric encryption keys "
        "with KMS-made material, the keys automatic rotation applies to; AWS-managed keys "
        "rotate on their own."
    ),
    remediation=Remediation(
        console=(
            "KMS console > Customer managed keys > select the key > Key rotation > Automatically "
            "rotate this KMS key every year (or a chosen period) > Save."
        ),
        cli="aws kms enable-key-rotation --key-id <key-id>",
        terraform="aws_kms_key: enable_key_rotation = true",
    ),
    references=[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-4",
        "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
    ],
    compliance={"cis-3.0": ["3.6"], "cis-5.0": ["3.6"]},
)
def kms_key_rotation_enabled(scope: Scope) -> Iterable[Verdict]:
    """A key whose DescribeKey failed is an ERROR: it may be a customer-managed key. So is a
    rotatable key whose rotation status the snapshot does not hold."""
    for key in scope.get(KMS_KEYS):
        ref = ResourceRef(arn=key.arn, id=key.id, type=_KEY_TYPE)
        if isinstance(key.details, CollectionError):
            yield unreadable(ref, key.details)
            continue
        if not key.details.rotatable:
            continue
        rotation = key.rotation_enabled
        if rotation is None:  # read for every rotatable key: a gap, not a key that never rotates
            rotation = not_collected(scope, "kms", "GetKeyRotationStatus", key.id)
        if isinstance(rotation, CollectionError):
            yield unreadable(ref, rotation)
        elif rotation:
            yield passed(
                ref, f"KMS key {key.id} rotates its key material automatically.", rotation=True
            )
        else:
            yield failed(
                ref,
                f"KMS key {key.id} never rotates its key material.",
                rotation=False,
                description=key.details.description,
            )
