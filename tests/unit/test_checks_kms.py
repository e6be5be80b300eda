"""KMS key rotation on hand-built keys."""

from __future__ import annotations

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
from auditor.models import CollectionError, KMSKey, KMSKeyDetails
from checks.kms import kms_key_rotation_enabled

CUSTOMER = KMSKeyDetails(manager="CUSTOMER", description="orders table")


def key(
    key_id: str,
    details: KMSKeyDetails | CollectionError = CUSTOMER,
    rotation: bool | CollectionError | None = None,
) -> KMSKey:
    return KMSKey(
        arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}",
        id=key_id,
        details=details,
        rotation_enabled=rotation,
    )


def test_rotating_key_passes_and_static_key_fails() -> None:
    verdicts = by_resource(
        run_check(
            kms_key_rotation_enabled,
            scope_snapshot(
                kms_keys=[key("rotating", rotation=True), key("static", rotation=False)]
            ),
        )
    )

    assert verdicts["rotating"].status is Status.PASS
    assert (
        verdicts["rotating"].message == "KMS key rotating rotates its key material automatically."
    )
    assert verdicts["static"].status is Status.FAIL
    assert verdicts["static"].message == "KMS key static never rotates its key material."
    assert verdicts["static"].evidence == {"rotation": False, "description": "orders table"}


def test_keys_rotation_does_not_apply_to_are_not_judged() -> None:
    keys = [
        key("aws-managed", KMSKeyDetails(manager="AWS")),
        key("signing", KMSKeyDetails(manager="CUSTOMER", key_spec="RSA_2048")),
        key("imported", KMSKeyDetails(manager="CUSTOMER", origin="EXTERNAL")),
        key("retiring", KMSKeyDetails(manager="CUSTOMER", key_state="PendingDeletion")),
    ]

    assert run_check(kms_key_rotation_enabled, scope_snapshot(kms_keys=keys)) == []


def test_unreadable_key_or_rotation_status_is_an_error() -> None:
    verdicts = by_resource(
        run_check(
            kms_key_rotation_enabled,
            scope_snapshot(
                kms_keys=[
                    key("hidden", denied("kms", "DescribeKey", "hidden")),
                    key("locked", rotation=denied("kms", "GetKeyRotationStatus", "locked")),
                ]
            ),
        )
    )

    assert verdicts["hidden"].status is Status.ERROR
    assert verdicts["hidden"].evidence["operation"] == "DescribeKey"
    assert verdicts["locked"].status is Status.ERROR
    assert verdicts["locked"].evidence["operation"] == "GetKeyRotationStatus"


def test_rotatable_key_without_a_rotation_answer_is_an_error_not_a_failure() -> None:
    verdict = only_verdict(kms_key_rotation_enabled, scope_snapshot(kms_keys=[key("unread")]))

    assert verdict.status is Status.ERROR
    assert verdict.evidence == {"operation": "GetKeyRotationStatus", "error_code": "NotCollected"}
    assert verdict.error is not None and verdict.error.resource_id == "unread"


def test_unreadable_key_list_is_an_error() -> None:
    [finding] = engine_findings(
        kms_key_rotation_enabled, scope_snapshot(kms_keys=dataset_denied("kms", "ListKeys"))
    )

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "ListKeys"
