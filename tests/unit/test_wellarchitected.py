"""The Well-Architected scorecard: each best practice's status from its checks' findings."""

from __future__ import annotations

import pytest

from auditor.engine import summarize
from auditor.findings import Finding, PracticeStatus, Status
from auditor.registry import load_checks
from auditor.wellarchitected import (
    COST,
    COST_PRACTICES,
    RELIABILITY,
    RELIABILITY_PRACTICES,
    scorecard,
)
from tests.report_factory import make_finding


def _mapped(finding: Finding, practices: list[str], pillar: str = RELIABILITY) -> Finding:
    return finding.model_copy(update={"compliance": {"fsbp": ["RDS.5"], pillar: practices}})


def _score(findings: list[Finding], practice: str, pillar: str = RELIABILITY):  # type: ignore[no-untyped-def]
    return next(p for p in scorecard(findings, pillar) if p.practice == practice)


def test_practice_passes_only_when_every_finding_of_its_checks_passes() -> None:
    findings = [
        _mapped(make_finding("rds_instance_multi_az", Status.PASS, "orders"), ["REL10-BP01"]),
        _mapped(make_finding("dynamodb_table_pitr_enabled", Status.PASS, "carts"), ["REL10-BP01"]),
    ]

    score = _score(findings, "REL10-BP01")

    assert score.status is PracticeStatus.PASS
    assert score.title == "Deploy the workload to multiple locations"
    assert score.checks == ["dynamodb_table_pitr_enabled", "rds_instance_multi_az"]
    assert (score.passed, score.failed, score.errors) == (2, 0, 0)
    assert score.not_passing == []


def test_one_fail_fails_the_practice_and_names_the_resource() -> None:
    findings = [
        _mapped(make_finding("rds_instance_multi_az", Status.PASS, "orders"), ["REL10-BP01"]),
        _mapped(make_finding("rds_instance_multi_az", Status.FAIL, "billing"), ["REL10-BP01"]),
        _mapped(make_finding("rds_instance_multi_az", Status.ERROR, "ledger"), ["REL10-BP01"]),
    ]

    score = _score(findings, "REL10-BP01")

    assert score.status is PracticeStatus.FAIL
    assert [(r.resource_id, r.status) for r in score.not_passing] == [
        ("ledger", Status.ERROR),
        ("billing", Status.FAIL),
    ]


def test_error_without_fail_is_could_not_check_never_pass() -> None:
    findings = [
        _mapped(make_finding("dynamodb_table_pitr_enabled", Status.PASS, "a"), ["REL09-BP03"]),
        _mapped(make_finding("dynamodb_table_pitr_enabled", Status.ERROR, "b"), ["REL09-BP03"]),
    ]

    assert _score(findings, "REL09-BP03").status is PracticeStatus.ERROR


def test_practices_without_findings_are_not_assessed_or_not_automatable() -> None:
    card = {p.practice: p for p in scorecard([], RELIABILITY)}

    assert list(card) == list(RELIABILITY_PRACTICES)
    assert card["REL09-BP03"].status is PracticeStatus.NOT_ASSESSED
    assert card["REL12-BP04"].status is PracticeStatus.NOT_AUTOMATABLE
    assert card["REL12-BP04"].title == "Test resiliency using chaos engineering"
    assert card["REL13-BP01"].status is PracticeStatus.NOT_AUTOMATABLE


def test_an_unknown_practice_id_on_a_finding_is_ignored_and_pillars_stay_apart() -> None:
    findings = [
        _mapped(
            make_finding("s3_bucket_lifecycle_configured", Status.FAIL, "logs"),
            ["COST04-BP05"],
            COST,
        ),
        _mapped(make_finding("rds_instance_multi_az", Status.FAIL, "x"), ["REL99-BP01"]),
    ]

    assert _score(findings, "COST04-BP05", COST).status is PracticeStatus.FAIL
    assert all(p.status is not PracticeStatus.FAIL for p in scorecard(findings, RELIABILITY))
    assert [p.practice for p in scorecard(findings, COST)] == list(COST_PRACTICES)


def test_summary_carries_both_pillars() -> None:
    finding = _mapped(make_finding("rds_instance_multi_az", Status.FAIL, "orders"), ["REL11-BP02"])

    summary = summarize([finding])

    assert set(summary.well_architected) == {RELIABILITY, COST}
    rel = {p.practice: p for p in summary.well_architected[RELIABILITY]}
    assert rel["REL11-BP02"].status is PracticeStatus.FAIL
    assert rel["REL11-BP02"].not_passing[0].resource_id == "orders"


def test_every_built_in_mapping_names_a_practice_of_the_framework() -> None:
    every = list(load_checks().values())
    mapped = [
        (c.metadata.id, pid)
        for c in every
        for pillar, practices in ((RELIABILITY, RELIABILITY_PRACTICES), (COST, COST_PRACTICES))
        for pid in c.metadata.compliance.get(pillar, [])
        if pid not in practices or not practices[pid].automatable
    ]

    assert mapped == []
    reliability = {pid for c in every for pid in c.metadata.compliance.get(RELIABILITY, [])}
    assert len(reliability) >= 15


def test_metadata_rejects_a_practice_the_framework_does_not_have() -> None:
    from auditor.checkapi import CheckMetadata
    from auditor.findings import Remediation, Severity

    with pytest.raises(ValueError, match="wa-rel has no best practice"):
        CheckMetadata(
            id="rds_instance_example",
            title="Example",
            service="rds",
            severity=Severity.LOW,
            resource_type="AWS::RDS::DBInstance",
            datasets=("rds_db_instances",),
            rationale="Because.",
            remediation=Remediation(console="c", cli="c", terraform="t"),
            compliance={"wa-rel": ["REL14-BP01"]},
        )


def test_html_report_shows_the_scorecard_with_failing_resources_escaped() -> None:
    from auditor.report.html import render_html
    from tests.report_factory import make_report

    hostile = "<img src=x onerror=alert(1)>"
    findings = [
        _mapped(make_finding("rds_instance_multi_az", Status.FAIL, hostile), ["REL10-BP01"]),
        _mapped(make_finding("dynamodb_table_pitr_enabled", Status.PASS, "carts"), ["REL09-BP03"]),
    ]

    page = render_html(make_report(findings))

    assert 'id="scorecard"' in page
    assert 'data-practice="REL10-BP01" data-status="FAIL"' in page
    assert 'data-practice="REL09-BP03" data-status="PASS"' in page
    assert 'data-practice="REL12-BP04" data-status="NOT_AUTOMATABLE"' in page
    assert "Deploy the workload to multiple locations" in page
    assert hostile not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
