"""Reads IAM policy documents, however malformed, and finds the statements that grant too much.

Policy documents are written by whoever can edit IAM, so nothing here trusts their shape:

- The document may be a dict or JSON text, URL-encoded or not. Text that is not JSON, or JSON
  that is not an object with a `Statement`, makes the whole document unreadable
  (`PolicyDocument.error`); the checks report such a policy as FAIL, never as PASS.
- `Statement` may be one object or a list; element names are matched case-insensitively.
- A statement that is not an object, or whose `Effect` is not Allow or Deny (in any case), is
  skipped and named in `PolicyDocument.unreadable`. So is every other part that could not be
  read (an `Action` that is a number, a non-string entry in a list): the rest of the statement
  is still judged, so a readable `"s3:*"` beside a broken entry is still found.
- Conditions never change a verdict (Security Hub's IAM.1 ignores them too); a grant only
  records that it was conditional.

Wildcards: `*` matches any run of characters, colons included, `?` exactly one. A pattern made
only of `*` with at most one `?` matches every name, since every service prefix, action name
and ARN is at least one character long.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from pydantic import JsonValue

# JSON inside JSON (a policy stored as a JSON string of JSON text) is unwrapped this often.
_MAX_DECODE_ROUNDS = 3
_SHOWN_CHARS = 60  # attacker-written values quoted in evidence are cut to this length


@dataclass(frozen=True)
class Statement:
    """One statement as written; an element that is absent is None."""

    index: int
    sid: str | None
    allows: bool
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    conditional: bool


@dataclass(frozen=True)
class PolicyDocument:
    """The statements that could be read, the parts that could not, or why nothing could."""

    statements: tuple[Statement, ...] = ()
    unreadable: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class Grant:
    """A statement that grants too much, with the entries that make it do so."""

    statement: Statement
    actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    # Set when the grant comes from what a Not- element leaves out (it may list nothing).
    not_actions: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None

    def evidence(self) -> dict[str, JsonValue]:
        """The deciding fields, JSON-serializable: where the statement is and what it grants."""
        found: dict[str, JsonValue] = {"statement": self.statement.index}
        if self.statement.sid is not None:
            found["sid"] = self.statement.sid
        for key, entries in (
            ("actions", self.actions or None),
            ("not_actions", self.not_actions),
            ("resources", self.resources or None),
            ("not_resources", self.not_resources),
        ):
            if entries is not None:
                found[key] = list(entries)
        found["conditional"] = self.statement.conditional
        return found

    def describe(self) -> str:
        """The statement in a message: its Sid when it has one, else its position."""
        where = f"statement {self.statement.index}"
        return f"{where} ({self.statement.sid})" if self.statement.sid else where


# --- Reading ---------------------------------------------------------------------------------


def parse_policy(document: Any) -> PolicyDocument:
    """Read a policy document as stored (dict or JSON text); never raises."""
    data, error = _decode(document)
    if error is not None:
        return PolicyDocument(error=error)
    if not isinstance(data, dict):
        return PolicyDocument(error=f"the document is a JSON {_json_type(data)}, not an object")
    raw = _keys(data).get("statement")
    if isinstance(raw, dict):
        items: list[Any] = [raw]
    elif isinstance(raw, list):
        items = raw
    elif raw is None:
        return PolicyDocument(error="the document has no Statement")
    else:
        return PolicyDocument(
            error=f"its Statement is a JSON {_json_type(raw)}, not an object or a list"
        )
    statements: list[Statement] = []
    unreadable: list[str] = []
    for index, item in enumerate(items):
        statement = _statement(index, item, unreadable)
        if statement is not None:
            statements.append(statement)
    return PolicyDocument(tuple(statements), tuple(unreadable))


def _decode(document: Any) -> tuple[Any, str | None]:
    value = document
    for _ in range(_MAX_DECODE_ROUNDS):
        if not isinstance(value, str):
            return value, None
        value = _loads(value)
        if value is _NOT_JSON:
            return None, "the document is not valid JSON"
    if isinstance(value, str):
        return None, "the document is JSON text nested too deeply"
    return value, None


_NOT_JSON = object()


def _loads(text: str) -> Any:
    # IAM hands documents over URL-encoded; a collector may or may not have decoded them.
    for candidate in (text, urllib.parse.unquote(text)):
        try:
            return json.loads(candidate)
        except (ValueError, RecursionError):
            continue
    return _NOT_JSON


def _statement(index: int, item: Any, unreadable: list[str]) -> Statement | None:
    where = f"Statement[{index}]"
    if not isinstance(item, dict):
        unreadable.append(f"{where} is a JSON {_json_type(item)}, not an object; skipped")
        return None
    elements = _keys(item)
    effect = elements.get("effect")
    if not isinstance(effect, str) or effect.lower() not in ("allow", "deny"):
        unreadable.append(f"{where} has no Allow or Deny Effect ({_shown(effect)}); skipped")
        return None
    actions = _strings(elements, "Action", where, unreadable)
    not_actions = _strings(elements, "NotAction", where, unreadable)
    resources = _strings(elements, "Resource", where, unreadable)
    not_resources = _strings(elements, "NotResource", where, unreadable)
    for one, other in (("Action", "NotAction"), ("Resource", "NotResource")):
        present = [name for name in (one, other) if name.lower() in elements]
        if len(present) != 1:
            which = "both" if present else "neither"
            unreadable.append(f"{where} has {which} {one} {'and' if present else 'nor'} {other}")
    sid = elements.get("sid")
    return Statement(
        index=index,
        sid=sid if isinstance(sid, str) else None,
        allows=effect.lower() == "allow",
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        conditional=bool(elements.get("condition")),
    )


def _strings(
    elements: dict[str, Any], name: str, where: str, unreadable: list[str]
) -> tuple[str, ...] | None:
    """An element's string entries; None when absent, and the unreadable rest reported."""
    if name.lower() not in elements:
        return None
    value = elements[name.lower()]
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        unreadable.append(f"{where}.{name} is a JSON {_json_type(value)}, not a string or list")
        return ()
    strings = tuple(entry for entry in value if isinstance(entry, str))
    if len(strings) < len(value):
        unreadable.append(f"{where}.{name} has {len(value) - len(strings)} non-string entries")
    return strings


