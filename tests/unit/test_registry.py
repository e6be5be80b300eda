"""The registry: built-ins and plugins load through the same entry points; meta-tests."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from auditor import registry
from auditor.datasets import ALL_DATASETS
from auditor.engine import Evaluation
from auditor.errors import PluginError
from auditor.findings import Status
from auditor.models import S3Bucket, ScopeSnapshot, Snapshot

UNIT_TESTS = Path(__file__).parent


def _with_plugin(monkeypatch: pytest.MonkeyPatch, *plugins: tuple[str, str]) -> None:
    real = registry.entry_points

    def fake(group: str) -> list[EntryPoint]:
        extra = [EntryPoint(name, value, group) for name, value in plugins]
        return [*real(group=group), *(extra if group == registry.CHECK_GROUP else [])]

    monkeypatch.setattr(registry, "entry_points", fake)


def test_builtin_checks_load_through_entry_points() -> None:
    checks = registry.load_checks()

    assert {c.metadata.service for c in checks.values()} >= {
        "rds",
        "dynamodb",
        "iam",
        "s3",
        "cloudwatch",
    }
    assert {c.source for c in checks.values()} == {registry.BUILTIN_DISTRIBUTION}


def test_service_filter_loads_only_that_service() -> None:
    checks = registry.load_checks(["s3"])

    assert checks and {c.metadata.service for c in checks.values()} == {"s3"}


def test_a_plugin_check_runs_like_a_builtin(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_plugin(monkeypatch, ("team-tags", "tests.plugins.sample_checks"))

    checks = registry.load_checks()
    plugin = checks["s3_bucket_has_owner_tag"]
    snapshot = Snapshot(
        tool_version="t",
        collected_at=datetime(2026, 1, 1, tzinfo=UTC),
        accounts=["1"],
        regions=["eu-west-1"],
        scopes=[
            ScopeSnapshot(
                account_id="1",
                region="global",
                s3_buckets=[
                    S3Bucket(
                        arn="arn:aws:s3:::team-a",
                        name="team-a",
                        region="eu-west-1",
                        lifecycle_rules=[],
                    ),
                    S3Bucket(
                        arn="arn:aws:s3:::misc", name="misc", region="eu-west-1", lifecycle_rules=[]
                    ),
                ],
            )
        ],
    )

    findings = Evaluation(snapshot, [plugin]).findings

    assert plugin.source == "unknown"  # a faked entry point has no distribution
    assert {(f.resource.id, f.status, f.region) for f in findings} == {
        ("team-a", Status.PASS, "eu-west-1"),
        ("misc", Status.FAIL, "eu-west-1"),
    }


def test_a_plugin_that_fails_to_import_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_plugin(monkeypatch, ("broken", "tests.plugins.broken_import"))

    with pytest.raises(
        PluginError,
        match=r"'broken' \(tests.plugins.broken_import\) failed to load: ModuleNotFoundError",
    ):
        registry.load_checks()


def test_a_plugin_with_invalid_metadata_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_plugin(monkeypatch, ("bad", "tests.plugins.bad_metadata"))

    with pytest.raises(PluginError, match=r"invalid metadata.*S3-Bad-Id"):
        registry.load_checks()


def test_builtins_win_an_id_collision(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A plugin that re-exports a built-in check module claims the same ids.
    _with_plugin(monkeypatch, ("copycat", "checks.s3"))

    with caplog.at_level(logging.WARNING, logger="auditor.registry"):
        checks = registry.load_checks()

    assert checks["s3_bucket_lifecycle_configured"].source == registry.BUILTIN_DISTRIBUTION
    assert "s3_bucket_lifecycle_configured from unknown ignored" in caplog.text


def test_every_builtin_check_has_metadata_a_collector_and_a_unit_test() -> None:
    checks = registry.load_checks()
    collectors = registry.load_collectors()
    test_sources = "\n".join(p.read_text() for p in UNIT_TESTS.glob("test_checks_*.py"))

    for check_id, item in checks.items():
        meta = item.metadata
        assert meta.rationale and meta.remediation.cli and meta.remediation.terraform, check_id
        assert meta.references, f"{check_id} has no references"
        for dataset in meta.datasets:
            assert dataset in ALL_DATASETS and dataset in collectors, (check_id, dataset)
        assert check_id in test_sources, f"{check_id} has no unit test naming it"


def test_every_collector_declares_permissions_for_its_operations() -> None:
    for name, collector in registry.load_collectors().items():
        assert collector.operations, name
        for op in collector.operations:
            service, _, action = op.permission.partition(":")
            assert service and action, (name, op)
