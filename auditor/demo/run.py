"""Runs the sample account: an in-process moto server on 127.0.0.1, seeded, ready to scan."""

from __future__ import annotations

import logging
import os
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import boto3

from auditor.checkapi import Check
from auditor.errors import UsageError
from auditor.scan import ScanRequest

# Fixed, obviously fake credentials: the demo never talks to AWS.
_DEMO_KEY = "demo-access-key"
_DEMO_SECRET = "demo-secret-key"  # noqa: S105


@contextmanager
def run_demo(
    checks: Iterable[Check], say: Callable[[str], None] = lambda line: None
) -> Iterator[ScanRequest]:
    """The sample organization on a fresh in-process moto server, as a scan request; `say`
    hears a line as seeding starts and one when it is done (it takes seconds)."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise UsageError(
            "the demo needs moto: pip install 'aws-auditor[demo]' (make demo does this)"
        ) from None
    from auditor.demo.estate import DEMO_REGIONS, seed_estate
    from auditor.demo.organization import ROLE_NAME
    from auditor.org import OrgOptions

    # moto would otherwise seed ~1,300 public AMIs per region as if the account owned them.
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one log line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint_url = f"http://{host}:{port}"
        # moto's backends are process-wide: start from an empty account every time.
        reset = urllib.request.Request(f"{endpoint_url}/moto-api/reset", method="POST")  # noqa: S310
        urllib.request.urlopen(reset, timeout=30).close()  # noqa: S310 - our loopback server
        session = boto3.session.Session(
            aws_access_key_id=_DEMO_KEY,
            aws_secret_access_key=_DEMO_SECRET,
            region_name=DEMO_REGIONS[0],
        )
        say(f"Seeding the sample organization on moto at {endpoint_url} …")
        started = time.monotonic()
        seed_estate(session, endpoint_url)
        say(f"Seeded in {time.monotonic() - started:.1f} s; scanning it.")
        # The sample account is an organization's management account: scan every member too.
        organization = OrgOptions(role_name=ROLE_NAME)
        yield ScanRequest(
            session, endpoint_url, tuple(DEMO_REGIONS), tuple(checks), org=organization
        )
    finally:
        server.stop()
