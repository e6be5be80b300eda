"""The auditor needs only what `auditor policy` prints: a full scan as an IAM user holding exactly
that policy, against a moto server that enforces IAM, gets no AccessDenied; taking away one
action turns exactly the findings that needed it into ERROR, and nothing else changes.

Where moto's enforcement differs from AWS, the TEST's copy of the policy is adapted (never the
product's policy), see `_as_moto_checks_it`:
- moto (5.2.6, pinned in pyproject.toml) authorizes each request as `<signing name>:<Operation>`,
  the operation's API name, where AWS uses the IAM action: CloudWatch as `monitoring:…`, API
  Gateway as `apigateway:GetRestApis` (AWS: the HTTP verb, `apigateway:GET`), S3 `ListBuckets`
  as `s3:ListBuckets` (AWS: `s3:ListAllMyBuckets`), `GetBucketEncryption` as
  `s3:GetBucketEncryption` (AWS: `s3:GetEncryptionConfiguration`), S3 Control
  `GetPublicAccessBlock` as `s3:GetPublicAccessBlock` (AWS: `s3:GetAccountPublicAccessBlock`);
- moto's signature check of a REST GET is fixed in the server (tests/trust/enforcing_moto.py);
- moto answers a denied REST-JSON or CBOR call with an XML body botocore cannot parse, so the
  report's error code there is the HTTP status "403" instead of AccessDeniedException.
"""

from __future__ import annotations

import functools
import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import botocore.session
import pytest

from auditor.demo.estate import DEMO_REGIONS
from auditor.policy import IDENTITY_ACTION, requirements
from auditor.registry import load_checks, load_collectors

from ..e2e.conftest import Result, clean_env, moto_client, moto_server, run_auditor

pytestmark = pytest.mark.e2e

REGION_ARGS = [arg for region in DEMO_REGIONS for arg in ("--region", region)]
# Actions taken away one at a time (each must be in the generated policy).
REMOVED = [
    "rds:DescribeDBInstances",
    "dynamodb:DescribeTimeToLive",
    "sqs:GetQueueAttributes",
    "cloudwatch:DescribeAlarms",
    "s3:GetLifecycleConfiguration",
    "iam:GetAccountAuthorizationDetails",
    "apigateway:GET",
]
# Every action of the generated policy (as `auditor policy --region …` prints it).
ALL_ACTIONS = [
    r.action
    for r in requirements(load_checks().values(), load_collectors(), discover_regions=False)
]
DENIED_CODES = {"AccessDenied", "AccessDeniedException", "403"}
PERMISSION_OF = {
    (op.service, op.name): op.permission
    for collector in load_collectors().values()
    for op in collector.operations
}


_BOTOCORE = botocore.session.get_session()


@functools.cache
def _signing_name(service: str) -> str:
    name: str = _BOTOCORE.get_service_model(service).signing_name
    return name


@functools.cache
def _as_moto_checks_it(action: str) -> tuple[str, ...]:
    """The actions moto's enforcement checks for one AWS action: `<signing name>:<Operation>`
    for each operation the action allows (see the module docstring)."""
    checked = tuple(
        sorted(
            f"{_signing_name(service)}:{operation}"
            for (service, operation), permission in PERMISSION_OF.items()
            if permission == action
        )
    )
    return checked or (action,)  # the scan-wide actions are named as their one operation


def _moto_policy(actions: list[str]) -> str:
    moto_actions = sorted({a for action in actions for a in _as_moto_checks_it(action)})
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": moto_actions, "Resource": "*"}],
        }
    )


@dataclass
class Enforced:
    port: int
    actions: list[str]  # the generated policy's actions
    needed_by: dict[str, set[str]]  # action -> checks, from `auditor policy --format text`
    keys: dict[str, tuple[str, str]]  # user -> (access key id, secret)


def users_then_enforce(port: int, policies: dict[str, str]) -> dict[str, tuple[str, str]]:
    """An IAM user per entry holding only that inline policy, and their keys (user -> (access
    key id, secret)); then moto's IAM enforcement is switched on: the server was seeded and set
    up without it, and from here on every request is authorized."""
    iam = moto_client(port, "iam")
    keys = {}
    for user, document in policies.items():
        iam.create_user(UserName=user)
        iam.put_user_policy(UserName=user, PolicyName="auditor", PolicyDocument=document)
        key = iam.create_access_key(UserName=user)["AccessKey"]
        keys[user] = (key["AccessKeyId"], key["SecretAccessKey"])
    switch = urllib.request.Request(
        f"http://127.0.0.1:{port}/moto-api/reset-auth",
        data=b"0",
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(switch) as answer:
        assert answer.status == 200
    return keys


def _user_for(action: str) -> str:
    return "without-" + action.replace(":", "-")


@pytest.fixture(scope="module")
def enforced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Enforced]:
    tmp = tmp_path_factory.mktemp("least-privilege")
    printed = run_auditor(tmp, "policy", *REGION_ARGS)
    assert printed.code == 0, printed.stderr
    [statement] = json.loads(printed.stdout)["Statement"]
    actions: list[str] = statement["Action"]
    assert statement["Resource"] == "*" and statement["Effect"] == "Allow"
    text = run_auditor(tmp, "policy", *REGION_ARGS, "--format", "text")
    needed_by = {line.split()[0]: set(line.split()[1:]) for line in text.stdout.splitlines()}
    assert set(needed_by) == set(actions)
    assert set(REMOVED) <= set(actions)

    policies = {"full": _moto_policy(actions), "admin": _moto_policy(["*"])}
    for action in actions:
        policies[_user_for(action)] = _moto_policy([a for a in actions if a != action])
    with moto_server(tmp / "server.log", seed=True, module="tests.trust.enforcing_moto") as port:
        yield Enforced(port, actions, needed_by, users_then_enforce(port, policies))


