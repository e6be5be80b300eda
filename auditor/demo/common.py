"""What every part of the sample estate shares: its regions, its tags, a client factory and
the trust policy its roles carry."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

# A boto3 client for (service, region), pointed at the demo's moto server.
ClientFactory = Callable[[str, str], Any]

DEMO_REGIONS: tuple[str, ...] = ("us-east-1", "eu-west-1")
# us-east-1 is the well-run side of the app; eu-west-1 holds what was set up in a hurry.
US, EU = DEMO_REGIONS


def tags(component: str | None = None) -> list[dict[str, str]]:
    """The app's tags; every example is production, since that is what is judged."""
    base = [{"Key": "app", "Value": "lingo"}, {"Key": "env", "Value": "prod"}]
    return [*base, {"Key": "component", "Value": component}] if component else base


def trust_policy(principal: dict[str, str], condition: dict[str, Any] | None = None) -> str:
    """A role trust policy letting `principal` assume the role, under `condition` if given."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})
