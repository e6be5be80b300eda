"""A loopback HTTP proxy in front of a moto server: it records every AWS operation a client
sends, independently of the client, and answers chosen operations with AWS-shaped errors.

Only ever binds and forwards to 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.client
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

import botocore.session
from botocore.exceptions import UnknownServiceError

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
_CBOR_OPERATION = re.compile(r"/service/[^/]+/operation/([A-Za-z]+)")

# S3 REST reads the auditor sends, by query-string marker.
_S3_SUBRESOURCES = {
    "lifecycle": "GetBucketLifecycleConfiguration",
    "location": "GetBucketLocation",
    "encryption": "GetBucketEncryption",
    "versioning": "GetBucketVersioning",
    "publicAccessBlock": "GetPublicAccessBlock",
    "policy": "GetBucketPolicy",
    "acl": "GetBucketAcl",
    "tagging": "GetBucketTagging",
}


# REST services that share one SigV4 signing name (API Gateway v1 and v2 both sign "apigateway").
_REST_MODELS = {"apigateway": ("apigateway", "apigatewayv2")}
_PLACEHOLDER = re.compile(r"\{([^}]+)\}")


@functools.cache
def _protocol(signing_name: str) -> str:
    """The wire protocol of the service that signs as `signing_name` ("query" when unknown)."""
    for name in _REST_MODELS.get(signing_name, (signing_name,)):
        try:
            return str(botocore.session.get_session().get_service_model(name).protocol)
        except UnknownServiceError:
            continue
    return "query"


@functools.cache
def _rest_routes(signing_name: str) -> list[tuple[int, str, re.Pattern[str], str]]:
    """(literal length, HTTP method, path pattern, operation) of every REST operation, most
    specific first, from botocore's service models."""
    routes = []
    for name in _REST_MODELS.get(signing_name, (signing_name,)):
        try:
            model = botocore.session.get_session().get_service_model(name)
        except UnknownServiceError:
            continue
        for operation in model.operation_names:
            http = model.operation_model(operation).http
            uri = http.get("requestUri", "/").split("?", 1)[0]
            pattern, literal, last = "", 0, 0
            for match in _PLACEHOLDER.finditer(uri):
                pattern += re.escape(uri[last : match.start()])
                literal += match.start() - last
                label = match.group(1)
                group = re.sub(r"\W", "_", label.rstrip("+"))
                pattern += f"(?P<{group}>.+)" if label.endswith("+") else f"(?P<{group}>[^/]+)"
                last = match.end()
            pattern += re.escape(uri[last:])
            literal += len(uri) - last
            routes.append(
                (literal, http.get("method", "GET"), re.compile(f"^{pattern}$"), operation)
            )
    return sorted(routes, key=lambda route: -route[0])


def _rest_operation(signing_name: str, method: str, path: str) -> tuple[str, dict[str, str]] | None:
    for _, verb, pattern, operation in _rest_routes(signing_name):
        found = pattern.match(urllib.parse.unquote(path))
        if verb == method and found:
            return operation, {k: v for k, v in found.groupdict().items() if v}
    return None


@dataclass(frozen=True)
class RecordedRequest:
    service: str  # the SigV4 signing name, e.g. "dynamodb", "monitoring"
    region: str
    operation: str
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Fault:
    """Answer `operation` (optionally only when `when` holds) with an AWS error."""

    operation: str
    code: str = "AccessDenied"
    status: int = 400
    message: str = "User is not authorized to perform this operation"
    when: Callable[[RecordedRequest], bool] | None = None

    def matches(self, request: RecordedRequest) -> bool:
        return request.operation == self.operation and (self.when is None or self.when(request))


def _cbor_text(value: str) -> bytes:
    data = value.encode()
    if len(data) < 24:
        return bytes([0x60 | len(data)]) + data
    if len(data) < 256:
        return bytes([0x78, len(data)]) + data
    return bytes([0x79]) + len(data).to_bytes(2, "big") + data


def _cbor_map(items: dict[str, str]) -> bytes:
    """A CBOR map of text to text (all smithy-rpc-v2-cbor error bodies need)."""
    out = bytes([0xA0 | len(items)])
    for key, value in items.items():
        out += _cbor_text(key) + _cbor_text(value)
    return out


def identify(method: str, path: str, headers: dict[str, str], body: bytes) -> RecordedRequest:
    auth = headers.get("authorization", "")
    scope = _CREDENTIAL_SCOPE.search(auth)
    region, service = (scope.group(1), scope.group(2)) if scope else ("", "")
    url = urllib.parse.urlsplit(path)
    query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
    params: dict[str, str] = {}
    target = headers.get("x-amz-target")
    cbor = _CBOR_OPERATION.search(url.path)
    if target:
        operation = target.rsplit(".", 1)[-1]
        try:
            loaded = json.loads(body or b"{}")
            params = {k: str(v) for k, v in loaded.items() if isinstance(v, str | int)}
        except ValueError:
            params = {}
    elif cbor:
        operation = cbor.group(1)
    elif "Action" in query or body.startswith(b"Action=") or b"&Action=" in body:
        form = dict(urllib.parse.parse_qsl(body.decode(errors="replace")))
        form.update(query)
        operation = form.get("Action", "")
        params = form
    elif service == "s3" and url.path.startswith("/v20180820/"):
        # S3 Control signs as "s3"; its REST paths carry the API version.
        operation, params = _rest_operation("s3control", method, url.path) or (
            f"{method} {url.path}",
            {},
        )
    elif service == "s3":
        marker = next((m for m in _S3_SUBRESOURCES if m in query), None)
        bucket = url.path.strip("/").split("/", 1)[0]
        params = {"Bucket": bucket} if bucket else {}
        if method in ("GET", "HEAD") and marker:
            operation = _S3_SUBRESOURCES[marker]
        elif method == "GET" and not bucket:
            operation = "ListBuckets"
        else:
            operation = f"{method} {url.path}"
    elif (rest := _rest_operation(service, method, url.path)) is not None:
        operation, params = rest
    else:
        operation = f"{method} {url.path}"
    return RecordedRequest(service, region, operation, method, url.path, params)