def _keys(obj: dict[Any, Any]) -> dict[str, Any]:
    return {str(key).lower(): value for key, value in obj.items()}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    return "number" if isinstance(value, int | float) else type(value).__name__


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


# --- Judging ---------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _action_pattern(entry: str) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in entry.lower())
    return re.compile("".join(parts))


def action_matches(entry: str, action: str) -> bool:
    """Whether a policy's Action entry (wildcards allowed) names `action`, as IAM compares:
    case-insensitive, `*` any run, `?` one character, every other character literal."""
    return _action_pattern(entry).fullmatch(action.lower()) is not None


def matches_every_name(pattern: str) -> bool:
    """Whether a wildcard pattern matches every non-empty name: `*`, `**`, `?*`, …"""
    return "*" in pattern and set(pattern) <= {"*", "?"} and pattern.count("?") <= 1


# Every action is at least `x:y`: a colon-less wildcard-only pattern with up to this many `?`
# (and a `*`) still matches every one of them (`??*` does).
_SHORTEST_ACTION = 3


def covers_every_action(action: str) -> bool:
    """`*`, `*:*`, `??*` and the like: every action of every service."""
    service, colon, name = action.partition(":")
    if not colon:
        return "*" in action and set(action) <= {"*", "?"} and action.count("?") <= _SHORTEST_ACTION
    return matches_every_name(service) and matches_every_name(name)


def covers_whole_service(action: str) -> bool:
    """`s3:*` (any case), `i*:*`, or an action covering everything: all of some service."""
    service, colon, name = action.partition(":")
    if not colon:
        return covers_every_action(action)
    return bool(service) and matches_every_name(name)


_PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f")


