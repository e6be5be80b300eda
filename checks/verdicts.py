"""Verdict helpers shared by the check modules: PASS or FAIL on one judged property, and the
error that stands for a per-resource answer the snapshot does not hold."""

from __future__ import annotations

from pydantic import JsonValue

from auditor.checkapi import Scope, Verdict
from auditor.findings import ResourceRef, Status
from auditor.models import CollectionError


def verdict(good: bool, ref: ResourceRef, message: str, **evidence: JsonValue) -> Verdict:
    """PASS when `good`, else FAIL, with a message that already names the state found."""
    return Verdict(Status.PASS if good else Status.FAIL, ref, message, evidence)


def flag_verdict(
    ref: ResourceRef, name: str, good: bool, good_state: str, bad_state: str, **evidence: JsonValue
) -> Verdict:
    """PASS or FAIL on one property, the message "<name> <state found>."."""
    return verdict(good, ref, f"{name} {good_state if good else bad_state}.", **evidence)


def not_collected(
    scope: Scope, service: str, operation: str, resource_id: str, region: str | None = None
) -> CollectionError:
    """A per-resource read the snapshot holds no answer to (written by a version that did not
    make it): a gap to report as ERROR, never a resource in its default state."""
    return CollectionError(
        account_id=scope.account_id,
        region=region or scope.region,
        service=service,
        operation=operation,
        error_code="NotCollected",
        message="the snapshot holds no answer of this read for the resource",
        resource_id=resource_id,
    )
