"""A loopback HTTP proxy in front of a moto server that misbehaves like AWS on a bad day.

At chosen rates (a seeded RNG, so a run can be repeated) it answers a request with a throttle
shaped as the service's protocol answers one (HTTP 400 `ThrottlingException` / `Throttling` /
EC2's `RequestLimitExceeded`), HTTP 429, HTTP 503 `SlowDown`, HTTP 500, or resets the
connection without an answer, and it delays requests (latency spikes). Chosen operations can
fail permanently (`Fault` of tests.support.awsproxy). Every request is recorded with the
operation the proxy saw and what it did with it.

Only ever binds and forwards to 127.0.0.1.
"""

from __future__ import annotations

import random
import socket
import struct
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from .awsproxy import (
    Fault,
    LoopbackProxy,
    RecordedRequest,
    _protocol,
    forward,
    send_reply,
    shaped_error,
)

__all__ = ["FaultProxy", "FaultRates", "shaped_error", "throttle_code"]


@dataclass(frozen=True)
class FaultRates:
    """Probability of each transient fault per request (they are drawn in this order)."""

    throttle: float = 0.0  # HTTP 400 with the protocol's throttling error code
    too_many_requests: float = 0.0  # HTTP 429 TooManyRequestsException
    slow_down: float = 0.0  # HTTP 503 SlowDown
    server_error: float = 0.0  # HTTP 500 InternalError
    reset: float = 0.0  # the connection is reset, no answer at all
    latency: float = 0.0  # the answer (or fault) comes after `spike` seconds
    spike: float = 0.3

    def transient(self) -> tuple[tuple[str, float], ...]:
        """(outcome as `FaultProxy.outcomes` counts it, rate) of each fault, in draw order."""
        return (
            ("throttle", self.throttle),
            ("429", self.too_many_requests),
            ("503", self.slow_down),
            ("500", self.server_error),
            ("reset", self.reset),
        )


def throttle_code(service: str) -> str:
    """The code a throttled read of this service carries on the wire."""
    protocol = _protocol(service)
    if protocol == "ec2":
        return "RequestLimitExceeded"
    if protocol == "query":
        return "Throttling"
    return "ThrottlingException"


class FaultProxy(LoopbackProxy):
    def __init__(
        self,
        upstream_port: int,
        rates: FaultRates | None = None,
        *,
        seed: int = 0,
        permanent: list[Fault] | None = None,
        delay: float = 0.0,
        spared: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(upstream_port)
        self.rates = rates or FaultRates()
        self.permanent = list(permanent or [])
        self.delay = delay  # added to every request
        self.spared = spared  # operations never given a transient fault
        self.requests: list[tuple[RecordedRequest, str]] = []  # (request, what was done)
        self.spikes = 0  # requests delayed by a latency spike
        self._random = random.Random(seed)

    def outcomes(self) -> Counter[str]:
        with self._lock:
            return Counter(outcome for _, outcome in self.requests)

    def _draw(self, request: RecordedRequest) -> tuple[str, float]:
        """What to do with one request, and how long to wait first."""
        for fault in self.permanent:
            if fault.matches(request):
                return "permanent", self.delay
        rates = self.rates
        if request.operation in self.spared:
            return "forward", self.delay
        with self._lock:
            draw = self._random.random()
            spiked = self._random.random() < rates.latency
            self.spikes += spiked
        wait = self.delay + (rates.spike if spiked else 0.0)
        for outcome, rate in rates.transient():
            if draw < rate:
                return outcome, wait
            draw -= rate
        return "forward", wait

    def _fault_for(self, request: RecordedRequest, outcome: str) -> Fault:
        if outcome == "permanent":
            return next(f for f in self.permanent if f.matches(request))
        if outcome == "throttle":
            return Fault(
                request.operation, code=throttle_code(request.service), message="Rate exceeded"
            )
        if outcome == "429":
            return Fault(
                request.operation, code="TooManyRequestsException", status=429, message="Too many"
            )
        if outcome == "503":
            return Fault(request.operation, code="SlowDown", status=503, message="Reduce your rate")
        return Fault(request.operation, code="InternalError", status=500, message="Internal error")

    def relay(
        self,
        handler: BaseHTTPRequestHandler,
        request: RecordedRequest,
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        outcome, wait = self._draw(request)
        with self._lock:
            self.requests.append((request, outcome))
        if wait:
            time.sleep(wait)
        if outcome == "reset":
            # RST instead of FIN: the client sees "connection reset by peer".
            handler.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            handler.close_connection = True
            handler.connection.close()
            return
        if outcome == "forward":
            status, out_headers, payload = forward(handler, self.upstream_port, body)
        else:
            status, out_headers, payload = shaped_error(
                request, headers, self._fault_for(request, outcome)
            )
        send_reply(handler, status, out_headers, payload)
