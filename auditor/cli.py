"""The command line: parse, wire the layers together, print, write files, pick the exit code."""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import traceback
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from auditor import __version__
from auditor.errors import AuditorError, InputFileError, UsageError
from auditor.runtime import cap_malloc_arenas

if TYPE_CHECKING:
    from auditor.checkapi import Check
    from auditor.config import LoadedConfig
    from auditor.findings import Report, Severity
    from auditor.history.store import History
    from auditor.models import Snapshot
    from auditor.org import OrgOptions
    from auditor.report.publish import ReportSettings

F = TypeVar("F", bound=Callable[..., Any])

FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "none")
SEVERITY_CHOICES = ("critical", "high", "medium", "low", "informational")
EXIT_INTERNAL = 4


def _split_formats(value: str) -> tuple[str, ...]:
    from auditor.report import FORMATS

    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    if not formats:
        raise UsageError("--format needs at least one of: " + ", ".join(FORMATS))
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose from: {', '.join(FORMATS)}")
    return formats


def selection_options(fn: F) -> F:
    for option in reversed(
        [
            click.option(
                "--check", "checks", multiple=True, help="Run only this check id (repeatable)."
            ),
            click.option(
                "--exclude-check",
                "exclude_checks",
                multiple=True,
                help="Skip this check id (repeatable).",
            ),
            click.option(
                "--service",
                "services",
                multiple=True,
                help="Run only this service's checks (repeatable).",
            ),
            click.option(
                "--config",
                type=click.Path(path_type=Path),
                expose_value=False,
                callback=_remember_config,
                help="Configuration file (default: ./auditor.toml, else [tool.auditor] in "
                "./pyproject.toml).",
            ),
        ]
    ):
        fn = option(fn)
    return fn


def report_options(fn: F) -> F:
    for option in reversed(
        [
            click.option(
                "--output-dir",
                type=click.Path(path_type=Path, file_okay=True, dir_okay=True),
                default=Path("."),
                show_default=True,
                help="Where auditor-report.json / .html are written.",
            ),
            click.option(
                "--format",
                "formats",
                default="json,html",
                show_default=True,
                help="Comma-separated report formats: json, html, sarif, ocsf, asff, csv, junit, "
                "markdown.",
            ),
            click.option(
                "--fail-on",
                type=click.Choice(FAIL_ON_CHOICES, case_sensitive=False),
                default="high",
                show_default=True,
                help="Exit 1 when an unmuted FAIL at or above this severity is found "
                "(default none when --fail-on-new is given).",
            ),
            click.option(
                "--fail-on-new",
                type=click.Choice(FAIL_ON_CHOICES[:-1], case_sensitive=False),
                help="Exit 1 when an unmuted FAIL at or above this severity is new since the "
                "baseline (without --baseline every FAIL is new).",
            ),
            click.option(
                "--mutelist",
                type=click.Path(path_type=Path),
                help="Suppressions file (.yaml or .toml; default: auditor.mute.yaml, .yml or "
                ".toml in the current directory, if there).",
            ),
            click.option(
                "--quiet",
                "-q",
                is_flag=True,
                help="Print only the report paths, the exit line, errors and (scan) a plain "
                "progress line every few seconds on stderr.",
            ),
        ]
    ):
        fn = option(fn)
    return fn


def baseline_option(fn: F) -> F:
    option = click.option(
        "--baseline",
        type=click.Path(path_type=Path),
        help="An earlier JSON report: mark findings new, unchanged or fixed since then.",
    )
    return option(fn)


def gate_options(fn: F) -> F:
    """The CI gates beside --fail-on: expired mutes, and whether gaps set the exit code."""
    for option in reversed(
        [
            click.option(
                "--fail-on-expired-mutes",
                is_flag=True,
                help="Exit 1 when a mutelist entry has expired (it mutes nothing any more).",
            ),
            click.option(
                "--allow-incomplete",
                is_flag=True,
                help="Exit 0, not 3, when some reads failed (ERROR findings); they stay in the "
                "reports.",
            ),
        ]
    ):
        fn = option(fn)
    return fn


def baseline_missing_option(fn: F) -> F:
    option = click.option(
        "--baseline-missing",
        type=click.Choice(("error", "ok"), case_sensitive=False),
        default="error",
        show_default=True,
        help="ok: when the --baseline file does not exist (or --history holds no earlier scan "
        "of this scope), this run sets the baseline and --fail-on-new does not fail it.",
    )
    return option(fn)


