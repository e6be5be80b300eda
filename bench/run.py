"""Benchmark: the real `auditor scan` against a synthetic estate in a moto server, through a
loopback proxy that adds a fixed latency to every request, as a real AWS API call has.

    python bench/run.py --scale 10 [--latency 0.05]

Prints wall time, the scan's peak RSS, requests sent (counted by the proxy), requests per
resource, the latency floor (what the concurrency caps and published rates allow at this
latency) and the ratio of `auditor --help` to `python -c pass` start-up.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

import botocore.session  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

from auditor.limits import limit_for  # noqa: E402
from bench.estate import REGIONS, seed  # noqa: E402
from tests.e2e.conftest import auditor_executable, clean_env  # noqa: E402
from tests.support.awsproxy import AwsProxy  # noqa: E402

WORKERS = 32  # auditor.collect.collect_all's thread pool

# Runs argv, exits with its code, and prints the peak RSS (KiB) of that child alone.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


class LatencyProxy(AwsProxy):
    """The recording proxy with TCP_NODELAY on its client side: otherwise a response's headers
    and body go out as two small writes, and Nagle's algorithm meeting the client's delayed ACK
    adds about 40 ms to every request on top of the latency asked for."""

    def __init__(self, upstream_port: int, latency: float = 0.0) -> None:
        super().__init__(upstream_port, latency=latency)
        # (received, answered) of each request, on this process's clock.
        self.spans: list[tuple[float, float]] = []

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        class Handler(super()._handler()):  # type: ignore[misc]
            disable_nagle_algorithm = True

        return Handler

    def relay(self, handler: Any, request: Any, headers: dict[str, str], body: bytes) -> None:
        started = time.perf_counter()
        super().relay(handler, request, headers, body)
        with self._lock:
            self.spans.append((started, time.perf_counter()))


def _serve(ready: multiprocessing.Queue[int], stop: Any) -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    ready.put(server.get_host_and_port()[1])
    stop.wait()
    server.stop()


def _signing_names() -> dict[str, str]:
    """Signing name (what the proxy sees) -> boto3 client name (what the limits table keys)."""
    session = botocore.session.get_session()
    names: dict[str, str] = {}
    for service in session.get_available_services():
        signing = session.get_service_model(service).signing_name
        names.setdefault(signing, service)
    names["monitoring"] = "cloudwatch"
    names["apigateway"] = "apigateway"
    return names


def gate_floors(requests: Counter[tuple[str, str]], latency: float) -> dict[tuple[str, str], float]:
    """Per API gate (signing service, region): the larger of requests × latency ÷ its allowed
    concurrency and (requests − burst) ÷ its rate — how long that API's chain takes at best."""
    names = _signing_names()
    floors = {}
    for key, n in requests.items():
        limit = limit_for(names.get(key[0], key[0]))
        floors[key] = max(n * latency / limit.concurrency, max(0.0, n - limit.burst) / limit.rate)
    return floors


def latency_floor(requests: Counter[tuple[str, str]], latency: float) -> tuple[float, float]:
    """(requests × latency ÷ the concurrency the caps allow in all,
    that or the slowest single API chain, whichever is larger)."""
    names = _signing_names()
    limits = {key: limit_for(names.get(key[0], key[0])) for key in requests}
    allowed = min(WORKERS, sum(limit.concurrency for limit in limits.values()))
    simple = sum(requests.values()) * latency / allowed
    return simple, max(simple, *gate_floors(requests, latency).values())


def help_ratio(executable: str, runs: int = 7) -> tuple[float, float]:
    def best(argv: list[str]) -> float:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
        return min(times)

    return best([executable, "--help"]), best([sys.executable, "-c", "pass"])


@dataclass
class ScanRun:
    wall: float
    collection: float
    peak_mb: float
    report_mb: float
    before_first: float  # launch to the first request the proxy received
    after_last: float  # the last request answered to the process's exit


def _scan(proxy: LatencyProxy, executable: str) -> ScanRun:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        command = [executable, "scan", "--endpoint-url", proxy.url]
        command += ["--output-dir", str(out)]
        command += [a for r in REGIONS for a in ("--region", r)]
        command += ["--format", "json,html", "--fail-on", "none", "--quiet"]
        proxy.spans.clear()
        started = time.perf_counter()
        # Through a small launcher: a child forked from this (moto-laden) process would
        # count the parent's pages in its own peak RSS until it execs.
        scan = subprocess.run(
            [sys.executable, "-c", _MEASURE, *command],
            env=clean_env(Path(tmp)),
            capture_output=True,
            text=True,
        )
        ended = time.perf_counter()
        wall = ended - started
        if scan.returncode not in (0, 3):
            raise SystemExit(f"scan failed ({scan.returncode}):\n{scan.stderr}")
        # The scan's last progress line (stderr) says how long collection itself took.
        collected = re.findall(r"collected \d+/\d+ datasets.*\((\d+\.\d+)s\)", scan.stderr)
        return ScanRun(
            wall=wall,
            collection=float(collected[-1]) if collected else float("nan"),
            peak_mb=int(scan.stdout.strip().splitlines()[-1]) / 1024,
            report_mb=(out / "auditor-report.json").stat().st_size / 1e6,
            before_first=min(s for s, _ in proxy.spans) - started,
            after_last=ended - max(e for _, e in proxy.spans),
        )


