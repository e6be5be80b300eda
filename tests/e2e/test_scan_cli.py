"""The installed CLI against a moto server on 127.0.0.1: reports, exit codes, fail-closed gaps,
read-only traffic, and bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import botocore.session
import pytest

from auditor.findings import Report
from auditor.registry import load_checks, load_collectors

from ..support.awsproxy import AwsProxy, Fault
from .conftest import ACCOUNT, clean_env, moto_client, run_auditor

pytestmark = pytest.mark.e2e

BUILTIN_CHECKS = set(load_checks())
READ_ONLY_PREFIXES = ("Describe", "List", "Get")
# The one documented exception: iam:GenerateCredentialReport only starts generating the
# credential report that GetCredentialReport then reads; it changes nothing in the account.
READ_ONLY_EXCEPTIONS = frozenset({("iam", "GenerateCredentialReport")})


def _signed(call: str) -> str:
    """ "elbv2:DescribeLoadBalancers" as the wire shows it: "elasticloadbalancing:…"."""
    service, operation = call.split(":", 1)
    model = botocore.session.get_session().get_service_model(service)
    return f"{model.signing_name}:{operation}"


def _no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr


def test_scan_writes_both_reports_with_a_pass_and_a_fail_for_every_check(
    tmp_path: Path, moto_port: int, scan_args: list[str]
) -> None:
    # The sample account manages an organization with one neglected member account: the
    # account-wide checks (the root user, account settings) pass in one and fail in the other.
    endpoint = f"http://127.0.0.1:{moto_port}"
    result = run_auditor(tmp_path, *scan_args, "--org", "--endpoint-url", endpoint)

    assert result.code == 1, result.stderr  # the sample account fails high-severity checks
    report = Report.model_validate(result.report)
    assert set(report.scan.checks) == BUILTIN_CHECKS
    listed = moto_client(moto_port, "organizations").list_accounts()["Accounts"]
    organization = sorted(a["Id"] for a in listed)
    assert len(organization) == 2 and ACCOUNT in organization
    assert report.scan.accounts == organization
    assert report.errors == []
    statuses: dict[str, set[str]] = {}
    for finding in report.findings:
        statuses.setdefault(finding.check_id, set()).add(finding.status.value)
    # Judged only in the organization's one management account, whose alarm is in place.
    once = {"cloudwatch_organizations_changes_alarmed": {"PASS"}}
    assert statuses == {check: once.get(check, {"PASS", "FAIL"}) for check in BUILTIN_CHECKS}
    counts = report.summary.by_status
    assert counts.PASS + counts.FAIL == len(report.findings) == report.summary.total
    html = (result.output_dir / "auditor-report.html").read_text()
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert f"{report.summary.total}" in html
    assert str(result.output_dir / "auditor-report.json") in result.stdout
    # Nothing half-written is left beside the reports.
    assert sorted(p.name for p in result.output_dir.iterdir()) == [
        "auditor-report.html",
        "auditor-report.json",
    ]


def test_scan_sends_only_read_only_operations(
    tmp_path: Path, moto_port: int, scan_args: list[str]
) -> None:
    with AwsProxy(moto_port) as proxy:
        result = run_auditor(tmp_path, *scan_args, "--endpoint-url", proxy.url)

    assert result.code == 1, result.stderr
    assert proxy.requests, "the proxy saw no traffic"
    for request in proxy.requests:
        if request.service == "s3":
            assert request.method in ("GET", "HEAD"), request
        elif (request.service, request.operation) not in READ_ONLY_EXCEPTIONS:
            assert request.operation.startswith(READ_ONLY_PREFIXES), request
    # What the report says it sent is what went over the wire (the proxy sees signing names).
    seen = proxy.operations() - {"sts:GetCallerIdentity"}
    assert seen == {_signed(call) for call in result.report["scan"]["api_calls"]}


def test_denied_ttl_read_turns_only_that_tables_finding_into_error(
    tmp_path: Path, moto_port: int, scan_args: list[str]
) -> None:
    baseline = run_auditor(
        tmp_path,
        *scan_args,
        "--endpoint-url",
        f"http://127.0.0.1:{moto_port}",
        "--check",
        "dynamodb_table_ttl_enabled",
        "--fail-on",
        "none",
    ).findings("dynamodb_table_ttl_enabled")
    victim = sorted(baseline)[0]
    fault = Fault(
        "DescribeTimeToLive",
        code="AccessDeniedException",
        when=lambda r: r.params.get("TableName") == victim,
    )
    with AwsProxy(moto_port, [fault]) as proxy:
        result = run_auditor(
            tmp_path,
            *scan_args,
            "--endpoint-url",
            proxy.url,
            "--check",
            "dynamodb_table_ttl_enabled",
            "--fail-on",
            "none",
        )

    assert result.code == 3, result.stderr
    after = result.findings("dynamodb_table_ttl_enabled")
    assert after[victim] == "ERROR"
    assert {k: v for k, v in after.items() if k != victim} == {
        k: v for k, v in baseline.items() if k != victim
    }
    [gap] = result.report["errors"]
    assert (gap["operation"], gap["error_code"], gap["resource_id"], gap["checks"]) == (
        "DescribeTimeToLive",
        "AccessDeniedException",
        victim,
        ["dynamodb_table_ttl_enabled"],
    )
    assert "Incomplete scan" in result.stdout
    html = (result.output_dir / "auditor-report.html").read_text()
    assert "DescribeTimeToLive" in html


def test_iam_denied_reports_every_iam_check_as_error_and_none_pass(
    tmp_path: Path, moto_port: int, scan_args: list[str]
) -> None:
    iam_reads = [
        op.name
        for collector in load_collectors().values()
        if collector.dataset.service == "iam"
        for op in collector.operations
    ]
    with AwsProxy(moto_port, [Fault(name, code="AccessDenied") for name in iam_reads]) as proxy:
        result = run_auditor(tmp_path, *scan_args, "--endpoint-url", proxy.url, "--service", "iam")

    assert result.code == 3, result.stderr
    findings = result.report["findings"]
    iam_checks = {c for c in BUILTIN_CHECKS if c.startswith("iam_")}
    assert {(f["check_id"], f["status"], f["region"]) for f in findings} == {
        (check, "ERROR", "global") for check in iam_checks
    }
    by_check = {f["check_id"]: f["message"] for f in findings}
    assert "GetAccountAuthorizationDetails" in by_check["iam_policy_no_full_admin"]
    assert "GenerateCredentialReport" in by_check["iam_user_console_mfa"]
    assert "GetAccountSummary" in by_check["iam_root_mfa_enabled"]
    gaps = {gap["operation"]: gap["checks"] for gap in result.report["errors"]}
    assert gaps["GetAccountAuthorizationDetails"] == [
        "iam_policy_no_full_admin",
        "iam_policy_no_privilege_escalation",
        "iam_policy_no_service_wildcard",
        "iam_principal_no_aws_managed_admin",
        "iam_principal_no_privilege_escalation",
        "iam_role_service_trust_names_source",
        "iam_role_trust_policy_restricted",
        "iam_user_no_direct_policies",
    ]


def test_a_scan_with_no_permissions_does_not_look_clean(
    tmp_path: Path, moto_port: int, scan_args: list[str]
) -> None:
    # Every operation any collector declares is refused.
    deny_all = [
        Fault(op.name, code="AccessDenied")
        for collector in load_collectors().values()
        for op in collector.operations
    ]
    with AwsProxy(moto_port, deny_all) as proxy:
        result = run_auditor(tmp_path, *scan_args, "--endpoint-url", proxy.url)

    assert result.code == 3, result.stderr
    summary = result.report["summary"]
    assert summary["by_status"]["PASS"] == 0
    assert summary["by_status"]["FAIL"] == 0
    assert summary["pass_rate"] is None
    assert {f["check_id"] for f in result.report["findings"]} == BUILTIN_CHECKS
    assert {f["status"] for f in result.report["findings"]} == {"ERROR"}


def test_throttling_absorbed_by_retries_changes_nothing(
    tmp_path: Path, moto_port: int, scan_args: list[str]
) -> None:
    clean = run_auditor(
        tmp_path, *scan_args, "--endpoint-url", f"http://127.0.0.1:{moto_port}", "--service", "rds"
    )
    seen: dict[str, int] = {}

    def first_two_throttled(request: object) -> bool:
        seen["n"] = seen.get("n", 0) + 1
        return seen["n"] <= 2

    throttle = Fault("DescribeDBInstances", code="Throttling", when=first_two_throttled)
    with AwsProxy(moto_port, [throttle]) as proxy:
        result = run_auditor(tmp_path, *scan_args, "--endpoint-url", proxy.url, "--service", "rds")

    assert result.report["errors"] == []
    assert clean.findings("rds_instance_multi_az")  # not two empty sets
    assert result.findings("rds_instance_multi_az") == clean.findings("rds_instance_multi_az")
    attempts = [r for r in proxy.requests if r.operation == "DescribeDBInstances"]
    assert len(attempts) >= 4  # two throttled and retried, then one per region


def test_saved_snapshot_evaluates_offline_to_the_same_findings(
    tmp_path: Path, moto_port: int, scan_args: list[str]
) -> None:
    snapshot = tmp_path / "snap.json.gz"
    scanned = run_auditor(
        tmp_path,
        *scan_args,
        "--endpoint-url",
        f"http://127.0.0.1:{moto_port}",
        "--save-snapshot",
        str(snapshot),
    )
    assert json.loads(gzip.decompress(snapshot.read_bytes()))["schema_version"] == "1"

    offline_dir = tmp_path / "offline"
    evaluated = run_auditor(
        tmp_path, "evaluate", str(snapshot), "--output-dir", str(offline_dir), "--format", "json"
    )

    assert evaluated.code == scanned.code == 1
    offline = json.loads((offline_dir / "auditor-report.json").read_text())
    assert [(f["id"], f["status"]) for f in offline["findings"]] == [
        (f["id"], f["status"]) for f in scanned.report["findings"]
    ]
    assert not (offline_dir / "auditor-report.html").exists()


def test_aws_endpoint_url_environment_is_honoured(
    tmp_path: Path, moto_port: int, scan_args: list[str]
) -> None:
    env = clean_env(tmp_path, AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}")
    result = run_auditor(tmp_path, *scan_args, "--service", "s3", "--fail-on", "none", env=env)

    assert result.code == 0, result.stderr
    assert result.findings("s3_bucket_lifecycle_configured")


def test_default_regions_are_the_accounts_enabled_regions(tmp_path: Path, moto_port: int) -> None:
    ec2 = moto_client(moto_port, "ec2", "us-east-1")
    enabled = sorted(r["RegionName"] for r in ec2.describe_regions()["Regions"])

    result = run_auditor(
        tmp_path,
        "scan",
        "--endpoint-url",
        f"http://127.0.0.1:{moto_port}",
        "--check",
        "rds_instance_multi_az",
        "--output-dir",
        str(tmp_path / "out"),
        "--format",
        "json",
    )

    assert result.code in (0, 1), result.stderr
    assert result.report["scan"]["regions"] == enabled
    assert len(enabled) > 2


def test_untrusted_alarm_name_is_inert_in_the_html(tmp_path: Path, moto_port: int) -> None:
    payload = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
    cw = moto_client(moto_port, "cloudwatch", "ap-southeast-2")
    cw.put_metric_alarm(
        AlarmName=payload,
        Namespace="AWS/RDS",
        MetricName="CPUUtilization",
        Statistic="Average",
        Period=300,
        EvaluationPeriods=1,
        Threshold=80,
        ComparisonOperator="GreaterThanThreshold",
    )

    result = run_auditor(
        tmp_path,
        "scan",
        "--endpoint-url",
        f"http://127.0.0.1:{moto_port}",
        "--region",
        "ap-southeast-2",
        "--check",
        "cloudwatch_alarm_has_action",
        "--output-dir",
        str(tmp_path / "out"),
    )

    assert result.code == 0, result.stderr  # a low-severity FAIL under --fail-on high
    assert result.findings("cloudwatch_alarm_has_action") == {payload: "FAIL"}
    html = (result.output_dir / "auditor-report.html").read_text()
    assert "<img src=x onerror" not in html
    assert "<script>alert(2)" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_no_credentials_is_one_line_and_exit_2(tmp_path: Path, scan_args: list[str]) -> None:
    env = clean_env(tmp_path)
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]

    result = run_auditor(tmp_path, *scan_args, env=env)

    assert result.code == 2
    assert "no AWS credentials" in result.stderr
    _no_traceback(result.stderr)
    assert not result.output_dir.exists() or not any(result.output_dir.iterdir())


def test_missing_profile_is_one_line_and_exit_2(tmp_path: Path, scan_args: list[str]) -> None:
    result = run_auditor(tmp_path, *scan_args, "--profile", "no-such-profile")

    assert result.code == 2
    assert "'no-such-profile'" in result.stderr
    _no_traceback(result.stderr)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--check", "rds_instance_multi_azz"], "unknown check 'rds_instance_multi_azz'"),
        (["--exclude-check", "nope_nope"], "unknown check 'nope_nope'"),
        (["--service", "ec9"], "unknown service 'ec9'"),
        (["--region", "us-mars-1"], "unknown region 'us-mars-1'"),
        (["--format", "json,pdf"], "unknown format 'pdf'"),
        (["--fail-on", "severe"], "'severe' is not one of"),
    ],
)
def test_bad_scan_options_are_one_line_and_exit_2(
    tmp_path: Path, moto_port: int, scan_args: list[str], extra: list[str], message: str
) -> None:
    result = run_auditor(
        tmp_path, *scan_args, "--endpoint-url", f"http://127.0.0.1:{moto_port}", *extra
    )

    assert result.code == 2
    assert message in result.stderr
    _no_traceback(result.stderr)
    assert not (result.output_dir / "auditor-report.json").exists()


def test_output_dir_that_cannot_be_created_is_exit_2(tmp_path: Path, moto_port: int) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")

    result = run_auditor(
        tmp_path,
        "scan",
        "--endpoint-url",
        f"http://127.0.0.1:{moto_port}",
        "--region",
        "us-east-1",
        "--output-dir",
        str(blocker / "reports"),
    )

    assert result.code == 2
    assert "output directory" in result.stderr
    _no_traceback(result.stderr)
    assert blocker.read_text() == "x"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "is not valid JSON"),
        (b'{"hello": "world"}', "is not an auditor snapshot"),
        (
            json.dumps(
                {
                    "schema_version": "99",
                    "tool_version": "9.9",
                    "collected_at": "2030-01-01T00:00:00Z",
                    "accounts": [],
                    "regions": [],
                    "scopes": [],
                }
            ).encode(),
            "has schema_version '99'",
        ),
        (b"\x1f\x8b\x08\x00garbage", "corrupt gzip"),
    ],
)
def test_bad_snapshot_is_one_line_and_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_bytes(content)
    previous = tmp_path / "out" / "auditor-report.json"
    previous.parent.mkdir()
    previous.write_text("previous report")

    result = run_auditor(tmp_path, "evaluate", str(snapshot), "--output-dir", str(tmp_path / "out"))

    assert result.code == 2
    assert message in result.stderr
    _no_traceback(result.stderr)
    assert previous.read_text() == "previous report"  # nothing overwritten


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_snapshot_path_that_is_not_a_file_is_exit_2(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "snap"
    if kind == "directory":
        path.mkdir()

    result = run_auditor(tmp_path, "evaluate", str(path), "--output-dir", str(tmp_path / "out"))

    assert result.code == 2
    assert "snapshot" in result.stderr
    _no_traceback(result.stderr)