def history_option(fn: F) -> F:
    option = click.option(
        "--history",
        type=click.Path(path_type=Path),
        help="A scan history (SQLite file, or a folder of earlier JSON reports to start one): "
        "the baseline is the previous scan of the same scope.",
    )
    return option(fn)


def report_settings(
    *,
    output_dir: Path,
    formats: str,
    fail_on: str,
    fail_on_new: str | None,
    quiet: bool,
    mutelist: Path | None,
    baseline: Path | None = None,
    history: Path | None = None,
    record_history: bool = False,
    baseline_missing: str = "error",
    fail_on_expired_mutes: bool = False,
    allow_incomplete: bool = False,
) -> ReportSettings:
    """Validate and load every report option before any work is done."""
    from click.core import ParameterSource

    from auditor.mutelist import discover, load_mutelist
    from auditor.report.json import load_report
    from auditor.report.publish import ReportSettings

    format_list = _split_formats(formats)
    context = click.get_current_context(silent=True)
    if (
        fail_on_new is not None
        and context is not None
        and context.get_parameter_source("fail_on") is ParameterSource.DEFAULT
    ):
        fail_on = "none"  # --fail-on-new alone gates on new findings only
    mutelist_path = mutelist or discover(Path.cwd())
    missing_ok = baseline_missing.lower() == "ok"
    if missing_ok and baseline is None and history is None:
        raise UsageError("--baseline-missing ok needs --baseline or --history")
    absent = baseline if baseline is not None and not baseline.exists() else None
    offered = context is not None and any(
        p.name == "baseline_missing" for p in context.command.params
    )
    if absent is not None and not missing_ok and offered:  # `diff OLD NEW` has no such option
        raise InputFileError(
            f"cannot read baseline {str(absent)!r}: no such file (on a first run, "
            "--baseline-missing ok lets this run set it)"
        )
    if absent is not None and missing_ok:
        baseline = None  # this run sets the baseline
    else:
        absent = None  # (diff's absent OLD: load_report below says so)
    return ReportSettings(
        output_dir=output_dir,
        formats=format_list,
        fail_on=_fail_on(fail_on),
        fail_on_new=_fail_on(fail_on_new) if fail_on_new else None,
        quiet=quiet,
        mutelist=load_mutelist(mutelist_path) if mutelist_path is not None else None,
        baseline=load_report(baseline, "baseline") if baseline is not None else None,
        history=_open_history(history, record_history) if history is not None else None,
        record_history=record_history,
        baseline_missing_ok=missing_ok,
        absent_baseline=absent,
        fail_on_expired_mutes=fail_on_expired_mutes,
        allow_incomplete=allow_incomplete,
    )


def _open_history(path: Path, record: bool) -> History:
    from auditor.history.commands import open_for_scan
    from auditor.history.store import open_history

    return open_for_scan(path) if record else open_history(path, create=False)


def _remember_config(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.meta["auditor.config_path"] = value


def current_config() -> LoadedConfig:
    """The configuration for this command: --config, else discovered in the current
    directory; loaded once per command."""
    from auditor.config import load_config

    ctx = click.get_current_context()
    root = ctx.find_root()
    if "auditor.config" not in root.meta:
        explicit = ctx.meta.get("auditor.config_path")
        root.meta["auditor.config"] = load_config(explicit, Path.cwd())
    loaded: LoadedConfig = root.meta["auditor.config"]
    return loaded


def select_checks(
    include: Sequence[str], exclude: Sequence[str], services: Sequence[str]
) -> list[Check]:
    """The selected checks, configured by the configuration file."""
    from auditor import selection
    from auditor.registry import load_checks

    return selection.select_checks(load_checks(), include, exclude, services, current_config())


def _fail_on(value: str) -> Severity | None:
    from auditor.findings import Severity

    return None if value.lower() == "none" else Severity(value.lower())


def _emit_reports(
    snapshot: Snapshot,
    checks: Iterable[Check],
    *,
    settings: ReportSettings,
    started_at: datetime,
    scan_id: str,
    view: Callable[[Report], Report] | None = None,
    account_tags: dict[str, dict[str, str]] | None = None,
) -> int:
    from auditor.engine import Evaluation
    from auditor.owners import assign_owners, tagged_resources

    evaluation = Evaluation(snapshot, checks)
    report = evaluation.report(scan_id, started_at, datetime.now(UTC))
    if view is not None:
        report = view(report)
    report = assign_owners(
        report, current_config().settings, tagged_resources(snapshot), account_tags
    )
    return _publish(report, settings)


def _publish(report: Report, settings: ReportSettings) -> int:
    """Mute, diff, write every format, print the summary; the exit code."""
    from auditor.diff import describe
    from auditor.findings import Status
    from auditor.output import write_atomic
    from auditor.report import FILE_NAMES
    from auditor.report.publish import finish, gate, gate_notes, render_all
    from auditor.terminal import exit_line, print_summary

    report = finish(report, settings)
    paths = []
    for fmt, data in render_all(report, settings.formats, settings.history).items():
        path = settings.output_dir / FILE_NAMES[fmt]
        write_atomic(path, data)
        paths.append(path)
    if not settings.quiet:
        for entry in report.expired_mutes:
            checks = ", ".join(entry.check) or "any check"
            click.echo(
                f"auditor: warning: mutelist entry {entry.entry} ({checks}, owner {entry.owner}) "
                f"expired on {entry.expires} and mutes nothing: renew or remove it",
                err=True,
            )
    if settings.history is not None and settings.record_history:
        settings.history.append([report])  # only once every report is written
    print_summary(report, paths, quiet=settings.quiet)
    if settings.history is not None and settings.record_history:
        click.echo(f"history: {settings.history.path} (scan {report.scan.id} recorded)")
    if not settings.quiet:
        muted = [f for f in report.findings if f.muted]
        if settings.mutelist is not None:
            failing = sum(1 for f in muted if f.status is Status.FAIL)
            click.echo(
                f"muted: {len(muted)} finding(s), {failing} of them FAIL, by "
                f"{settings.mutelist.path}"
            )
        for line in describe(report):
            click.echo(line)
    for note in gate_notes(report, settings):
        click.echo(f"auditor: {note}", err=True)
    code = gate(report, settings)
    _remember_exit_line(code, exit_line(report, code, settings))
    return code


# Help fills the terminal (click's default stops at 80 columns), up to a readable width.
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 120}


