"""Every output format checked against something that is not this project's code: SARIF against
the published OASIS 2.1.0 JSON schema, OCSF with py-ocsf-models, ASFF with botocore's own
validation of a Security Hub BatchImportFindings request, JUnit with junitparser, CSV with the
csv module, and the JSON report against `auditor schema`."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import botocore.session
import jsonschema
import pytest
from botocore.exceptions import ParamValidationError
from botocore.validate import validate_parameters
from junitparser import Error, Failure, JUnitXml, Skipped
from py_ocsf_models.events.findings.detection_finding import DetectionFinding

from auditor.diff import compare
from auditor.findings import Finding, Report, Status
from auditor.report import FILE_NAMES, FORMATS, renderer
from auditor.report.asff import asff_batches
from auditor.report.csv import COLUMNS, render_csv
from auditor.report.json import render_json
from auditor.report.junit import render_junit
from auditor.report.ocsf import ocsf_events
from auditor.report.sarif import sarif_log
from tests.report_factory import ACCOUNT, IMG_XSS, SCRIPT_BREAK, make_error, sample_findings
from tests.reporting import SCAN_START, finding, mute, report_at

SCHEMAS = Path(__file__).parent.parent / "schemas"
MUTED_ID = "AdminAll"


def _rich_report() -> Report:
    """The sample scan compared with last week's, one FAIL muted, tags on a resource, and a
    baseline FAIL whose resource is gone."""
    current = [
        f.model_copy(update={"resource": f.resource.model_copy(update={"tags": {"team": "<b>"}})})
        if f.resource.id == "orders"
        else f
        for f in sample_findings()
    ]
    gone = finding("rds_instance_multi_az", Status.FAIL, "deleted-db")
    old = report_at(
        [f for f in current if f.resource.id != IMG_XSS] + [gone],
        SCAN_START - timedelta(days=7),
        scan_id="scan-old",
        regions=["eu-central-1", "eu-west-1", "us-east-1"],
    )
    new = report_at(current, regions=["eu-central-1", "eu-west-1", "us-east-1"])
    new = new.model_copy(update={"errors": [make_error()]})
    muted = mute(
        new,
        resource=[MUTED_ID],
        reason="Break-glass role, reviewed monthly",
        owner="security@example.com",
    )
    return compare(old, muted)


@pytest.fixture(scope="module")
def report() -> Report:
    return _rich_report()


def _by_resource(report: Report) -> dict[str, Finding]:
    return {f.resource.id: f for f in report.findings}


def test_every_format_is_registered_with_its_own_file_name() -> None:
    assert FORMATS == ("json", "html", "sarif", "ocsf", "asff", "csv", "junit", "markdown")
    assert len(set(FILE_NAMES.values())) == len(FORMATS)
    assert FILE_NAMES["sarif"] == "auditor-report.sarif"
    for fmt in FORMATS:
        assert callable(renderer(fmt))


# --- SARIF ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


def test_sarif_is_valid_against_the_published_schema(
    report: Report, sarif_validator: jsonschema.protocols.Validator
) -> None:
    document = json.loads(renderer("sarif")(report))
    errors = [e.message for e in sarif_validator.iter_errors(document)]
    assert errors == []
    assert document["version"] == "2.1.0"


def test_the_sarif_schema_does_reject_a_broken_log(
    report: Report, sarif_validator: jsonschema.protocols.Validator
) -> None:
    document = sarif_log(report)
    document["runs"][0]["results"][0]["level"] = "fatal"
    assert not sarif_validator.is_valid(document)


def test_sarif_rules_results_fingerprints_suppressions_and_baseline(report: Report) -> None:
    run = sarif_log(report)["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {f.check_id for f in report.findings}
    assert rules["iam_policy_no_full_admin"]["properties"]["security-severity"] == "9.5"
    assert rules["rds_instance_multi_az"]["properties"]["security-severity"] == "8.0"
    assert rules["dynamodb_table_pitr_enabled"]["defaultConfiguration"] == {"level": "warning"}
    results = run["results"]
    fails = [f for f in report.findings if f.status is Status.FAIL]
    assert len(results) == len(fails) == 4
    by_fingerprint = {r["partialFingerprints"]["auditorFindingId/v1"]: r for r in results}
    assert set(by_fingerprint) == {f.id for f in fails}
    findings = _by_resource(report)
    admin = by_fingerprint[findings[MUTED_ID].id]
    assert admin["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "Break-glass role, reviewed monthly "
            "(owner security@example.com; until 2025-12-31)",
            "properties": {"owner": "security@example.com", "expires": "2025-12-31"},
        }
    ]
    assert admin["baselineState"] == "unchanged"
    xss = by_fingerprint[findings[IMG_XSS].id]
    assert xss["baselineState"] == "new"
    assert "suppressions" not in xss
    assert run["tool"]["driver"]["rules"][xss["ruleIndex"]]["id"] == "rds_instance_multi_az"


def test_sarif_locations_are_repository_relative_paths(report: Report) -> None:
    results = sarif_log(report)["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert all(uri.startswith(f"aws/{ACCOUNT}/") and ":" not in uri for uri in uris)
    assert f"aws/{ACCOUNT}/us-east-1/rds/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E" in uris
    logical = [r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in results]
    assert f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{IMG_XSS}" in logical


def test_sarif_reports_gaps_as_notifications_not_alerts(report: Report) -> None:
    invocation = sarif_log(report)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    texts = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert any(
        "dynamodb:DescribeContinuousBackups failed with AccessDeniedException" in t for t in texts
    )
    assert any(t.startswith("dynamodb_table_pitr_enabled could not judge") for t in texts)


# --- OCSF ----------------------------------------------------------------------------------


def test_ocsf_events_are_detection_findings_py_ocsf_models_accepts_whole(report: Report) -> None:
    events = json.loads(renderer("ocsf")(report))
    assert len(events) == len(report.findings) + 1  # plus the gone resource's Close event
    for event in events:
        model = DetectionFinding.model_validate(event)
        # Nothing we wrote was unknown to the model (pydantic would silently drop it).
        assert model.model_dump(mode="json", exclude_none=True) == event
        assert (event["class_uid"], event["category_uid"]) == (2004, 2)
        assert event["type_uid"] == 2004 * 100 + event["activity_id"]


def test_ocsf_maps_severity_mute_and_fix(report: Report) -> None:
    events = {e["finding_info"]["uid"]: e for e in ocsf_events(report)}
    findings = _by_resource(report)
    admin = events[findings[MUTED_ID].id]
    assert (admin["severity_id"], admin["severity"]) == (5, "Critical")
    assert (admin["status_id"], admin["status"], admin["status_code"]) == (3, "Suppressed", "FAIL")
    assert admin["activity_name"] == "Update"  # unchanged since the baseline
    assert admin["unmapped"]["mute"]["owner"] == "security@example.com"
    orders = events[findings["orders"].id]
    assert orders["resources"][0]["labels"] == ["team:<b>"]
    assert orders["cloud"]["account"] == {
        "uid": ACCOUNT,
        "name": ACCOUNT,
        "type_id": 10,
        "type": "AWS Account",
    }
    closed = [e for e in events.values() if e["activity_id"] == 3 and e["status_code"] == "FAIL"]
    assert [e["resources"][0]["name"] for e in closed] == ["deleted-db"]
    assert closed[0]["status"] == "Resolved"


# --- ASFF ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch_import_shape() -> Any:
    model = botocore.session.get_session().get_service_model("securityhub")
    return model.operation_model("BatchImportFindings").input_shape


def _validate(batch: dict[str, Any], shape: Any) -> None:
    validate_parameters({"Findings": batch["Findings"]}, shape)


def test_asff_batches_pass_botocore_validation_of_batch_import_findings(
    report: Report, batch_import_shape: Any
) -> None:
    batches = json.loads(renderer("asff")(report))
    for batch in batches:
        _validate(batch, batch_import_shape)
    assert sum(len(b["Findings"]) for b in batches) == len(report.findings) + 1


def test_botocore_validation_does_catch_a_missing_required_field(
    report: Report, batch_import_shape: Any
) -> None:
    batch = asff_batches(report)[0]
    del batch["Findings"][0]["AwsAccountId"]
    with pytest.raises(ParamValidationError, match="AwsAccountId"):
        _validate(batch, batch_import_shape)


def test_asff_values_are_within_the_service_models_enums(
    report: Report, batch_import_shape: Any
) -> None:
    asff = batch_import_shape.members["Findings"].member.members
    allowed = {
        "Severity": set(asff["Severity"].members["Label"].enum),
        "Compliance": set(asff["Compliance"].members["Status"].enum),
        "Workflow": set(asff["Workflow"].members["Status"].enum),
    }
    record_states = set(asff["RecordState"].enum)
    for batch in asff_batches(report):
        for item in batch["Findings"]:
            assert item["Severity"]["Label"] in allowed["Severity"]
            assert item["Compliance"]["Status"] in allowed["Compliance"]
            assert item["Workflow"]["Status"] in allowed["Workflow"]
            assert item["RecordState"] in record_states


def test_asff_batches_hold_at_most_100_of_one_account_and_region(batch_import_shape: Any) -> None:
    many = [
        finding("rds_instance_multi_az", Status.FAIL, f"db-{n:03d}", region="eu-west-1")
        for n in range(250)
    ] + [finding("iam_policy_no_full_admin", Status.FAIL, "Admin", region="global")]
    batches = asff_batches(report_at(many, regions=["us-east-1", "eu-west-1"]))
    assert [(b["region"], len(b["Findings"])) for b in batches] == [
        ("eu-west-1", 100),
        ("eu-west-1", 100),
        ("eu-west-1", 51),  # the global IAM finding is imported in the first scanned region
    ]
    for batch in batches:
        _validate(batch, batch_import_shape)
        for item in batch["Findings"]:
            assert item["ProductArn"] == (
                f"arn:aws:securityhub:eu-west-1:{ACCOUNT}:product/{ACCOUNT}/default"
            )
            assert item["AwsAccountId"] == batch["account"] == ACCOUNT


def test_asff_imports_unscanned_regions_in_the_home_region(batch_import_shape: Any) -> None:
    bucket = finding("s3_bucket_lifecycle_configured", Status.FAIL, "archive", region="sa-east-1")
    policy = finding("iam_policy_no_full_admin", Status.FAIL, "Admin", region="global")
    table = finding("dynamodb_table_pitr_enabled", Status.PASS, "orders", region="us-east-1")
    batches = asff_batches(report_at([bucket, policy, table], regions=["us-east-1", "eu-west-1"]))
    placed = {
        item["Resources"][0]["Details"]["Other"]["Name"]: (
            batch["region"],
            item["Resources"][0]["Region"],
        )
        for batch in batches
        for item in batch["Findings"]
    }
    assert placed == {
        "archive": ("eu-west-1", "sa-east-1"),
        "Admin": ("eu-west-1", "eu-west-1"),
        "orders": ("us-east-1", "us-east-1"),
    }
    for batch in batches:
        _validate(batch, batch_import_shape)


def test_asff_marks_muted_and_gone_findings(report: Report) -> None:
    items = {i["Resources"][0]["Id"]: i for b in asff_batches(report) for i in b["Findings"]}
    admin = next(
        i for i in items.values() if i["Resources"][0]["Details"]["Other"]["Name"] == MUTED_ID
    )
    assert admin["Workflow"] == {"Status": "SUPPRESSED"}
    assert admin["Note"]["Text"] == "Muted until 2025-12-31: Break-glass role, reviewed monthly"
    assert admin["Note"]["UpdatedBy"] == "security@example.com"
    assert admin["Compliance"]["RelatedRequirements"] == [
        "AWS Foundational Security Best Practices IAM.1"
    ]
    gone = items["deleted-db"]
    assert (gone["RecordState"], gone["Workflow"]["Status"]) == ("ARCHIVED", "RESOLVED")
    assert all(i["RecordState"] == "ACTIVE" for k, i in items.items() if k != "deleted-db")


def test_asff_clips_long_text_to_the_field_limits(batch_import_shape: Any) -> None:
    long = finding("rds_instance_multi_az", Status.FAIL, "db-1", message="x" * 5000)
    (batch,) = asff_batches(report_at([long]))
    (item,) = batch["Findings"]
    assert len(item["Description"]) == 1024
    assert item["Description"].endswith("…")
    _validate(batch, batch_import_shape)


# --- CSV -----------------------------------------------------------------------------------


def _csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the byte order mark
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_has_one_row_per_finding_with_every_column(report: Report) -> None:
    text = render_csv(report)
    rows = _csv_rows(text)
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == len(report.findings)
    admin = next(r for r in rows if r["resource_id"] == MUTED_ID)
    assert (admin["status"], admin["muted"], admin["mute_owner"]) == (
        "FAIL",
        "true",
        "security@example.com",
    )
    assert admin["mute_expires"] == "2025-12-31"
    assert admin["diff_state"] == "unchanged"
    assert admin["compliance"] == "fsbp IAM.1"
    assert "\r\n" in text  # spreadsheet line endings
    alarm = next(r for r in rows if r["resource_id"] == SCRIPT_BREAK)
    assert alarm["message"] == f"Alarm {SCRIPT_BREAK} ok"  # text stays text


@pytest.mark.parametrize(
    "payload", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB"]
)
def test_csv_defuses_formula_injection(payload: str) -> None:
    hostile = finding("rds_instance_multi_az", Status.FAIL, payload, message=payload)
    (row,) = _csv_rows(render_csv(report_at([hostile])))
    assert row["resource_id"] == "'" + payload
    assert row["message"] == "'" + payload
    assert row["check_id"] == "rds_instance_multi_az"  # ordinary values are untouched


# --- JUnit ---------------------------------------------------------------------------------


def test_junit_parses_with_a_suite_per_check_and_a_case_per_resource(
    report: Report, tmp_path: Path
) -> None:
    path = tmp_path / "auditor-report.junit.xml"
    path.write_text(render_junit(report), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    suites = {s.name: s for s in xml}
    assert set(suites) == {f.check_id for f in report.findings}
    cases = [(s.name, c) for s in xml for c in s]
    assert len(cases) == len(report.findings)
    results = {c.name: type(c.result[0]) if c.result else None for _, c in cases}
    assert results[f"{ACCOUNT}/global/{MUTED_ID}"] is Skipped  # muted FAIL
    assert results[f"{ACCOUNT}/eu-west-1/orders"] is Failure
    assert results[f"{ACCOUNT}/eu-central-1/{ACCOUNT}/eu-central-1"] is Error
    assert results[f"{ACCOUNT}/global/ReadOnly"] is None  # PASS
    iam = suites["iam_policy_no_full_admin"]
    assert (iam.tests, iam.failures, iam.errors, iam.skipped) == (2, 0, 0, 1)
    pitr = suites["dynamodb_table_pitr_enabled"]
    assert (pitr.tests, pitr.failures, pitr.errors) == (3, 1, 1)


def test_junit_stays_parseable_with_control_characters_in_names(tmp_path: Path) -> None:
    odd = finding("rds_instance_multi_az", Status.FAIL, "db\x07bell\x1b", message="bad \x00 byte")
    path = tmp_path / "j.xml"
    path.write_text(render_junit(report_at([odd])), encoding="utf-8")
    (case,) = [c for s in JUnitXml.fromfile(str(path)) for c in s]
    assert case.name == f"{ACCOUNT}/eu-west-1/db\ufffdbell\ufffd"
    assert case.result[0].message == "bad \ufffd byte"


# --- JSON ----------------------------------------------------------------------------------


def test_json_report_matches_auditor_schema_with_the_new_fields(report: Report) -> None:
    document = json.loads(render_json(report))
    schema = Report.model_json_schema()
    jsonschema.validate(document, schema)
    admin = next(f for f in document["findings"] if f["resource"]["id"] == MUTED_ID)
    assert admin["muted"] is True
    assert admin["mute"]["reason"] == "Break-glass role, reviewed monthly"
    assert admin["diff_state"] == "unchanged"
    assert admin["first_seen"].startswith("2025-02-25")
    assert [f["resource"]["id"] for f in document["fixed"]] == ["deleted-db"]
    assert document["baseline"]["scan_id"] == "scan-old"
    assert document["schema_version"] == "1.1"
    for field in ("muted", "mute", "diff_state", "first_seen"):
        assert field in schema["$defs"]["Finding"]["properties"]
    for field in ("fixed", "expired_mutes", "baseline"):
        assert field in schema["properties"]
    assert "tags" in schema["$defs"]["ResourceRef"]["properties"]
