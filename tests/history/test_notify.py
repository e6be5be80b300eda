"""`auditor notify` through the real CLI against a webhook on 127.0.0.1: retries on 429 and
5xx, a permanent failure is exit 5 with one line, and the URL never shows."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from auditor.diff import stamp_first_seen
from auditor.report.json import render_json
from tests.e2e.conftest import run_auditor
from tests.report_factory import IMG_XSS, sample_report

SECRET = "T000/B000/XXXXsecretXXXX"


class Webhook:
    """Answers each POST with the next status of `answers` (the last one repeats)."""

    def __init__(self, answers: list[int]) -> None:
        self.answers = answers
        self.bodies: list[dict[str, Any]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                hook.bodies.append(json.loads(self.rfile.read(length)))
                status = hook.answers[min(len(hook.bodies), len(hook.answers)) - 1]
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/{SECRET}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def report_path(tmp_path: Path) -> Path:
    path = tmp_path / "auditor-report.json"
    path.write_text(render_json(stamp_first_seen(sample_report())))
    return path


@pytest.fixture
def hook(request: pytest.FixtureRequest) -> Iterator[Webhook]:
    server = Webhook(request.param)
    yield server
    server.close()


def notify(tmp_path: Path, report: Path, url: str, *extra: str) -> Any:
    return run_auditor(tmp_path, "notify", str(report), "--webhook", url, *extra)


@pytest.mark.parametrize("hook", [[429, 200]], indirect=True)
def test_a_429_is_retried_and_the_second_post_lands(
    tmp_path: Path, report_path: Path, hook: Webhook
) -> None:
    before = report_path.read_bytes()
    result = notify(tmp_path, report_path, hook.url)
    assert result.code == 0, result.stderr
    assert len(hook.bodies) == 2 and hook.bodies[0] == hook.bodies[1]
    text = hook.bodies[1]["text"]
    # no baseline: every FAIL is new; at or above high: the critical and the high one
    assert text.splitlines()[0].startswith("auditor 123456789012: 2 new FAIL(s) at or above high")
    assert (
        text.splitlines()[1]
        == "• critical iam_policy_no_full_admin AdminAll (123456789012 global, unowned)"
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and IMG_XSS not in text
    assert SECRET not in result.stdout + result.stderr
    assert report_path.read_bytes() == before


@pytest.mark.parametrize("hook", [[404]], indirect=True)
def test_a_refused_post_is_exit_5_in_one_line_without_the_url(
    tmp_path: Path, report_path: Path, hook: Webhook
) -> None:
    before = report_path.read_bytes()
    result = notify(tmp_path, report_path, hook.url)
    assert result.code == 5
    assert (
        result.stderr.strip()
        == "auditor: notify failed: the webhook answered HTTP 404; nothing was posted"
    )
    assert len(hook.bodies) == 1  # a 404 is not retried
    assert SECRET not in result.stdout + result.stderr
    assert report_path.read_bytes() == before


@pytest.mark.parametrize("hook", [[503]], indirect=True)
def test_a_webhook_failing_for_good_is_retried_then_exit_5(
    tmp_path: Path, report_path: Path, hook: Webhook
) -> None:
    result = notify(tmp_path, report_path, hook.url, "--format", "teams")
    assert result.code == 5
    assert "HTTP 503" in result.stderr and len(result.stderr.splitlines()) == 1
    assert len(hook.bodies) == 5
    card = hook.bodies[0]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    texts = [block["text"] for block in card["content"]["body"]]
    assert len(texts) == 3  # the title, the critical and the high one
    assert texts[1].startswith("- critical iam\\_policy\\_no\\_full\\_admin AdminAll")
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("hook", [[200]], indirect=True)
def test_nothing_new_at_the_threshold_posts_nothing(
    tmp_path: Path, report_path: Path, hook: Webhook
) -> None:
    # the sample report's FAILs are critical, high and low: nothing new is critical but one
    result = notify(tmp_path, report_path, hook.url, "--min-severity", "critical")
    assert result.code == 0 and len(hook.bodies) == 1
    assert "1 new FAIL(s) at or above critical" in hook.bodies[0]["text"]
    baseline_of_itself = run_auditor(
        tmp_path,
        "report",
        str(report_path),
        "--baseline",
        str(report_path),
        "--format",
        "json",
        "--output-dir",
        str(tmp_path / "again"),
        "--fail-on",
        "none",
    )
    assert baseline_of_itself.code in (0, 3), baseline_of_itself.stderr
    quiet = notify(tmp_path, tmp_path / "again" / "auditor-report.json", hook.url)
    assert quiet.code == 0 and "nothing new at or above high; nothing posted" in quiet.stdout
    assert len(hook.bodies) == 1


def test_a_plain_http_webhook_elsewhere_is_refused(tmp_path: Path, report_path: Path) -> None:
    result = notify(tmp_path, report_path, f"http://hooks.example.com/services/{SECRET}")
    assert result.code == 2 and "https://" in result.stderr and SECRET not in result.stderr