@click.group(context_settings=CONTEXT_SETTINGS, invoke_without_command=True)
@click.version_option(__version__, prog_name="auditor")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Audit an AWS account against database, identity, storage and monitoring practices."""
    if ctx.invoked_subcommand is None:  # bare `auditor`: the help, not a usage error
        click.echo(ctx.get_help())
        ctx.exit(0)


SCAN_EPILOG = """\b
Examples:
  auditor scan --profile prod
  auditor scan --profile prod --region eu-west-1 --region us-east-1
  auditor scan --service rds --service dynamodb --fail-on critical
  auditor scan --baseline last-week.json --fail-on-new high
  auditor scan --org --role-name AuditRole --format json,html,sarif

\b
Exit codes:
  0    nothing failed at or above --fail-on; every check judged everything
  1    an unmuted FAIL at or above --fail-on, a new one at or above
       --fail-on-new, or an expired mute with --fail-on-expired-mutes
  2    usage, configuration, credential or input-file error (one line)
  3    incomplete (ERROR findings: reads that failed), and nothing failed
       at or above --fail-on (0 with --allow-incomplete)
  4    internal error (AUDITOR_DEBUG=1 prints the traceback)
  130  interrupted (Ctrl-C, SIGTERM); no report is left half-written
The last line printed names the code and why.
"""


@main.command(epilog=SCAN_EPILOG)
@click.option("--profile", help="AWS named profile (default: boto3's credential chain).")
@click.option(
    "--region",
    "regions",
    multiple=True,
    help="Region to scan (repeatable; default: every region enabled for the account).",
)
@selection_options
@report_options
@baseline_option
@baseline_missing_option
@gate_options
@history_option
@click.option(
    "--endpoint-url",
    envvar="AWS_ENDPOINT_URL",
    help="Send every AWS call here (moto, LocalStack); AWS_ENDPOINT_URL works too.",
)
@click.option(
    "--save-snapshot",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also save what was collected (.json or .json.gz) for `auditor evaluate`.",
)
@click.option(
    "--org",
    is_flag=True,
    help="Scan every active account of the organization (organizations:ListAccounts), "
    "through --role-name in each.",
)
@click.option(
    "--role-name",
    default="OrganizationAccountAccessRole",
    show_default=True,
    help="With --org: the role assumed in each member account.",
)
@click.option("--external-id", help="With --org: the ExternalId the role's trust policy asks for.")
@click.option(
    "--accounts",
    "org_accounts",
    multiple=True,
    help="With --org: only these account ids (repeatable or comma-separated).",
)
@click.option(
    "--exclude-accounts",
    "org_exclude_accounts",
    multiple=True,
    help="With --org: skip these account ids (repeatable or comma-separated).",
)
@click.option(
    "--shard",
    metavar="K/N",
    help="Scan only the K-th of N stable shares of the (account, region) pairs; join the "
    "results with `auditor merge`.",
)
def scan(
    profile: str | None,
    regions: tuple[str, ...],
    checks: tuple[str, ...],
    exclude_checks: tuple[str, ...],
    services: tuple[str, ...],
    output_dir: Path,
    formats: str,
    fail_on: str,
    fail_on_new: str | None,
    mutelist: Path | None,
    quiet: bool,
    baseline: Path | None,
    baseline_missing: str,
    fail_on_expired_mutes: bool,
    allow_incomplete: bool,
    history: Path | None,
    endpoint_url: str | None,
    save_snapshot: Path | None,
    org: bool,
    role_name: str,
    external_id: str | None,
    org_accounts: tuple[str, ...],
    org_exclude_accounts: tuple[str, ...],
    shard: str | None,
) -> None:
    """Scan a live account, or every account of an organization, and write the reports."""
    from auditor.scan import ScanRequest
    from auditor.session import open_session
    from auditor.shard import Shard

    org_options = _org_options(org, role_name, external_id, org_accounts, org_exclude_accounts)
    shard_spec = Shard.parse(shard) if shard is not None else None

    started_at = datetime.now(UTC)
    settings = report_settings(
        output_dir=output_dir,
        formats=formats,
        fail_on=fail_on,
        fail_on_new=fail_on_new,
        quiet=quiet,
        mutelist=mutelist,
        baseline=baseline,
        history=history,
        record_history=True,
        baseline_missing=baseline_missing,
        fail_on_expired_mutes=fail_on_expired_mutes,
        allow_incomplete=allow_incomplete,
    )
    chosen = select_checks(checks, exclude_checks, services)
    session = open_session(profile)
    regions = tuple(regions) or tuple(current_config().settings.regions)
    owner_datasets = ("tagging_resources",) if current_config().settings.owner_tags else ()
    request = ScanRequest(
        session,
        endpoint_url or None,
        regions,
        tuple(chosen),
        org=org_options,
        shard=shard_spec,
        extra_datasets=owner_datasets,
    )
    _exit(
        _scan_and_report(
            request, settings=settings, save_snapshot=save_snapshot, started_at=started_at
        )
    )


def _account_ids(values: Iterable[str], option: str) -> tuple[str, ...]:
    ids = tuple(dict.fromkeys(v.strip() for value in values for v in value.split(",") if v.strip()))
    for account_id in ids:
        if not (len(account_id) == 12 and account_id.isdigit()):
            raise UsageError(f"{option} {account_id!r} is not a 12-digit AWS account id")
    return ids


def _org_options(
    org: bool,
    role_name: str,
    external_id: str | None,
    accounts: tuple[str, ...],
    exclude_accounts: tuple[str, ...],
) -> OrgOptions | None:
    """The --org options, or None; an organization option without --org is a usage error."""
    from click.core import ParameterSource

    from auditor.org import OrgOptions

    context = click.get_current_context()
    if not org:
        for name, flag in (
            ("role_name", "--role-name"),
            ("external_id", "--external-id"),
            ("org_accounts", "--accounts"),
            ("org_exclude_accounts", "--exclude-accounts"),
        ):
            if context.get_parameter_source(name) is not ParameterSource.DEFAULT:
                raise UsageError(f"{flag} needs --org")
        return None
    return OrgOptions(
        role_name=role_name,
        external_id=external_id or None,
        accounts=_account_ids(accounts, "--accounts"),
        exclude_accounts=_account_ids(exclude_accounts, "--exclude-accounts"),
    )


def _scan_and_report(
    request: Any,
    *,
    settings: ReportSettings,
    save_snapshot: Path | None,
    started_at: datetime,
) -> int:
    from auditor.output import prepare_output_dir, snapshot_bytes, write_atomic
    from auditor.scan import collect_snapshot, resolve_plan
    from auditor.session import Meter
    from auditor.shard import restrict
    from auditor.terminal import Progress

    prepare_output_dir(settings.output_dir)
    if save_snapshot is not None:
        prepare_output_dir(save_snapshot.parent)
    plan = resolve_plan(request)
    meter = Meter()
    accounts = [a.target.account_id for a in plan.accounts]
    who = f"account {accounts[0]}" if len(accounts) == 1 else f"{len(accounts)} accounts"
    shard = f", shard {request.shard}" if request.shard is not None else ""
    with Progress(quiet=settings.quiet, meter=meter) as progress:
        progress.start(
            f"Scanning {who}: {len(plan.regions)} region(s), {len(request.checks)} check(s){shard}"
        )
        for error in plan.unreachable:
            progress.note(f"account {error.account_id} is out of reach: {error.describe()}")
        snapshot = collect_snapshot(request, plan, progress=progress.update, meter=meter)
    # The clients and their parsed service models hold reference cycles: free them now so the
    # reports reuse that memory instead of growing the peak.
    gc.collect()
    if save_snapshot is not None:
        write_atomic(save_snapshot, snapshot_bytes(snapshot, save_snapshot))
    return _emit_reports(
        snapshot,
        request.checks,
        account_tags=_account_tags(request, plan, quiet=settings.quiet),
        settings=settings,
        started_at=started_at,
        scan_id=str(uuid.uuid4()),
        view=partial(
            restrict,
            without_global=plan.without_global,
            global_checks={c.id for c in request.checks if c.metadata.scope == "global"},
        ),
    )


def _account_tags(request: Any, plan: Any, *, quiet: bool) -> dict[str, dict[str, str]]:
    """With --org and owner_tags: each account's tags in AWS Organizations."""
    if request.org is None or not current_config().settings.owner_tags:
        return {}
    from auditor.owners import read_account_tags
    from auditor.session import client_config

    region = request.session.region_name or plan.identity.global_region
    client = request.session.client(
        "organizations",
        region_name=region,
        endpoint_url=request.endpoint_url,
        config=client_config(2),
    )
    tags, failed = read_account_tags(client, [a.target.account_id for a in plan.accounts])
    if failed and not quiet:
        click.echo(
            "auditor: warning: account tags not read (organizations:ListTagsForResource) for "
            + ", ".join(failed)
            + "; their findings' owners come from the account map",
            err=True,
        )
    return tags


