"""A moto server in its own process, optionally seeded with the sample account.

The sample account sets a few attributes moto accepts and drops (Performance Insights, DAX node
zones) on moto's in-process models, so it is seeded here, inside the server's process, exactly as
`auditor demo` seeds it; the test process then only talks to the server over HTTP.

    python -m tests.support.seeded_moto PORT READY_FILE [--seed]
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer


def main(argv: list[str]) -> None:
    port, ready = int(argv[0]), Path(argv[1])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    if "--seed" in argv:
        from auditor.demo.estate import seed_estate

        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        seed_estate(session, f"http://127.0.0.1:{port}")
    ready.write_text("ready")
    threading.Event().wait()  # serve until terminated


if __name__ == "__main__":
    main(sys.argv[1:])
