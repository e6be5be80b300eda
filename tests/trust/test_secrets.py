"""No secret leaves the account: Lambda environment values, an RDS master password and the
caller's own credentials appear in no report format, no snapshot, no output and no log, even
with AUDITOR_DEBUG set and when reads fail."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.report import FILE_NAMES

from ..e2e.conftest import clean_env, moto_client, moto_server, run_auditor
from ..support.awsproxy import AwsProxy, Fault

pytestmark = pytest.mark.e2e

LAMBDA_SECRET = "lambda-env-secret-9f1c2e7a"
LAMBDA_SECRET_NAME = "STRIPE_KEY_NAME_d41d8cd9"
DB_PASSWORD = "rds-master-password-5e8b1c"
ACCESS_KEY = "AKIAEXAMPLESECRETSID"
SECRET_KEY = "secret-access-key-3c9a7e0f5b2d"
SESSION_TOKEN = "session-token-7b1e4f2a9c"
SECRETS = [LAMBDA_SECRET, LAMBDA_SECRET_NAME, DB_PASSWORD, SECRET_KEY, SESSION_TOKEN]


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with moto_server(tmp_path_factory.mktemp("moto") / "server.log") as server_port:
        iam = moto_client(server_port, "iam")
        role = iam.create_role(
            RoleName="fn-role",
            AssumeRolePolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        )["Role"]["Arn"]
        moto_client(server_port, "lambda").create_function(
            FunctionName="payments",
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": _zip()},
            Environment={"Variables": {LAMBDA_SECRET_NAME: LAMBDA_SECRET, "DB": DB_PASSWORD}},
        )
        moto_client(server_port, "rds").create_db_instance(
            DBInstanceIdentifier="payments-db",
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            MasterUsername="admin",
            MasterUserPassword=DB_PASSWORD,
            AllocatedStorage=20,
        )
        yield server_port


def _secret_env(tmp_path: Path) -> dict[str, str]:
    """The caller's credentials are secrets too; debug output on."""
    return clean_env(
        tmp_path,
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        AWS_SESSION_TOKEN=SESSION_TOKEN,
        AUDITOR_DEBUG="1",
    )


def _assert_no_secret(where: str, text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} appears in {where}"


@pytest.mark.parametrize("faulty", [False, True], ids=["clean", "reads-failing"])
def test_no_secret_in_any_output(port: int, tmp_path: Path, faulty: bool) -> None:
    out = tmp_path / "out"
    snapshot = tmp_path / "snap" / "snapshot.json"
    faults = (
        [Fault("ListFunctions", code="AccessDeniedException"), Fault("DescribeDBInstances")]
        if faulty
        else []
    )
    with AwsProxy(port, faults) as proxy:
        result = run_auditor(
            tmp_path,
            "scan",
            "--region",
            "us-east-1",
            "--endpoint-url",
            proxy.url,
            "--output-dir",
            str(out),
            "--format",
            ",".join(FILE_NAMES),
            "--save-snapshot",
            str(snapshot),
            "--fail-on",
            "none",
            env=_secret_env(tmp_path),
        )

    assert result.code == (3 if faulty else 0), result.stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(FILE_NAMES.values())
    # The function and the database were read: the scan saw what holds the secrets.
    report = result.report
    resources = {f["resource"]["id"] for f in report["findings"]}
    if faulty:  # the faults fired: the secrets' reads failed, and the report says so
        assert {e["operation"] for e in report["errors"]} == {
            "ListFunctions",
            "DescribeDBInstances",
        }
    else:
        assert {"payments", "payments-db"} <= resources
    for path in [*out.iterdir(), snapshot]:
        _assert_no_secret(path.name, path.read_bytes().decode("utf-8", errors="replace"))
    _assert_no_secret("stdout", result.stdout)
    _assert_no_secret("stderr", result.stderr)


def test_no_secret_when_the_auditor_itself_fails(port: int, tmp_path: Path) -> None:
    # An output directory that cannot be written: an error path with AUDITOR_DEBUG set.
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run_auditor(
        tmp_path,
        "scan",
        "--region",
        "us-east-1",
        "--endpoint-url",
        f"http://127.0.0.1:{port}",
        "--output-dir",
        str(blocker / "out"),
        env=_secret_env(tmp_path),
    )
    assert result.code == 2
    assert "auditor: error: " in result.stderr and str(blocker) in result.stderr
    _assert_no_secret("stderr", result.stderr)
    _assert_no_secret("stdout", result.stdout)
