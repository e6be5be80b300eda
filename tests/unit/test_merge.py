"""Shard reports and their merge, on hand-built reports: a shard without an account's global
scope leaves the account-wide checks to the shard that has it; merging joins the reads both
needed and refuses results that cannot be joined."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import InputFileError
from auditor.findings import Report, Status
from auditor.merge import merge_reports
from auditor.shard import restrict
from tests.report_factory import ACCOUNT, make_error, make_finding, make_report

GLOBAL_CHECKS = {"iam_policy_no_full_admin"}
IAM_DENIED = {
    "operation": "GetAccountAuthorizationDetails",
    "service": "iam",
    "region": "global",
    "message": "denied",
}


def _shard_with_global() -> Report:
    report = make_report(
        [
            make_finding("iam_policy_no_full_admin", Status.FAIL, "admin", region="global"),
            make_finding("rds_instance_multi_az", Status.PASS, "db-eu", region="eu-west-1"),
        ],
        [make_error(**IAM_DENIED, checks=["iam_policy_no_full_admin", "rds_instance_multi_az"])],
        checks=["iam_policy_no_full_admin", "rds_instance_multi_az"],
    )
    return report.model_copy(update={"scan": report.scan.model_copy(update={"id": "one"})})


def _shard_without_global() -> Report:
    # This shard read IAM too (its regional check needs it), so it also ran the global check.
    report = make_report(
        [
            make_finding("iam_policy_no_full_admin", Status.FAIL, "admin", region="global"),
            make_finding("rds_instance_multi_az", Status.FAIL, "db-us", region="us-east-1"),
        ],
        [
            make_error(**IAM_DENIED, checks=["iam_policy_no_full_admin", "rds_instance_multi_az"]),
            make_error(
                "collect:s3_buckets",
                service="s3",
                region="global",
                checks=["iam_policy_no_full_admin"],
            ),
        ],
        checks=["iam_policy_no_full_admin", "rds_instance_multi_az"],
    )
    return report.model_copy(update={"scan": report.scan.model_copy(update={"id": "two"})})


def test_a_shard_without_the_global_scope_drops_the_account_wide_checks() -> None:
    restricted = restrict(_shard_without_global(), {ACCOUNT}, GLOBAL_CHECKS)

    assert [f.check_id for f in restricted.findings] == ["rds_instance_multi_az"]
    # The IAM read it needed stays, naming only its own check; a gap only the dropped check
    # saw goes with it.
    assert [(e.operation, e.checks) for e in restricted.errors] == [
        ("GetAccountAuthorizationDetails", ["rds_instance_multi_az"])
    ]
    assert restricted.summary.total == 1
    assert restricted.summary.by_account[ACCOUNT].FAIL == 1


def test_a_shard_with_the_global_scope_is_left_whole() -> None:
    report = _shard_with_global()
    assert restrict(report, set(), GLOBAL_CHECKS) == report


def test_merge_joins_findings_and_the_reads_both_shards_needed() -> None:
    one = _shard_with_global()
    two = restrict(_shard_without_global(), {ACCOUNT}, GLOBAL_CHECKS)

    merged = merge_reports([(Path("one.json"), one), (Path("two.json"), two)])

    assert sorted(f.resource.id for f in merged.findings) == ["admin", "db-eu", "db-us"]
    assert [(e.operation, e.checks) for e in merged.errors] == [
        ("GetAccountAuthorizationDetails", ["iam_policy_no_full_admin", "rds_instance_multi_az"])
    ]
    assert merged.summary.by_status.FAIL == 2
    assert merged.summary.by_account[ACCOUNT].PASS == 1
    assert merged.scan.regions == ["eu-west-1", "us-east-1"]
    assert merged.scan.api_calls == {"dynamodb:ListTables": 6, "rds:DescribeDBInstances": 4}
    assert merged.scan.id not in ("one", "two")


def test_merge_refuses_two_results_with_the_same_findings() -> None:
    one = _shard_with_global()
    other = one.model_copy(update={"scan": one.scan.model_copy(update={"id": "again"})})

    with pytest.raises(InputFileError, match=r"both cover account .* a shard given twice"):
        merge_reports([(Path("a.json"), one), (Path("b.json"), other)])


def test_merge_refuses_results_of_other_checks() -> None:
    one = _shard_with_global()
    other = _shard_without_global().model_copy(
        update={"scan": _shard_without_global().scan.model_copy(update={"checks": ["x"]})}
    )

    with pytest.raises(InputFileError, match="ran other checks"):
        merge_reports([(Path("a.json"), one), (Path("b.json"), other)])


def test_a_report_without_by_account_still_loads() -> None:
    document = _shard_with_global().model_dump(mode="json")
    del document["summary"]["by_account"]

    assert Report.model_validate(document).summary.by_account == {}
