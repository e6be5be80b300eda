"""What a person at an 80-column terminal, or a pipe, gets from the CLI: tables that fit with
whole ids, one tab-separated line per check when piped, a word when filters match nothing,
prose wrapped at spaces, the help, did-you-mean for mistyped names, the SSO login command,
and a last line saying why the command exits as it does."""

from __future__ import annotations

import io
import os
import textwrap
from pathlib import Path

import botocore.client
import botocore.exceptions
import pytest
from click.testing import CliRunner
from rich.console import Console

from auditor.catalog import describe
from auditor.checkapi import Check
from auditor.cli import main, run
from auditor.findings import Report, Status
from auditor.registry import load_checks
from auditor.report.json import render_json
from auditor.session import Meter
from auditor.terminal import Progress, _LiveLine
from tests.report_factory import make_error, make_finding, make_report

WIDTH = 80
RULE = "─"


@pytest.fixture(scope="module")
def every() -> list[Check]:
    return list(load_checks().values())


def invoke(*args: str, width: int = WIDTH) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": str(width)})
    return result.exit_code, result.stdout, result.stderr


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The installed entry point's own handling: errors as one line, exit codes."""
    code = run(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def column_text(lines: list[str], start: int, end: int | None = None) -> str:
    return " ".join(" ".join(line[start:end].split()) for line in lines).strip()


def rows_of(table: list[str], ids: set[str]) -> dict[str, list[str]]:
    """Each check's lines of the table: its id's line and the continuation lines below it."""
    rows: dict[str, list[str]] = {}
    current = None
    for line in table:
        first = line.split(" ", 1)[0]
        if first in ids:
            current = first
            rows[current] = []
        if current is not None:
            rows[current].append(line)
    return rows


def test_checks_table_at_80_columns_keeps_whole_ids_and_wraps_titles(
    every: list[Check],
) -> None:
    code, out, _ = invoke("checks", "--format", "table")

    lines = out.splitlines()
    longest = max(len(c.id) for c in every)
    assert code == 0
    assert all(len(line) <= WIDTH for line in lines)
    # Every column but id and title gave way; the id column is exactly the longest id wide.
    assert lines[0].rstrip() == "id" + " " * (longest - 2 + 3) + "title"
    assert lines[1] == RULE * WIDTH
    rows = rows_of(lines[2:], {c.id for c in every})
    assert set(rows) == {c.id for c in every}
    for check in every:
        row = rows[check.id]
        assert row[0].startswith(check.id + " ")
        assert column_text(row, longest + 3) == check.metadata.title  # wrapped, never cut
    assert len(lines) < 3 * len(every) + 2


def test_checks_table_columns_give_way_frameworks_first_and_ids_are_not_padded(
    every: list[Check],
) -> None:
    rds = [c for c in every if c.metadata.service == "rds"]
    longest = max(len(c.id) for c in rds)

    _, narrow, _ = invoke("checks", "--service", "rds", "--format", "table")
    _, wide, _ = invoke("checks", "--service", "rds", "--format", "table", width=200)

    head = narrow.splitlines()[0]
    assert head.split() == ["id", "service", "severity", "title"]
    assert head.index("service") == longest + 3  # the id column is as wide as its longest id
    assert all(len(line) <= WIDTH for line in narrow.splitlines())
    assert wide.splitlines()[0].split() == ["id", "service", "severity", "title", "frameworks"]
    first = next(c for c in rds if c.id == sorted(c.id for c in rds)[0])
    row = next(line for line in wide.splitlines() if line.startswith(first.id + " "))
    assert row.split()[1:3] == ["rds", first.metadata.severity.value]
    assert first.metadata.title in row


def test_piped_checks_are_one_tab_separated_line_each(every: list[Check]) -> None:
    code, piped, _ = invoke("checks", "--service", "rds")  # CliRunner's stdout is no terminal
    _, explicit, _ = invoke("checks", "--service", "rds", "--format", "tsv")

    rds = sorted((c for c in every if c.metadata.service == "rds"), key=lambda c: c.id)
    assert code == 0
    assert piped == explicit
    lines = piped.splitlines()
    assert len(lines) == len(rds)
    for line, check in zip(lines, rds, strict=True):
        m = check.metadata
        frameworks = "; ".join(f"{k}: {', '.join(v)}" for k, v in m.compliance.items()) or "—"
        assert line.split("\t") == [m.id, "rds", m.severity.value, m.title, frameworks]


def test_filters_that_match_nothing_say_so_on_stderr() -> None:
    code, out, err = invoke("checks", "--service", "rds", "--severity", "HIGH")

    assert code == 0
    assert out == ""
    assert err == (
        "auditor: no check matches --service rds --severity high\n"
        "auditor: rds checks are critical, medium or low\n"
    )
    assert invoke("checks", "--service", "dax", "--severity", "critical")[2] == (
        "auditor: no check matches --service dax --severity critical\n"
        "auditor: dax checks are medium\n"
    )


def test_the_readme_filter_example_lists_checks() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    example = next(
        line.split("#")[0].split()
        for line in readme.splitlines()
        if line.startswith("auditor checks --service") and "filters combine" in line
    )

    code, out, err = invoke(*example[1:])

    assert example[2:4] == ["--service", "ec2"] and example[4:] == ["--severity", "high"]
    assert code == 0 and err == ""
    assert len(out.splitlines()) >= 2, "the README's filter example lists next to nothing"
    assert {tuple(line.split("\t")[1:3]) for line in out.splitlines()} == {("ec2", "high")}


def test_checks_show_wraps_to_the_terminal_at_spaces(every: list[Check]) -> None:
    check = next(c for c in every if c.id == "dynamodb_table_autoscaling")  # a long CLI line

    code, out, _ = invoke("checks", "show", check.id)

    assert code == 0
    lines = out.splitlines()
    long_words = [line for line in lines if len(line) > WIDTH]
    assert all(len(line.split()) == 1 for line in long_words)  # only a URL may overflow
    # The same words as the unwrapped text, none broken.
    assert out.split() == describe(check, width=10_000).split()
    assert "    aws dynamodb update-table --table-name <table> --billing-mode" in lines


def test_checks_show_unknown_id_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "checks", "show", "rds_instance_multi_azz")

    assert (code, out) == (2, "")
    assert err == (
        "auditor: error: unknown check 'rds_instance_multi_azz'; "
        "did you mean 'rds_instance_multi_az'?\n"
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--check", "rds_instance_multi_azz"],
            "--check: unknown check 'rds_instance_multi_azz'; did you mean "
            "'rds_instance_multi_az'?",
        ),
        (
            ["--exclude-check", "s3_bucket_versioning"],
            "--exclude-check: unknown check 's3_bucket_versioning'; did you mean "
            "'s3_bucket_versioning_enabled'?",
        ),
        (["--service", "dynamo"], "unknown service 'dynamo'; did you mean 'dynamodb'?"),
        (["--service", "RDS"], "unknown service 'RDS'; did you mean 'rds'?"),
        (
            ["--region", "us-est-1"],
            "unknown region 'us-est-1'; did you mean 'us-east-1' or 'us-west-1'?",
        ),
    ],
)
def test_mistyped_scan_names_suggest_the_closest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], line: str
) -> None:
    code, out, err = cli(
        capsys, "scan", "--endpoint-url", "http://127.0.0.1:9", "--output-dir", str(tmp_path), *args
    )

    assert (code, out) == (2, "")
    assert err == f"auditor: error: {line}\n"