@dataclass
class Measured:
    zero: ScanRun
    run: ScanRun
    per_gate: Counter[tuple[str, str]]


def _measure(proxy: LatencyProxy, executable: str, latency: float) -> Measured:
    # The same scan with no added latency first: what the machine, the moto server and the
    # fixed costs take on their own; the second run adds only the latency.
    proxy.latency = 0.0
    _scan(proxy, executable)  # warm-up: bytecode and page caches, the server's first calls
    zero = _scan(proxy, executable)
    proxy.requests.clear()
    proxy.latency = latency
    run = _scan(proxy, executable)
    return Measured(zero, run, Counter((r.service, r.region) for r in proxy.requests))


def _print(name: str, executable: str, m: Measured, count: int, latency: float) -> None:
    run, zero, per_gate = m.run, m.zero, m.per_gate
    total = sum(per_gate.values())
    simple, floor = latency_floor(per_gate, latency)
    help_time, python_time = help_ratio(executable)
    print(f"== {name}: {executable}")
    print(
        f"wall time             {run.wall:.1f} s (collection {run.collection:.1f} s; the rest "
        "is start-up, evaluation and reports)"
    )
    print(
        f"same scan, 0 latency  {zero.wall:.1f} s (collection {zero.collection:.1f} s): the "
        "machine, the moto server and fixed costs"
    )
    print(
        f"before first request  {run.before_first:.2f} s (launch, imports, credentials; "
        f"0 latency: {zero.before_first:.2f} s)"
    )
    print(
        f"after last request    {run.after_last:.2f} s (evaluation, reports, exit; "
        f"0 latency: {zero.after_last:.2f} s)"
    )
    print(f"peak RSS (scan)       {run.peak_mb:.0f} MB (0 latency: {zero.peak_mb:.0f} MB)")
    print(f"requests sent         {total}")
    print(f"requests per resource {total / count:.2f}")
    print(
        f"latency floor         {floor:.2f} s (the slowest API chain at this code's caps; "
        f"requests × latency ÷ allowed concurrency: {simple:.2f} s)"
    )
    if floor > 0:
        print(f"wall ÷ floor          {run.wall / floor:.2f}")
        added = run.wall - zero.wall
        print(
            f"latency's cost        {added:.1f} s (wall − 0-latency wall; "
            f"÷ floor {added / floor:.2f})"
        )
    print(f"JSON report           {run.report_mb:.1f} MB")
    print(
        f"auditor --help        {help_time:.2f} s (python -c pass {python_time:.2f} s, "
        f"ratio {help_time / python_time:.1f})"
    )
    floors = gate_floors(per_gate, latency)
    by_service: Counter[str] = Counter()
    for (service, _), n in per_gate.items():
        by_service[service] += n
    print("requests by service   (and its slowest region's chain: floor at the caps)")
    for service, n in by_service.most_common():
        key = max((k for k in floors if k[0] == service), key=floors.__getitem__)
        print(f"  {service:<24}{n:>6}   {key[1]:<10} {per_gate[key]:>5} req {floors[key]:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument(
        "--baseline",
        metavar="AUDITOR",
        help="another auditor executable (e.g. an older checkout's) to measure in the same "
        "run, against the same seeded server, before this one",
    )
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    executables = {"baseline": args.baseline} if args.baseline else {}
    executables["this checkout"] = auditor_executable()

    # The server runs in its own process: in this one it would share a GIL with the proxy.
    ready: multiprocessing.Queue[int] = multiprocessing.Queue()
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(ready, stop), daemon=True)
    server.start()
    try:
        host, port = "127.0.0.1", ready.get(timeout=60)
        started = time.perf_counter()
        resources = seed(f"http://{host}:{port}", args.scale)
        print(f"seeded {sum(resources.values())} resources in {time.perf_counter() - started:.1f}s")
        with LatencyProxy(port) as proxy:
            measured = {
                name: _measure(proxy, exe, args.latency) for name, exe in executables.items()
            }
    finally:
        stop.set()
        server.join(timeout=30)
    count = sum(resources.values())
    print(f"scale                 {args.scale} ({count} resources, {len(REGIONS)} regions)")
    print(f"latency per request   {args.latency * 1000:.0f} ms")
    for name, m in measured.items():
        _print(name, executables[name], m, count, args.latency)


if __name__ == "__main__":
    main()
