"""One table whose description is denied is that table's ERROR, not the region's; so is a table
deleted between ListTables and its reads (a wrong region or a lagging list answers the same).
Answers shaped as the DynamoDB API reference documents them (the DescribeTable example, the
errors each operation lists), replayed through botocore's event hooks, because moto cannot deny
one table to its owner or delete one mid-scan."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from auditor.engine import Evaluation
from auditor.findings import Status
from auditor.models import CollectionError, ScopeSnapshot
from auditor.registry import load_checks
from tests.support.stubbed import ACCOUNT, AnswerBook, collect_stubbed, snapshot_of

FIXTURE = Path(__file__).parent.parent / "fixtures" / "api_reference" / "dynamodb_tables.json"


def _music() -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = json.loads(FIXTURE.read_text())["answers"]
    return answers


def _as_table(name: str, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Music table's per-table answers, for a table called `name`."""
    renamed = []
    for entry in answers:
        if entry.get("match", {}).get("TableName") != "Music":
            continue
        entry = copy.deepcopy(entry)
        entry["match"]["TableName"] = name
        if entry["operation"] == "DescribeTable":
            entry["response"]["Table"]["TableName"] = name
            entry["response"]["Table"]["TableArn"] = (
                f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{name}"
            )
        renamed.append(entry)
    return renamed


def _refused(operation: str, table: str, code: str) -> dict[str, Any]:
    return {
        "service": "dynamodb",
        "operation": operation,
        "match": {"TableName": table},
        "error": code,
        "status": 400,
    }


def _book() -> AnswerBook:
    music = _music()
    listed = {
        "service": "dynamodb",
        "operation": "ListTables",
        "response": {"TableNames": ["Denied", "Gone", "Music", "Dropped"]},
    }
    # Refusals first: the book answers with its first matching entry.
    return AnswerBook(
        [
            listed,
            # A resource policy or a tag-scoped deny governs DescribeTable for this table alone.
            _refused("DescribeTable", "Denied", "AccessDeniedException"),
            # Deleted between the list and its description.
            _refused("DescribeTable", "Gone", "ResourceNotFoundException"),
            # Deleted after its description: DescribeContinuousBackups says so in its own code.
            _refused("DescribeContinuousBackups", "Dropped", "TableNotFoundException"),
            *_as_table("Dropped", music),
            *[entry for entry in music if entry["operation"] != "ListTables"],
        ]
    )


def _scope() -> ScopeSnapshot:
    return collect_stubbed(_book(), ["dynamodb_tables"])["us-east-1"]


def test_a_denied_table_is_unread_and_the_others_are_read() -> None:
    scope = _scope()

    tables = scope.dynamodb_tables
    assert not isinstance(tables, CollectionError), tables
    assert [t.name for t in tables] == ["Music"]
    [music] = tables
    assert not isinstance(music.point_in_time_recovery, CollectionError)
    assert music.point_in_time_recovery.status == "ENABLED"
    unread = {u.id: u for u in scope.unread}
    assert (unread["Denied"].arn, unread["Denied"].type) == (
        f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Denied",
        "AWS::DynamoDB::Table",
    )
    # Gone and Dropped were deleted mid-scan: each is its own gap, never dropped unseen.
    assert {
        name: (u.error.operation, u.error.error_code, u.error.resource_id)
        for name, u in unread.items()
    } == {
        "Denied": ("DescribeTable", "AccessDeniedException", "Denied"),
        "Gone": ("DescribeTable", "ResourceNotFoundException", "Gone"),
        "Dropped": ("DescribeContinuousBackups", "TableNotFoundException", "Dropped"),
    }
    assert sorted(e.resource_id or "" for e in scope.errors) == ["Denied", "Dropped", "Gone"]


def test_every_dynamodb_check_errors_on_the_unread_tables_and_judges_the_rest() -> None:
    scope = _scope()
    checks = [c for c in load_checks().values() if c.metadata.datasets == ("dynamodb_tables",)]
    snapshot = snapshot_of(scope)

    findings = Evaluation(snapshot, checks).findings

    for name, operation, code in (
        ("Denied", "DescribeTable", "AccessDeniedException"),
        ("Gone", "DescribeTable", "ResourceNotFoundException"),
        ("Dropped", "DescribeContinuousBackups", "TableNotFoundException"),
    ):
        unread = [f for f in findings if f.resource.id == name]
        assert sorted(f.check_id for f in unread) == sorted(c.id for c in checks)
        assert {(f.status, f.evidence["operation"], f.evidence["error_code"]) for f in unread} == {
            (Status.ERROR, operation, code)
        }
    music = {f.check_id: f.status for f in findings if f.resource.id == "Music"}
    assert music["dynamodb_table_pitr_enabled"] is Status.PASS
    assert music["dynamodb_table_ttl_enabled"] is Status.PASS
    assert {f.resource.id for f in findings} <= {"Denied", "Gone", "Dropped", "Music"}


def test_the_arn_is_built_where_describe_table_leaves_it_out() -> None:
    music = _music()
    for entry in music:
        if entry["operation"] == "DescribeTable":
            del entry["response"]["Table"]["TableArn"]  # as botocore's own example answers

    [table] = collect_stubbed(AnswerBook(music), ["dynamodb_tables"])["us-east-1"].dynamodb_tables

    assert table.arn == f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Music"


def test_a_table_deleted_after_its_description_is_unread_as_a_whole_not_a_pitr_gap() -> None:
    music = _music()
    book = AnswerBook(
        [
            {
                "service": "dynamodb",
                "operation": "ListTables",
                "response": {"TableNames": ["Dropped"]},
            },
            _refused("DescribeContinuousBackups", "Dropped", "TableNotFoundException"),
            *_as_table("Dropped", music),
            *[entry for entry in music if entry["operation"] != "ListTables"],
        ]
    )

    scope = collect_stubbed(book, ["dynamodb_tables"])["us-east-1"]

    assert scope.dynamodb_tables == []
    # The whole table, not its PITR field beside a description judged as current.
    [unread] = scope.unread
    assert (unread.id, unread.error.operation, unread.error.error_code) == (
        "Dropped",
        "DescribeContinuousBackups",
        "TableNotFoundException",
    )
    assert scope.errors == [unread.error]
    assert ("dynamodb", "DescribeContinuousBackups", {"TableName": "Dropped"}) in book.asked
