"""The check catalog: filters, `checks show`, and docs/checks.md kept in step with the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.catalog import builtin_markdown, describe, filter_checks
from auditor.checkapi import Check
from auditor.cli import main
from auditor.config import AuditorConfig
from auditor.errors import UsageError
from auditor.registry import load_checks
from auditor.selection import configure

DOCS = Path(__file__).resolve().parents[2] / "docs" / "checks.md"


@pytest.fixture(scope="module")
def every() -> list[Check]:
    return list(load_checks().values())


def test_docs_checks_md_is_generated_from_the_current_metadata() -> None:
    assert DOCS.read_text(encoding="utf-8") == builtin_markdown(), (
        "docs/checks.md is stale: run `make docs` and commit the result"
    )


def test_the_docs_page_covers_every_builtin_check(every: list[Check]) -> None:
    page = builtin_markdown()

    for c in every:
        assert f'<a id="{c.id}"></a>' in page
        assert c.metadata.remediation.cli in page


def test_filters_combine_and_alternatives_within_one_filter(every: list[Check]) -> None:
    chosen = filter_checks(every, services=["ec2", "iam"], severities=["high"])

    assert chosen
    assert all(c.metadata.service in {"ec2", "iam"} for c in chosen)
    assert all(c.metadata.severity.value == "high" for c in chosen)
    expected = [
        c
        for c in every
        if c.metadata.service in {"ec2", "iam"} and c.metadata.severity.value == "high"
    ]
    assert chosen == expected


def test_framework_filter_knows_cis_in_any_version_and_none(every: list[Check]) -> None:
    cis = filter_checks(every, frameworks=["cis"])
    unmapped = filter_checks(every, frameworks=["none"])
    fsbp = filter_checks(every, frameworks=["fsbp"])

    assert {c.id for c in cis} == {
        c.id for c in every if any(k.startswith("cis-") for k in c.metadata.compliance)
    }
    standards = {"fsbp", "cis-3.0", "cis-4.0", "cis-5.0"}
    assert all(not standards & set(c.metadata.compliance) for c in unmapped) and unmapped
    assert all("fsbp" in c.metadata.compliance for c in fsbp) and fsbp
    covered = {c.id for c in every if standards & set(c.metadata.compliance)}
    assert len(unmapped) + len(covered) == len(every)


def test_well_architected_best_practices_are_a_framework_but_not_a_standard(
    every: list[Check],
) -> None:
    reliability = filter_checks(every, frameworks=["wa-rel"])
    unmapped = {c.metadata.id for c in filter_checks(every, frameworks=["none"])}

    assert {c.metadata.id for c in reliability} == {
        c.metadata.id for c in every if "wa-rel" in c.metadata.compliance
    }
    assert "rds_instance_multi_az" in {c.metadata.id for c in reliability}
    # An alarm check maps only to Well-Architected: still a check no standard covers.
    assert "rds_instance_has_alarm" in unmapped
    assert "logs_log_group_retention" in {
        c.metadata.id for c in filter_checks(every, frameworks=["wa-cost"])
    }


def test_unknown_filter_values_are_usage_errors(every: list[Check]) -> None:
    with pytest.raises(UsageError, match="unknown framework 'pci'"):
        filter_checks(every, frameworks=["pci"])
    with pytest.raises(UsageError, match="unknown service 'mainframe'"):
        filter_checks(every, services=["mainframe"])


def test_describe_shows_rationale_remediation_mappings_and_tuned_parameters(
    every: list[Check],
) -> None:
    base = next(c for c in every if c.id == "ec2_database_security_groups_private_only")
    settings = AuditorConfig.model_validate(
        {
            "severity": {base.id: "critical"},
            "parameters": {base.id: {"private_cidrs": ["10.0.0.0/8"]}},
        }
    )
    text = describe(configure(base, settings, "auditor.toml"))

    assert text.splitlines()[0] == base.id
    assert f"Severity:      critical (configured; default {base.metadata.severity.value})" in text
    assert 'private_cidrs = ["10.0.0.0/8"] (default [])' in text
    assert "No standard covers this check" in text
    # The commands are wrapped at spaces to the width: the same words, in the same order.
    words = " ".join(text.split())
    assert " ".join(base.metadata.remediation.cli.split()) in words
    assert " ".join(base.metadata.remediation.terraform.split()) in words


def test_checks_show_through_the_cli() -> None:
    result = CliRunner().invoke(main, ["checks", "show", "rds_instance_multi_az"])

    assert result.exit_code == 0
    assert "AWS Foundational Security Best Practices: RDS.5" in result.output
    assert "aws rds modify-db-instance" in result.output


def test_checks_json_filtered_by_severity_through_the_cli(every: list[Check]) -> None:
    import json

    result = CliRunner().invoke(main, ["checks", "--format", "json", "--severity", "low"])

    assert result.exit_code == 0
    listed = json.loads(result.output)
    assert {c["id"] for c in listed} == {c.id for c in every if c.metadata.severity.value == "low"}


def test_checks_json_says_plainly_when_no_standard_covers_a_check(every: list[Check]) -> None:
    import json

    result = CliRunner().invoke(main, ["checks", "--format", "json"])

    listed = {c["id"]: c for c in json.loads(result.output)}
    assert len(listed) == len(every) >= 60
    for check in every:
        entry = listed[check.id]
        assert entry["compliance"] == check.metadata.compliance
        if {"fsbp", "cis-3.0", "cis-4.0", "cis-5.0"} & set(check.metadata.compliance):
            assert "compliance_note" not in entry
        else:
            assert set(entry["compliance"]) <= {"wa-rel", "wa-cost"}
            assert entry["compliance_note"].startswith("No standard covers this check")
        assert entry["rationale"]
        assert all(entry["remediation"][k] for k in ("console", "cli", "terraform"))
