"""Property tests of the IAM policy reader and judge (checks/iam_policy.py): any JSON never
crashes it, and on generated policies (Action / NotAction, Resource / NotResource, a statement
object or a list, mixed-case element names and actions, a missing Version, conditions, broken
entries) its verdicts agree with a plain reference reading written here: a wildcard pattern
"covers every action" when, read as a case-insensitive glob, it matches every one of a set of
probe actions; likewise for resources with probe ARNs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.iam_policy import full_admin_grants, parse_policy, service_wildcard_grants

PROBE_NAMES = ["a", "GetObject", "PassRole", "zz", "\u00e9x"]
PROBE_SERVICES = ["s3", "iam", "ec2", "a", "zz"]
PROBE_ACTIONS = [f"{s}:{n}" for s in PROBE_SERVICES for n in PROBE_NAMES]
PROBE_ARNS = [
    "arn:aws:s3:::bucket-name/key",
    "arn:aws:iam::123456789012:role/path/name",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
    "arn:aws:sqs:eu-west-1:123456789012:queue",
    "arn:aws:dynamodb:eu-west-1:123456789012:table/t/index/i",
]


def _glob(pattern: str) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{body}$", re.IGNORECASE | re.DOTALL)


def ref_every_action(pattern: str) -> bool:
    return all(_glob(pattern).match(a) for a in PROBE_ACTIONS)


def ref_whole_service(pattern: str) -> bool:
    """Every probe action of the service the pattern names (wildcards in the service part
    filled in with a name they match), or every action at all."""
    if ref_every_action(pattern):
        return True
    service, colon, _ = pattern.partition(":")
    if not colon or not service:
        return False
    concrete = service.replace("*", "a").replace("?", "b")
    return all(_glob(pattern).match(f"{concrete}:{n}") for n in PROBE_NAMES)


def ref_every_resource(pattern: str) -> bool:
    return all(_glob(pattern).match(arn) for arn in PROBE_ARNS)


# --- Generators ------------------------------------------------------------------------------


def _cased(text: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
        lambda flips: "".join(
            c.upper() if f else c.lower() for c, f in zip(text, flips, strict=True)
        )
    )


_wild = st.sampled_from(["*", "**", "?*", "*?", "??*", "?", "*a", "a*", ""])
ACTIONS = st.one_of(
    st.sampled_from(
        ["*", "*:*", "s3:*", "iam:PassRole", "s3:GetObject", "ec2:Describe*", "i*:*", "*:Get*"]
    ).flatmap(_cased),
    st.tuples(st.sampled_from(["s3", "iam", "*", "?*", "s?", "x*"]), _wild).map(":".join),
    _wild,
)
RESOURCES = st.one_of(
    st.sampled_from(
        [
            "*",
            "arn:aws:*",
            "arn:*:*",
            "arn:aws:*:*:*:*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::bucket-name/*",
            "arn:aws:iam::*:role/*",
            "arn:aws:*:*:*:instance/*",
            "arn:aws:*:*:123456789012:*",
        ]
    ),
    _wild,
)


def _entries(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One entry, a list of them, or something that is not an entry at all."""
    return st.one_of(
        values,
        st.lists(st.one_of(values, values, st.integers(), st.none()), max_size=4),
        st.sampled_from([7, None, {"x": 1}]),
    )


