"""The console of `make run`: every process's lines on one clock (Asia/Seoul, offset shown), and
the demo history's progress where the output is not a terminal."""

from __future__ import annotations

import datetime
import io
import re
import time

import pytest
from honcho.printer import Message
from rich.console import Console

from config.launch_console import ConsolePrinter, LaunchConsole, clock


@pytest.fixture
def seoul(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Seoul")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def plain_console(width: int = 0) -> tuple[LaunchConsole, io.StringIO]:
    out = io.StringIO()
    return LaunchConsole(Console(file=out, width=200, color_system=None), width=width), out


def test_the_clock_shows_seoul_time_with_its_offset(seoul):
    utc_noon = datetime.datetime(2026, 12, 1, 3, 0, 5, tzinfo=datetime.UTC)

    assert clock(utc_noon) == "12:00:05+09:00"


def test_every_process_line_gets_the_same_clock_and_the_process_name(seoul):
    console, out = plain_console(width=9)
    printer = ConsolePrinter(console)
    moment = datetime.datetime(2026, 12, 1, 18, 30, 0)  # honcho gives naive local time

    printer.write(Message("line", b"Booting worker\nListening\n", moment, "web.1", 32))

    console.say("Jasan is up")

    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        "18:30:00+09:00 web.1     | Booting worker",
        "18:30:00+09:00 web.1     | Listening",
    ]
    assert re.fullmatch(r"\d\d:\d\d:\d\d\+09:00 jasan     \| Jasan is up", lines[2])


def test_without_a_terminal_the_history_progress_is_a_line_at_each_tenth():
    console, out = plain_console()

    console.progress_start("demo history", 40, "Sign in at …")
    for done in range(41):
        console.progress_update(done, 40)
    console.progress_stop()

    reported = re.findall(r"demo history: (\d+) of 40 syncs \((\d+) %\)", out.getvalue())
    assert reported == [(str(4 * n), str(10 * n)) for n in range(11)]
