"""Every collector, fed answers drawn from botocore's own output shapes (tests/support/shaped.py):
optional members absent, empty and long lists, unknown enum values, hostile strings, timestamps
with and without a time zone. A collector must turn each into valid models, or into a
CollectionError naming the operation or the resource it could not read; never a crash of the
whole dataset (CollectorFailed) and never an exception out of the scan.

AUDITOR_SHAPED_EXAMPLES sets the examples per collector: `make test` draws 4, the same ones
every run (derandomized, so CI is repeatable); `make test-shapes`, the nightly-size run, draws
200 new ones each time."""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.engine import judged_with
from auditor.models import CollectionError
from auditor.registry import load_checks, load_collectors
from tests.support.shaped import ShapedAnswers
from tests.support.stubbed import collect_stubbed

EXAMPLES = int(os.environ.get("AUDITOR_SHAPED_EXAMPLES", "4"))
NIGHTLY = "AUDITOR_SHAPED_EXAMPLES" in os.environ
COLLECTORS = load_collectors()
# The resource types the checks over each dataset judge.
JUDGED: dict[str, set[str]] = {}
for _check in load_checks().values():
    for _dataset in _check.metadata.datasets:
        JUDGED.setdefault(_dataset, set()).add(_check.metadata.resource_type)


@pytest.mark.parametrize("dataset", sorted(COLLECTORS))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not NIGHTLY,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_any_answer_of_the_documented_shape_is_read_or_named_as_a_gap(
    dataset: str, seed: int
) -> None:
    pool = ShapedAnswers(random.Random(seed))
    scopes = collect_stubbed(pool, [dataset], ("us-east-1",))

    assert pool.asked, "the collector sent nothing"
    declared = {op.name for op in COLLECTORS[dataset].operations}
    for scope in scopes.values():
        value = getattr(scope, dataset)
        errors = [*scope.errors, *([value] if isinstance(value, CollectionError) else [])]
        unread = [resource.error for resource in scope.unread]
        # A resource left unread is of a type some check reports as ERROR: never dropped unseen.
        for resource in scope.unread:
            assert judged_with(resource.type) & JUDGED.get(dataset, set()), resource
        for error in errors:
            assert error.error_code != "CollectorFailed", error.message
            # Named by the operation whose answer it was, or one resource's alone (kept as an
            # unread resource, "(unnamed)" where the answer lacked even its name).
            assert error.operation in declared or error in unread, error
