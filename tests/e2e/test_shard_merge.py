"""`scan --shard K/N` + `auditor merge`: the shards of a scan, merged, are the unsharded scan;
results that cannot be joined are refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.findings import Report
from auditor.registry import load_checks
from auditor.shard import Shard

from .conftest import ACCOUNT, run_auditor

pytestmark = pytest.mark.e2e


def _scan(tmp_path: Path, moto_port: int, scan_args: list[str], name: str, *extra: str) -> Path:
    out = tmp_path / name
    result = run_auditor(
        tmp_path,
        *scan_args,
        "--output-dir",
        str(out),
        "--format",
        "json",
        "--fail-on",
        "none",
        "--endpoint-url",
        f"http://127.0.0.1:{moto_port}",
        *extra,
    )
    assert result.code in (0, 3), result.stderr
    return out / "auditor-report.json"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, moto_port: int) -> dict[str, Path]:
    tmp_path = tmp_path_factory.mktemp("shards")
    scan_args = ["scan", "--region", "us-east-1", "--region", "eu-west-1"]
    return {
        "whole": _scan(tmp_path, moto_port, scan_args, "whole"),
        "1/2": _scan(tmp_path, moto_port, scan_args, "shard1", "--shard", "1/2"),
        "2/2": _scan(tmp_path, moto_port, scan_args, "shard2", "--shard", "2/2"),
    }


def _load(path: Path) -> Report:
    return Report.model_validate_json(path.read_text())


def test_each_shard_reads_only_its_share(results: dict[str, Path]) -> None:
    scope_of = {c.id: c.metadata.scope for c in load_checks().values()}
    for spec in ("1/2", "2/2"):
        shard = Shard.parse(spec)
        report = _load(results[spec])
        # A regional check's finding comes from its region's scope; an account-wide check's
        # (IAM, S3) from the global scope, whatever region its resource is in.
        scopes = {
            "global" if scope_of[f.check_id] == "global" else f.region for f in report.findings
        }
        assert scopes == {
            s for s in ("global", "us-east-1", "eu-west-1") if shard.owns(ACCOUNT, s)
        }, spec
    one, two = (_load(results[s]) for s in ("1/2", "2/2"))
    # Both shards judged something (else the merge below joins one report to nothing).
    assert one.findings and two.findings
    assert not {f.id for f in one.findings} & {f.id for f in two.findings}


def test_merged_shards_equal_the_unsharded_scan(tmp_path: Path, results: dict[str, Path]) -> None:
    out = tmp_path / "merged"
    merged = run_auditor(
        tmp_path,
        "merge",
        str(results["2/2"]),
        str(results["1/2"]),
        "--output-dir",
        str(out),
        "--format",
        "json,html,csv",
        "--fail-on",
        "none",
    )

    whole = _load(results["whole"])
    assert {f.status.value for f in whole.findings} >= {"PASS", "FAIL"}  # not an empty scan
    # Exit as the unsharded scan would: 3 when a read failed (README: exit codes).
    assert merged.code == (3 if whole.errors else 0), merged.stderr
    report = _load(out / "auditor-report.json")
    assert [(f.id, f.status) for f in report.findings] == [(f.id, f.status) for f in whole.findings]
    assert report.errors == whole.errors
    assert report.summary.model_dump() == whole.summary.model_dump()
    assert report.summary.by_account[ACCOUNT].FAIL == whole.summary.by_status.FAIL
    assert (report.scan.accounts, report.scan.regions, report.scan.checks) == (
        whole.scan.accounts,
        whole.scan.regions,
        whole.scan.checks,
    )
    assert sum(report.scan.api_calls.values()) >= sum(whole.scan.api_calls.values()) - 2
    assert sorted(p.name for p in out.iterdir()) == [
        "auditor-report.csv",
        "auditor-report.html",
        "auditor-report.json",
    ]


def test_a_shard_given_twice_is_refused(tmp_path: Path, results: dict[str, Path]) -> None:
    copy = tmp_path / "copy.json"
    copy.write_text(results["1/2"].read_text())
    again = run_auditor(tmp_path, "merge", str(results["1/2"]), str(copy))
    assert again.code == 2
    assert again.stderr.count("\n") == 1
    assert "are the same result" in again.stderr

    overlapping = run_auditor(tmp_path, "merge", str(results["whole"]), str(results["2/2"]))
    assert overlapping.code == 2
    assert overlapping.stderr.startswith("auditor: error: ")
    assert "both cover account" in overlapping.stderr and "shard given twice" in overlapping.stderr
    assert overlapping.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_mixed_schema_versions_are_refused(tmp_path: Path, results: dict[str, Path]) -> None:
    document = json.loads(results["2/2"].read_text())
    document["schema_version"] = "1.0"
    older = tmp_path / "older.json"
    older.write_text(json.dumps(document))

    result = run_auditor(tmp_path, "merge", str(results["1/2"]), str(older))

    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"auditor: error: {str(older)!r} has schema_version '1.0' but {str(results['1/2'])!r} "
        f"has {_load(results['1/2']).schema_version!r}: merge results of one version"
    ]
