"""Finds the Chromium the browser tests drive, and installs one when none is there.

In this order: the binary `AUDITOR_CHROMIUM` names (an explicit choice: if it is missing that is
the answer, nothing else is tried); `chromium` on the PATH (Debian's /usr/bin/chromium);
Playwright's own download. With none of them, Debian's `chromium` package is installed with
apt-get when this user may (root, or passwordless `sudo -n`), else `playwright install
chromium` is tried. When nothing works: one line saying what to install, exit 1.

    python -m tests.support.chromium    # `make test` runs it before any test

tests/browser/conftest.py calls `find` (never installs), so it launches what this found.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

ENV = "AUDITOR_CHROMIUM"
MISSING = (
    "no Chromium for the browser tests: install Debian's chromium (apt-get install chromium), "
    f"run `.venv/bin/playwright install chromium`, or set {ENV} to a Chromium or Chrome binary"
)


class NoChromium(Exception):
    """No usable Chromium; the message is the one line to show."""


@dataclass(frozen=True)
class System:
    """What the finder asks of the machine, so tests can stand in for each part."""

    env: Mapping[str, str]
    is_executable: Callable[[str], bool]
    which: Callable[[str], str | None]
    # The binary Playwright launches when it installed its own (it may not exist yet).
    playwright_chromium: Callable[[], str | None]
    # Runs a command, its output dropped (the finder says what it runs); True when it exits 0.
    run: Callable[[Sequence[str]], bool]
    is_root: bool


def find(system: System) -> str | None:
    """The Chromium to launch, or None; raises NoChromium when AUDITOR_CHROMIUM is wrong."""
    explicit = system.env.get(ENV)
    if explicit:
        if system.is_executable(explicit):
            return explicit
        raise NoChromium(
            f"{ENV}={explicit} is not an executable file: point it at a Chromium or Chrome "
            "binary, or unset it to use (or install) Debian's or Playwright's"
        )
    for candidate in (system.which("chromium"), system.playwright_chromium()):
        if candidate and system.is_executable(candidate):
            return candidate
    return None


def _installs(system: System) -> Iterator[list[list[str]]]:
    """Each way to install Chromium this user may try, best first, as its commands."""
    if system.which("apt-get"):
        sudo = [] if system.is_root else ["sudo", "-n"]
        if system.is_root or (system.which("sudo") and system.run([*sudo, "true"])):
            apt = [*sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
            yield [[*apt, "update", "-qq"], [*apt, "install", "-y", "-qq", "chromium"]]
    yield [[sys.executable, "-m", "playwright", "install", "chromium"]]


def ensure(system: System, say: Callable[[str], None]) -> str:
    """The Chromium to launch, installing one if need be; raises NoChromium."""
    found = find(system)
    if found:
        return found
    for commands in _installs(system):
        say(f"chromium: not found; installing: {' '.join(commands[-1])}")
        if all(system.run(command) for command in commands):
            found = find(system)
            if found:
                return found
    raise NoChromium(MISSING)


def _playwright_chromium() -> str | None:
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            path: str = playwright.chromium.executable_path
            return path
    except Error:
        return None


def _run(command: Sequence[str]) -> bool:
    try:
        done = subprocess.run(
            command,
            check=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return False
    return done.returncode == 0


def this_machine(playwright_chromium: Callable[[], str | None] = _playwright_chromium) -> System:
    return System(
        env=os.environ,
        is_executable=lambda path: os.path.isfile(path) and os.access(path, os.X_OK),
        which=shutil.which,
        playwright_chromium=playwright_chromium,
        run=_run,
        is_root=hasattr(os, "geteuid") and os.geteuid() == 0,
    )


def main() -> int:
    try:
        path = ensure(this_machine(), lambda line: print(line, file=sys.stderr, flush=True))
    except NoChromium as exc:
        print(f"make test: {exc}", file=sys.stderr)
        return 1
    print(f"chromium: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
