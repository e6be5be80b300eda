"""The configuration file: `auditor.toml`, `[tool.auditor]` in pyproject.toml, or `--config`.

It holds what a team sets once and keeps in its repository: the regions to scan, the checks to
run or skip, per-check parameters and severity overrides. Every key is validated here, so a
typo is one clear line naming the file and the key, never a setting silently ignored.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, field_validator

from auditor.errors import UsageError
from auditor.findings import Severity
from auditor.inputs import read_input_text

CONFIG_FILE = "auditor.toml"
PYPROJECT = "pyproject.toml"


class AuditorConfig(BaseModel):
    """What `auditor.toml` may say. Command-line options win over it (see the README)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regions: list[str] = Field(default_factory=list, description="Regions to scan.")
    checks: list[str] = Field(
        default_factory=list, description="Run only these check ids (shell-style globs)."
    )
    exclude_checks: list[str] = Field(
        default_factory=list, description="Skip these check ids (shell-style globs)."
    )
    services: list[str] = Field(default_factory=list, description="Run only these services.")
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="Check id to the severity its findings carry."
    )
    parameters: dict[str, dict[str, JsonValue]] = Field(
        default_factory=dict, description="Check id to parameter overrides."
    )
    owner_tags: list[str] = Field(
        default_factory=list,
        description="Tag keys naming a resource's owner, first found wins (resource tags, "
        "then, with --org, the account's tags in AWS Organizations).",
    )
    account_owners: dict[str, str] = Field(
        default_factory=dict,
        description="Account id to the team that owns it, for findings no owner tag names.",
    )

    @field_validator("account_owners")
    @classmethod
    def _account_ids(cls, value: dict[str, str]) -> dict[str, str]:
        for account_id in value:
            if not (len(account_id) == 12 and account_id.isdigit()):
                raise ValueError(f"{account_id!r} is not a 12-digit account id (quote it)")
        return value


class LoadedConfig(BaseModel):
    """A validated configuration and the file it came from (None: built-in defaults)."""

    model_config = ConfigDict(frozen=True)

    settings: AuditorConfig = Field(default_factory=AuditorConfig)
    path: Path | None = None

    @property
    def label(self) -> str:
        if self.path is None:
            return "configuration"
        if self.path.name == PYPROJECT:
            return f"{self.path} [tool.auditor]"
        return str(self.path)


def _read_toml(path: Path) -> dict[str, Any]:
    text = read_input_text(path, "config file")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from None


def _tool_table(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    tool = data.get("tool")
    table = tool.get("auditor") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.auditor] must be a table")
    return table


def describe_error(exc: ValidationError) -> str:
    """The first problem of a validation error, as `key.path: what is wrong`."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    if first["type"] == "extra_forbidden":
        return f"unknown key {where!r}"
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def parse_config(data: dict[str, Any], path: Path | None) -> LoadedConfig:
    loaded = LoadedConfig(path=path)
    try:
        return loaded.model_copy(update={"settings": AuditorConfig.model_validate(data)})
    except ValidationError as exc:
        raise UsageError(f"{loaded.label}: {describe_error(exc)}") from None


def load_config(explicit: Path | None, cwd: Path) -> LoadedConfig:
    """`--config PATH` if given, else ./auditor.toml, else ./pyproject.toml's [tool.auditor],
    else the defaults."""
    if explicit is not None:
        data = _read_toml(explicit)
        if explicit.name == PYPROJECT:
            table = _tool_table(explicit, data)
            if table is None:
                raise UsageError(f"{explicit} has no [tool.auditor] table")
            return parse_config(table, explicit)
        return parse_config(data, explicit)
    own = cwd / CONFIG_FILE
    if own.is_file():
        return parse_config(_read_toml(own), own)
    pyproject = cwd / PYPROJECT
    if pyproject.is_file():
        table = _tool_table(pyproject, _read_toml(pyproject))
        if table is not None:
            return parse_config(table, pyproject)
    return LoadedConfig()
