"""The README's permissions table is the policy `auditor policy --org` prints, service by
service: a collector that declares a new action fails here until the README names it."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.policy import requirements
from auditor.registry import load_checks, load_collectors

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| ([a-z0-9-]+) \| (`[^|]+`) \|$")


def test_readme_permissions_table_is_the_org_policy() -> None:
    table: dict[str, set[str]] = {}
    for line in README.read_text().splitlines():
        if match := ROW.match(line):
            table[match[1]] = set(re.findall(r"`([^`]+)`", match[2]))

    policy: dict[str, set[str]] = {}
    for requirement in requirements(load_checks().values(), load_collectors(), org=True):
        policy.setdefault(requirement.action.split(":")[0], set()).add(requirement.action)

    assert table == policy
