"""A live scan end to end, without the CLI: credentials, regions, collection, snapshot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import boto3

from auditor.checkapi import Check
from auditor.collect import ProgressCallback, Target, collect, datasets_for, snapshot_of
from auditor.models import Snapshot
from auditor.registry import load_collectors
from auditor.session import (
    ClientPool,
    Identity,
    caller_identity,
    enabled_regions,
    validate_regions,
)


@dataclass(frozen=True)
class ScanRequest:
    session: boto3.session.Session
    endpoint_url: str | None
    regions: tuple[str, ...]  # empty: every region enabled for the account
    checks: tuple[Check, ...]


def resolve_target(request: ScanRequest) -> tuple[Identity, Target]:
    """Who we are and which regions to read; raises CredentialError or UsageError."""
    identity = caller_identity(request.session, request.endpoint_url)
    if request.regions:
        regions = validate_regions(request.session, request.regions)
    else:
        regions = enabled_regions(request.session, identity, request.endpoint_url)
    target = Target(
        account_id=identity.account_id,
        regions=tuple(regions),
        partition=identity.partition,
        global_region=identity.global_region,
    )
    return identity, target


def collect_snapshot(
    request: ScanRequest,
    targets: Iterable[Target],
    *,
    progress: ProgressCallback | None = None,
) -> Snapshot:
    collectors = load_collectors()
    datasets = datasets_for(request.checks)
    pool = ClientPool(request.session, request.endpoint_url)
    target_list = list(targets)
    scopes = [
        scope
        for target in target_list
        for scope in collect(target, datasets, collectors, pool, progress=progress)
    ]
    return snapshot_of(target_list, scopes, pool.api_calls)
