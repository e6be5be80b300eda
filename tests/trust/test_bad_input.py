"""Bad input everywhere: every command given options of the wrong type, missing files,
directories where files belong, unreadable files, and a snapshot or result from a future
schema. Each is one line on stderr naming the problem, exit 2, no traceback, before any AWS
call, and the reports already in the output directory are left exactly as they were.

(Deeper cases of single inputs live beside their features: tests/e2e/test_scan_cli.py for
snapshots, tests/e2e/test_report_cli.py for results and mutelists, test_config_cli.py for the
configuration file.)"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.report_factory import sample_report

from ..e2e.conftest import run_auditor

pytestmark = pytest.mark.e2e

DEAD_ENDPOINT = "http://127.0.0.1:9"  # nothing listens: reaching AWS at all would be a bug
RUNS_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _result(tmp: Path, version: str | None = None) -> Path:
    document = json.loads(sample_report().model_dump_json())
    if version is not None:
        document["schema_version"] = version
    path = tmp / f"result-{version or 'ok'}.json"
    path.write_text(json.dumps(document))
    return path


def _snapshot(tmp: Path, version: str) -> Path:
    path = tmp / "snapshot.json"
    path.write_text(
        json.dumps(
            {
                "schema_version": version,
                "tool_version": "9.9",
                "collected_at": "2030-01-01T00:00:00Z",
                "accounts": [],
                "regions": [],
                "scopes": [],
            }
        )
    )
    return path


def _file(name: str, text: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_text(text)
        return path

    return make


def _bytes(tmp: Path, data: bytes) -> Path:
    path = tmp / "bytes.json"
    path.write_bytes(data)
    return path


def _directory(tmp: Path) -> Path:
    path = tmp / "a-directory.json"
    path.mkdir()
    return path


def _missing(tmp: Path) -> Path:
    return tmp / "no-such-file.json"


def _fifo(tmp: Path) -> Path:
    # Unreadable even as root: a reader would block on it forever.
    path = tmp / "a-fifo.json"
    os.mkfifo(path)
    return path


def _unreadable(tmp: Path) -> Path:
    path = tmp / "unreadable.json"
    path.write_text("{}")
    path.chmod(0o000)
    return path


SCAN = ["scan", "--region", "us-east-1", "--endpoint-url", DEAD_ENDPOINT]
# (id, argv with {path} for the made file, how to make it, what the line must say)
CASES: list[tuple[str, list[str], Callable[[Path], Path] | None, str]] = [
    # Options of the wrong type or shape.
    ("scan-fail-on-number", [*SCAN, "--fail-on", "5"], None, "'5' is not one of"),
    ("scan-empty-format", [*SCAN, "--format", " , "], None, "--format needs at least one"),
    ("scan-bad-shard", [*SCAN, "--shard", "3/2"], None, "--shard"),
    ("scan-shard-text", [*SCAN, "--shard", "half"], None, "--shard"),
    ("scan-accounts-without-org", [*SCAN, "--accounts", "123456789012"], None, "needs --org"),
    ("scan-short-account", [*SCAN, "--org", "--accounts", "1234"], None, "12-digit"),
    (
        "scan-empty-region",
        ["scan", "--region", "", "--endpoint-url", DEAD_ENDPOINT],
        None,
        "region",
    ),
    ("policy-format", ["policy", "--format", "yaml"], None, "'yaml' is not one of"),
    ("checks-unknown", ["checks", "show", "no_such_check"], None, "unknown check"),
    ("checks-severity", ["checks", "--severity", "urgent"], None, "'urgent' is not one of"),
    ("unknown-option", ["scan", "--regoin", "us-east-1"], None, "No such option"),
    # Files that are not there, not files, or not readable.
    ("evaluate-missing", ["evaluate", "{path}"], _missing, "no such file"),
    ("evaluate-directory", ["evaluate", "{path}"], _directory, "is a directory"),
    ("evaluate-unreadable", ["evaluate", "{path}"], _unreadable, "permission denied"),
    ("evaluate-fifo", ["evaluate", "{path}"], _fifo, "is not a regular file"),
    ("scan-config-fifo", [*SCAN, "--config", "{path}"], _fifo, "is not a regular file"),
    ("report-directory", ["report", "{path}"], _directory, "is a directory"),
    ("report-unreadable", ["report", "{path}"], _unreadable, "permission denied"),
    ("merge-missing", ["merge", "{path}"], _missing, "no such file"),
    ("diff-missing-old", ["diff", "{path}", "{result}"], _missing, "no such file"),
    ("scan-mutelist-missing", [*SCAN, "--mutelist", "{path}"], _missing, "no such file"),
    ("scan-mutelist-directory", [*SCAN, "--mutelist", "{path}"], _directory, "is a directory"),
    ("scan-baseline-directory", [*SCAN, "--baseline", "{path}"], _directory, "is a directory"),
    ("scan-baseline-unreadable", [*SCAN, "--baseline", "{path}"], _unreadable, "permission"),
    ("scan-config-missing", [*SCAN, "--config", "{path}"], _missing, "no such file"),
    ("scan-config-directory", [*SCAN, "--config", "{path}"], _directory, "is a directory"),
    ("policy-config-missing", ["policy", "--config", "{path}"], _missing, "no such file"),
    ("scan-snapshot-to-directory", [*SCAN, "--save-snapshot", "{path}"], _directory, "directory"),
    (
        "scan-output-dir-is-a-file",
        [*SCAN, "--output-dir", "{path}"],
        _file("a-file", "x"),
        "is not a directory",
    ),
    # Files of the wrong type inside.
    (
        "config-regions-string",
        [*SCAN, "--config", "{path}"],
        _file("c.toml", 'regions = "eu-west-1"\n'),
        "regions",
    ),
    (
        "config-severity-number",
        ["policy", "--config", "{path}"],
        _file("c.toml", "[severity]\nrds_instance_multi_az = 3\n"),
        "severity",
    ),
    ("config-not-toml", ["policy", "--config", "{path}"], _file("c.toml", "regions = [\n"), "TOML"),
    (
        "mutelist-not-a-list",
        ["report", "{result}", "--mutelist", "{path}"],
        _file("m.yaml", "mutes: yes-please\n"),
        "mutelist",
    ),
    (
        "mutelist-expires-number",
        ["report", "{result}", "--mutelist", "{path}"],
        _file("m.yaml", "mutes:\n  - check: rds_*\n    reason: r\n    owner: o\n    expires: 5\n"),
        "expires",
    ),
    ("result-not-utf8", ["report", "{path}"], lambda t: _bytes(t, b"\xff\xfe{}"), "result"),
    # From a future schema.
    ("snapshot-future", ["evaluate", "{path}"], lambda t: _snapshot(t, "2"), "schema_version '2'"),
    ("result-future", ["report", "{path}"], lambda t: _result(t, "9.0"), "schema_version '9.0'"),
    ("merge-future", ["merge", "{path}", "{result}"], lambda t: _result(t, "9.0"), "'9.0'"),
    ("diff-future", ["diff", "{path}", "{result}"], lambda t: _result(t, "3.1"), "'3.1'"),
    (
        "scan-baseline-future",
        [*SCAN, "--baseline", "{path}"],
        lambda t: _result(t, "2.0"),
        "'2.0'",
    ),
]


# Root reads a chmod 000 file, and dropping to another user is no way out here (the
# interpreter may live where only root can reach it): as root those cases are not generated,
# and the FIFO cases cover unreadable input.
_RUNNABLE = [c for c in CASES if not (RUNS_AS_ROOT and c[2] is _unreadable)]


@pytest.mark.parametrize(
    ("argv", "make", "message"), [c[1:] for c in _RUNNABLE], ids=[c[0] for c in _RUNNABLE]
)
def test_bad_input_is_one_line_exit_2_and_overwrites_nothing(
    tmp_path: Path, argv: list[str], make: Callable[[Path], Path] | None, message: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    before = {"auditor-report.json": '{"previous": true}', "auditor-report.html": "<p>previous"}
    for name, text in before.items():
        (out / name).write_text(text)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    path = make(inputs) if make is not None else None
    result_path = _result(inputs)
    args = [a.replace("{path}", str(path)).replace("{result}", str(result_path)) for a in argv]
    if "--output-dir" not in args and args[0] in ("scan", "evaluate", "report", "diff", "merge"):
        args += ["--output-dir", str(out)]

    try:
        result = run_auditor(tmp_path, *args, timeout=60)
    finally:
        if path is not None and path.exists() and make is _unreadable:
            path.chmod(0o600)

    assert result.code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("auditor: error:"), lines[0]
    assert message.lower() in lines[0].lower(), lines[0]
    assert "Traceback" not in result.stderr
    assert "cannot reach AWS" not in result.stderr  # it failed before any AWS call
    assert {p.name: p.read_text() for p in out.iterdir()} == before
