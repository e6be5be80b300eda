"""Report formats: each renderer turns a Report into text; only the CLI writes files."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from auditor.findings import Report

# format -> (module, renderer function, file name); modules are imported on demand so the CLI
# starts fast.
_RENDERERS = {
    "json": ("auditor.report.json", "render_json", "auditor-report.json"),
    "html": ("auditor.report.html", "render_html", "auditor-report.html"),
    "sarif": ("auditor.report.sarif", "render_sarif", "auditor-report.sarif"),
    "ocsf": ("auditor.report.ocsf", "render_ocsf", "auditor-report.ocsf.json"),
    "asff": ("auditor.report.asff", "render_asff", "auditor-report.asff.json"),
    "csv": ("auditor.report.csv", "render_csv", "auditor-report.csv"),
    "junit": ("auditor.report.junit", "render_junit", "auditor-report.junit.xml"),
    "markdown": ("auditor.report.markdown", "render_markdown", "auditor-report.md"),
}
FORMATS = tuple(_RENDERERS)
FILE_NAMES = {fmt: file_name for fmt, (_, _, file_name) in _RENDERERS.items()}


def renderer(fmt: str) -> Callable[[Report], str]:
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown format {fmt!r}")
    module, function, _ = _RENDERERS[fmt]
    render: Callable[[Report], str] = getattr(import_module(module), function)
    return render
