"""ListQueues returns at most 1,000 queues and no NextToken unless MaxResults is sent (the SQS API
reference says so), so the collector must ask with a page size and follow every page. Answers
shaped as that reference documents them, replayed by botocore's event hooks: moto pages only when
asked too, but cannot show what AWS leaves out when it is not."""

from __future__ import annotations

from typing import Any

from auditor.models import CollectionError
from tests.support.stubbed import AnswerBook, collect_stubbed

URL = "https://sqs.us-east-1.amazonaws.com/123456789012/"


def attributes(name: str) -> dict[str, Any]:
    return {
        "service": "sqs",
        "operation": "GetQueueAttributes",
        "match": {"QueueUrl": URL + name},
        "response": {"Attributes": {"QueueArn": f"arn:aws:sqs:us-east-1:123456789012:{name}"}},
    }


def test_every_page_of_queues_is_read_with_a_page_size() -> None:
    book = AnswerBook(
        [
            # A later page's entry first: the book takes the first entry that matches.
            {
                "service": "sqs",
                "operation": "ListQueues",
                "match": {"MaxResults": 1000, "NextToken": "page-2"},
                "response": {"QueueUrls": [URL + "orders-1001"]},
            },
            {
                "service": "sqs",
                "operation": "ListQueues",
                "match": {"MaxResults": 1000},
                "response": {"QueueUrls": [URL + "orders-1"], "NextToken": "page-2"},
            },
            attributes("orders-1"),
            attributes("orders-1001"),
        ]
    )

    queues = collect_stubbed(book, ["sqs_queues"])["us-east-1"].sqs_queues

    assert not isinstance(queues, CollectionError), queues
    assert [q.name for q in queues] == ["orders-1", "orders-1001"]
    pages = [params for service, op, params in book.asked if op == "ListQueues"]
    assert pages == [{"MaxResults": 1000}, {"MaxResults": 1000, "NextToken": "page-2"}]