def _scan_as(enforced: Enforced, user: str, tmp_path: Path, *extra: str) -> Result:
    key_id, secret = enforced.keys[user]
    env = clean_env(tmp_path, AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret)
    return run_auditor(
        tmp_path,
        "scan",
        *REGION_ARGS,
        "--endpoint-url",
        f"http://127.0.0.1:{enforced.port}",
        "--output-dir",
        str(tmp_path / "out"),
        "--fail-on",
        "none",
        *extra,
        env=env,
    )


def _statuses(result: Result) -> dict[str, str]:
    return {f["id"]: f["status"] for f in result.report["findings"]}


@pytest.fixture(scope="module")
def full_scan(enforced: Enforced, tmp_path_factory: pytest.TempPathFactory) -> Result:
    return _scan_as(enforced, "full", tmp_path_factory.mktemp("full"))


def test_enforcement_is_on(enforced: Enforced, tmp_path: Path) -> None:
    # A user with no policy at all is refused everything: the server really enforces.
    iam = moto_client(enforced.port, "iam")
    with pytest.raises(Exception, match=r"InvalidClientTokenId|AccessDenied|403"):
        iam.list_users()


def test_the_generated_policy_is_enough_for_a_full_scan(
    enforced: Enforced, full_scan: Result, tmp_path: Path
) -> None:
    assert full_scan.code == 0, full_scan.stderr
    assert full_scan.report["errors"] == []
    assert "AccessDenied" not in full_scan.stdout + full_scan.stderr
    statuses = _statuses(full_scan)
    assert statuses and "ERROR" not in statuses.values()
    # ... and judges exactly what an all-powerful user's scan judges.
    admin = _scan_as(enforced, "admin", tmp_path)
    assert admin.report["errors"] == []
    assert _statuses(admin) == statuses


@pytest.mark.parametrize("removed", REMOVED)
def test_without_one_action_exactly_the_checks_that_need_it_are_error(
    enforced: Enforced, full_scan: Result, tmp_path: Path, removed: str
) -> None:
    result = _scan_as(enforced, _user_for(removed), tmp_path)

    assert result.code == 3, result.stderr
    errors = result.report["errors"]
    assert errors, "taking an action away left no gap"
    for gap in errors:
        assert PERMISSION_OF[(gap["service"], gap["operation"])] == removed, gap
        assert gap["error_code"] in DENIED_CODES, gap
    errored = {f["check_id"] for f in result.report["findings"] if f["status"] == "ERROR"}
    # The checks the report names as unjudged are the ones with ERROR findings, and the policy
    # said each of them needs the action (a dataset read per resource may leave some of the
    # dataset's checks judged: e.g. only the TTL check reads DescribeTimeToLive's answer).
    assert errored == {check for gap in errors for check in gap["checks"]}
    assert errored and errored <= enforced.needed_by[removed]
    # Every other check judged exactly as with the full policy.
    before = _statuses(full_scan)
    after = _statuses(result)
    kept = {f["id"] for f in result.report["findings"] if f["check_id"] not in errored}
    assert {i: after[i] for i in kept} == {i: before[i] for i in kept if i in before}
    assert {i for i in before if i not in after} <= {
        f["id"] for f in full_scan.report["findings"] if f["check_id"] in errored
    }


def _separable(action: str) -> bool:
    """Whether moto's enforcement can tell `action` apart: it checks s3:GetEncryptionConfiguration
    and s3:GetBucketPublicAccessBlock both as s3:ListBucket, so taking one of them away alone
    cannot be shown against moto (on AWS each is its own action)."""
    others = {m for a in ALL_ACTIONS if a != action for m in _as_moto_checks_it(a)}
    return not set(_as_moto_checks_it(action)) <= others


# Actions the auditor sends only on answers moto never gives: ListOrganizationsFeatures only
# for a root user with no password, and moto's GetAccountSummary has no AccountPasswordPresent.
# Its denial is shown on the API reference's answers (tests/collectors/test_api_reference.py).
NEVER_SENT_TO_MOTO = {"iam:ListOrganizationsFeatures"}


@pytest.mark.parametrize(
    "removed",
    [
        a
        for a in ALL_ACTIONS
        if a != IDENTITY_ACTION and _separable(a) and a not in NEVER_SENT_TO_MOTO
    ],
)
def test_every_action_is_needed_by_the_checks_it_names(
    enforced: Enforced, tmp_path: Path, removed: str
) -> None:
    checks = sorted(enforced.needed_by[removed])
    result = _scan_as(
        enforced, _user_for(removed), tmp_path, *(a for c in checks for a in ("--check", c))
    )

    assert result.code == 3, (result.stderr, result.report["errors"])
    errors = result.report["errors"]
    assert errors
    for gap in errors:
        assert PERMISSION_OF[(gap["service"], gap["operation"])] == removed, gap
    errored = {f["check_id"] for f in result.report["findings"] if f["status"] == "ERROR"}
    assert errored and errored <= set(checks)
