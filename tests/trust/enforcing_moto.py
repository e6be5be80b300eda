"""The seeded moto server of the end-to-end tests, with one fix to moto's IAM enforcement.

moto (5.2) verifies a SigV4 signature by re-signing the request, and for a REST GET without a
body (Lambda `ListFunctions`, API Gateway `GetRestApis`) it signs its parsed `data` (there: the
request headers) in place of the empty body, so every such call fails with
SignatureDoesNotMatch whatever the policy says. AWS signs the empty body; so does this server.

The auditor reaches S3 Control on a custom endpoint by dropping the `<account id>.` label botocore
puts in front of the host (auditor/session.py): the request was signed for the labelled host, so
the check here re-signs S3 Control requests (path `/v20180820/…`) for that host, as AWS would see
it.

The product is not changed for this: only the stand-in's signature check is.

    python -m tests.trust.enforcing_moto PORT READY_FILE [--seed]
"""

from __future__ import annotations

import sys
from typing import Any

from botocore.awsrequest import AWSRequest
from moto.iam import access_control

from tests.support import seeded_moto

_original = access_control.IAMRequestBase._create_aws_request


def _create_aws_request(self: Any) -> AWSRequest:
    request: AWSRequest = _original(self)
    if not self._body and self._method in ("GET", "HEAD", "DELETE"):
        request.data = b""
    account = self._headers.get("x-amz-account-id")
    if self._path.startswith("/v20180820/") and account and "host" in request.headers:
        host = request.headers["host"]
        del request.headers["host"]
        request.headers["host"] = f"{account}.{host}"
    return request


access_control.IAMRequestBase._create_aws_request = _create_aws_request  # type: ignore[method-assign]

if __name__ == "__main__":
    seeded_moto.main(sys.argv[1:])
