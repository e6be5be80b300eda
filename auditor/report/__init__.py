"""Report formats: each renderer turns a Report into text; only the CLI writes files."""

from __future__ import annotations

from collections.abc import Callable

from auditor.findings import Report

FORMATS = ("json", "html")
FILE_NAMES = {"json": "auditor-report.json", "html": "auditor-report.html"}


def renderer(fmt: str) -> Callable[[Report], str]:
    """Imported on demand so the CLI starts fast."""
    if fmt == "json":
        from auditor.report.json import render_json

        return render_json
    if fmt == "html":
        from auditor.report.html import render_html

        return render_html
    raise ValueError(f"unknown format {fmt!r}")
