"""The HTML report's finding rows as compact JSON, for the page's script to filter, sort and page.

At 100,000 findings one table row of markup per finding would make the file far too large,
so rows travel as arrays of numbers that index one shared string table. A string that
contains the row's resource id is stored as a template (the id replaced by U+0000), so
"Table orders has no TTL" and "Table users has no TTL" share one entry.

Each row: [status, resource id, ARN template, type, account, region, message template,
evidence template, diff state, age in days, mute, tags, owner] — indexes into `strings` (or -1),
except the resource id itself, status (0 FAIL, 1 ERROR, 2 PASS) and diff state (0 none,
1 new, 2 unchanged, 3 fixed).
"""

from __future__ import annotations

import json
from datetime import datetime

from markupsafe import Markup
from pydantic import JsonValue

from auditor.findings import DiffState, Finding, Mute, Status

STATUS_CODE = {Status.FAIL: 0, Status.ERROR: 1, Status.PASS: 2}
DIFF_CODE = {None: 0, DiffState.NEW: 1, DiffState.UNCHANGED: 2, DiffState.FIXED: 3}
_PLACEHOLDER = "\x00"
# One encoder for every row: json.dumps with options builds a new one per call.
_COMPACT = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class _Strings:
    def __init__(self) -> None:
        self.table: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, value: str) -> int:
        index = self._index.get(value)
        if index is None:
            index = self._index[value] = len(self.table)
            self.table.append(value)
        return index

    def template(self, value: str | None, resource_id: str) -> int:
        if value is None:
            return -1
        if resource_id and _PLACEHOLDER not in value:
            value = value.replace(resource_id, _PLACEHOLDER)
        return self.add(value)


def age_days(first_seen: datetime | None, now: datetime) -> int:
    return -1 if first_seen is None else max(0, (now - first_seen).days)


class RowEncoder:
    """Encodes findings check by check into one payload with a shared string table."""

    def __init__(self, now: datetime) -> None:
        self._now = now
        self._strings = _Strings()
        self._mutes: list[list[JsonValue]] = []
        self._mute_index: dict[int, int] = {}
        self._checks: list[JsonValue] = []

    def _mute(self, mute: Mute | None) -> int:
        if mute is None:
            return -1
        if mute.entry not in self._mute_index:
            self._mute_index[mute.entry] = len(self._mutes)
            self._mutes.append([mute.reason, mute.owner, mute.expires.isoformat(), mute.entry])
        return self._mute_index[mute.entry]

    def _row(self, f: Finding) -> list[JsonValue]:
        s, rid = self._strings, f.resource.id
        evidence = (
            json.dumps(f.evidence, sort_keys=True, ensure_ascii=False) if f.evidence else None
        )
        tags = f.resource.tags
        return [
            STATUS_CODE[f.status],
            rid,
            s.template(f.resource.arn, rid),
            s.add(f.resource.type),
            s.add(f.account_id),
            s.add(f.region),
            s.template(f.message, rid),
            s.template(evidence, rid),
            DIFF_CODE[f.diff_state],
            age_days(f.first_seen, self._now),
            self._mute(f.mute if f.muted else None),
            -1 if tags is None else s.add(_COMPACT.encode(tags)),
            -1 if f.owner is None else s.add(f.owner),
        ]

    def add_check(self, check_id: str, findings: list[Finding]) -> None:
        self._checks.append({"id": check_id, "rows": [self._row(f) for f in findings]})

    def payload(self) -> dict[str, JsonValue]:
        return {
            "strings": list(self._strings.table),
            "mutes": list(self._mutes),
            "checks": self._checks,
        }


def script_json(value: JsonValue) -> Markup:
    """JSON that is safe between <script> tags: nothing in it can close the element or start
    markup, and the line separators JavaScript once choked on are escaped too."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return Markup(text)  # noqa: S704 - escaped above for the <script> raw-text context
