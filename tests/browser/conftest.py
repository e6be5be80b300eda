"""Headless Chromium for the HTML report: one browser per module, a recorded page per test.

The page records everything that would betray a broken report: console errors (a CSP
violation lands there), uncaught exceptions, dialogs (an injected alert) and every request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, sync_playwright

from auditor.findings import Report
from auditor.report.html import render_html
from tests.support import chromium

# The fragment that shows every status (the page hides PASS rows until asked).
ALL_STATUSES = "status=FAIL,ERROR,PASS"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class OpenedReport:
    page: Page
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def assert_quiet(self) -> None:
        """No error, no dialog, and nothing fetched but the report file itself."""
        assert self.console_errors == []
        assert self.page_errors == []
        assert self.dialogs == []
        assert self.requests == [self.url]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        # The same finder `make test` ran (and installed with) before any test.
        machine = chromium.this_machine(lambda: playwright.chromium.executable_path)
        try:
            path, problem = chromium.find(machine), chromium.MISSING
        except chromium.NoChromium as exc:
            path, problem = None, str(exc)
        if path is None:
            pytest.fail(problem)
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _dismiss(record: list[str]) -> Callable[[Dialog], None]:
    def on_dialog(dialog: Dialog) -> None:
        record.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    return on_dialog


@pytest.fixture
def open_report(browser: Browser, tmp_path: Path) -> Iterator[Callable[..., OpenedReport]]:
    """Render a report to a file and open it as file:// in a fresh, recorded page, with an
    optional URL fragment (filters) and viewport (width, height, device scale factor)."""
    contexts = []

    def open_(
        report: Report,
        fragment: str = "",
        viewport: tuple[int, int, float] = (1280, 900, 1),
    ) -> OpenedReport:
        path = tmp_path / "auditor-report.html"
        path.write_text(render_html(report), encoding="utf-8")
        width, height, scale = viewport
        context = browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=scale
        )
        contexts.append(context)
        page = context.new_page()
        opened = OpenedReport(page, path.as_uri())

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                opened.console_errors.append(message.text)

        def on_request(request: Request) -> None:
            opened.requests.append(request.url)

        page.on("console", on_console)
        page.on("pageerror", lambda error: opened.page_errors.append(str(error)))
        page.on("dialog", _dismiss(opened.dialogs))
        page.on("request", on_request)
        page.goto(opened.url + (f"#{fragment}" if fragment else ""))
        return opened

    yield open_
    for context in contexts:
        context.close()