@main.command()
@click.argument("snapshot_path", metavar="SNAPSHOT", type=click.Path(path_type=Path))
@selection_options
@report_options
@baseline_option
@baseline_missing_option
@gate_options
@history_option
def evaluate(
    snapshot_path: Path,
    checks: tuple[str, ...],
    exclude_checks: tuple[str, ...],
    services: tuple[str, ...],
    output_dir: Path,
    formats: str,
    fail_on: str,
    fail_on_new: str | None,
    mutelist: Path | None,
    quiet: bool,
    baseline: Path | None,
    baseline_missing: str,
    fail_on_expired_mutes: bool,
    allow_incomplete: bool,
    history: Path | None,
) -> None:
    """Re-run the checks offline on a saved snapshot (no AWS calls)."""
    from auditor.output import load_snapshot, prepare_output_dir

    started_at = datetime.now(UTC)
    settings = report_settings(
        output_dir=output_dir,
        formats=formats,
        fail_on=fail_on,
        fail_on_new=fail_on_new,
        quiet=quiet,
        mutelist=mutelist,
        baseline=baseline,
        history=history,
        record_history=True,
        baseline_missing=baseline_missing,
        fail_on_expired_mutes=fail_on_expired_mutes,
        allow_incomplete=allow_incomplete,
    )
    chosen = select_checks(checks, exclude_checks, services)
    prepare_output_dir(output_dir)
    snapshot = load_snapshot(snapshot_path)
    if not checks:
        # By default judge only what the snapshot holds data for; a check named
        # explicitly with --check is still run and reports ERROR for missing data.
        collected = {
            name
            for scope in snapshot.scopes
            for name, value in scope
            if name not in {"account_id", "region", "errors"} and value is not None
        }
        chosen = [c for c in chosen if set(c.metadata.datasets) <= collected]
        if not chosen:
            raise UsageError("the snapshot holds no data for the selected checks")
    _exit(
        _emit_reports(
            snapshot,
            chosen,
            settings=settings,
            started_at=started_at,
            scan_id=str(uuid.uuid4()),
        )
    )


