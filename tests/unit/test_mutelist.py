"""Suppressions: the mutelist file format, its errors, matching, and expiry on the boundary day."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from auditor.errors import InputFileError
from auditor.findings import Mute, Status
from auditor.mutelist import (
    Mutelist,
    apply_mutelist,
    discover,
    load_mutelist,
    matches,
    parse_entries,
)
from tests.report_factory import ACCOUNT
from tests.reporting import OTHER_ACCOUNT, SCAN_START, finding, report_at

ENTRY = {"reason": "accepted", "owner": "ops@example.com", "expires": "2025-03-31"}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _entry(**selectors: object) -> Mute:
    return parse_entries({"mutes": [{**ENTRY, **selectors}]}, "m.yaml")[0]


def test_yaml_mutelist_loads_every_selector(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "auditor.mute.yaml",
        """
mutes:
  - check: "rds_*"
    account: 123456789012          # unquoted: YAML reads a number; 12 digits are kept
    region: [eu-west-1, us-east-1]
    resource: "arn:aws:rds:*:db:legacy-*"
    tags: {team: data}
    reason: Legacy databases retire in Q2
    owner: dba@example.com
    expires: 2025-06-30
""",
    )
    (entry,) = load_mutelist(path).entries
    assert entry.entry == 1
    assert entry.check == ["rds_*"]
    assert entry.account == [ACCOUNT]
    assert entry.region == ["eu-west-1", "us-east-1"]
    assert entry.resource == ["arn:aws:rds:*:db:legacy-*"]
    assert entry.tags == {"team": "data"}
    assert (entry.reason, entry.owner, entry.expires) == (
        "Legacy databases retire in Q2",
        "dba@example.com",
        date(2025, 6, 30),
    )


def test_toml_mutelist_loads_the_same_way(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "auditor.mute.toml",
        """
