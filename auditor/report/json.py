"""The JSON report: the Report model as indented JSON (its schema is `auditor schema`), and the
reader of a saved one (`auditor report`, `--baseline`, `auditor diff`)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from auditor.errors import InputFileError
from auditor.findings import REPORT_SCHEMA_VERSION, Report
from auditor.inputs import read_input


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


def load_report(path: Path, role: str = "result") -> Report:
    """A JSON report written by this auditor (same schema major version), or one clear error."""
    raw = read_input(path, role)
    try:
        document = json.loads(raw)
    except ValueError:
        raise InputFileError(f"{role} {str(path)!r} is not valid JSON") from None
    found = document.get("schema_version") if isinstance(document, dict) else None
    if isinstance(document, dict) and "scopes" in document and "findings" not in document:
        raise InputFileError(
            f"{role} {str(path)!r} is a snapshot: `auditor evaluate` reads it, and writes the "
            "JSON report this command needs"
        )
    if not isinstance(found, str) or found.split(".")[0] != REPORT_SCHEMA_VERSION.split(".")[0]:
        raise InputFileError(
            f"{role} {str(path)!r} is not an auditor JSON report of schema "
            f"{REPORT_SCHEMA_VERSION.split('.')[0]}.x (schema_version {found!r})"
        )
    try:
        return Report.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise InputFileError(
            f"{role} {str(path)!r} is not an auditor JSON report ({where}: {first['msg']})"
        ) from None
