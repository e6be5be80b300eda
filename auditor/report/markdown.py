"""The Markdown digest (`--format markdown`): the executive summary, what is new and fixed since
the baseline, the ten most severe open findings and open FAILs per owner. Short enough for
GitHub's job summary ($GITHUB_STEP_SUMMARY, 1 MiB) and a pull-request comment (65,536
characters); every name from the account is an inert code span."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from auditor.findings import DiffState, Finding, Report, Severity, Status
from auditor.report.html_rows import age_days

SEVERITIES = sorted(Severity, key=lambda s: s.rank, reverse=True)
UNOWNED = "unowned"
MOST_SEVERE = 10
LIST_LIMIT = 20  # rows of the new and fixed tables
OWNER_LIMIT = 25
CELL_LIMIT = 100  # characters of one untrusted name
_BACKTICKS = re.compile(r"`+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def code(value: str) -> str:
    """An untrusted string as a code span inside a table cell: no Markdown, HTML or autolink
    inside it is interpreted; line breaks, direction overrides and pipes cannot break out."""
    text = _CONTROL.sub(" ", value)
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - 1] + "…"
    fence = "`" * (max((len(m) for m in _BACKTICKS.findall(text)), default=0) + 1)
    # GitHub splits table cells before code spans, so a pipe is escaped even inside one.
    return f"{fence} {text.replace('|', chr(92) + '|')} {fence}"


def owner_of(finding: Finding) -> str:
    return finding.owner or UNOWNED


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings, key=lambda f: (-f.severity.rank, f.check_id, f.account_id, f.resource.id)
    )


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _finding_rows(findings: list[Finding], limit: int, now_days: bool, report: Report) -> list[str]:
    rows = []
    for f in findings[:limit]:
        row = [
            f.severity.value,
            code(f.check_id),
            code(f.resource.id),
            code(f.account_id),
            code(f.region),
            code(owner_of(f)),
        ]
        if now_days:
            days = age_days(f.first_seen, report.scan.started_at)
            row.append("—" if days < 0 else str(days))
        rows.append(row)
    header = ["severity", "check", "resource", "account", "region", "owner"]
    lines = _table(header + (["days open"] if now_days else []), rows)
    if len(findings) > limit:
        lines.append(f"\n… and {len(findings) - limit} more in the full report.")
    return lines


def _summary(report: Report) -> list[str]:
    findings = report.findings
    open_fails = [f for f in findings if f.status is Status.FAIL and not f.muted]
    counts = Counter(f.severity for f in open_fails)
    muted = sum(1 for f in findings if f.status is Status.FAIL and f.muted)
    rate = report.summary.pass_rate
    accounts = report.scan.accounts
    who = code(accounts[0]) if len(accounts) == 1 else f"{len(accounts)} accounts"
    lines = [
        f"## auditor: {who}, {report.scan.started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"**{len(open_fails)} open FAIL(s)**"
        + (
            " (" + ", ".join(f"{s.value} {counts[s]}" for s in SEVERITIES if counts[s]) + ")"
            if open_fails
            else ""
        )
        + f", {muted} muted; pass rate {'—' if rate is None else f'{rate:.0%}'}; "
        f"{report.summary.total} findings from {len(report.scan.checks)} checks over "
        f"{len(report.scan.regions)} region(s).",
    ]
    if report.errors:
        lines += [
            "",
            f"> **Incomplete scan:** {len(report.errors)} read(s) failed, so "
            f"{report.summary.by_status.ERROR} finding(s) are ERROR, not PASS. See the report's "
            "gaps.",
        ]
    if report.expired_mutes:
        lines += [
            "",
            f"> {len(report.expired_mutes)} mutelist entry(ies) expired and mute nothing.",
        ]
    return lines


def _since_baseline(report: Report) -> list[str]:
    base = report.baseline
    if base is None:
        return ["", "_No baseline: every finding is new to this report._"]
    new = _sorted(
        f for f in report.findings if f.status is Status.FAIL and f.diff_state is DiffState.NEW
    )
    fixed = _sorted(report.fixed)
    lines = [
        "",
        f"### Since {code(base.scan_id)} ({base.started_at:%Y-%m-%d})",
        "",
        f"{len(new)} new FAIL(s), {len(fixed)} fixed, {base.unchanged} unchanged"
        + (f", {base.unverified} not re-checked" if base.unverified else "")
        + ".",
    ]
    for title, items in (("New FAILs", new), ("Fixed", fixed)):
        if items:
            lines += ["", f"#### {title}", "", *_finding_rows(items, LIST_LIMIT, False, report)]
    return lines


def _most_severe(report: Report) -> list[str]:
    open_fails = _sorted(f for f in report.findings if f.status is Status.FAIL and not f.muted)
    if not open_fails:
        return ["", "### Open findings", "", "Nothing fails."]
    return [
        "",
        f"### The {min(MOST_SEVERE, len(open_fails))} most severe open findings",
        "",
        *_finding_rows(open_fails, MOST_SEVERE, True, report),
    ]


def _by_owner(report: Report) -> list[str]:
    counts: dict[str, Counter[Severity]] = defaultdict(Counter)
    for f in report.findings:
        if f.status is Status.FAIL and not f.muted:
            counts[owner_of(f)][f.severity] += 1
    if not counts:
        return []
    ranked = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    rows = [
        [code(owner), *(str(c[s]) for s in SEVERITIES), str(sum(c.values()))]
        for owner, c in ranked[:OWNER_LIMIT]
    ]
    lines = ["", "### Open FAILs by owner", ""]
    lines += _table(["owner", *(s.value for s in SEVERITIES), "total"], rows)
    if len(ranked) > OWNER_LIMIT:
        lines.append(f"\n… and {len(ranked) - OWNER_LIMIT} more owners in the full report.")
    return lines


def render_markdown(report: Report) -> str:
    lines = [*_summary(report), *_since_baseline(report), *_most_severe(report)]
    lines += _by_owner(report)
    return "\n".join(lines) + "\n"
