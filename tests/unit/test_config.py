"""The configuration file and the check selection built on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checkapi import Check
from auditor.config import AuditorConfig, LoadedConfig, load_config
from auditor.errors import AuditorError, UsageError
from auditor.findings import Severity
from auditor.registry import load_checks
from auditor.selection import select_checks

# A built-in check with a numeric parameter (its default comes from the study materials).
TUNABLE = "ec2_database_security_groups_private_only"


@pytest.fixture(scope="module")
def every() -> dict[str, Check]:
    return load_checks()


def _config(tmp_path: Path, text: str, name: str = "auditor.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_auditor_toml_in_the_directory_is_found(tmp_path: Path) -> None:
    _config(tmp_path, 'regions = ["eu-west-1", "us-east-1"]\nexclude_checks = ["cognito_*"]\n')

    loaded = load_config(None, tmp_path)

    assert loaded.path == tmp_path / "auditor.toml"
    assert loaded.settings.regions == ["eu-west-1", "us-east-1"]
    assert loaded.settings.exclude_checks == ["cognito_*"]


def test_pyproject_tool_table_is_used_when_there_is_no_auditor_toml(tmp_path: Path) -> None:
    _config(
        tmp_path, '[project]\nname = "x"\n[tool.auditor]\nservices = ["rds"]\n', "pyproject.toml"
    )

    loaded = load_config(None, tmp_path)

    assert loaded.settings.services == ["rds"]
    assert loaded.label == f"{tmp_path / 'pyproject.toml'} [tool.auditor]"


def test_a_pyproject_without_the_table_means_defaults(tmp_path: Path) -> None:
    _config(tmp_path, '[project]\nname = "x"\n', "pyproject.toml")

    assert load_config(None, tmp_path) == LoadedConfig()


def test_auditor_toml_wins_over_pyproject(tmp_path: Path) -> None:
    _config(tmp_path, '[tool.auditor]\nservices = ["rds"]\n', "pyproject.toml")
    _config(tmp_path, 'services = ["s3"]\n')

    assert load_config(None, tmp_path).settings.services == ["s3"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('region = ["eu-west-1"]\n', "unknown key 'region'"),
        ("regions = 3\n", "regions: Input should be a valid list"),
        ('[severity]\nrds_instance_multi_az = "severe"\n', "severity.rds_instance_multi_az: Input"),
        ("regions = [\n", "is not valid TOML"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = _config(tmp_path, text)

    with pytest.raises(AuditorError) as raised:
        load_config(path, tmp_path)

    assert message in str(raised.value)
    assert str(path) in str(raised.value)
    assert "\n" not in str(raised.value)


def test_explicit_paths_that_cannot_work(tmp_path: Path) -> None:
    with pytest.raises(AuditorError, match=r"cannot read config file '.*missing.toml': no such"):
        load_config(tmp_path / "missing.toml", tmp_path)
    with pytest.raises(AuditorError, match="is a directory, not a file"):
        load_config(tmp_path, tmp_path)
    pyproject = _config(tmp_path, '[project]\nname = "x"\n', "pyproject.toml")
    with pytest.raises(UsageError, match=r"has no \[tool.auditor\] table"):
        load_config(pyproject, tmp_path)


def _loaded(**settings: object) -> LoadedConfig:
    return LoadedConfig(settings=AuditorConfig.model_validate(settings), path=Path("auditor.toml"))


def test_globs_select_and_exclusions_from_both_sources_apply(every: dict[str, Check]) -> None:
    config = _loaded(checks=["rds_*"], exclude_checks=["rds_instance_has_alarm"])

    chosen = select_checks(every, exclude=["rds_cluster_multi_az"], config=config)

    expected = {
        i
        for i in every
        if i.startswith("rds_") and i not in {"rds_instance_has_alarm", "rds_cluster_multi_az"}
    }
    assert {c.id for c in chosen} == expected
    assert "rds_instance_multi_az" in expected


def test_command_line_checks_replace_the_configured_list(every: dict[str, Check]) -> None:
    config = _loaded(checks=["rds_*"])

    chosen = select_checks(every, include=["sqs_queue_encrypted"], config=config)

    assert [c.id for c in chosen] == ["sqs_queue_encrypted"]


def test_severity_override_is_carried_with_the_default_kept(every: dict[str, Check]) -> None:
    config = _loaded(severity={"rds_instance_multi_az": "critical"})

    (chosen,) = select_checks(every, include=["rds_instance_multi_az"], config=config)

    assert chosen.metadata.severity is Severity.CRITICAL
    assert chosen.default_severity is every["rds_instance_multi_az"].metadata.severity
    assert every["rds_instance_multi_az"].metadata.severity is not Severity.CRITICAL


def test_parameters_are_validated_against_the_check(every: dict[str, Check]) -> None:
    defaults = every[TUNABLE].metadata.parameters
    name = next(iter(defaults))

    with pytest.raises(UsageError) as unknown:
        select_checks(every, config=_loaded(parameters={TUNABLE: {"bogus": 1}}))
    with pytest.raises(UsageError) as bad_value:
        select_checks(every, config=_loaded(parameters={TUNABLE: {name: "not-a-cidr"}}))

    assert str(unknown.value) == (
        f"auditor.toml: parameters.{TUNABLE}: unknown key 'bogus'; "
        f"{TUNABLE} takes: {', '.join(sorted(defaults))}"
    )
    assert str(bad_value.value).startswith(f"auditor.toml: parameters.{TUNABLE}: {name}")


def test_configured_parameters_reach_the_check(every: dict[str, Check]) -> None:
    config = _loaded(parameters={TUNABLE: {"private_cidrs": ["10.0.0.0/8"]}})

    (chosen,) = select_checks(every, include=[TUNABLE], config=config)

    assert chosen.configure().model_dump(mode="json")["private_cidrs"] == ["10.0.0.0/8"]
    assert every[TUNABLE].configure().model_dump(mode="json")["private_cidrs"] != ["10.0.0.0/8"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"severity": {"no_such_check": "low"}}, "auditor.toml: severity: unknown check"),
        ({"parameters": {"no_such_check": {}}}, "auditor.toml: parameters: unknown check"),
        ({"checks": ["nothing_like_this*"]}, "auditor.toml: checks: 'nothing_like_this*' matches"),
        ({"services": ["mainframe"]}, "unknown service 'mainframe'"),
        (
            {"checks": ["rds_*"], "exclude_checks": ["rds_*"]},
            "selects no checks",
        ),
    ],
)
def test_selection_mistakes_are_named(
    every: dict[str, Check], settings: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError, match=message.replace("*", r"\*")):
        select_checks(every, config=_loaded(**settings))
