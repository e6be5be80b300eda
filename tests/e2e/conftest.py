"""End-to-end harness: the installed `auditor` CLI as a subprocess against a moto server on
127.0.0.1, optionally through the recording / fault-injecting loopback proxy."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from auditor.demo.estate import DEMO_REGIONS

ACCOUNT = "123456789012"


def auditor_executable() -> str:
    beside = Path(sys.executable).with_name("auditor")
    found = str(beside) if beside.exists() else shutil.which("auditor")
    assert found, "the auditor console script is not installed (pip install -e .)"
    return found


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    output_dir: Path

    @property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.output_dir / "auditor-report.json").read_text())
        return data

    def findings(self, check_id: str) -> dict[str, str]:
        """Resource id -> status for one check."""
        return {
            f["resource"]["id"]: f["status"]
            for f in self.report["findings"]
            if f["check_id"] == check_id
        }


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No real AWS configuration can leak in: fake keys, empty config files, no profile."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and k not in ("HTTP_PROXY", "HTTPS_PROXY")
    }
    empty = tmp_path / "empty-aws-config"
    empty.write_text("")
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(empty),
        AWS_SHARED_CREDENTIALS_FILE=str(empty),
        AWS_EC2_METADATA_DISABLED="true",
        NO_PROXY="127.0.0.1,localhost",
        COLUMNS="200",
    )
    env.update(extra)
    return env


def run_auditor(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 180
) -> Result:
    output_dir = tmp_path / "out"
    completed = subprocess.run(
        [auditor_executable(), *args],
        capture_output=True,
        text=True,
        env=env if env is not None else clean_env(tmp_path),
        timeout=timeout,
        check=False,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr, output_dir)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def moto_client(port: int, service: str, region: str = "us-east-1") -> Any:
    """A boto3 client for the test's own set-up calls against the moto server."""
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@contextmanager
def moto_server(
    log: Path,
    *,
    seed: bool = False,
    env: dict[str, str] | None = None,
    module: str = "tests.support.seeded_moto",
) -> Iterator[int]:
    """A moto server in its own process on 127.0.0.1 (its state apart from any in-process
    mock), empty or seeded with the sample account; its port. `env` adds to its environment;
    `module` is run instead of tests.support.seeded_moto (same arguments)."""
    port = _free_port()
    ready = log.with_suffix(".ready")
    ready.unlink(missing_ok=True)
    env = {**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false", **(env or {})}
    command = [sys.executable, "-m", module, str(port), str(ready)]
    with log.open("w") as out:
        server = subprocess.Popen(
            [*command, *(["--seed"] if seed else [])],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=Path(__file__).resolve().parents[2],
        )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "moto server did not start"
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def moto_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A moto server seeded once with the sample account; tests only read it."""
    with moto_server(tmp_path_factory.mktemp("moto") / "server.log", seed=True) as port:
        yield port


@pytest.fixture
def scan_args(tmp_path: Path) -> list[str]:
    return [
        "scan",
        *(arg for region in DEMO_REGIONS for arg in ("--region", region)),
        "--output-dir",
        str(tmp_path / "out"),
    ]
