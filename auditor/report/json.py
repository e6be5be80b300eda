"""The JSON report: the Report model as indented JSON (its schema is `auditor schema`)."""

from __future__ import annotations

from auditor.findings import Report


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"
