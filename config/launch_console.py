"""The console of `make run`: every process's output, one clock, a progress bar, the sign-in.

honcho's manager runs the Procfile's processes in the launcher itself, with a printer that
writes through one `rich` console: each line is prefixed with the time in Asia/Seoul with its
offset (`14:03:07+09:00 web.1 | …`), and while the demo history is being built a progress bar
and the sign-in details stay pinned under the scrolling output. Where the output is not a
terminal (a log file, CI) the bar is replaced by a line at every tenth.
"""

from __future__ import annotations

import datetime
import threading
from typing import Any

from honcho.printer import Printer
from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

# honcho's colour codes (ANSI foreground numbers) as rich colours.
_COLOURS = {31: "red", 32: "green", 33: "yellow", 34: "blue", 35: "magenta", 36: "cyan"}


def clock(moment: datetime.datetime | None = None) -> str:
    """`HH:MM:SS+09:00` in this process's time zone (the launcher sets Asia/Seoul)."""
    local = (moment or datetime.datetime.now()).astimezone()  # noqa: DTZ005 - local on purpose
    offset = local.strftime("%z")
    return f"{local:%H:%M:%S}{offset[:3]}:{offset[3:]}"


class LaunchConsole:
    def __init__(self, console: Console | None = None, width: int = 0) -> None:
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.width = width  # the names' column, as wide as the longest process name
        self._lock = threading.Lock()
        self._live: Live | None = None
        self._progress: Progress | None = None
        self._task: Any = None
        self._tenth = -1

    def say(self, message: str) -> None:
        self.console.print(Text(f"{clock()} {'jasan'.ljust(self.width)} | {message}", style="bold"))

    def process_line(self, name: str, line: str, moment: datetime.datetime, colour: int) -> None:
        label = name.ljust(self.width)
        prefix = Text(f"{clock(moment)} {label} | ", style=_COLOURS.get(colour, ""))
        self.console.print(prefix + Text.from_ansi(line))

    # --- The demo history's progress ------------------------------------------------------

    def progress_start(self, description: str, total: int, footer: str) -> None:
        with self._lock:
            if self._progress is not None:
                return
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[percent]:>3} %"),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
            )
            self._task = self._progress.add_task(description, total=total, percent=0)
            if self.console.is_terminal:
                self._live = Live(
                    Group(self._progress, Text(footer, style="dim")),
                    console=self.console,
                    refresh_per_second=4,
                )
                self._live.start()

    def progress_update(self, done: int, total: int) -> None:
        with self._lock:
            if self._progress is None:
                return
            percent = 100 * done // total if total else 100  # 100 only when all is done
            self._progress.update(self._task, completed=done, total=total, percent=percent)
            tenth = 10 * done // total if total else 10
            if self._live is None and tenth != self._tenth:
                self._tenth = tenth
                self.say(f"demo history: {done} of {total} syncs ({10 * tenth} %)")

    def progress_stop(self) -> None:
        with self._lock:
            if self._live is not None:
                self._live.stop()
            self._live = None


class ConsolePrinter(Printer):
    """honcho's printer, writing through the launch console with the zone's offset."""

    def __init__(self, console: LaunchConsole) -> None:
        super().__init__(output=None, colour=True, prefix=True)
        self.launch_console = console

    def write(self, message: Any) -> None:
        if message.type != "line":
            raise RuntimeError('Printer can only process messages of type "line"')
        data = message.data
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        for line in text.splitlines():
            self.launch_console.process_line(message.name or "", line, message.time, message.colour)