[[mutes]]
check = "s3_bucket_lifecycle_configured"
resource = ["logs-*", "tmp-*"]
reason = "Short-lived buckets"
owner = "platform"
expires = 2025-04-01
""",
    )
    (entry,) = load_mutelist(path).entries
    assert entry.resource == ["logs-*", "tmp-*"]
    assert entry.expires == date(2025, 4, 1)


def test_an_empty_file_mutes_nothing(tmp_path: Path) -> None:
    assert load_mutelist(_write(tmp_path, "m.yaml", "")).entries == ()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"check": "rds_*", "owner": "o", "expires": "2025-01-01"},
            "entry 2 (check 'rds_*'): missing 'reason'",
        ),
        (
            {"check": "x", "reason": "r", "expires": "2025-01-01"},
            "entry 2 (check 'x'): missing 'owner'",
        ),
        ({"check": "x", "reason": "r", "owner": "o"}, "entry 2 (check 'x'): missing 'expires'"),
        (
            {**ENTRY, "check": "x", "expires": "2025-13-01"},
            "entry 2 (check 'x'): 'expires' must be a date written YYYY-MM-DD, not '2025-13-01'",
        ),
        (
            {**ENTRY, "check": "x", "expires": "next week"},
            "'expires' must be a date written YYYY-MM-DD",
        ),
        (
            {**ENTRY, "check": "x", "expires": 1735689600},
            "'expires' must be a date written YYYY-MM-DD",
        ),
        (
            {**ENTRY, "check": "x", "expire": "2025-01-01"},
            "entry 2 (check 'x'): unknown key 'expire'",
        ),
        ({**ENTRY, "check": "x", "reason": "  "}, "'reason' must be non-empty text"),
        (ENTRY, "entry 2: names nothing to match"),
        ({**ENTRY, "tags": {"team": 7}}, "'tags' must map tag keys to string values"),
        ({**ENTRY, "check": ["a", 3]}, "'check' must be a non-empty string or a list of them"),
        ({**ENTRY, "account": 12345670123}, "'account' must be a quoted 12-digit account id"),
    ],
)
def test_a_malformed_entry_is_one_line_naming_it(entry: dict[str, object], message: str) -> None:
    document = {"mutes": [{**ENTRY, "check": "ok"}, entry]}
    with pytest.raises(InputFileError) as raised:
        parse_entries(document, "auditor.mute.yaml")
    text = str(raised.value)
    assert text.startswith("mutelist 'auditor.mute.yaml': ")
    assert message in text
    assert "\n" not in text


def test_yaml_octal_looking_account_is_refused(tmp_path: Path) -> None:
    # YAML 1.1 reads 012345670123 as an octal number: the id would silently change.
    path = _write(
        tmp_path,
        "m.yaml",
        "mutes:\n  - account: 012345670123\n    reason: r\n    owner: o\n    expires: 2025-01-01\n",
    )
    with pytest.raises(InputFileError, match="entry 1: 'account' must be a quoted"):
        load_mutelist(path)


def test_bad_date_in_yaml_is_named_with_its_entry(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "m.yaml",
        "mutes:\n  - check: a\n    reason: r\n    owner: o\n    expires: 2025-02-30\n",
    )
    with pytest.raises(InputFileError, match=r"entry 1 \(check 'a'\): 'expires' must be a date"):
        load_mutelist(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mutes: [unclosed\n", "is not valid YAML (line 2)"),
        ("- check: a\n", "the top level must be a single key 'mutes'"),
        ("mutes:\n  check: a\n", "'mutes' must be a list of entries"),
        ("mutes:\n  - just text\n", "entry 1: an entry must be a mapping of keys"),
    ],
)
def test_a_malformed_file_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputFileError, match=re.escape(message)):
        load_mutelist(_write(tmp_path, "m.yaml", text))


def test_missing_file_and_bad_toml_are_clear(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot read mutelist"):
        load_mutelist(tmp_path / "absent.yaml")
    with pytest.raises(InputFileError, match="is not valid TOML"):
        load_mutelist(_write(tmp_path, "m.toml", "[[mutes]\n"))


def test_discovery_finds_the_one_default_file(tmp_path: Path) -> None:
    assert discover(tmp_path) is None
    path = _write(tmp_path, "auditor.mute.yaml", "")
    assert discover(tmp_path) == path
    _write(tmp_path, "auditor.mute.toml", "")
    with pytest.raises(InputFileError, match=r"both auditor\.mute\.yaml and auditor\.mute\.toml"):
        discover(tmp_path)


DB = finding(
    "rds_instance_multi_az",
    Status.FAIL,
    "legacy-orders",
    arn=f"arn:aws:rds:eu-west-1:{ACCOUNT}:db:legacy-orders",
    tags={"team": "data", "env": "prod"},
)


@pytest.mark.parametrize(
    ("selectors", "expected"),
    [
        ({"check": "rds_*"}, True),
        ({"check": "rds_cluster_*"}, False),
        ({"check": ["s3_*", "rds_instance_multi_az"]}, True),
        ({"account": ACCOUNT}, True),
        ({"account": OTHER_ACCOUNT}, False),
        ({"region": "eu-*"}, True),
        ({"region": "us-east-1"}, False),
        ({"resource": "legacy-*"}, True),  # by id
        ({"resource": "arn:aws:rds:*:db:legacy-*"}, True),  # by ARN
        ({"resource": "Legacy-*"}, False),  # globs are case-sensitive
        ({"tags": {"team": "data"}}, True),
        ({"tags": {"team": "da*", "env": "prod"}}, True),
        ({"tags": {"team": "data", "env": "dev"}}, False),
        ({"tags": {"owner": "*"}}, False),
        ({"check": "rds_*", "region": "us-*"}, False),  # every selector must match
    ],
)
def test_matching_by_each_selector(selectors: dict[str, object], expected: bool) -> None:
    assert matches(_entry(**selectors), DB) is expected


def test_a_tag_entry_never_matches_a_resource_whose_tags_were_not_read() -> None:
    untagged = finding("rds_instance_multi_az", Status.FAIL, "legacy-orders")
    assert untagged.resource.tags is None
    assert matches(_entry(tags={"team": "*"}), untagged) is False


def _mutelist(tmp_path: Path, expires: str) -> Mutelist:
    return load_mutelist(
        _write(
            tmp_path,
            "m.yaml",
            f"mutes:\n  - check: rds_*\n    reason: r\n    owner: o\n    expires: {expires}\n",
        )
    )


@pytest.mark.parametrize(
    ("scan_start", "muted"),
    [
        (datetime.fromisoformat("2025-03-31T00:00:00+00:00"), True),
        (datetime.fromisoformat("2025-03-31T23:59:59+00:00"), True),  # the whole last day
        (datetime.fromisoformat("2025-04-01T00:00:00+00:00"), False),
    ],
)
def test_expiry_is_inclusive_of_the_expiry_date(
    tmp_path: Path, scan_start: datetime, muted: bool
) -> None:
    report = report_at([DB], scan_start)
    result = apply_mutelist(report, _mutelist(tmp_path, "2025-03-31"))
    (f,) = result.findings
    assert f.muted is muted
    assert f.status is Status.FAIL  # a muted finding keeps its status
    assert (f.mute is not None) is muted
    assert [e.entry for e in result.expired_mutes] == ([] if muted else [1])


def test_matched_finding_gains_the_entry_and_others_stay_unmuted(tmp_path: Path) -> None:
    other = finding("s3_bucket_lifecycle_configured", Status.FAIL, "logs")
    result = apply_mutelist(report_at([DB, other]), _mutelist(tmp_path, "2025-12-31"))
    by_id = {f.resource.id: f for f in result.findings}
    assert by_id["legacy-orders"].muted
    assert by_id["legacy-orders"].mute is not None
    assert by_id["legacy-orders"].mute.owner == "o"
    assert not by_id["logs"].muted and by_id["logs"].mute is None
    assert result.expired_mutes == []


def test_errors_are_never_muted(tmp_path: Path) -> None:
    gap = finding("rds_instance_multi_az", Status.ERROR, f"{ACCOUNT}/eu-west-1")
    result = apply_mutelist(report_at([gap]), _mutelist(tmp_path, "2025-12-31"))
    assert result.findings[0].muted is False


def test_first_matching_entry_wins_and_a_new_list_replaces_old_mutes(tmp_path: Path) -> None:
    two = load_mutelist(
        _write(
            tmp_path,
            "two.yaml",
            "mutes:\n"
            "  - {check: rds_*, reason: first, owner: a, expires: 2025-12-31}\n"
            "  - {resource: legacy-*, reason: second, owner: b, expires: 2025-12-31}\n",
        )
    )
    muted = apply_mutelist(report_at([DB]), two)
    assert muted.findings[0].mute is not None
    assert muted.findings[0].mute.reason == "first"
    unrelated = _write(
        tmp_path,
        "none.yaml",
        "mutes:\n  - {check: s3_*, reason: r, owner: o, expires: 2025-12-31}\n",
    )
    again = apply_mutelist(muted, load_mutelist(unrelated))
    assert again.findings[0].muted is False and again.findings[0].mute is None


def test_expired_entries_are_judged_at_the_scan_date_not_today(tmp_path: Path) -> None:
    # Rendering an old result again must not change which mutes applied to it.
    old_scan = SCAN_START - timedelta(days=365)
    result = apply_mutelist(report_at([DB], old_scan), _mutelist(tmp_path, "2024-03-05"))
    assert result.findings[0].muted is True
