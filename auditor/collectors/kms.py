"""KMS collector: the region's keys, who manages each, and whether automatic rotation is on for
the keys that can rotate."""

from __future__ import annotations

from functools import cache, partial
from typing import Any

import botocore.session

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import KMS_KEYS
from auditor.models import CollectionError, KMSKey, KMSKeyDetails

_SERVICE = "kms"


@cache
def known_key_specs() -> frozenset[str]:
    """The key specs KMS documents (botocore's KeySpec enum, a superset of the deprecated
    CustomerMasterKeySpec's)."""
    model = botocore.session.get_session().get_service_model(_SERVICE)
    return frozenset(model.shape_for("KeySpec").enum)


def _details(ctx: CollectContext, key_id: str) -> KMSKeyDetails:
    meta = ctx.call(_SERVICE, "DescribeKey", resource_id=key_id, KeyId=key_id)["KeyMetadata"]
    # Older answers carry only the deprecated CustomerMasterKeySpec.
    spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec")
    if spec not in known_key_specs() and meta.get("KeyManager") != "AWS":
        # Whether a customer key can rotate depends on its spec: unknown is a gap, not a skip.
        raise ctx.failure(
            _SERVICE,
            "DescribeKey",
            "UnknownKeySpec",
            f"KeyMetadata has no known KeySpec or CustomerMasterKeySpec ({spec!r})",
            resource_id=key_id,
        )
    return KMSKeyDetails(
        manager=meta.get("KeyManager", ""),
        key_spec=spec or "",
        key_state=meta.get("KeyState", ""),
        origin=meta.get("Origin", ""),
        description=meta.get("Description", ""),
    )


def _rotation(ctx: CollectContext, key_id: str) -> bool:
    answer = ctx.call(_SERVICE, "GetKeyRotationStatus", resource_id=key_id, KeyId=key_id)
    return bool(answer.get("KeyRotationEnabled", False))


def collect_keys(ctx: CollectContext) -> list[KMSKey]:
    def one(k: dict[str, Any]) -> KMSKey:
        key_id = k["KeyId"]
        details: KMSKeyDetails | CollectionError = ctx.attempt(partial(_details, ctx, key_id))
        rotation: bool | CollectionError | None = None
        if isinstance(details, KMSKeyDetails) and details.rotatable:
            rotation = ctx.attempt(partial(_rotation, ctx, key_id))
        return KMSKey(arn=k["KeyArn"], id=key_id, details=details, rotation_enabled=rotation)

    keys = ctx.paginate(_SERVICE, "ListKeys", "Keys")
    return ctx.each(
        keys, one, kind="AWS::KMS::Key", ident=lambda k: k["KeyId"], arn=lambda k: k["KeyArn"]
    )


KEYS = Collector(
    dataset=KMS_KEYS,
    operations=(
        Operation(_SERVICE, "ListKeys", "kms:ListKeys"),
        Operation(_SERVICE, "DescribeKey", "kms:DescribeKey"),
        Operation(_SERVICE, "GetKeyRotationStatus", "kms:GetKeyRotationStatus"),
    ),
    collect=collect_keys,
)
