"""A third-party package that declares an `auditor.checks` entry point adds checks exactly as
the built-ins do: it is built and installed with pip into a temporary directory, and the real
CLI, given only that directory on PYTHONPATH, lists its check, configures it and runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.models import S3Bucket, ScopeSnapshot, Snapshot
from tests.e2e.conftest import clean_env, run_auditor

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "team_checks_pkg"


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("plugin-site")
    # --no-index and --no-build-isolation: the build backend comes from this environment,
    # so the install never needs the network.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--target",
            str(site),
            str(PACKAGE),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (site / "auditor_team_checks" / "__init__.py").is_file()
    return site


def _snapshot(path: Path) -> Path:
    snapshot = Snapshot(
        tool_version="test",
        collected_at=datetime(2026, 11, 24, tzinfo=UTC),
        accounts=["123456789012"],
        regions=["eu-west-1"],
        scopes=[
            ScopeSnapshot(
                account_id="123456789012",
                region="global",
                s3_buckets=[
                    S3Bucket(
                        arn=f"arn:aws:s3:::{name}",
                        name=name,
                        region="eu-west-1",
                        lifecycle_rules=[],
                    )
                    for name in ("team-a-logs", "data-b-exports")
                ],
            )
        ],
    )
    path.write_text(snapshot.model_dump_json())
    return path


def test_the_installed_plugin_is_listed_with_its_distribution(
    tmp_path: Path, plugin_site: Path
) -> None:
    env = clean_env(tmp_path, PYTHONPATH=str(plugin_site))

    result = run_auditor(tmp_path, "checks", "--format", "json", "--service", "s3", env=env)

    assert result.code == 0, result.stderr
    listed = {c["id"]: c for c in json.loads(result.stdout)}
    assert listed["s3_bucket_team_prefix"]["source"] == "auditor-team-checks"
    assert listed["s3_bucket_team_prefix"]["parameters"] == {"prefix": "team-"}
    assert listed["s3_bucket_lifecycle_configured"]["source"] == "aws-auditor"


def test_without_the_package_the_check_does_not_exist(tmp_path: Path) -> None:
    result = run_auditor(tmp_path, "checks", "show", "s3_bucket_team_prefix")

    assert result.code == 2
    assert result.stderr.strip() == (
        "auditor: error: unknown check 's3_bucket_team_prefix' (see `auditor checks`)"
    )


def test_the_plugin_check_runs_and_takes_configured_parameters(
    tmp_path: Path, plugin_site: Path
) -> None:
    env = clean_env(tmp_path, PYTHONPATH=str(plugin_site))
    snapshot = _snapshot(tmp_path / "snapshot.json")
    config = tmp_path / "auditor.toml"
    config.write_text('[parameters.s3_bucket_team_prefix]\nprefix = "data-"\n')

    result = run_auditor(
        tmp_path,
        "evaluate",
        str(snapshot),
        "--check",
        "s3_bucket_team_prefix",
        "--config",
        str(config),
        "--output-dir",
        str(tmp_path / "out"),
        "--format",
        "json",
        "--fail-on",
        "none",
        env=env,
    )

    assert result.code == 0, result.stderr
    assert result.findings("s3_bucket_team_prefix") == {
        "team-a-logs": "FAIL",
        "data-b-exports": "PASS",
    }
    assert result.report["scan"]["parameters"] == {"s3_bucket_team_prefix": {"prefix": "data-"}}