@main.group(name="checks", invoke_without_command=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "tsv", "json", "markdown"], case_sensitive=False),
    help="table (the default on a terminal) fits the terminal's width; tsv (the default when "
    "the output is a pipe or file) is one tab-separated line per check: id, service, "
    "severity, title, frameworks.",
)
@click.option("--service", "services", multiple=True, help="Only this service (repeatable).")
@click.option(
    "--severity",
    "severities",
    multiple=True,
    type=click.Choice(SEVERITY_CHOICES, case_sensitive=False),
    help="Only this severity (repeatable).",
)
@click.option(
    "--framework",
    "frameworks",
    multiple=True,
    help="Only checks mapped to this framework: fsbp, cis (any version), cis-3.0, cis-4.0, "
    "cis-5.0, wa-rel and wa-cost (Well-Architected Reliability and Cost Optimization best "
    "practices), or none for checks no FSBP or CIS control covers (repeatable).",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path),
    expose_value=False,
    callback=_remember_config,
    help="Configuration file whose severities and parameters to show.",
)
@click.pass_context
def list_checks(
    ctx: click.Context,
    fmt: str | None,
    services: tuple[str, ...],
    severities: tuple[str, ...],
    frameworks: tuple[str, ...],
) -> None:
    """List the checks (filter by service, severity, framework); `checks show ID` explains one."""
    if ctx.invoked_subcommand is not None:
        return
    from auditor import catalog
    from auditor.terminal import checks_tsv, print_checks

    every = _catalog()
    chosen = catalog.filter_checks(
        every, services=services, severities=severities, frameworks=frameworks
    )
    fmt = (fmt or ("table" if sys.stdout.isatty() else "tsv")).lower()
    if not chosen and fmt in ("table", "tsv"):
        click.echo(_no_match(every, services, severities, frameworks), err=True)
    elif fmt == "json":
        click.echo(catalog.to_json(chosen))
    elif fmt == "markdown":
        click.echo(catalog.to_markdown(chosen), nl=False)
    elif fmt == "tsv":
        for line in checks_tsv(chosen):
            click.echo(line)
    else:
        print_checks(chosen)


