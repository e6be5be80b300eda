"""`auditor merge`: join the JSON results of shards (`scan --shard K/N`) into one report, as if
one machine had scanned everything. Results that cannot be joined are refused, never blended."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from auditor.engine import summarize
from auditor.errors import InputFileError
from auditor.findings import Report, ScanError, ScanInfo


def _coverage(report: Report) -> dict[str, tuple[str, str]]:
    """The findings a result holds, by id (check, account, region, resource), with their
    account and region. Shards of one scan share none."""
    return {f.id: (f.account_id, f.region) for f in report.findings}


def _joined_errors(reports: Sequence[Report]) -> list[ScanError]:
    """Every failed read once; an account-wide read that several shards needed names the
    checks each of them left unjudged."""
    joined: dict[tuple[str, ...], ScanError] = {}
    for report in reports:
        for e in report.errors:
            key = (
                e.account_id,
                e.region,
                e.service,
                e.operation,
                e.error_code,
                e.message,
                e.resource_id or "",
            )
            seen = joined.get(key)
            checks = sorted({*e.checks, *(seen.checks if seen else ())})
            joined[key] = e.model_copy(update={"checks": checks})
    return [joined[key] for key in sorted(joined)]


def merge_reports(results: Sequence[tuple[Path, Report]]) -> Report:
    """One report from shard results; raises InputFileError naming what does not fit."""
    if not results:
        raise InputFileError("merge needs at least one result file")
    first_path, first = results[0]
    seen: dict[str, Path] = {}
    scan_ids: dict[str, Path] = {}
    for path, report in results:
        if report.schema_version != first.schema_version:
            raise InputFileError(
                f"{str(path)!r} has schema_version {report.schema_version!r} but "
                f"{str(first_path)!r} has {first.schema_version!r}: merge results of one version"
            )
        if report.scan.id in scan_ids:
            raise InputFileError(
                f"{str(path)!r} and {str(scan_ids[report.scan.id])!r} are the same result "
                f"(scan {report.scan.id})"
            )
        scan_ids[report.scan.id] = path
        if sorted(report.scan.checks) != sorted(first.scan.checks):
            raise InputFileError(
                f"{str(path)!r} ran other checks than {str(first_path)!r}: merge shards of one scan"
            )
        coverage = _coverage(report)
        overlap = sorted(coverage.keys() & seen.keys())
        if overlap:
            account, region = coverage[overlap[0]]
            raise InputFileError(
                f"{str(path)!r} and {str(seen[overlap[0]])!r} both cover account {account} "
                f"{region}: a shard given twice?"
            )
        seen.update(dict.fromkeys(coverage, path))
    reports = [report for _, report in results]
    findings = sorted(
        (f for r in reports for f in r.findings),
        key=lambda f: (f.check_id, f.account_id, f.region, f.resource.id, f.id),
    )
    errors = _joined_errors(reports)
    api_calls: Counter[str] = Counter()
    for r in reports:
        api_calls.update(r.scan.api_calls)
    scan = ScanInfo(
        id=str(uuid.uuid4()),
        started_at=min(r.scan.started_at for r in reports),
        finished_at=max(r.scan.finished_at for r in reports),
        accounts=sorted({a for r in reports for a in r.scan.accounts}),
        regions=sorted({g for r in reports for g in r.scan.regions}),
        checks=first.scan.checks,
        api_calls=dict(sorted(api_calls.items())),
    )
    # Mutes and the baseline comparison are applied again to the whole (merge's options).
    return Report(
        schema_version=first.schema_version,
        tool=first.tool,
        scan=scan,
        summary=summarize(findings),
        findings=findings,
        errors=errors,
    )
