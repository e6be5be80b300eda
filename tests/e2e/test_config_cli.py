"""The configuration file through the real CLI against the moto server: regions, selection,
severity overrides and parameters change the scan; a bad file stops it before any call."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import ACCOUNT, run_auditor

CHECK = "ec2_security_group_remote_admin_restricted"


def _scan(tmp_path: Path, port: int, config: Path, *extra: str) -> list[str]:
    return [
        "scan",
        "--endpoint-url",
        f"http://127.0.0.1:{port}",
        "--config",
        str(config),
        "--output-dir",
        str(tmp_path / "out"),
        *extra,
    ]


def test_config_regions_selection_and_severity_shape_the_scan(
    tmp_path: Path, moto_port: int
) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text(
        'regions = ["eu-west-1"]\n'
        f'checks = ["{CHECK}", "rds_*"]\n'
        'exclude_checks = ["rds_instance_has_alarm"]\n'
        f'[severity]\n{CHECK} = "critical"\n'
    )

    result = run_auditor(
        tmp_path, *_scan(tmp_path, moto_port, config, "--fail-on", "critical", "--format", "json")
    )

    report = result.report
    assert report["scan"]["regions"] == ["eu-west-1"]
    assert CHECK in report["scan"]["checks"]
    assert "rds_instance_has_alarm" not in report["scan"]["checks"]
    assert all(c == CHECK or c.startswith("rds_") for c in report["scan"]["checks"])
    assert report["scan"]["severity_overrides"] == {CHECK: "critical"}
    judged = [f for f in report["findings"] if f["check_id"] == CHECK]
    assert judged and {f["severity"] for f in judged} == {"critical"}
    assert {f["region"] for f in report["findings"]} <= {"eu-west-1", "global"}
    # The sample estate's bastion opens SSH to the world in eu-west-1: a critical FAIL now.
    assert any(f["status"] == "FAIL" for f in judged)
    assert result.code == 1, result.stderr


def test_command_line_region_wins_over_the_config(tmp_path: Path, moto_port: int) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text(f'regions = ["us-east-1"]\nchecks = ["{CHECK}"]\n')

    result = run_auditor(
        tmp_path,
        *_scan(tmp_path, moto_port, config, "--region", "eu-west-1", "--fail-on", "none"),
    )

    assert result.code == 0, result.stderr
    assert result.report["scan"]["regions"] == ["eu-west-1"]
    assert result.report["scan"]["accounts"] == [ACCOUNT]


def test_a_bad_config_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, moto_port: int) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text(f"[parameters.{CHECK}]\nport = 22\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "auditor-report.json").write_text("previous")

    result = run_auditor(tmp_path, *_scan(tmp_path, moto_port, config))

    assert result.code == 2
    assert result.stderr == (
        f"auditor: error: {config}: parameters.{CHECK}: unknown key 'port'; {CHECK} takes: ports\n"
    )
    assert (out / "auditor-report.json").read_text() == "previous"