def _no_match(
    every: Sequence[Check],
    services: Sequence[str],
    severities: Sequence[str],
    frameworks: Sequence[str],
) -> str:
    """The filters that matched nothing, and what the services named do hold."""
    named = [
        *(f"--service {s}" for s in services),
        *(f"--severity {s.lower()}" for s in severities),
        *(f"--framework {f}" for f in frameworks),
    ]
    line = f"auditor: no check matches {' '.join(named)}"
    if services and severities:
        held = sorted(
            {c.metadata.severity for c in every if c.metadata.service in services},
            key=lambda s: -s.rank,
        )
        names = [s.value for s in held]
        alternatives = " or ".join(filter(None, (", ".join(names[:-1]), names[-1])))
        line += f"\nauditor: {' and '.join(services)} checks are {alternatives}"
    return line


@list_checks.command(name="show")
@click.argument("check_id", metavar="ID")
def show_check(check_id: str) -> None:
    """Print one check in full: rationale, remediation, mappings, parameters."""
    from auditor.catalog import describe
    from auditor.selection import SEE_CHECKS
    from auditor.suggest import did_you_mean
    from auditor.terminal import text_width

    every = {c.id: c for c in _catalog()}
    if check_id not in every:
        hint = did_you_mean(check_id, every, SEE_CHECKS)
        raise UsageError(f"unknown check {check_id!r}{hint}")
    click.echo(describe(every[check_id], text_width()), nl=False)


def _catalog() -> list[Check]:
    """Every check, with the configuration's severities and parameters applied."""
    from auditor.registry import load_checks
    from auditor.selection import configure

    config = current_config()
    return [configure(c, config.settings, config.label) for c in load_checks().values()]


@main.command()
@click.option(
    "--region",
    "regions",
    multiple=True,
    help="The scan will name its regions (repeatable): ec2:DescribeRegions is not needed.",
)
@click.option("--org", is_flag=True, help="Add what `scan --org` sends (ListAccounts, AssumeRole).")
@selection_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"], case_sensitive=False),
    default="json",
    show_default=True,
    help="json: an IAM policy document; text: each action and the checks that need it.",
)
def policy(
    regions: tuple[str, ...],
    org: bool,
    checks: tuple[str, ...],
    exclude_checks: tuple[str, ...],
    services: tuple[str, ...],
    fmt: str,
) -> None:
    """Print the IAM policy a scan of the selected checks needs (from the collectors' own
    declared operations)."""
    from auditor import policy as iam_policy
    from auditor.registry import load_collectors

    chosen = select_checks(checks, exclude_checks, services)
    explicit = tuple(regions) or tuple(current_config().settings.regions)
    if explicit:  # the same names `scan` accepts; nothing is sent to AWS
        from auditor.session import open_session, validate_regions

        validate_regions(open_session(None), explicit)
    required = iam_policy.requirements(
        chosen,
        load_collectors(),
        discover_regions=not explicit,
        org=org,
        owners=bool(current_config().settings.owner_tags),
    )
    if fmt.lower() == "text":
        click.echo(iam_policy.render_text(required), nl=False)
    else:
        click.echo(iam_policy.render_json(required))