def error_response(request: RecordedRequest, fault: Fault) -> tuple[int, dict[str, str], bytes]:
    """An error body in the protocol the service speaks, as botocore parses it."""
    protocol = _protocol(request.service)
    if protocol == "json":
        body = json.dumps({"__type": f"com.amazonaws#{fault.code}", "message": fault.message})
        return fault.status, {"Content-Type": "application/x-amz-json-1.0"}, body.encode()
    if protocol == "rest-json":
        body = json.dumps({"message": fault.message})
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": fault.code}
        return fault.status, headers, body.encode()
    if protocol == "ec2":
        body = (
            f"<Response><Errors><Error><Code>{fault.code}</Code><Message>{fault.message}"
            "</Message></Error></Errors><RequestID>proxy</RequestID></Response>"
        )
        return fault.status, {"Content-Type": "text/xml"}, body.encode()
    if request.service == "monitoring":
        return (
            fault.status,
            {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"},
            _cbor_map({"__type": f"com.amazonaws#{fault.code}", "message": fault.message}),
        )
    if request.service == "s3":
        body = (
            f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{fault.code}</Code>"
            f"<Message>{fault.message}</Message><RequestId>proxy</RequestId></Error>"
        )
        return fault.status, {"Content-Type": "application/xml"}, body.encode()
    body = (
        "<ErrorResponse><Error><Type>Sender</Type>"
        f"<Code>{fault.code}</Code><Message>{fault.message}</Message></Error>"
        "<RequestId>proxy</RequestId></ErrorResponse>"
    )
    return fault.status, {"Content-Type": "text/xml"}, body.encode()


def shaped_error(
    request: RecordedRequest, headers: dict[str, str], fault: Fault
) -> tuple[int, dict[str, str], bytes]:
    """An error in the protocol the request itself was sent in: botocore may speak JSON or
    CBOR to a service whose model lists several protocols (CloudWatch)."""
    if "x-amz-target" in headers:
        body = json.dumps({"__type": f"com.amazonaws#{fault.code}", "message": fault.message})
        content_type = headers.get("content-type", "application/x-amz-json-1.0")
        return fault.status, {"Content-Type": content_type}, body.encode()
    if _CBOR_OPERATION.search(request.path):
        return (
            fault.status,
            {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"},
            _cbor_map({"__type": f"com.amazonaws#{fault.code}", "message": fault.message}),
        )
    return error_response(request, fault)


def send_reply(
    handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], payload: bytes
) -> None:
    """Answer the client with `payload`, framed by our own Content-Length."""
    handler.send_response(status)
    for name, value in headers.items():
        if name.lower() not in ("content-length", "transfer-encoding", "connection"):
            handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(payload)


def forward(
    handler: BaseHTTPRequestHandler, upstream_port: int, body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Send the client's request on to the server on 127.0.0.1:`upstream_port` as it came."""
    upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
    try:
        upstream.putrequest(
            handler.command, handler.path, skip_host=True, skip_accept_encoding=True
        )
        for name, value in handler.headers.items():
            if name.lower() not in ("content-length", "connection"):
                upstream.putheader(name, value)
        upstream.putheader("Content-Length", str(len(body)))
        upstream.endheaders(body)
        answer = upstream.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        upstream.close()


class LoopbackProxy:
    """A threaded HTTP server on 127.0.0.1 in front of the server on `upstream_port`: each
    request is read, identified, and handed to `relay`, which answers it."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def relay(
        self,
        handler: BaseHTTPRequestHandler,
        request: RecordedRequest,
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                return

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                proxy.relay(self, identify(self.command, self.path, headers, body), headers, body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _relay

        return Handler


class AwsProxy(LoopbackProxy):
    """Records every request, answers those a `Fault` matches with its error, forwards the
    rest (after `latency` seconds)."""

    def __init__(
        self, upstream_port: int, faults: list[Fault] | None = None, latency: float = 0.0
    ) -> None:
        super().__init__(upstream_port)
        self.faults = list(faults or [])
        self.latency = latency
        self.requests: list[RecordedRequest] = []

    def operations(self) -> set[str]:
        with self._lock:
            return {f"{r.service}:{r.operation}" for r in self.requests}

    def relay(
        self,
        handler: BaseHTTPRequestHandler,
        request: RecordedRequest,
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        with self._lock:
            self.requests.append(request)
        if self.latency:
            time.sleep(self.latency)
        fault = next((f for f in self.faults if f.matches(request)), None)
        if fault is not None:
            status, out_headers, payload = shaped_error(request, headers, fault)
        else:
            status, out_headers, payload = forward(handler, self.upstream_port, body)
        send_reply(handler, status, out_headers, payload)
