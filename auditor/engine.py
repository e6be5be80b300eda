"""Evaluation: runs pure checks over a snapshot, turns verdicts into findings, and assembles
the report. A check never runs on data that failed to load: that scope reports ERROR."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from auditor import __version__
from auditor.checkapi import Check, CheckParameters, Scope, Verdict, source_scope, unreadable
from auditor.datasets import ALL_DATASETS
from auditor.findings import (
    Finding,
    Report,
    ResourceRef,
    ScanError,
    ScanInfo,
    Severity,
    Status,
    StatusCounts,
    Summary,
    Tool,
    finding_id,
)
from auditor.models import GLOBAL_REGION, CollectionError, ScopeSnapshot, Snapshot
from auditor.wellarchitected import PILLARS, scorecard

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3


def _scope_resource(scope: ScopeSnapshot) -> ResourceRef:
    if scope.region == GLOBAL_REGION:
        return ResourceRef(id=scope.account_id, type="AWS::::Account")
    return ResourceRef(id=f"{scope.account_id}/{scope.region}", type="AWS::::Region")


def _not_collected(check: Check, scope: ScopeSnapshot, dataset: str) -> CollectionError:
    return CollectionError(
        account_id=scope.account_id,
        region=scope.region,
        service=ALL_DATASETS[dataset].service,
        operation=f"collect:{dataset}",
        error_code="NotCollected",
        message=f"the snapshot holds no {dataset} data for this scope",
    )


def _blocking_error(
    check: Check, scope: ScopeSnapshot, account: ScopeSnapshot | None
) -> CollectionError | None:
    """The first needed dataset of this scope that is missing or failed, if any."""
    for dataset in check.metadata.datasets:
        source = source_scope(dataset, scope, account)
        value = None if source is None else getattr(source, dataset)
        if value is None:
            return _not_collected(check, scope, dataset)
        if isinstance(value, CollectionError):
            return value
    return None


def _check_failure(check: Check, scope: ScopeSnapshot, exc: Exception) -> CollectionError:
    return CollectionError(
        account_id=scope.account_id,
        region=scope.region,
        service=check.metadata.service,
        operation=f"check:{check.id}",
        error_code="CheckFailed",
        message=f"{type(exc).__name__}: {exc}"[:500],
    )


def _verdicts(
    check: Check,
    scope: ScopeSnapshot,
    account: ScopeSnapshot | None,
    parameters: CheckParameters,
    own_accounts: frozenset[str] = frozenset(),
    peers: Mapping[str, ScopeSnapshot] | None = None,
) -> list[Verdict]:
    blocking = _blocking_error(check, scope, account)
    if blocking is not None:
        return [unreadable(_scope_resource(scope), blocking)]
    try:
        run = Scope(scope, check.metadata.datasets, parameters, account, own_accounts, peers)
        verdicts = list(check.run(run))
    except Exception as exc:  # a broken check must report ERROR, not vanish
        log.exception("check %s failed", check.id)
        return [unreadable(_scope_resource(scope), _check_failure(check, scope, exc))]
    return verdicts + _unread_verdicts(check, scope, account)


# What an unread resource stands for besides itself: an API whose read failed hides its stages
# and routes, which are what the checks over its dataset judge.
CONTAINED_TYPES: dict[str, frozenset[str]] = {
    "AWS::ApiGateway::RestApi": frozenset({"AWS::ApiGateway::Stage"}),
    "AWS::ApiGatewayV2::Api": frozenset(
        {"AWS::ApiGatewayV2::Stage", "AWS::ApiGatewayV2::Route", "AWS::ApiGateway::Stage"}
    ),
}


def judged_with(resource_type: str) -> frozenset[str]:
    """The resource types whose checks report an unread resource of `resource_type` as ERROR."""
    return frozenset({resource_type}) | CONTAINED_TYPES.get(resource_type, frozenset())


def _unread_verdicts(
    check: Check, scope: ScopeSnapshot, account: ScopeSnapshot | None
) -> list[Verdict]:
    """ERROR for each resource of the check's type that its datasets left out unread: the
    check never saw it, so it must not look judged (or absent)."""
    meta = check.metadata
    verdicts = []
    for dataset in meta.datasets:
        source = source_scope(dataset, scope, account)
        for resource in source.unread if source is not None else ():
            if resource.dataset == dataset and meta.resource_type in judged_with(resource.type):
                ref = ResourceRef(arn=resource.arn, id=resource.id, type=resource.type)
                verdicts.append(unreadable(ref, resource.error, region=resource.region))
    return verdicts


def _finding(check: Check, scope: ScopeSnapshot, verdict: Verdict) -> Finding:
    meta = check.metadata
    region = verdict.region or scope.region
    return Finding(
        id=finding_id(meta.id, scope.account_id, region, verdict.resource),
        check_id=meta.id,
        status=verdict.status,
        severity=meta.severity,
        service=meta.service,
        title=meta.title,
        message=verdict.message,
        account_id=scope.account_id,
        region=region,
        resource=verdict.resource,
        evidence=dict(verdict.evidence),
        remediation=meta.remediation,
        compliance=meta.compliance,
    )


def _applies(check: Check, scope: ScopeSnapshot) -> bool:
    return (check.metadata.scope == "global") == (scope.region == GLOBAL_REGION)


class Evaluation:
    """Findings of a set of checks over a snapshot, with the gaps that left them unjudged."""

    def __init__(
        self,
        snapshot: Snapshot,
        checks: Iterable[Check],
        parameters: Mapping[str, CheckParameters] | None = None,
    ) -> None:
        """`parameters` maps a check id to its configured parameters (else the defaults)."""
        self.snapshot = snapshot
        self.checks = list(checks)
        self.findings: list[Finding] = []
        self._errors: dict[tuple[str, ...], CollectionError] = {}
        self._unjudged: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for scope in snapshot.scopes:
            for error in scope.errors:
                self._errors.setdefault(error.key, error)
        parameters = parameters or {}
        self._tuned = set(parameters)
        self._parameters: dict[str, CheckParameters] = {}
        accounts = {s.account_id: s for s in snapshot.scopes if s.region == GLOBAL_REGION}
        own_accounts = frozenset(snapshot.organization_accounts)
        # The organization's accounts' global scopes, for what only one of them can read.
        peers = {a: accounts[a] for a in sorted(own_accounts) if a in accounts}
        for check in self.checks:
            configured = parameters.get(check.id) or check.configure()
            self._parameters[check.id] = configured
            for scope in snapshot.scopes:
                if not _applies(check, scope):
                    continue
                account = accounts.get(scope.account_id)
                verdicts = _verdicts(check, scope, account, configured, own_accounts, peers)
                for verdict in verdicts:
                    self.findings.append(_finding(check, scope, verdict))
                    if verdict.error is not None:
                        self._errors.setdefault(verdict.error.key, verdict.error)
                        self._unjudged[verdict.error.key].add(check.id)
        self.findings.sort(key=lambda f: (f.check_id, f.account_id, f.region, f.resource.id, f.id))

    @property
    def errors(self) -> list[ScanError]:
        return [
            ScanError(
                account_id=e.account_id,
                region=e.region,
                service=e.service,
                operation=e.operation,
                error_code=e.error_code,
                message=e.message,
                resource_id=e.resource_id,
                checks=sorted(self._unjudged.get(key, ())),
            )
            for key, e in sorted(self._errors.items())
        ]

    def report(self, scan_id: str, started_at: datetime, finished_at: datetime) -> Report:
        return Report(
            tool=Tool(version=__version__),
            scan=ScanInfo(
                id=scan_id,
                started_at=started_at,
                finished_at=finished_at,
                accounts=self.snapshot.accounts,
                regions=self.snapshot.regions,
                checks=[c.id for c in self.checks],
                api_calls=self.snapshot.api_calls,
                severity_overrides={
                    c.id: c.metadata.severity for c in self.checks if c.default_severity
                },
                parameters={
                    c.id: self._parameters[c.id].model_dump(mode="json")
                    for c in self.checks
                    if c.overrides or c.id in self._tuned
                },
            ),
            summary=summarize(self.findings),
            findings=self.findings,
            errors=self.errors,
        )


def summarize(findings: Iterable[Finding]) -> Summary:
    by_status: dict[Status, int] = dict.fromkeys(Status, 0)
    by_severity: dict[Severity, dict[Status, int]] = {s: dict.fromkeys(Status, 0) for s in Severity}
    by_account: dict[str, dict[Status, int]] = {}
    total = 0
    seen = list(findings)
    for f in seen:
        total += 1
        by_status[f.status] += 1
        by_severity[f.severity][f.status] += 1
        by_account.setdefault(f.account_id, dict.fromkeys(Status, 0))[f.status] += 1
    judged = by_status[Status.PASS] + by_status[Status.FAIL]
    return Summary(
        total=total,
        by_status=StatusCounts(**by_status),
        by_severity={s: StatusCounts(**counts) for s, counts in by_severity.items()},
        pass_rate=by_status[Status.PASS] / judged if judged else None,
        by_account={a: StatusCounts(**c) for a, c in sorted(by_account.items())},
        well_architected={pillar: scorecard(seen, pillar) for pillar in PILLARS},
    )


def exit_code(report: Report, fail_on: Severity | None) -> int:
    """1 if a FAIL is at or above `fail_on`; else 3 if anything could not be judged; else 0."""
    if fail_on is not None and any(
        f.status is Status.FAIL and f.severity.rank >= fail_on.rank for f in report.findings
    ):
        return EXIT_FAILED
    if any(f.status is Status.ERROR for f in report.findings):
        return EXIT_INCOMPLETE
    return EXIT_OK
