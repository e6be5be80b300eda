"""CloudWatch Logs checks, and how a metric filter pattern is read: log groups keep their events
for a set time, and a pattern is compared with a benchmark's as the set of conditions it can
actually match on (its && / || structure decides which)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import Field

from auditor.checkapi import CheckParameters, Scope, Verdict, check, failed, passed
from auditor.datasets import LOGS_LOG_GROUPS
from auditor.findings import Remediation, ResourceRef, Severity

_GROUP_TYPE = "AWS::Logs::LogGroup"
_LOGS_GUIDE = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs"

# One condition of a JSON filter pattern: $.field, an operator, and a value (none for
# NOT EXISTS / IS NULL); a value is a quoted string or a bare word.
_CONDITION = re.compile(
    r"\$\.(?P<field>[A-Za-z0-9_.\[\]-]+)\s*"
    r"(?P<op>NOT\s+EXISTS|IS\s+NULL|!=|=)\s*"
    r"(?P<value>\"(?:[^\"\\]|\\.)*\"|[^\s()|&\"]+)?",
    re.IGNORECASE,
)

Condition = tuple[str, str, str]  # (field, operator, value)


def conditions(pattern: str) -> frozenset[Condition]:
    """The (field, operator, value) conditions of a JSON metric filter pattern, with spacing,
    quotes, parentheses and order dropped: `{ ($.eventName = "CreateTrail") }` and
    `{$.eventName=CreateTrail}` read the same."""
    return frozenset(_condition(m) for m in _CONDITION.finditer(" ".join(pattern.split())))


def _condition(match: re.Match[str]) -> Condition:
    op = " ".join(match["op"].upper().split())
    value = (match["value"] or "").strip()
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        value = value[1:-1]
    return (match["field"], op, "" if op in ("NOT EXISTS", "IS NULL") else value)


_MAX_CLAUSES = 4096  # past this, the structure is not expanded: every condition counts
Clause = frozenset[Condition]


class _Unparsed(Exception):
    """The pattern is not a JSON filter pattern of conditions joined by && and ||."""


class _Parser:
    """`{ expr }`, expr := and ("||" and)*, and := term ("&&" term)*, term := "(" expr ")" |
    condition; read into its disjunctive normal form: the sets of conditions that must all
    hold for the pattern to match."""

    def __init__(self, pattern: str) -> None:
        self.text = " ".join(pattern.split())
        self.at = 0

    def _skip(self) -> None:
        while self.at < len(self.text) and self.text[self.at] == " ":
            self.at += 1

    def _take(self, token: str) -> bool:
        self._skip()
        if self.text.startswith(token, self.at):
            self.at += len(token)
            return True
        return False

    def parse(self) -> list[Clause]:
        if not self._take("{"):
            raise _Unparsed
        clauses = self._or()
        if not self._take("}"):
            raise _Unparsed
        self._skip()
        if self.at != len(self.text):
            raise _Unparsed
        return clauses

    def _or(self) -> list[Clause]:
        clauses = self._and()
        while self._take("||"):
            clauses = clauses + self._and()
        return clauses

    def _and(self) -> list[Clause]:
        clauses = self._term()
        while self._take("&&"):
            right = self._term()
            if len(clauses) * len(right) > _MAX_CLAUSES:
                raise _Unparsed
            clauses = [a | b for a in clauses for b in right]
        return clauses

    def _term(self) -> list[Clause]:
        if self._take("("):
            clauses = self._or()
            if not self._take(")"):
                raise _Unparsed
            return clauses
        self._skip()
        match = _CONDITION.match(self.text, self.at)
        if match is None:
            raise _Unparsed
        self.at = match.end()
        return [frozenset({_condition(match)})]


def _exact(value: str) -> bool:
    return "*" not in value


def _satisfiable(clause: Clause) -> bool:
    """False when two of the clause's conditions exclude each other: one field equal to two
    different exact values, or equal to and not equal to the same one."""
    equals: dict[str, set[str]] = {}
    for name, op, value in clause:
        if op == "=" and _exact(value):
            equals.setdefault(name, set()).add(value)
    if any(len(values) > 1 for values in equals.values()):
        return False
    return not any(op == "!=" and value in equals.get(name, set()) for name, op, value in clause)


def reachable_conditions(pattern: str) -> frozenset[Condition]:
    """The conditions of the pattern's alternatives that can match at all: in
    `{ ($.eventName = A) && ($.eventName = B) }` none can, so nothing is counted. A pattern
    this reader cannot structure is read as the plain set of its conditions."""
    try:
        clauses = _Parser(pattern).parse()
    except _Unparsed:
        return conditions(pattern)
    return frozenset(c for clause in clauses if _satisfiable(clause) for c in clause)


@dataclass(frozen=True)
class RequiredPattern:
    """A benchmark's filter pattern, as conditions a filter must have and ones it may add."""

    pattern: str
    optional: frozenset[Condition] = field(default_factory=frozenset)

    @property
    def required(self) -> frozenset[Condition]:
        return conditions(self.pattern) - self.optional

    def missing_from(self, pattern: str) -> list[str]:
        """Why a filter pattern falls short of this one: the conditions it lacks, and any it
        adds on a field the benchmark does not test (such a condition could narrow what the
        filter counts). Empty when the pattern matches.

        Only conditions of alternatives that can match count (see `reachable_conditions`):
        `A && B` over two event names matches nothing and lacks both. Beyond that the
        comparison is of sets; it accepts what the benchmark's own variants differ by: more
        event names, or the benchmark's optional exclusions."""
        found = reachable_conditions(pattern)
        allowed_fields = {c[0] for c in self.required | self.optional}
        lacks = [f"{f} {op} {v}".strip() for f, op, v in sorted(self.required - found)]
        extra = sorted(f"{f} {op} {v}".strip() for f, op, v in found if f not in allowed_fields)
        return [f"lacks {c}" for c in lacks] + [f"adds {c}" for c in extra]


