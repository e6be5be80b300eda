"""Every list is complete: an operation botocore pages is read through its paginator (a single
call of it is refused), and the lists AWS pages only when asked with a page size are sent one."""

from __future__ import annotations

from typing import Any

import pytest
from botocore import xform_name

from auditor.collectors.base import UnpagedList
from auditor.registry import load_collectors
from auditor.session import PAGE_SIZE_NEEDED, ClientPool
from tests.support.stubbed import StubbedPool, offline_session

_PAGINATORS = offline_session()._session


def _paginator(service: str, operation: str) -> dict[str, Any]:
    config: dict[str, Any] = _PAGINATORS.get_paginator_model(service).get_paginator(operation)
    return config


@pytest.mark.parametrize(("service", "operation"), sorted(PAGE_SIZE_NEEDED))
def test_each_page_size_is_the_paginators_own_limit_key_within_its_bounds(
    service: str, operation: str
) -> None:
    parameter, size = PAGE_SIZE_NEEDED[(service, operation)]
    assert _paginator(service, operation)["limit_key"] == parameter
    shape = _PAGINATORS.get_service_model(service).operation_model(operation).input_shape
    bounds = shape.members[parameter].metadata
    assert bounds.get("min", 1) <= size <= bounds.get("max", size)


def test_every_page_size_is_for_an_operation_a_collector_declares() -> None:
    declared = {(op.service, op.name) for c in load_collectors().values() for op in c.operations}
    assert set(PAGE_SIZE_NEEDED) <= declared


@pytest.mark.parametrize(("service", "operation"), sorted(PAGE_SIZE_NEEDED))
def test_the_page_size_is_sent_when_the_collector_leaves_it_out(
    service: str, operation: str
) -> None:
    parameter, size = PAGE_SIZE_NEEDED[(service, operation)]
    pool = StubbedPool()
    # The stub refuses a request without exactly these parameters.
    pool.answer(service, operation, {}, params={parameter: size})

    pages = list(pool.paginate(service, "us-east-1", operation, {}))

    assert len(pages) == 1
    pool.assert_all_answered()


def test_a_paginated_list_sent_as_one_call_is_refused() -> None:
    pool = ClientPool(offline_session(), None)
    # ListTables pages: one call would be its first 100 tables only.
    assert pool.client("dynamodb", "us-east-1").can_paginate(xform_name("ListTables"))

    with pytest.raises(UnpagedList, match="dynamodb:ListTables pages"):
        pool.call("dynamodb", "us-east-1", "ListTables", {})
