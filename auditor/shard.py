"""`--shard K/N`: a stable 1/N share of the scan's (account, scope) pairs, so N machines can
each scan a part and `auditor merge` can join their results.

A pair's shard depends only on its account id and scope name (a region, or "global"), never
on the order in which accounts or regions were listed, so every shard agrees without talking.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from auditor.errors import UsageError
from auditor.findings import Report

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, spec: str) -> Shard:
        match = _SPEC.match(spec)
        if match is None:
            raise UsageError(f"--shard {spec!r} is not K/N (for example 1/4)")
        index, count = int(match.group(1)), int(match.group(2))
        if count < 1 or not 1 <= index <= count:
            raise UsageError(f"--shard {spec!r}: K must be between 1 and N")
        return cls(index, count)

    def owns(self, account_id: str, scope: str) -> bool:
        return shard_of(account_id, scope, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_of(account_id: str, scope: str, count: int) -> int:
    """The 1-based shard of (account, scope) among `count`."""
    digest = hashlib.sha256(f"{account_id}/{scope}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def restrict(report: Report, without_global: set[str], global_checks: set[str]) -> Report:
    """A shard's report without what belongs to other shards: for an account whose global
    scope another shard has, the findings of global checks (that shard reports them) and the
    gaps only those checks saw. A read this shard also needed stays, naming its own checks;
    `auditor merge` joins the two."""
    if not without_global:
        return report
    from auditor.engine import summarize

    def foreign(account_id: str, check_id: str) -> bool:
        return account_id in without_global and check_id in global_checks

    findings = [f for f in report.findings if not foreign(f.account_id, f.check_id)]
    errors = []
    for error in report.errors:
        checks = [c for c in error.checks if not foreign(error.account_id, c)]
        if error.checks and not checks:
            continue
        errors.append(error.model_copy(update={"checks": checks}))
    return report.model_copy(
        update={"findings": findings, "errors": errors, "summary": summarize(findings)}
    )
