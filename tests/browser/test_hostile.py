"""The HTML report of a hostile account in headless Chromium: every string an account owner
controls (resource ids, ARNs, tags, messages, evidence, failed-read messages) carries script,
markup, `javascript:` links, direction overrides or 10,000 characters, and all of it is shown
as inert text: no dialog, no script, no request, no element it smuggled in."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from auditor.findings import Finding, Report, ResourceRef, Status
from tests.report_factory import make_error, make_finding, make_report

from .conftest import OpenedReport

pytestmark = pytest.mark.browser

OpenReport = Callable[..., OpenedReport]

MARK = "window.__pwned = (window.__pwned || 0) + 1"
PAYLOADS = {
    "script": f"<script>{MARK}</script>",
    "script-break": f"</script><script>{MARK}</script>",
    "img-onerror": f'<img src=x onerror="{MARK}">',
    "svg-onload": f"<svg onload='{MARK}'></svg>",
    "attribute-break": f'" autofocus onfocus="{MARK}" x=\'',
    "javascript-link": f"javascript:{MARK}",
    "anchor": f'<a href="javascript:{MARK}" id="smuggled">click</a>',
    "iframe": '<iframe src="https://attacker.example/"></iframe>',
    "style-fetch": "<style>body{background:url(https://attacker.example/x.png)}</style>",
    "template-literal": "${alert(1)}{{constructor.constructor('alert(1)')()}}",
    "bidi": "invoice\u202egnp.exe\u202c \u2066\u2067rtl\u2069",
    "nul-and-controls": "a\u0000b\u0008c\u001bd",
    "json-break": '"}]}</script><script>alert(7)</script>',
    "long": "A" * 9_990 + "<b>END</b>",
}


def _hostile_findings() -> list[Finding]:
    findings = []
    for name, payload in PAYLOADS.items():
        finding = make_finding(
            "rds_instance_multi_az",
            Status.FAIL,
            payload,
            region="us-east-1",
            message=f"DB instance {payload} runs in a single AZ ({name})",
            evidence={"name": payload, "nested": {"list": [payload, {payload: payload}]}},
            arn=payload if name == "javascript-link" else f"arn:aws:rds:us-east-1:1:db:{payload}",
        )
        tagged = finding.resource.model_copy(update={"tags": {payload: payload, "kind": name}})
        findings.append(finding.model_copy(update={"resource": tagged}))
        findings.append(
            make_finding(
                "cloudwatch_alarm_has_action",
                Status.PASS,
                f"alarm-{name}-{payload}",
                message=f"Alarm {payload} notifies someone",
            )
        )
    return findings


def _report() -> Report:
    errors = [
        make_error(message=f"denied {payload}", resource_id=payload, operation=f"Describe{name}")
        for name, payload in PAYLOADS.items()
    ]
    return make_report(_hostile_findings(), errors)


def _assert_inert(opened: OpenedReport) -> None:
    page = opened.page
    assert page.evaluate("window.__pwned === undefined"), "an injected script ran"
    assert page.locator("#smuggled").count() == 0
    assert page.locator("img, iframe, svg[onload], a[href^='javascript']").count() == 0
    assert page.locator("#findings script, #findings style").count() == 0
    opened.assert_quiet()


def test_hostile_strings_render_as_inert_text(open_report: OpenReport) -> None:
    opened = open_report(_report())
    page = opened.page
    page.wait_for_load_state("load")
    text = page.locator("body").inner_text()
    for name in ("script", "img-onerror", "anchor", "iframe", "bidi"):
        assert PAYLOADS[name] in text, f"{name} is not shown as its own text"
    assert "A" * 1000 in text  # the long id is there, as text
    # Everything a user can touch: hover every cell, open every details, click every link
    # and button the report itself drew, type into every text field.
    # (Each list is asserted non-empty: a renamed selector must not turn this into no test.)
    cells = page.locator("#findings td").all()[:400]
    summaries = page.locator("summary").all()
    fields = page.locator("input[type=search], input[type=text]").all()
    assert cells and summaries and fields
    for cell in cells:
        cell.hover()
    for summary in summaries:
        summary.click()
    for field in fields:
        field.fill(PAYLOADS["img-onerror"])
        field.fill("")
    _assert_inert(opened)


def test_hostile_tags_and_arns_are_not_links(open_report: OpenReport) -> None:
    opened = open_report(_report())
    hrefs = opened.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert not any(h.lower().lstrip().startswith("javascript:") for h in hrefs), hrefs
    assert not any("attacker.example" in h for h in hrefs), hrefs
    _assert_inert(opened)


def test_every_resource_field_round_trips_exactly(open_report: OpenReport) -> None:
    # A resource id with markup is shown exactly as AWS returned it, not escaped twice.
    report = make_report(
        [
            make_finding(
                "rds_instance_multi_az",
                Status.FAIL,
                PAYLOADS["img-onerror"],
                message="single AZ",
            ).model_copy(
                update={
                    "resource": ResourceRef(
                        id=PAYLOADS["img-onerror"], type="AWS::RDS::DBInstance", tags=None
                    )
                }
            )
        ]
    )
    opened = open_report(report)
    rid = opened.page.locator("#check-rds_instance_multi_az tr.finding .rid").first.inner_text()
    assert rid == PAYLOADS["img-onerror"]
    _assert_inert(opened)


# --- A hostile account scanned end to end ----------------------------------------------------

HOSTILE_NAME = f'</script><img src=x onerror="{MARK}">\u202etxt.exe'
LONG_NAME = "L" * 10_000 + "<script>" + MARK + "</script>"
POLICIES = {
    # One statement object, a mixed-case action. (A missing Version is refused by moto's
    # CreatePolicy; the property tests of checks/iam_policy.py cover it.)
    "single-object": {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "S3:*", "Resource": "*"},
    },
    # Everything but IAM, by exclusion.
    "not-action": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}],
    },
    # Every action on all but a few resources, under a condition.
    "not-resource-conditional": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "x</script>",
                "Effect": "Allow",
                "Action": "*",
                "NotResource": ["arn:aws:s3:::vault/*"],
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            }
        ],
    },
    # Near the 6,144-character limit of a managed policy, granting nothing broad.
    "at-the-size-limit": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [f"s3:GetObjectVersionTagging{i:04d}" for i in range(180)],
                "Resource": "arn:aws:s3:::bucket/*",
            }
        ],
    },
}


def _seed_hostile_account(port: int) -> None:
    from tests.e2e.conftest import moto_client

    iam = moto_client(port, "iam")
    for name, document in POLICIES.items():
        iam.create_policy(
            PolicyName=name, PolicyDocument=json.dumps(document), Description=HOSTILE_NAME
        )
    moto_client(port, "cloudwatch").put_metric_alarm(
        AlarmName=HOSTILE_NAME,
        AlarmDescription=LONG_NAME,
        Namespace="AWS/SQS",
        MetricName="ApproximateAgeOfOldestMessage",
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
    )
    moto_client(port, "sqs").create_queue(
        QueueName="hostile-tags", tags={"<b>k</b>": HOSTILE_NAME, "javascript:": LONG_NAME[:256]}
    )
    moto_client(port, "apigateway").create_rest_api(name=LONG_NAME, description=HOSTILE_NAME)
    ec2 = moto_client(port, "ec2")
    ec2.create_security_group(GroupName="hostile", Description=HOSTILE_NAME)


@pytest.mark.e2e
def test_a_hostile_account_scans_and_its_report_is_inert(browser: Browser, tmp_path: Path) -> None:
    from tests.e2e.conftest import moto_server, run_auditor

    with moto_server(tmp_path / "server.log") as port:
        _seed_hostile_account(port)
        result = run_auditor(
            tmp_path,
            "scan",
            "--region",
            "us-east-1",
            "--endpoint-url",
            f"http://127.0.0.1:{port}",
            "--output-dir",
            str(tmp_path / "out"),
            "--fail-on",
            "none",
        )

    assert result.code == 0, result.stderr
    assert result.report["errors"] == []
    at_limit = json.dumps(POLICIES["at-the-size-limit"], separators=(",", ":"))
    assert 6000 < len(at_limit) <= 6144  # a managed policy's limit, whitespace aside
    verdicts = {
        (f["check_id"], f["resource"]["id"]): f["status"]
        for f in result.report["findings"]
        if f["check_id"].startswith("iam_policy_")
    }
    assert verdicts[("iam_policy_no_service_wildcard", "single-object")] == "FAIL"
    assert verdicts[("iam_policy_no_service_wildcard", "not-action")] == "FAIL"
    assert verdicts[("iam_policy_no_full_admin", "not-resource-conditional")] == "FAIL"
    assert verdicts[("iam_policy_no_full_admin", "at-the-size-limit")] == "PASS"
    assert verdicts[("iam_policy_no_service_wildcard", "at-the-size-limit")] == "PASS"
    ids = {f["resource"]["id"] for f in result.report["findings"]}
    assert HOSTILE_NAME in ids  # the alarm, named as AWS returned it

    html = tmp_path / "out" / "auditor-report.html"
    context = browser.new_context()
    try:
        page = context.new_page()
        opened = OpenedReport(page, html.as_uri())
        page.on("console", lambda m: m.type == "error" and opened.console_errors.append(m.text))
        page.on("pageerror", lambda error: opened.page_errors.append(str(error)))
        page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda request: opened.requests.append(request.url))
        page.goto(opened.url)
        assert HOSTILE_NAME in page.locator("body").inner_text()
        summaries = page.locator("summary").all()
        assert summaries
        for summary in summaries:
            summary.click()
        _assert_inert(opened)
    finally:
        context.close()
