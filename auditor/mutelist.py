"""Suppressions: a mutelist file of accepted risks, each with a reason, an owner and an end date.

A matched finding keeps its status and gains `muted: true` with the entry; an entry past its
`expires` date matches nothing and is listed in the report so someone renews or removes it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml

from auditor.errors import InputFileError
from auditor.findings import Finding, Mute, Report, Status
from auditor.inputs import read_input_text

DEFAULT_NAMES = ("auditor.mute.yaml", "auditor.mute.yml", "auditor.mute.toml")
SELECTORS = ("check", "account", "region", "resource", "tags", "owned_by")
REQUIRED = ("reason", "owner", "expires")
_KNOWN = frozenset((*SELECTORS, *REQUIRED))


@dataclass(frozen=True)
class Mutelist:
    path: Path
    entries: tuple[Mute, ...]

    def split(self, today: date) -> tuple[list[Mute], list[Mute]]:
        """(active, expired) on `today`: an entry applies up to and including its expiry day."""
        active = [e for e in self.entries if e.expires >= today]
        expired = [e for e in self.entries if e.expires < today]
        return active, expired


def discover(directory: Path) -> Path | None:
    """The mutelist beside the user (current directory), if exactly one is there."""
    found = [directory / name for name in DEFAULT_NAMES if (directory / name).is_file()]
    if len(found) > 1:
        names = " and ".join(p.name for p in found)
        raise InputFileError(f"both {names} exist; keep one, or name one with --mutelist")
    return found[0] if found else None


def load_mutelist(path: Path) -> Mutelist:
    text = read_input_text(path, "mutelist")
    document = _parse(path, text)
    return Mutelist(path, tuple(parse_entries(document, str(path))))


class _DatesAsText(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so a bad date is reported with its entry."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse(path: Path, text: str) -> Any:
    if path.suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputFileError(f"mutelist {str(path)!r} is not valid TOML: {exc}") from None
    try:
        return yaml.load(text, Loader=_DatesAsText)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise InputFileError(f"mutelist {str(path)!r} is not valid YAML{line}") from None


def parse_entries(document: Any, source: str) -> list[Mute]:
    """Validate the whole document; the first problem is one line naming its entry."""
    if document is None:
        return []
    if not isinstance(document, Mapping) or set(document) - {"mutes"}:
        raise InputFileError(f"mutelist {source!r}: the top level must be a single key 'mutes'")
    raw = document.get("mutes") or []
    if not isinstance(raw, list):
        raise InputFileError(f"mutelist {source!r}: 'mutes' must be a list of entries")
    return [_entry(source, n, item) for n, item in enumerate(raw, start=1)]


def _entry(source: str, number: int, item: object) -> Mute:
    def fail(problem: str) -> InputFileError:
        return InputFileError(f"mutelist {source!r}: {_name(number, item)}: {problem}")

    if not isinstance(item, Mapping):
        raise fail("an entry must be a mapping of keys")
    unknown = sorted(str(k) for k in item if k not in _KNOWN)
    if unknown:
        known = ", ".join((*SELECTORS, *REQUIRED))
        raise fail(f"unknown key {unknown[0]!r} (known: {known})")
    for key in REQUIRED:
        if key not in item:
            raise fail(f"missing {key!r}")
    if not any(key in item for key in SELECTORS):
        raise fail("names nothing to match: give at least one of " + ", ".join(SELECTORS))
    try:
        return Mute(
            entry=number,
            check=_globs(item, "check"),
            account=_accounts(item),
            region=_globs(item, "region"),
            resource=_globs(item, "resource"),
            tags=_tags(item),
            owned_by=_globs(item, "owned_by"),
            reason=_text(item, "reason"),
            owner=_text(item, "owner"),
            expires=_date(item["expires"]),
        )
    except ValueError as exc:
        raise fail(str(exc)) from None


def _name(number: int, item: object) -> str:
    check = item.get("check") if isinstance(item, Mapping) else None
    return f"entry {number}" + (f" (check {check!r})" if isinstance(check, str) else "")


def _globs(item: Mapping[str, Any], key: str) -> list[str]:
    value = item.get(key)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise ValueError(f"{key!r} must be a non-empty string or a list of them")
    return list(values)


def _accounts(item: Mapping[str, Any]) -> list[str]:
    value = item.get("account")
    if value is None:
        return []
    values = []
    for v in value if isinstance(value, list) else [value]:
        # YAML reads an unquoted 12-digit id as a number, and a 0-led one as octal: accept a
        # number only while it still has its 12 digits, and ask for quotes otherwise.
        if isinstance(v, int) and not isinstance(v, bool):
            if len(str(v)) != 12:
                raise ValueError("'account' must be a quoted 12-digit account id (or a glob)")
            v = str(v)
        values.append(v)
    return _globs({"account": values}, "account")


def _tags(item: Mapping[str, Any]) -> dict[str, str]:
    value = item.get("tags")
    if value is None:
        return {}
    if (
        not isinstance(value, Mapping)
        or not value
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    ):
        raise ValueError("'tags' must map tag keys to string values (globs)")
    return dict(value)


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key!r} must be non-empty text")
    return value.strip()


def _date(value: object) -> date:
    # A date, or a YYYY-MM-DD string; not a timestamp number nor a date-time.
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"'expires' must be a date written YYYY-MM-DD, not {value!r}")


def matches(entry: Mute, finding: Finding) -> bool:
    """Every selector the entry gives must match; within one, any glob may."""
    resource = finding.resource
    return (
        _any(entry.check, finding.check_id)
        and _any(entry.account, finding.account_id)
        and _any(entry.region, finding.region)
        and (
            not entry.resource
            or any(
                fnmatchcase(value, glob)
                for glob in entry.resource
                for value in (resource.arn, resource.id)
                if value is not None
            )
        )
        and _tags_match(entry.tags, resource.tags)
        and _any(entry.owned_by, finding.owner or "unowned")
    )


def _any(globs: Iterable[str], value: str) -> bool:
    globs = list(globs)
    return not globs or any(fnmatchcase(value, glob) for glob in globs)


def _tags_match(wanted: Mapping[str, str], tags: Mapping[str, str] | None) -> bool:
    if not wanted:
        return True
    if tags is None:  # tags not read for this resource: a tag entry cannot vouch for it
        return False
    return all(key in tags and fnmatchcase(tags[key], glob) for key, glob in wanted.items())


def apply_mutelist(report: Report, mutelist: Mutelist) -> Report:
    """Mute matching PASS and FAIL findings (first matching entry wins); an ERROR is a gap in
    the scan, not an accepted risk, so no entry hides it. Replaces any earlier mute state."""
    today = report.scan.started_at.date()
    active, expired = mutelist.split(today)
    findings = []
    for finding in report.findings:
        entry = None
        if finding.status is not Status.ERROR:
            entry = next((e for e in active if matches(e, finding)), None)
        if entry is not None or finding.muted:
            finding = finding.model_copy(update={"muted": entry is not None, "mute": entry})
        findings.append(finding)
    return report.model_copy(update={"findings": findings, "expired_mutes": expired})
