"""A demo scan's findings with the ids moto draws at random (member account, security groups,
key and pool ids, alarm suffixes, snapshot dates) replaced by placeholders, so two scans of the
demo estate compare finding by finding."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from auditor.findings import Report

_RANDOM = [
    (re.compile(r"sg-[0-9a-f]{17}"), "sg-*"),
    (re.compile(r"vpc-[0-9a-f]{17}"), "vpc-*"),
    (re.compile(r"(app|net)/([^/]+)/[0-9a-f]{16}"), r"\1/\2/<lb>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"_[0-9a-f]{32}\b"), "_<pool>"),
    # A DynamoDB stream's label is the time its table was created.
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?"), "<time>"),
    (re.compile(r"\d{4}-\d\d-\d\d-\d\d-\d\d"), "<date>"),
    (re.compile(r"\b\d{12}\b"), "<account>"),
]


def _plain(text: str, management: str) -> str:
    text = text.replace(management, "<management>")
    for pattern, placeholder in _RANDOM:
        text = pattern.sub(placeholder, text)
    return text


# The account of moto's default credentials: the demo organization's management account.
MANAGEMENT = "123456789012"


def finding_rows(report: Report, management: str = MANAGEMENT) -> list[list[Any]]:
    """[check, account, region, resource, status, message, how many], sorted."""
    rows = Counter(
        (
            f.check_id,
            _plain(f.account_id, management),
            f.region,
            _plain(f.resource.id, management),
            f.status.value,
            _plain(f.message, management),
        )
        for f in report.findings
    )
    return sorted([*row, n] for row, n in rows.items())
