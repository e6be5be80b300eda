"""The KMS collector against moto: each key's manager, spec and state, and rotation read only
for the keys it applies to; a denied read errors only that key."""

from __future__ import annotations

from typing import Any

import boto3

from auditor.models import CollectionError, KMSKey

from .conftest import FaultyPool, collect_scopes


def _keys(value: object) -> dict[str, KMSKey]:
    assert isinstance(value, list)
    return {k.id: k for k in value}


def test_rotation_is_read_for_enabled_customer_symmetric_keys(
    aws: boto3.session.Session,
) -> None:
    kms = aws.client("kms", region_name="us-east-1")
    rotating = kms.create_key(Description="orders")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotating)
    static = kms.create_key(Description="exports")["KeyMetadata"]["KeyId"]
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    disabled = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=disabled)

    scope = collect_scopes(aws, ["kms_keys"], regions=("us-east-1",))["us-east-1"]

    keys = _keys(scope.kms_keys)
    assert keys[rotating].rotation_enabled is True
    assert not isinstance(keys[rotating].details, CollectionError)
    assert keys[rotating].details.manager == "CUSTOMER"
    assert keys[rotating].details.description == "orders"
    assert keys[static].rotation_enabled is False
    assert not isinstance(keys[signing].details, CollectionError)
    assert keys[signing].details.key_spec == "RSA_2048"
    assert keys[signing].rotation_enabled is None
    assert not isinstance(keys[disabled].details, CollectionError)
    assert keys[disabled].details.key_state == "Disabled"
    assert keys[disabled].rotation_enabled is None


def test_denied_reads_error_only_that_key(aws: boto3.session.Session) -> None:
    kms = aws.client("kms", region_name="us-east-1")
    hidden = kms.create_key()["KeyMetadata"]["KeyId"]
    locked = kms.create_key()["KeyMetadata"]["KeyId"]
    open_key = kms.create_key()["KeyMetadata"]["KeyId"]
    # DescribeKey is denied for `hidden`, GetKeyRotationStatus for `locked`.
    denied = {"DescribeKey": hidden, "GetKeyRotationStatus": locked}

    class PerKeyFaults(FaultyPool):
        def _maybe_fail(self, region: str, operation: str, params: dict[str, Any]) -> None:
            if params.get("KeyId") == denied.get(operation):
                super()._maybe_fail(region, operation, params)

    pool = PerKeyFaults(
        aws, {"DescribeKey": "AccessDeniedException", "GetKeyRotationStatus": "AccessDenied"}
    )

    scope = collect_scopes(aws, ["kms_keys"], pool=pool, regions=("us-east-1",))["us-east-1"]

    keys = _keys(scope.kms_keys)
    assert isinstance(keys[hidden].details, CollectionError)
    assert keys[hidden].details.operation == "DescribeKey"
    assert keys[hidden].details.resource_id == hidden
    assert keys[hidden].rotation_enabled is None
    assert isinstance(keys[locked].rotation_enabled, CollectionError)
    assert keys[locked].rotation_enabled.operation == "GetKeyRotationStatus"
    assert keys[open_key].rotation_enabled is False
    assert len(scope.errors) == 2


def test_denied_key_list_is_a_dataset_error(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"ListKeys": "AccessDeniedException"})

    scope = collect_scopes(aws, ["kms_keys"], pool=pool, regions=("us-east-1",))["us-east-1"]

    assert isinstance(scope.kms_keys, CollectionError)
    assert scope.kms_keys.operation == "ListKeys"
