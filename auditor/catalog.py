"""The check catalog as people read it: filtered lists, one check in full, docs/checks.md.

Everything here is generated from the checks' own metadata, so the catalog cannot drift from
what the checks do; a test regenerates docs/checks.md and fails when the file is stale.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from auditor.checkapi import FRAMEWORKS, STANDARDS, Check
from auditor.errors import UsageError
from auditor.selection import known_services
from auditor.suggest import did_you_mean

NO_STANDARD = "none"
DOCS_PATH = Path("docs") / "checks.md"


def _standard(check: Check) -> bool:
    """Mapped to a control of a standard (FSBP, CIS); a Well-Architected best practice is
    guidance, not a control, so it does not count."""
    return any(key in STANDARDS for key in check.metadata.compliance)


def _frameworks_match(check: Check, frameworks: Sequence[str]) -> bool:
    mapped = set(check.metadata.compliance)
    for wanted in frameworks:
        if wanted == NO_STANDARD and not _standard(check):
            return True
        if wanted == "cis" and any(key.startswith("cis-") for key in mapped):
            return True
        if wanted in mapped:
            return True
    return False


def filter_checks(
    checks: Iterable[Check],
    *,
    services: Sequence[str] = (),
    severities: Sequence[str] = (),
    frameworks: Sequence[str] = (),
) -> list[Check]:
    """The checks matching every given filter (values within one filter are alternatives)."""
    chosen = list(checks)
    known_services(chosen, services)
    valid_frameworks = (*FRAMEWORKS, "cis", NO_STANDARD)
    for framework in frameworks:
        if framework not in valid_frameworks:
            choose = f"; choose from: {', '.join(valid_frameworks)}"
            hint = did_you_mean(framework, valid_frameworks, choose)
            raise UsageError(f"unknown framework {framework!r}{hint}")
    wanted_severities = {s.lower() for s in severities}
    return [
        c
        for c in chosen
        if (not services or c.metadata.service in services)
        and (not severities or c.metadata.severity.value in wanted_severities)
        and (not frameworks or _frameworks_match(c, frameworks))
    ]


NO_STANDARD_NOTE = "No standard covers this check: it encodes a practice of the study materials."


def to_json(checks: Iterable[Check]) -> str:
    payload = []
    for c in checks:
        entry = c.metadata.model_dump(mode="json") | {"source": c.source}
        if not _standard(c):
            entry["compliance_note"] = NO_STANDARD_NOTE
        if c.overrides:
            entry["parameters"] = c.configure().model_dump(mode="json")
        if c.default_severity is not None:
            entry["default_severity"] = c.default_severity.value
        payload.append(entry)
    return json.dumps(payload, indent=2)


def _mappings(check: Check) -> list[str]:
    compliance = check.metadata.compliance
    mapped = [f"{FRAMEWORKS[key]}: {', '.join(ids)}" for key, ids in compliance.items()]
    return mapped if _standard(check) else [NO_STANDARD_NOTE, *mapped]


def _parameters(check: Check) -> list[str]:
    defaults = check.metadata.parameters
    current = check.configure().model_dump(mode="json")
    lines = []
    for name, default in defaults.items():
        value = current.get(name, default)
        note = "" if value == default else f" (default {json.dumps(default)})"
        lines.append(f"{name} = {json.dumps(value)}{note}")
    return lines


def _wrapped(text: str, width: int, indent: str = "  ", hanging: str = "") -> str:
    """`text` filled to `width` at spaces only: a word, path or URL longer than a line is
    left whole rather than cut."""
    return textwrap.fill(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + hanging,
        break_long_words=False,
        break_on_hyphens=False,
    )


def describe(check: Check, width: int = 96) -> str:
    """One check in full, as plain text for a terminal `width` columns wide."""
    m = check.metadata
    severity = m.severity.value
    if check.default_severity is not None:
        severity += f" (configured; default {check.default_severity.value})"
    lines = [
        m.id,
        m.title,
        "",
        f"Service:       {m.service}",
        f"Severity:      {severity}",
        f"Resource type: {m.resource_type}",
        f"Reads:         {', '.join(m.datasets)}",
        f"Source:        {check.source}",
        "",
        "Mappings:",
        *(_wrapped(line, width, hanging="  ") for line in _mappings(check)),
    ]
    parameters = _parameters(check)
    if parameters:
        lines += ["", "Parameters:", *(_wrapped(p, width, hanging="  ") for p in parameters)]
    lines += [
        "",
        "Rationale:",
        _wrapped(m.rationale, width),
        "",
        "Remediation:",
        "  Console:",
        _wrapped(m.remediation.console, width, "    "),
        "  AWS CLI:",
        _wrapped(m.remediation.cli, width, "    ", hanging="  "),
        "  Terraform:",
        _wrapped(m.remediation.terraform, width, "    ", hanging="  "),
    ]
    if m.references:
        lines += ["", "References:", *(f"  {ref}" for ref in m.references)]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(checks: Iterable[Check]) -> str:
    """The catalog page: a summary table, then every check by service."""
    checks = list(checks)
    by_service: dict[str, list[Check]] = defaultdict(list)
    for c in checks:
        by_service[c.metadata.service].append(c)
    beyond = sum(1 for c in checks if not _standard(c))
    out = [
        "# Check catalog",
        "",
        "<!-- Generated from the checks' metadata by `make docs`; do not edit by hand. -->",
        "",
        f"{len(checks)} checks over {len(by_service)} services; {beyond} of them go where no "
        "standard looks (no FSBP or CIS control covers them).",
        "",
        "| id | service | severity | title | mappings |",
        "|---|---|---|---|---|",
    ]
    for c in checks:
        m = c.metadata
        mapped = "; ".join(f"{k} {', '.join(v)}" for k, v in m.compliance.items()) or "—"
        out.append(
            f"| [`{m.id}`](#{m.id}) | {m.service} | {m.severity.value} | {_cell(m.title)} "
            f"| {_cell(mapped)} |"
        )
    for service in sorted(by_service):
        out += ["", f"## {service}"]
        for c in by_service[service]:
            m = c.metadata
            out += [
                "",
                f'### <a id="{m.id}"></a>`{m.id}`',
                "",
                f"**{_cell(m.title)}** · severity {m.severity.value} · `{m.resource_type}`",
                "",
                m.rationale,
                "",
                "Mappings: " + "; ".join(_mappings(c)),
            ]
            parameters = _parameters(c)
            if parameters:
                out += ["", "Parameters: " + ", ".join(f"`{p}`" for p in parameters)]
            out += [
                "",
                f"- Console: {m.remediation.console}",
                f"- AWS CLI: `{m.remediation.cli}`",
                f"- Terraform: `{m.remediation.terraform}`",
            ]
            if m.references:
                out += ["", "References: " + ", ".join(f"<{ref}>" for ref in m.references)]
    return "\n".join(out) + "\n"


def builtin_markdown() -> str:
    """docs/checks.md as it should read: the built-in checks only, default settings."""
    from auditor.registry import BUILTIN_DISTRIBUTION, load_checks

    checks = [c for c in load_checks().values() if c.source == BUILTIN_DISTRIBUTION]
    return to_markdown(checks)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m auditor.catalog [PATH]`: write the catalog page (default docs/checks.md)."""
    from auditor.output import write_atomic

    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0]) if args else DOCS_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, builtin_markdown().encode("utf-8"))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
