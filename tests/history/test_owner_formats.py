"""The owner travels in every format (and ASFF with it still passes botocore's own
BatchImportFindings validation)."""

from __future__ import annotations

import json

import botocore.session
from botocore.validate import validate_parameters

from auditor.diff import stamp_first_seen
from auditor.report import FORMATS, renderer
from tests.report_factory import sample_report

OWNER = "team-ledger-7"


def test_the_owner_is_in_every_format() -> None:
    report = stamp_first_seen(sample_report())
    report = report.model_copy(
        update={"findings": [f.model_copy(update={"owner": OWNER}) for f in report.findings]}
    )
    for fmt in FORMATS:
        assert OWNER in renderer(fmt)(report), fmt
    sarif = json.loads(renderer("sarif")(report))
    assert {r["properties"]["owner"] for r in sarif["runs"][0]["results"]} == {OWNER}
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    for batch in json.loads(renderer("asff")(report)):
        assert {f["ProductFields"]["auditor/Owner"] for f in batch["Findings"]} == {OWNER}
        validate_parameters({"Findings": batch["Findings"]}, shape)
