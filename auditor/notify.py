"""`auditor notify`: post what is new in a report to a chat webhook (Slack-compatible JSON, or
Microsoft Teams' Adaptive Card message), retrying 429 and 5xx answers with backoff.

The webhook URL carries its own credential, so it is never printed, logged or written: every
error names the answer or the failure class, never the URL."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import urllib3
from urllib3.util.retry import Retry

from auditor.diff import new_failures
from auditor.errors import AuditorError, UsageError
from auditor.findings import Finding, Report, Severity, Status

EXIT_NOTIFY_FAILED = 5
FORMATS = ("slack", "teams")
LISTED = 10
ATTEMPTS = 5
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_SEVERITIES = sorted(Severity, key=lambda s: s.rank, reverse=True)


class NotifyError(AuditorError):
    """The webhook could not be reached or refused the message (exit 5)."""


@dataclass(frozen=True)
class Message:
    title: str
    lines: list[str]  # one per new finding, then "… and N more"


def check_webhook(url: str) -> str:
    """An https URL (http only to this machine, for tests and local relays)."""
    parts = urlsplit(url)
    loopback = parts.hostname in _LOOPBACK
    if not parts.hostname or not (parts.scheme == "https" or (parts.scheme == "http" and loopback)):
        raise UsageError("--webhook must be an https:// URL (the URL itself is not shown)")
    return url


def message(report: Report, threshold: Severity) -> Message | None:
    """What to post: the unmuted FAILs at or above `threshold` that are new since the
    report's baseline (every FAIL without one); None when there is nothing new."""
    new = sorted(
        new_failures(report.findings, threshold),
        key=lambda f: (-f.severity.rank, f.check_id, f.account_id, f.resource.id),
    )
    if not new:
        return None
    open_fails = sum(1 for f in report.findings if f.status is Status.FAIL and not f.muted)
    since = f"since {report.baseline.started_at:%Y-%m-%d}" if report.baseline else "(no baseline)"
    accounts = report.scan.accounts
    who = accounts[0] if len(accounts) == 1 else f"{len(accounts)} accounts"
    title = (
        f"auditor {who}: {len(new)} new FAIL(s) at or above {threshold.value} {since}; "
        f"{open_fails} open, {len(report.fixed)} fixed"
    )
    lines = [_line(f) for f in new[:LISTED]]
    if len(new) > LISTED:
        lines.append(f"… and {len(new) - LISTED} more in the report")
    return Message(title, lines)


def _line(f: Finding) -> str:
    owner = f.owner or "unowned"
    return f"{f.severity.value} {f.check_id} {f.resource.id} ({f.account_id} {f.region}, {owner})"


_SLACK_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&])")


def _slack(text: str) -> str:
    # Slack reads <...> as links and mentions; these three escapes are all it needs.
    return "".join(_SLACK_ESCAPES.get(c, c) for c in text)


def slack_body(msg: Message) -> dict[str, Any]:
    text = _slack(msg.title) + "\n" + "\n".join("• " + _slack(line) for line in msg.lines)
    return {"text": text, "mrkdwn": False}


def teams_body(msg: Message) -> dict[str, Any]:
    """A Workflows (Power Automate) webhook message with one Adaptive Card."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": _MARKDOWN.sub(r"\\\1", msg.title),
            "weight": "Bolder",
            "wrap": True,
        }
    ]
    blocks += [
        {
            "type": "TextBlock",
            "text": "- " + _MARKDOWN.sub(r"\\\1", line),
            "wrap": True,
            "spacing": "None",
        }
        for line in msg.lines
    ]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": blocks,
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def post(url: str, body: dict[str, Any], *, backoff: float = 0.5) -> int:
    """POST `body` as JSON; retried on 429 and 5xx (honouring Retry-After) and on connection
    failures. The final HTTP status, or NotifyError."""
    retry = Retry(
        total=ATTEMPTS - 1,
        backoff_factor=backoff,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    http = urllib3.PoolManager(retries=retry, timeout=urllib3.Timeout(connect=10, read=30))
    try:
        response = http.request(
            "POST",
            url,
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            redirect=False,
        )
    except urllib3.exceptions.HTTPError as exc:
        reason = getattr(exc, "reason", None) or exc
        raise NotifyError(
            f"could not reach the webhook after {ATTEMPTS} attempts ({type(reason).__name__})"
        ) from None
    if not 200 <= response.status < 300:
        raise NotifyError(f"the webhook answered HTTP {response.status}; nothing was posted")
    return response.status


def notify(report: Report, url: str, fmt: str, threshold: Severity) -> Message | None:
    """Post the new findings, if any; the message posted (None: nothing new)."""
    msg = message(report, threshold)
    if msg is not None:
        post(url, teams_body(msg) if fmt == "teams" else slack_body(msg))
    return msg