@main.command()
def schema() -> None:
    """Print the JSON Schema of the JSON report."""
    from auditor.findings import Report

    click.echo(json.dumps(Report.model_json_schema(), indent=2))


# The sample organization fails on purpose: the demo gates its exit code only when asked to.
@main.command(context_settings={"default_map": {"fail_on": "none"}})
@report_options
@baseline_option
def demo(
    output_dir: Path,
    formats: str,
    fail_on: str,
    fail_on_new: str | None,
    mutelist: Path | None,
    quiet: bool,
    baseline: Path | None,
) -> None:
    """Scan a built-in sample organization (an in-process moto server) and write the reports.

    Exits 0 once the reports are written, unless --fail-on or --fail-on-new is given: then
    with the exit code a scan of the same findings would have.
    """
    from auditor.demo.run import run_demo
    from auditor.report import FILE_NAMES

    started_at = datetime.now(UTC)
    # Absolute, so the printed report paths and the HTML's file:// URL open from anywhere.
    output_dir = output_dir.resolve()
    settings = report_settings(
        output_dir=output_dir,
        formats=formats,
        fail_on=fail_on,
        fail_on_new=fail_on_new,
        quiet=quiet,
        mutelist=mutelist,
        baseline=baseline,
    )
    chosen = select_checks((), (), ())

    def say(line: str) -> None:
        if not quiet:
            click.echo(line, err=True)

    with run_demo(chosen, say) as request:
        code = _scan_and_report(
            request, settings=settings, save_snapshot=None, started_at=started_at
        )
    if "html" in settings.formats:
        click.echo(f"open in a browser: {(output_dir / FILE_NAMES['html']).as_uri()}")
    _exit(code)


@main.command(name="report")
@click.argument("result_path", metavar="RESULT", type=click.Path(path_type=Path))
@report_options
@baseline_option
@baseline_missing_option
@gate_options
@history_option
def report_command(result_path: Path, baseline: Path | None, **options: Any) -> None:
    """Render a saved JSON report again, in any format (no AWS calls).

    A --mutelist (or one found in the current directory) replaces the saved mute state, and a
    --baseline (or the previous scan of the same scope in --history) the saved comparison.
    """
    _render_saved(result_path, baseline, options)


@main.command()
@click.argument("old_path", metavar="OLD", type=click.Path(path_type=Path))
@click.argument("new_path", metavar="NEW", type=click.Path(path_type=Path))
@report_options
@gate_options
def diff(old_path: Path, new_path: Path, **options: Any) -> None:
    """Compare two saved JSON reports: write NEW's reports marked new, unchanged or fixed
    since OLD, and print what changed."""
    _render_saved(new_path, old_path, options)


class _HistoryGroup(click.Group):
    """`auditor history DB …` shows the history; `auditor history import DB REPORT…` fills it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@main.group(name="history", cls=_HistoryGroup, invoke_without_command=True)
@click.pass_context
def history_group(ctx: click.Context) -> None:
    """The scan history (a SQLite file written by `scan --history`).

    `auditor history DB` prints one line per scan; `--trend` the open FAILs by severity per
    scan with new, fixed and reopened; `--since 90d` (or 12w, 36h, a date) narrows the window.
    `auditor history import DB REPORT.json…` adds saved reports.
    """
    if ctx.invoked_subcommand is None:
        raise UsageError("history needs a file: auditor history DB [--trend] [--since 90d]")


@history_group.command(name="show")
@click.argument("db", metavar="DB", type=click.Path(path_type=Path))
@click.option("--trend", is_flag=True, help="Open FAILs by severity per scan, new and fixed.")
@click.option("--since", help="Only scans since then: 90d, 12w, 36h or a date (2026-01-31).")
def history_show(db: Path, trend: bool, since: str | None) -> None:
    """One line per scan the history holds (or the trend with --trend)."""
    from auditor.history.commands import parse_since, scan_lines, trend_lines
    from auditor.history.lifecycle import build_timeline
    from auditor.history.store import open_history

    window = parse_since(since) if since is not None else None
    with open_history(db, create=False) as history:
        lines = trend_lines(build_timeline(history, window)) if trend else None
        for line in lines or scan_lines(history, window):
            click.echo(line)


@history_group.command(name="import")
@click.argument("db", metavar="DB", type=click.Path(path_type=Path))
@click.argument(
    "report_paths",
    metavar="REPORT.json...",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path),
)
def history_import(db: Path, report_paths: tuple[Path, ...]) -> None:
    """Add saved JSON reports to the history (created if absent), in one transaction."""
    from auditor.history.commands import import_reports
    from auditor.history.store import open_history

    with open_history(db) as history:
        added, held = import_reports(history, report_paths)
    click.echo(f"history: {history.path}: {added} scan(s) added, {held} already held")


@main.command()
@click.argument("result_path", metavar="RESULT", type=click.Path(path_type=Path))
@click.option(
    "--webhook",
    envvar="AUDITOR_WEBHOOK_URL",
    required=True,
    help="Incoming webhook URL (or AUDITOR_WEBHOOK_URL, which keeps it out of the process "
    "list); a secret: never printed.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["slack", "teams"], case_sensitive=False),
    default="slack",
    show_default=True,
    help="slack: a Slack-compatible JSON body; teams: a Microsoft Teams Adaptive Card message.",
)
@click.option(
    "--min-severity",
    type=click.Choice(FAIL_ON_CHOICES[:-1], case_sensitive=False),
    default="high",
    show_default=True,
    help="Post only when an unmuted FAIL at or above this severity is new since the baseline.",
)
def notify(result_path: Path, webhook: str, fmt: str, min_severity: str) -> None:
    """Post a saved report's new FAILs to a chat webhook; exit 5 when the post fails."""
    from auditor import notify as chat
    from auditor.findings import Severity
    from auditor.report.json import load_report

    url = chat.check_webhook(webhook)
    report = load_report(result_path)
    threshold = Severity(min_severity.lower())
    try:
        posted = chat.notify(report, url, fmt.lower(), threshold)
    except chat.NotifyError as exc:
        click.echo(f"auditor: notify failed: {exc}", err=True)
        _exit(chat.EXIT_NOTIFY_FAILED)
        return
    if posted is None:
        click.echo(f"notify: nothing new at or above {threshold.value}; nothing posted")
    else:
        click.echo(f"notify: posted {len(posted.lines)} line(s): {posted.title}")