@st.composite
def statements(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 19)) == 0:
        return draw(st.sampled_from(["Allow", 3, None, ["Allow"]]))
    effect = draw(st.one_of(st.sampled_from(["Allow", "Deny"]).flatmap(_cased), st.just("Maybe")))
    item: dict[str, Any] = {}
    name = draw(st.sampled_from(["Effect", "effect", "EFFECT"]))
    item[name] = effect
    action_key = draw(st.sampled_from(["Action", "NotAction", "both", "neither"]))
    for key in ("Action", "NotAction"):
        if action_key in (key, "both"):
            item[draw(_cased(key))] = draw(_entries(ACTIONS))
    resource_key = draw(st.sampled_from(["Resource", "NotResource", "Resource", "neither"]))
    if resource_key != "neither":
        item[draw(_cased(resource_key))] = draw(_entries(RESOURCES))
    if draw(st.booleans()):
        item["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
    if draw(st.booleans()):
        item["Sid"] = draw(st.text(max_size=5))
    return item


@st.composite
def documents(draw: st.DrawFn) -> Any:
    body = draw(st.lists(statements(), min_size=1, max_size=4))
    document: dict[str, Any] = {}
    if draw(st.booleans()):
        document["Version"] = draw(st.sampled_from(["2012-10-17", "2008-10-17", 1]))
    shape = draw(st.sampled_from(["list", "object", "list"]))
    document[draw(_cased("Statement"))] = body[0] if shape == "object" else body
    encoding = draw(st.sampled_from(["dict", "json", "dict"]))
    return json.dumps(document) if encoding == "json" else document


# --- The reference reading -------------------------------------------------------------------


def _as_list(element: str, item: dict[str, Any]) -> list[str] | None:
    """An element's string entries; None only when the element is absent (a present but
    unreadable element, even null, still counts as present: the judge errs toward FAIL)."""
    if element not in item:
        return None
    value = item[element]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _deny_takes_back(
    items: list[Any], resources: list[str] | None, takes_back: Callable[[str], bool]
) -> bool:
    """An unconditional Deny with Action and Resource only, one of whose actions `takes_back`,
    on every resource or on each of `resources` (None: the Allow had NotResource)."""
    for item in items:
        if not isinstance(item, dict):
            continue
        lower = {k.lower(): v for k, v in item.items()}
        effect = lower.get("effect")
        if not isinstance(effect, str) or effect.lower() != "deny" or lower.get("condition"):
            continue
        if "notaction" in lower or "notresource" in lower:
            continue
        if not any(takes_back(d) for d in _as_list("action", lower) or []):
            continue
        denied = _as_list("resource", lower) or []
        if any(ref_every_resource(r) for r in denied):
            return True
        if resources is not None and set(resources) <= set(denied):
            return True
    return False


def _reference(document: Any) -> tuple[set[int], set[int]] | None:
    """(indices of full-admin statements, indices of service-wildcard statements), or None
    when the document has no statement object or list to read."""
    data = json.loads(document) if isinstance(document, str) else document
    raw = {k.lower(): v for k, v in data.items()}["statement"]
    if not isinstance(raw, dict | list):
        return None
    items = [raw] if isinstance(raw, dict) else raw
    admin, wildcard = set(), set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        lower = {k.lower(): v for k, v in item.items()}
        effect = lower.get("effect")
        if not isinstance(effect, str) or effect.lower() != "allow":
            continue
        actions = _as_list("action", lower) or []
        not_actions = _as_list("notaction", lower)
        resources = _as_list("resource", lower) or []
        not_resources = _as_list("notresource", lower)
        all_actions = any(ref_every_action(a) for a in actions)
        all_resources = any(ref_every_resource(r) for r in resources) or (
            not_resources is not None and not any(ref_every_resource(r) for r in not_resources)
        )
        if all_actions and all_resources:
            admin.add(index)
        where = None if "resource" not in lower else _as_list("resource", lower)
        # An Allow entry the same document denies (a Deny entry naming it) grants nothing.
        kept = [
            a
            for a in actions
            if ref_whole_service(a)
            and not _deny_takes_back(items, where, lambda d, a=a: bool(_glob(d).match(a)))
        ]
        excluded = not_actions is not None and not any(ref_every_action(a) for a in not_actions)
        if kept or (excluded and not _deny_takes_back(items, where, ref_every_action)):
            wildcard.add(index)
    return admin, wildcard


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_verdicts_agree_with_the_reference_reading(document: Any) -> None:
    policy = parse_policy(document)
    expected = _reference(document)
    if expected is None:
        assert policy.error is not None and policy.statements == ()
        return
    assert policy.error is None
    admin = {g.statement.index for g in full_admin_grants(policy)}
    wildcard = {g.statement.index for g in service_wildcard_grants(policy)}
    assert (admin, wildcard) == expected
    for grant in [*full_admin_grants(policy), *service_wildcard_grants(policy)]:
        json.dumps(grant.evidence())  # evidence is always serializable
        assert grant.describe().startswith("statement ")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(JSON, JSON.map(json.dumps), st.text(), st.binary().map(repr)))
def test_any_input_is_read_without_crashing(document: Any) -> None:
    policy = parse_policy(document)
    full_admin_grants(policy)
    service_wildcard_grants(policy)
    assert policy.error is not None or isinstance(policy.statements, tuple)


@pytest.mark.parametrize(
    ("action", "resource"),
    [("??*", "*"), ("*", "arn:*"), ("*", "a*"), ("*", "??*"), ("*:*", "arn:aws*"), ("?*", "ar*")],
)
def test_wildcards_that_match_everything_are_full_admin(action: str, resource: str) -> None:
    document = {"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}
    [grant] = full_admin_grants(parse_policy(document))
    assert grant.actions == (action,)
    assert service_wildcard_grants(parse_policy(document))


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 6144))
def test_a_policy_at_the_size_limit_is_read(size: int) -> None:
    # A managed policy may be 6,144 characters: one long statement of many actions.
    actions = [f"s3:GetObject{i}" for i in range(size // 16 + 1)]
    document = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": actions}}
    document["Statement"]["Resource"] = "*"
    policy = parse_policy(json.dumps(document))
    assert len(policy.statements) == 1
    assert full_admin_grants(policy) == []
    assert service_wildcard_grants(policy) == []
