"""The IAM policy a scan needs, generated from what the collectors declare they send.

Each collector lists its operations with the IAM action that allows each one; the selected
checks name the datasets they read, so the policy for a selection is the actions of those
datasets' collectors, plus what every scan sends before collecting (STS `GetCallerIdentity`,
EC2 `DescribeRegions` when no region is given) and what `--org` sends (Organizations
`ListAccounts`, STS `AssumeRole`). Nothing here is kept by hand beside the collectors.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from auditor.checkapi import Check
from auditor.collectors.base import Collector
from auditor.errors import PluginError

POLICY_VERSION = "2012-10-17"

# Sent by every scan before any collector runs (auditor/session.py caller_identity).
IDENTITY_ACTION = "sts:GetCallerIdentity"
# Sent when the scan lists the account's enabled regions (auditor/session.py enabled_regions).
REGIONS_ACTION = "ec2:DescribeRegions"
# Sent by `scan --org` (auditor/org.py list_accounts and assume_role).
ORG_ACTIONS = ("organizations:ListAccounts", "sts:AssumeRole")

SCAN = "(every scan)"
REGION_DISCOVERY = "(scan without --region)"
ORG = "(scan --org)"
OWNERS = "(owner_tags)"
TAGGING_DATASET = "tagging_resources"
# Sent by `scan --org` with owner_tags (auditor/owners.py read_account_tags).
ACCOUNT_TAGS_ACTION = "organizations:ListTagsForResource"


def _order(action: str) -> tuple[str, str]:
    return action.lower(), action


@dataclass(frozen=True)
class Requirement:
    """One IAM action, the operations that need it and the checks whose data it reads."""

    action: str
    operations: tuple[str, ...]  # "service:Operation" as boto3 names them
    checks: tuple[str, ...]  # check ids, or a parenthesised reason for a scan-wide action


def requirements(
    checks: Iterable[Check],
    collectors: Mapping[str, Collector],
    *,
    discover_regions: bool = True,
    org: bool = False,
    owners: bool = False,
) -> list[Requirement]:
    """Every action the selected checks' scan needs, sorted by action."""
    operations: dict[str, set[str]] = {}
    needed_by: dict[str, set[str]] = {}

    def need(action: str, operation: str, reason: str) -> None:
        operations.setdefault(action, set()).add(operation)
        needed_by.setdefault(action, set()).add(reason)

    # The scan-wide actions are each exactly one operation of the same name.
    need(IDENTITY_ACTION, IDENTITY_ACTION, SCAN)
    if discover_regions:
        need(REGIONS_ACTION, REGIONS_ACTION, REGION_DISCOVERY)
    if org:
        for action in ORG_ACTIONS:
            need(action, action, ORG)
        if discover_regions:  # each member account's regions, through its role
            need(REGIONS_ACTION, REGIONS_ACTION, ORG)
    if owners:  # owner_tags: every region's tags in bulk, and with --org the accounts' tags
        for op in collectors[TAGGING_DATASET].operations:
            need(op.permission, f"{op.service}:{op.name}", OWNERS)
        if org:
            need(ACCOUNT_TAGS_ACTION, ACCOUNT_TAGS_ACTION, OWNERS)
    for check in checks:
        for dataset in check.metadata.datasets:
            collector = collectors.get(dataset)
            if collector is None:
                raise PluginError(f"no collector provides dataset {dataset!r}")
            for op in collector.operations:
                need(op.permission, f"{op.service}:{op.name}", check.id)
    return [
        Requirement(action, tuple(sorted(operations[action])), tuple(sorted(needed_by[action])))
        for action in sorted(needed_by, key=_order)
    ]


def policy_document(required: Iterable[Requirement]) -> dict[str, object]:
    """An identity-based IAM policy allowing exactly these actions on every resource."""
    actions = sorted({r.action for r in required}, key=_order)
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "AuditorReadOnly",
                "Effect": "Allow",
                "Action": actions,
                "Resource": "*",
            }
        ],
    }


def render_json(required: Iterable[Requirement]) -> str:
    return json.dumps(policy_document(required), indent=2)


def render_text(required: Iterable[Requirement]) -> str:
    """One line per action: the action, then the checks (or scan step) that need it."""
    rows = list(required)
    width = max((len(r.action) for r in rows), default=0)
    return "".join(f"{r.action.ljust(width)}  {' '.join(r.checks)}\n" for r in rows)
