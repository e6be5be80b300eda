"""The browser tests' Chromium finder decides in order, on a stand-in machine: nothing here looks
at the real files or runs apt-get."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from tests.support import chromium

PLAYWRIGHTS = "/home/dev/.cache/ms-playwright/chromium-1200/chrome-linux/chrome"
APT = ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
APT_COMMANDS = [[*APT, "update", "-qq"], [*APT, "install", "-y", "-qq", "chromium"]]
PLAYWRIGHT_INSTALL = [sys.executable, "-m", "playwright", "install", "chromium"]


@dataclass
class Machine:
    """Files that exist, programs on the PATH, and what each command does when run."""

    files: set[str] = field(default_factory=set)
    programs: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    root: bool = False
    # command (joined) -> (exit ok, files it creates, programs it puts on the PATH)
    effects: dict[str, tuple[bool, set[str], dict[str, str]]] = field(default_factory=dict)
    ran: list[list[str]] = field(default_factory=list)
    said: list[str] = field(default_factory=list)

    def run(self, command: Sequence[str]) -> bool:
        self.ran.append(list(command))
        ok, files, programs = self.effects.get(" ".join(command), (False, set(), {}))
        self.files |= files
        self.programs.update(programs)
        return ok

    def system(self) -> chromium.System:
        return chromium.System(
            env=self.env,
            is_executable=lambda path: path in self.files,
            which=self.programs.get,
            playwright_chromium=lambda: PLAYWRIGHTS,
            run=self.run,
            is_root=self.root,
        )

    def ensure(self) -> str:
        return chromium.ensure(self.system(), self.said.append)


def debian() -> Machine:
    """A Debian machine without Chromium, apt-get on the PATH."""
    return Machine(programs={"apt-get": "/usr/bin/apt-get", "sudo": "/usr/bin/sudo"})


def apt_installs(machine: Machine, prefix: Sequence[str] = ()) -> None:
    for command in APT_COMMANDS:
        installs = command[-1] == "chromium"
        machine.effects[" ".join([*prefix, *command])] = (
            True,
            {"/usr/bin/chromium"} if installs else set(),
            {"chromium": "/usr/bin/chromium"} if installs else {},
        )


def test_auditor_chromium_comes_first_and_nothing_is_run() -> None:
    machine = debian()
    machine.env["AUDITOR_CHROMIUM"] = "/opt/chrome/chrome"
    machine.files |= {"/opt/chrome/chrome", "/usr/bin/chromium", PLAYWRIGHTS}
    machine.programs["chromium"] = "/usr/bin/chromium"

    assert machine.ensure() == "/opt/chrome/chrome"
    assert machine.ran == []


def test_a_missing_auditor_chromium_is_one_line_even_with_chromium_installed() -> None:
    machine = debian()
    machine.env["AUDITOR_CHROMIUM"] = "/opt/nowhere/chrome"
    machine.files.add("/usr/bin/chromium")
    machine.programs["chromium"] = "/usr/bin/chromium"

    with pytest.raises(chromium.NoChromium) as raised:
        machine.ensure()

    assert str(raised.value).startswith("AUDITOR_CHROMIUM=/opt/nowhere/chrome is not an exec")
    assert "\n" not in str(raised.value)
    assert machine.ran == []


def test_chromium_on_the_path_comes_before_playwrights() -> None:
    machine = debian()
    machine.files |= {"/usr/bin/chromium", PLAYWRIGHTS}
    machine.programs["chromium"] = "/usr/bin/chromium"

    assert machine.ensure() == "/usr/bin/chromium"
    assert machine.ran == []


def test_playwrights_own_chromium_is_used_when_installed() -> None:
    machine = debian()
    machine.files.add(PLAYWRIGHTS)

    assert machine.ensure() == PLAYWRIGHTS
    assert machine.ran == []


def test_root_installs_debians_chromium_with_apt_get_without_sudo() -> None:
    machine = debian()
    machine.root = True
    apt_installs(machine)

    assert machine.ensure() == "/usr/bin/chromium"
    assert machine.ran == APT_COMMANDS
    assert machine.said == [f"chromium: not found; installing: {' '.join(APT_COMMANDS[-1])}"]


def test_passwordless_sudo_installs_with_apt_get_through_sudo() -> None:
    machine = debian()
    machine.effects["sudo -n true"] = (True, set(), {})
    apt_installs(machine, ["sudo", "-n"])

    assert machine.ensure() == "/usr/bin/chromium"
    assert machine.ran == [["sudo", "-n", "true"], *(["sudo", "-n", *c] for c in APT_COMMANDS)]


def test_without_root_or_passwordless_sudo_playwright_installs_its_own() -> None:
    machine = debian()  # `sudo -n true` fails: a password is needed
    machine.effects[" ".join(PLAYWRIGHT_INSTALL)] = (True, {PLAYWRIGHTS}, {})

    assert machine.ensure() == PLAYWRIGHTS
    assert machine.ran == [["sudo", "-n", "true"], PLAYWRIGHT_INSTALL]


def test_a_failed_apt_install_falls_back_to_playwright() -> None:
    machine = debian()
    machine.root = True
    machine.effects[" ".join(APT_COMMANDS[0])] = (True, set(), {})  # update works, install fails
    machine.effects[" ".join(PLAYWRIGHT_INSTALL)] = (True, {PLAYWRIGHTS}, {})

    assert machine.ensure() == PLAYWRIGHTS
    assert machine.ran == [*APT_COMMANDS, PLAYWRIGHT_INSTALL]


def test_without_apt_get_only_playwright_is_tried() -> None:
    machine = Machine()  # macOS, say: no apt-get
    machine.effects[" ".join(PLAYWRIGHT_INSTALL)] = (True, {PLAYWRIGHTS}, {})

    assert machine.ensure() == PLAYWRIGHTS
    assert machine.ran == [PLAYWRIGHT_INSTALL]


def test_when_nothing_works_it_is_one_line_saying_what_to_install() -> None:
    machine = debian()
    machine.root = True  # apt-get and playwright both fail (no network, say)

    with pytest.raises(chromium.NoChromium) as raised:
        machine.ensure()

    assert str(raised.value) == chromium.MISSING
    assert "apt-get install chromium" in chromium.MISSING
    assert "playwright install chromium" in chromium.MISSING
    assert "AUDITOR_CHROMIUM" in chromium.MISSING
    assert "\n" not in chromium.MISSING
    assert machine.ran == [APT_COMMANDS[0], PLAYWRIGHT_INSTALL]


def test_a_command_that_succeeds_but_leaves_no_chromium_is_not_taken_for_one() -> None:
    machine = debian()
    machine.root = True
    for command in [*APT_COMMANDS, PLAYWRIGHT_INSTALL]:
        machine.effects[" ".join(command)] = (True, set(), {})

    with pytest.raises(chromium.NoChromium):
        machine.ensure()
    assert machine.ran == [*APT_COMMANDS, PLAYWRIGHT_INSTALL]


def test_main_prints_one_line_and_exits_1_when_nothing_works(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    machine = Machine()
    monkeypatch.setattr(chromium, "this_machine", machine.system)

    assert chromium.main() == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[-1] == f"make test: {chromium.MISSING}"
    assert machine.ran == [PLAYWRIGHT_INSTALL]