@main.command()
@click.argument(
    "result_paths",
    metavar="RESULT.json...",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path),
)
@report_options
@baseline_option
@baseline_missing_option
@gate_options
@history_option
def merge(result_paths: tuple[Path, ...], baseline: Path | None, **options: Any) -> None:
    """Join the JSON results of `scan --shard K/N` runs into one report, in every format."""
    from auditor.merge import merge_reports
    from auditor.output import prepare_output_dir
    from auditor.report.json import load_report

    settings = report_settings(baseline=baseline, record_history=True, **options)
    report = merge_reports([(path, load_report(path)) for path in result_paths])
    prepare_output_dir(settings.output_dir)
    _exit(_publish(report, settings))


def _render_saved(result_path: Path, baseline: Path | None, options: dict[str, Any]) -> None:
    from auditor.output import prepare_output_dir
    from auditor.report.json import load_report

    settings = report_settings(baseline=baseline, **options)
    report = load_report(result_path)
    prepare_output_dir(settings.output_dir)
    _exit(_publish(report, settings))


_EXIT_LINE = "auditor.exit_line"


def _remember_exit_line(code: int, line: str) -> None:
    context = click.get_current_context(silent=True)
    if context is not None:
        context.find_root().meta[_EXIT_LINE] = (code, line)


def _exit(code: int) -> None:
    # The command has the last word on its exit code (the demo always exits 0), so the line
    # saying why is printed here, and only when it states the code the command exits with.
    context = click.get_current_context(silent=True)
    remembered = context.find_root().meta.get(_EXIT_LINE) if context is not None else None
    if remembered is not None and remembered[0] == code:
        click.echo(remembered[1])
    sys.exit(code)


def run(argv: Sequence[str] | None = None) -> int:
    """Entry point: every user-fixable problem is one line on stderr and exit 2."""
    try:
        main.main(
            args=list(argv) if argv is not None else None,
            prog_name="auditor",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("auditor: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        click.echo(f"auditor: error: {exc.format_message()}", err=True)
        return 2
    except AuditorError as exc:
        click.echo(f"auditor: error: {exc}", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("auditor: interrupted", err=True)
        return 130
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else 0
    except Exception as exc:
        # A bug, not bad input: say so in one line; the traceback is one variable away.
        if os.environ.get("AUDITOR_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"auditor: internal error: {type(exc).__name__}: {exc} "
            "(set AUDITOR_DEBUG=1 for the traceback, and please report it)",
            err=True,
        )
        return EXIT_INTERNAL
    return 0


def _terminate(signum: int, frame: object) -> None:
    # Unwinds like Ctrl-C, so a report being written is removed, never left half-done.
    raise KeyboardInterrupt


def entry() -> None:
    cap_malloc_arenas()
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(run())