class LogRetention(CheckParameters):
    # Security Hub's CloudWatch.16 default (minRetentionTime 365): a year of logs covers an
    # incident found late and a yearly audit.
    min_retention_days: int = Field(default=365, ge=1)


# MEDIUM, as Security Hub rates CloudWatch.16.
@check(
    id="logs_log_group_retention",
    title="CloudWatch Logs log groups keep events for a set time of at least the minimum",
    service="logs",
    severity=Severity.MEDIUM,
    resource_type=_GROUP_TYPE,
    datasets=[LOGS_LOG_GROUPS],
    rationale=(
        "Study materials (Monitoring, and the architecture retrospective's lesson that CloudWatch "
        "log storage cost needed optimising): a log group set to never expire stores, and bills, "
        "every event forever; one that expires too soon loses the record an investigation needs. "
        "The minimum (365 days) is the default of Security Hub's CloudWatch.16, a NIST 800-53 "
        "control; no FSBP or CIS control covers this."
    ),
    remediation=Remediation(
        console=(
            "CloudWatch console > Log groups > select the log group > Actions > Edit retention "
            "setting > choose a retention of at least the minimum > Save."
        ),
        cli="aws logs put-retention-policy --log-group-name <log-group> --retention-in-days 365",
        terraform="aws_cloudwatch_log_group: retention_in_days = 365",
    ),
    references=[
        f"{_LOGS_GUIDE}/Working-with-log-groups-and-streams.html#SettingLogRetention",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html"
        "#cloudwatch-16",
    ],
    parameters=LogRetention,
    compliance={"wa-cost": ["COST04-BP05"]},
)
def logs_log_group_retention(scope: Scope) -> Iterable[Verdict]:
    minimum = scope.parameters(LogRetention).min_retention_days
    for group in scope.get(LOGS_LOG_GROUPS):
        ref = ResourceRef(arn=group.arn, id=group.name, type=_GROUP_TYPE)
        days = group.retention_days
        if days is None:
            yield failed(
                ref,
                f"Log group {group.name} never expires its events: storage grows, and is billed, "
                "without end.",
                retention_days=None,
                minimum_days=minimum,
            )
        elif days < minimum:
            yield failed(
                ref,
                f"Log group {group.name} keeps events for {days} days, under the {minimum}-day "
                "minimum.",
                retention_days=days,
                minimum_days=minimum,
            )
        else:
            yield passed(
                ref,
                f"Log group {group.name} keeps events for {days} days.",
                retention_days=days,
                minimum_days=minimum,
            )