def test_a_name_close_to_nothing_gets_no_guess(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "checks", "--service", "mainframe")

    assert code == 2
    assert err.startswith("auditor: error: unknown service 'mainframe'; checks exist for: ")
    assert "did you mean" not in err


SSO_CONFIG = """\
[profile prod]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = SecurityAudit
region = eu-west-1

[profile dev]
region = eu-west-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
"""


@pytest.fixture
def aws_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two profiles, one through IAM Identity Center, and no SSO token cached."""
    config = tmp_path / "aws-config"
    config.write_text(SSO_CONFIG)
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))  # ~/.aws/sso/cache is empty
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return config


def scan(capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str) -> tuple[int, str, str]:
    return cli(
        capsys,
        "scan",
        "--region",
        "us-east-1",
        "--endpoint-url",
        "http://127.0.0.1:9",  # nothing listens: no test may reach AWS
        "--output-dir",
        str(tmp_path / "out"),
        *args,
    )


def test_missing_profile_suggests_and_lists_the_profiles_that_exist(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aws_config: Path
) -> None:
    code, out, err = scan(capsys, tmp_path, "--profile", "prdo")

    assert (code, out) == (2, "")
    assert err == (
        "auditor: error: AWS profile 'prdo' was not found in your AWS config; "
        "did you mean 'prod'? (profiles: dev, prod)\n"
    )


def test_missing_profile_from_the_environment_says_where_it_came_from(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    aws_config: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "staging")

    code, _, err = scan(capsys, tmp_path)

    assert code == 2
    assert err == (
        "auditor: error: AWS profile 'staging' (named by AWS_PROFILE) was not found in your "
        "AWS config (profiles: dev, prod)\n"
    )


def test_missing_profile_without_any_configured(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aws_config: Path
) -> None:
    aws_config.write_text("")

    code, _, err = scan(capsys, tmp_path, "--profile", "prod")

    assert code == 2
    assert err == (
        "auditor: error: AWS profile 'prod' was not found: no profile is configured "
        "(`aws configure sso` or `aws configure` makes one)\n"
    )


SSO_LINE = (
    "auditor: error: the AWS SSO session of profile 'prod' is missing or has expired: "
    "run `aws sso login --profile prod` and scan again\n"
)


def test_sso_profile_without_a_token_names_the_login_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, aws_config: Path
) -> None:
    # botocore itself finds no cached token for the sso-session and raises.
    code, out, err = scan(capsys, tmp_path, "--profile", "prod")

    assert (code, out, err) == (2, "", SSO_LINE)


@pytest.mark.parametrize(
    "error",
    [
        botocore.exceptions.UnauthorizedSSOTokenError(),
        botocore.exceptions.SSOTokenLoadError(error_msg="Token for corp does not exist"),
        botocore.exceptions.TokenRetrievalError(provider="sso", error_msg="Token has expired"),
        botocore.exceptions.ClientError(
            {"Error": {"Code": "ExpiredTokenException", "Message": "expired"}},
            "GetCallerIdentity",
        ),
    ],
    ids=lambda e: type(e).__name__,
)
def test_expired_sso_session_names_the_login_command(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    aws_config: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
) -> None:
    def expired(*_: object, **__: object) -> None:
        raise error

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", expired)

    code, out, err = scan(capsys, tmp_path, "--profile", "prod")

    assert (code, out, err) == (2, "", SSO_LINE)


def test_expired_keys_of_a_profile_without_sso_do_not_mention_sso(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    aws_config: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def expired(*_: object, **__: object) -> None:
        raise botocore.exceptions.ClientError(
            {"Error": {"Code": "ExpiredToken", "Message": "expired"}}, "GetCallerIdentity"
        )

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", expired)

    code, _, err = scan(capsys, tmp_path, "--profile", "dev")

    assert code == 2
    assert err == (
        "auditor: error: AWS rejected the credentials (ExpiredToken): refresh or log in again\n"
    )


def test_bare_auditor_prints_its_help_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys)

    assert (code, err) == (0, "")
    assert out.startswith("Usage: auditor [OPTIONS] [COMMAND] [ARGS]...\n")
    assert "\nCommands:\n" in out and "  scan " in out


def test_help_uses_the_terminal_width(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    _, narrow, _ = cli(capsys, "scan", "--help")
    monkeypatch.setenv("COLUMNS", "160")
    _, wide, _ = cli(capsys, "scan", "--help")

    assert max(map(len, narrow.splitlines())) == WIDTH - 2  # click keeps a margin of 2
    assert max(map(len, wide.splitlines())) == 120 - 2  # the terminal's, up to 120
    option = "  --profile TEXT                  AWS named profile (default: boto3's"
    assert f"{option}\n" in narrow
    assert f"{option} credential chain).\n" in wide


def test_scan_help_ends_with_examples_and_exit_codes() -> None:
    _, out, _ = invoke("scan", "--help")

    tail = out[out.index("\n  Examples:\n") :]
    assert tail == (
        "\n  Examples:\n"
        "    auditor scan --profile prod\n"
        "    auditor scan --profile prod --region eu-west-1 --region us-east-1\n"
        "    auditor scan --service rds --service dynamodb --fail-on critical\n"
        "    auditor scan --baseline last-week.json --fail-on-new high\n"
        "    auditor scan --org --role-name AuditRole --format json,html,sarif\n"
        "\n"
        "  Exit codes:\n"
        "    0    nothing failed at or above --fail-on; every check judged everything\n"
        "    1    an unmuted FAIL at or above --fail-on, a new one at or above\n"
        "         --fail-on-new, or an expired mute with --fail-on-expired-mutes\n"
        "    2    usage, configuration, credential or input-file error (one line)\n"
        "    3    incomplete (ERROR findings: reads that failed), and nothing failed\n"
        "         at or above --fail-on (0 with --allow-incomplete)\n"
        "    4    internal error (AUDITOR_DEBUG=1 prints the traceback)\n"
        "    130  interrupted (Ctrl-C, SIGTERM); no report is left half-written\n"
        "  The last line printed names the code and why.\n"
    )


def saved(tmp_path: Path, report: Report, name: str = "result.json") -> str:
    path = tmp_path / name
    path.write_text(render_json(report))
    return str(path)


def fails_and_passes(errors: bool = False) -> Report:
    fail, passed, error = Status.FAIL, Status.PASS, Status.ERROR
    findings = [
        make_finding("iam_policy_no_full_admin", fail, "AdminAll", region="global"),
        make_finding("rds_instance_multi_az", fail, "db-1"),
        make_finding("rds_instance_multi_az", fail, "db-2"),
        make_finding("rds_instance_multi_az", passed, "db-3"),
        make_finding("cloudwatch_alarm_has_action", fail, "cpu-high"),
    ]
    if errors:
        findings.append(make_finding("dynamodb_table_pitr_enabled", error, "orders"))
    return make_report(findings, [make_error()] if errors else [])


def last_line(tmp_path: Path, *args: str) -> tuple[int, str]:
    code, out, _ = invoke("report", *args, "--output-dir", str(tmp_path / "out"), "-q")
    return code, out.splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (1, "exit 1: 3 unmuted FAILs at or above high")),
        (["--fail-on", "critical"], (1, "exit 1: 1 unmuted FAIL at or above critical")),
        (["--fail-on", "low"], (1, "exit 1: 4 unmuted FAILs at or above low")),
        (
            ["--fail-on", "none"],
            (0, "exit 0: --fail-on none; no ERROR"),
        ),
        (
            ["--fail-on-new", "high"],
            (1, "exit 1: 3 new unmuted FAILs at or above high (no baseline)"),
        ),
        (
            ["--fail-on", "critical", "--fail-on-new", "low"],
            (
                1,
                "exit 1: 1 unmuted FAIL at or above critical; "
                "4 new unmuted FAILs at or above low (no baseline)",
            ),
        ),
    ],
)
def test_the_last_line_says_why_the_command_exits_as_it_does(
    tmp_path: Path, args: list[str], expected: tuple[int, str]
) -> None:
    assert last_line(tmp_path, saved(tmp_path, fails_and_passes()), *args) == expected


def test_the_last_line_of_an_incomplete_scan_counts_its_errors(tmp_path: Path) -> None:
    result = saved(tmp_path, fails_and_passes(errors=True))

    assert last_line(tmp_path, result, "--fail-on", "critical", "--mutelist", mute(tmp_path)) == (
        3,
        "exit 3: incomplete, 1 ERROR; no unmuted FAIL at or above critical (1 muted)",
    )


def test_the_last_line_compares_with_the_baseline(tmp_path: Path) -> None:
    baseline = saved(tmp_path, fails_and_passes(), "baseline.json")
    result = saved(tmp_path, fails_and_passes())

    assert last_line(tmp_path, result, "--baseline", baseline, "--fail-on-new", "low") == (
        0,
        "exit 0: no new unmuted FAIL at or above low; no ERROR",
    )


def test_the_last_line_names_the_ci_gate_options(tmp_path: Path) -> None:
    incomplete = saved(tmp_path, fails_and_passes(errors=True), "incomplete.json")
    result = saved(tmp_path, fails_and_passes())
    absent = str(tmp_path / "no-such-baseline.json")

    assert last_line(tmp_path, incomplete, "--fail-on", "none", "--allow-incomplete") == (
        0,
        "exit 0: --fail-on none; incomplete, 1 ERROR allowed",
    )
    assert last_line(
        tmp_path,
        result,
        *("--fail-on", "none", "--fail-on-new", "high"),
        *("--baseline", absent, "--baseline-missing", "ok"),
    ) == (0, "exit 0: --fail-on-new high waits for a baseline; no ERROR")
    expired = mute(tmp_path, expires="2020-01-01")
    assert last_line(
        tmp_path, result, "--fail-on", "none", "--mutelist", expired, "--fail-on-expired-mutes"
    ) == (1, "exit 1: 1 expired mute (--fail-on-expired-mutes)")


def mute(tmp_path: Path, expires: str = "2999-01-01") -> str:
    path = tmp_path / "auditor.mute.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            mutes:
              - check: iam_policy_no_full_admin
                resource: AdminAll
                reason: break-glass role, reviewed quarterly
                owner: security@example.com
                expires: {expires}
            """
        )
    )
    return str(path)


def live_line(done: int, total: int, requests: int, width: int) -> list[str]:
    meter = Meter()
    for _ in range(requests):
        meter.request()
    progress = Progress(quiet=True, meter=meter)
    progress.update(done, total)
    console = Console(file=io.StringIO(), width=width, force_terminal=True, color_system=None)
    return [
        "".join(segment.text for segment in line)
        for line in console.render_lines(_LiveLine(progress), pad=False)
    ]


def test_the_live_progress_line_fits_80_columns_with_a_bar() -> None:
    (line,) = live_line(40, 114, 108, WIDTH)

    text, _, bar = line.rpartition(" ")
    assert text[2:].startswith("collected 40/114 datasets, 108 requests, 0 throttles absorbed (")
    assert bar == "━" * (WIDTH - len(text) - 1)  # the rest of the width is the bar
    assert len(line) == WIDTH


def test_the_live_progress_line_is_cut_never_wrapped() -> None:
    (line,) = live_line(123_456, 654_321, 9_876, 60)

    assert len(line) == 60
    assert line.endswith("…")
    assert line[2:].startswith("collected 123456/654321 datasets, 9876 requests")
