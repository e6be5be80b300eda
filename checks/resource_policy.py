"""Reads resource-based policies (Lambda function policies, SQS queue policies): who each Allow
statement admits, and whether anyone at all can use it.

Like `checks.iam_policy`, nothing here trusts the document's shape: a document that is not a
JSON object with a `Statement` is unreadable (`ResourcePolicyDocument.error`), a statement that
is not an object or has no Allow/Deny effect is skipped and named. Element names and condition
keys are matched case-insensitively, as IAM matches them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import JsonValue

from auditor.checkapi import Verdict
from auditor.findings import ResourceRef, Status
from checks.action_conditions import never_carries
from checks.iam_policy import action_matches

# Condition keys that pin the caller to an account, an organization, a source resource or a
# network. With a fixed value under a positive operator, a "*" principal is no longer everyone.
RESTRICTING_CONDITION_KEYS = frozenset(
    {
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceip",
    }
)


@dataclass(frozen=True)
class AllowStatement:
    """One Allow statement: whom it admits, to what, and under which conditions."""

    index: int
    sid: str | None
    everyone: bool  # Principal "*", {"AWS": "*"} or a NotPrincipal
    aws_principals: tuple[str, ...]
    service_principals: tuple[str, ...]
    actions: tuple[str, ...]
    # condition key (lower case) -> (operator, values) for each use of the key
    conditions: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)

    def describe(self) -> str:
        where = f"statement {self.index}"
        return f"{where} ({self.sid})" if self.sid else where

    def allows_action(self, action: str) -> bool:
        """Whether an Action entry (wildcards included) covers `action`."""
        return any(action_matches(a, action) for a in self.actions)

    def restricted_by(self, keys: Iterable[str] = RESTRICTING_CONDITION_KEYS) -> list[str]:
        """The condition keys among `keys` that narrow the statement to fixed callers.

        A use counts only under a positive operator (not `…Not…`, not `…IfExists`, which
        passes when the key is absent) and with fixed values: a value with a wildcard or a
        policy variable narrows nothing for certain.
        """
        wanted = {k.lower() for k in keys}
        found = []
        for key, uses in self.conditions.items():
            if key in wanted and any(_narrows(operator, values) for operator, values in uses):
                found.append(key)
        return sorted(found)

    def never_matching(self) -> list[str]:
        """Condition keys that make the statement grant nothing: each action it names is one
        whose requests can never carry a key the condition requires (sns:Endpoint exists only
        on Subscribe, so Publish under it is never allowed). See `checks.action_conditions`."""
        required = sorted(
            key
            for key, uses in self.conditions.items()
            if any(_requires_key(operator) for operator, _ in uses)
        )
        if not self.actions or not required:
            return []
        dead = [[k for k in required if never_carries(a, k)] for a in self.actions]
        return sorted({k for keys in dead for k in keys}) if all(dead) else []

    def evidence(self) -> dict[str, JsonValue]:
        shown: dict[str, JsonValue] = {"statement": self.index}
        if self.sid:
            shown["sid"] = self.sid
        if self.everyone:
            shown["principal"] = "*"
        if self.aws_principals:
            shown["aws_principals"] = list(self.aws_principals)
        if self.service_principals:
            shown["service_principals"] = list(self.service_principals)
        shown["actions"] = list(self.actions)
        shown["condition_keys"] = list[JsonValue](sorted(self.conditions))
        return shown


@dataclass(frozen=True)
class ResourcePolicyDocument:
    allows: tuple[AllowStatement, ...] = ()
    unreadable: tuple[str, ...] = ()
    error: str | None = None


def _requires_key(operator: str) -> bool:
    """Whether the operator fails when its key is absent from the request: not a negated one,
    not …IfExists, not Null, not ForAllValues (each of which passes on a missing key)."""
    op = operator.lower()
    return not (
        "not" in op or op.endswith("ifexists") or op == "null" or op.startswith("forallvalues")
    )


def _narrows(operator: str, values: tuple[str, ...]) -> bool:
    op = operator.lower()
    fixed = all("*" not in v and "?" not in v and "${" not in v for v in values)
    return bool(values) and fixed and "not" not in op and not op.endswith("ifexists")


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, str | int | bool))
    if isinstance(value, bool | int):
        return (str(value).lower() if isinstance(value, bool) else str(value),)
    return ()


def _keys(obj: dict[Any, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in obj.items()}


def _principals(raw: Any) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """(everyone, AWS principals, service principals) of a Principal element. An AWS principal
    with a wildcard ("*", "arn:aws:iam::*:root") names every account, so it is everyone; so is
    a wildcard canonical user (S3 reads {"CanonicalUser": "*"} as any requester), and a list
    holding "*" where a Principal string belongs is read as that string."""
    if raw == "*" or (isinstance(raw, list) and "*" in raw):
        return True, (), ()
    if not isinstance(raw, dict):
        return False, (), ()
    kinds = _keys(raw)
    aws = _strings(kinds.get("aws"))
    services = tuple(s.lower() for s in _strings(kinds.get("service")))
    canonical = _strings(kinds.get("canonicaluser"))
    everyone = any("*" in a for a in (*aws, *canonical))
    return everyone, tuple(a for a in aws if "*" not in a), services


def _conditions(raw: Any) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    found: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    if not isinstance(raw, dict):
        return found
    for operator, clauses in raw.items():
        if not isinstance(clauses, dict):
            continue
        for key, values in clauses.items():
            found.setdefault(str(key).lower(), []).append((str(operator), _strings(values)))
    return found


def _decode(document: Any) -> tuple[Any, str | None]:
    value = document
    for _ in range(3):
        if not isinstance(value, str):
            return value, None
        try:
            value = json.loads(value)
        except ValueError:
            return None, "the document is not valid JSON"
    return None, "the document is JSON text nested too deeply"


def _statement_items(document: Any) -> tuple[list[Any], str | None]:
    """The Statement entries of a policy as stored (dict or JSON text), or why there are none."""
    data, error = _decode(document)
    if error is not None:
        return [], error
    if not isinstance(data, dict):
        return [], "the document is not a JSON object"
    raw = _keys(data).get("statement")
    if isinstance(raw, dict):
        return [raw], None
    if isinstance(raw, list):
        return raw, None
    return [], "the document has no readable Statement"


def raw_statements(document: Any) -> tuple[list[tuple[int, dict[str, Any]]], str | None]:
    """(index, statement with lower-cased element names) of every object statement, Deny ones
    included, for checks that look for a statement AWS documents; or none and the error
    `parse_resource_policy` would report."""
    items, error = _statement_items(document)
    found = [(index, _keys(item)) for index, item in enumerate(items) if isinstance(item, dict)]
    return found, error


def parse_resource_policy(document: Any) -> ResourcePolicyDocument:
    """Read a resource policy as stored (dict or JSON text); never raises."""
    items, error = _statement_items(document)
    if error is not None:
        return ResourcePolicyDocument(error=error)
    allows: list[AllowStatement] = []
    unreadable: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            unreadable.append(f"Statement[{index}] is not an object; skipped")
            continue
        elements = _keys(item)
        effect = elements.get("effect")
        if not isinstance(effect, str) or effect.lower() not in ("allow", "deny"):
            unreadable.append(f"Statement[{index}] has no Allow or Deny Effect; skipped")
            continue
        if effect.lower() != "allow":
            continue
        # Allow with NotPrincipal admits everyone but the few it names.
        everyone, aws, services = (
            (True, (), ()) if "notprincipal" in elements else _principals(elements.get("principal"))
        )
        sid = elements.get("sid")
        allows.append(
            AllowStatement(
                index=index,
                sid=sid if isinstance(sid, str) else None,
                everyone=everyone,
                aws_principals=aws,
                service_principals=services,
                actions=_strings(elements.get("action")),
                conditions=_conditions(elements.get("condition")),
            )
        )
    return ResourcePolicyDocument(tuple(allows), tuple(unreadable))


def public_grants(policy: ResourcePolicyDocument) -> list[AllowStatement]:
    """Allow statements that admit anyone, that no condition narrows to fixed callers and
    whose conditions can match at all."""
    return [
        s for s in policy.allows if s.everyone and not s.restricted_by() and not s.never_matching()
    ]


def exposure_verdict(
    ref: ResourceRef,
    subject: str,
    policy_name: str,
    document: Any,
    *,
    exposed: str,
    find: Callable[[ResourcePolicyDocument], list[AllowStatement]] = public_grants,
) -> Verdict:
    """FAIL naming the statements `find` reports ("<subject> <exposed> through statement 0"),
    PASS when there are none or there is no policy (`document` None: only the owning account's
    principals can use the resource). A document that cannot be read fails: AWS stores only
    valid policies, so it is corrupt data a person must look at, and it cannot be shown private."""
    if document is None:
        return Verdict(Status.PASS, ref, f"{subject} has no {policy_name}: only its account.")
    policy = parse_resource_policy(document)
    if policy.error is not None:
        return Verdict(
            Status.FAIL,
            ref,
            f"{subject}'s {policy_name} could not be read ({policy.error}), so it cannot be "
            "shown to be private.",
            {"unreadable_policy": policy.error},
        )
    found = find(policy)
    evidence: dict[str, JsonValue] = {"public_statements": [s.evidence() for s in found]}
    if found:
        where = ", ".join(s.describe() for s in found)
        return Verdict(Status.FAIL, ref, f"{subject} {exposed} through {where}.", evidence)
    return Verdict(
        Status.PASS,
        ref,
        f"{subject}'s {policy_name} admits only named principals or conditioned sources.",
        evidence,
    )
