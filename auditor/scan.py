"""A live scan end to end, without the CLI: credentials, accounts, regions, collection,
snapshot. One account, or every account of an organization through an assumed role."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import boto3
import botocore.exceptions

from auditor.checkapi import Check
from auditor.collect import ProgressCallback, Target, collect_all, datasets_for, snapshot_of
from auditor.datasets import ALL_DATASETS
from auditor.models import GLOBAL_REGION, CollectionError, ScopeSnapshot, Snapshot
from auditor.org import (
    OrgOptions,
    assume_role,
    list_accounts,
    regions_unknown,
    role_arn,
    select_accounts,
)
from auditor.org import unreachable as unreachable_error
from auditor.registry import load_collectors
from auditor.session import (
    ClientPool,
    Identity,
    Meter,
    caller_identity,
    enabled_regions,
    list_enabled_regions,
    validate_regions,
)
from auditor.shard import Shard

# Accounts whose role is assumed and regions listed at once while the scan is planned.
_RESOLVE_WORKERS = 8


@dataclass(frozen=True)
class ScanRequest:
    session: boto3.session.Session
    endpoint_url: str | None
    regions: tuple[str, ...]  # empty: every region enabled for the account
    checks: tuple[Check, ...]
    org: OrgOptions | None = None  # scan every account of the organization
    shard: Shard | None = None  # read only this share of the (account, scope) pairs
    extra_datasets: tuple[str, ...] = ()  # read for the report, not for a check (owners)


@dataclass(frozen=True)
class AccountScan:
    """One account to read: its session, or the error that kept it out of reach."""

    target: Target
    session: boto3.session.Session | None
    error: CollectionError | None = None


@dataclass(frozen=True)
class ScanPlan:
    identity: Identity
    accounts: list[AccountScan] = field(default_factory=list)
    organization_accounts: tuple[str, ...] = ()  # every listed member, whatever the shard

    @property
    def regions(self) -> list[str]:
        return sorted({r for a in self.accounts for r in a.target.regions})

    @property
    def without_global(self) -> set[str]:
        """Accounts whose global scope another shard has: their global checks run there."""
        return {a.target.account_id for a in self.accounts if not a.target.reads(GLOBAL_REGION)}

    @property
    def unreachable(self) -> list[CollectionError]:
        return [a.error for a in self.accounts if a.error is not None]


def support_datasets(checks: Iterable[Check]) -> frozenset[str]:
    """Account-wide datasets that regional checks read."""
    return frozenset(
        d
        for c in checks
        if c.metadata.scope == "regional"
        for d in c.metadata.datasets
        if ALL_DATASETS[d].scope == "global"
    )


def _target(
    identity: Identity,
    account_id: str,
    regions: Iterable[str],
    request: ScanRequest,
) -> Target:
    regions = tuple(regions)
    only = None
    support: frozenset[str] = frozenset()
    shard = request.shard
    if shard is not None:
        only = frozenset(s for s in ("global", *regions) if shard.owns(account_id, s))
        if only and GLOBAL_REGION not in only:
            support = support_datasets(request.checks)
    return Target(
        account_id=account_id,
        regions=regions,
        partition=identity.partition,
        global_region=identity.global_region,
        only=only,
        support=support,
    )


def resolve_plan(request: ScanRequest) -> ScanPlan:
    """The accounts and regions to read; raises CredentialError or UsageError."""
    # A mistyped region is a usage error even when AWS cannot be reached.
    explicit = validate_regions(request.session, request.regions) if request.regions else None
    identity = caller_identity(request.session, request.endpoint_url)
    own_regions = explicit or enabled_regions(request.session, identity, request.endpoint_url)
    if request.org is None:
        target = _target(identity, identity.account_id, own_regions, request)
        return ScanPlan(identity, [AccountScan(target, request.session)])
    options = request.org
    home_region = request.session.region_name or identity.global_region
    members = select_accounts(
        list_accounts(request.session, request.endpoint_url, home_region), options
    )

    def reach(account_id: str) -> AccountScan:
        if account_id == identity.account_id:
            target = _target(identity, account_id, own_regions, request)
            return AccountScan(target, request.session)
        arn = role_arn(identity.partition, account_id, options.role_name)
        try:
            session = assume_role(
                request.session, request.endpoint_url, arn, options.external_id, home_region
            )
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            # Out of reach is a gap in the report, not the end of the scan.
            target = _target(identity, account_id, own_regions, request)
            return AccountScan(target, None, unreachable_error(account_id, arn, exc))
        try:
            regions = explicit or list_enabled_regions(session, identity, request.endpoint_url)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            # Like a refused role: one gap naming the account, the rest of the scan goes on.
            target = _target(identity, account_id, own_regions, request)
            return AccountScan(target, None, regions_unknown(account_id, arn, exc))
        return AccountScan(_target(identity, account_id, regions, request), session)

    # With --region given, a shard assumes roles only in the accounts it has a share of;
    # without, each account's own enabled regions decide, so every account is reached.
    shard = request.shard
    wanted = [
        a.account_id
        for a in members
        if shard is None
        or explicit is None
        or any(shard.owns(a.account_id, s) for s in ("global", *explicit))
    ]
    with ThreadPoolExecutor(max_workers=_RESOLVE_WORKERS) as pool:
        accounts = list(pool.map(reach, wanted))
    return ScanPlan(
        identity,
        [a for a in accounts if a.target.scopes],
        tuple(a.account_id for a in members),
    )


def _unreachable_scopes(account: AccountScan, datasets: Iterable[str]) -> list[ScopeSnapshot]:
    """Every scope of an account out of reach: each needed dataset is the AssumeRole error, so
    every check reports ERROR there naming it, and the report lists it once."""
    assert account.error is not None
    needed = [ALL_DATASETS[d] for d in datasets]
    target = account.target
    scopes = target.scopes
    if target.support and GLOBAL_REGION not in scopes:
        scopes = [GLOBAL_REGION, *scopes]
    snapshots = []
    for scope in scopes:
        unread = {
            d.name: account.error
            for d in needed
            if (d.scope == "global") == (scope == GLOBAL_REGION)
        }
        if unread:  # a scope no selected check reads holds no gap either
            snapshots.append(
                ScopeSnapshot(
                    account_id=target.account_id, region=scope, errors=[account.error], **unread
                )
            )
    return snapshots


def collect_snapshot(
    request: ScanRequest,
    plan: ScanPlan,
    *,
    progress: ProgressCallback | None = None,
    meter: Meter | None = None,
) -> Snapshot:
    collectors = load_collectors()
    datasets = list(dict.fromkeys([*datasets_for(request.checks), *request.extra_datasets]))
    meter = meter or Meter()
    accounts = plan.accounts
    jobs = [
        (account.target, ClientPool(account.session, request.endpoint_url, meter=meter))
        for account in accounts
        if account.session is not None
    ]
    scopes = collect_all(jobs, datasets, collectors, progress=progress)
    for account in accounts:
        if account.error is not None:
            scopes.extend(_unreachable_scopes(account, datasets))
    return snapshot_of(
        [a.target for a in accounts], scopes, meter.api_calls, plan.organization_accounts
    )