def covers_every_resource(resource: str) -> bool:
    """`*`, an ARN pattern wildcarded after its partition (`arn:aws:*`, `arn:aws:*:*:*:*`), or
    a `*` that ends the pattern early (`arn:*`, `a*`): a `*` ending an ARN segment matches
    across the colons after it, so it matches every ARN its start matches."""
    if "*" in resource and set(resource) <= {"*", "?"}:
        return resource.count("?") <= len("arn:aws:")  # every ARN is longer than that
    stem = resource.rstrip("*").lower()
    if resource.endswith("*") and any(f"arn:{p}:".startswith(stem) for p in _PARTITIONS):
        return True
    parts = resource.split(":")
    return (
        len(parts) >= 3
        and parts[0].lower() == "arn"
        and bool(parts[1])
        and all(matches_every_name(part) for part in parts[2:])
    )


def full_admin_grants(policy: PolicyDocument) -> list[Grant]:
    """Allow statements of every action on every resource.

    Actions: an `Action` entry that covers every action. An Allow with `NotAction` grants all
    but what it lists, never *every* action, so it is not full admin (the service-wildcard
    reading catches it). Resources: a `Resource` entry that covers every resource, or a
    `NotResource` that does not itself cover every resource (it grants all but a few).
    """
    grants: list[Grant] = []
    for statement in policy.statements:
        actions = tuple(a for a in statement.actions or () if covers_every_action(a))
        if not (statement.allows and actions):
            continue
        resources = tuple(r for r in statement.resources or () if covers_every_resource(r))
        if resources:
            grants.append(Grant(statement, actions=actions, resources=resources))
        elif _leaves_something(statement.not_resources, covers_every_resource):
            grants.append(Grant(statement, actions=actions, not_resources=statement.not_resources))
    return grants


def service_wildcard_grants(policy: PolicyDocument) -> list[Grant]:
    """Allow statements that grant every action of at least one service, on any resource.

    That is an `Action` entry `<service>:*` (any case, any wildcard-only action part), an entry
    covering every action (it grants every service in full), or a `NotAction` that does not
    itself exclude every action (it grants `service:*` for each service it does not name).
    An entry the same document takes back with an unconditional Deny (see `denied_in`) grants
    nothing: an explicit Deny wins over any Allow.
    """
    grants: list[Grant] = []
    for statement in policy.statements:
        if not statement.allows:
            continue
        where = statement.resources
        actions = tuple(
            a
            for a in statement.actions or ()
            if covers_whole_service(a) and not denied_in(policy, where, partial(_names, a))
        )
        by_exclusion = _leaves_something(
            statement.not_actions, covers_every_action
        ) and not denied_in(policy, where, covers_every_action)
        if actions or by_exclusion:
            not_actions = statement.not_actions if by_exclusion else None
            grants.append(Grant(statement, actions=actions, not_actions=not_actions))
    return grants


def _names(action: str, deny_entry: str) -> bool:
    return action_matches(deny_entry, action)


def denied_in(
    policy: PolicyDocument, resources: tuple[str, ...] | None, takes_back: Callable[[str], bool]
) -> bool:
    """Whether an unconditional Deny of `policy` has an Action entry for which `takes_back` holds,
    on every resource or on each of `resources` (None: the Allow's NotResource, which only a
    Deny of every resource covers). A conditional Deny, or one with NotAction or NotResource,
    is not counted: when it applies cannot be told from the document alone."""
    for statement in policy.statements:
        if statement.allows or statement.conditional:
            continue
        if statement.not_actions is not None or statement.not_resources is not None:
            continue
        if not any(takes_back(entry) for entry in statement.actions or ()):
            continue
        denied = statement.resources or ()
        if any(covers_every_resource(r) for r in denied):
            return True
        if resources is not None and set(resources) <= set(denied):
            return True
    return False


def _leaves_something(excluded: tuple[str, ...] | None, covers_all: Callable[[str], bool]) -> bool:
    """Whether a Not- element is present and does not exclude everything."""
    return excluded is not None and not any(covers_all(entry) for entry in excluded)
