"""Indexing progress on stderr: a rich progress bar on a terminal, and
elsewhere (CI, logs, pipes) nothing but the final summary and a line if it
has to wait for another indexer.

`PAPERS_PROGRESS=lines` asks for one plain line per step instead, for
scripts (and tests) that wait for a phase: `indexing papers`, `saving`.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, TextIO

from .core.steps import Progress as Step
from .core.text import printable

_LABELS = {
    "wait": "waiting:",
    "scan": "scanning",
    "read": "reading dumps",
    "index": "indexing papers",
    "commit": "saving",
    "merge": "merging the index",
    "merge-save": "saving the merged index",
}
LINES_ENV = "PAPERS_PROGRESS"

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class StderrProgress:
    """A progress callback for the CLI."""

    def __init__(self, stream: TextIO | None = None, interval: float = 2.0) -> None:
        self.stream = stream or sys.stderr
        self.lines = os.environ.get(LINES_ENV) == "lines"
        self.tty = self.stream.isatty() and not self.lines
        self.interval = interval
        self._last = 0.0
        self._phase = ""
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, step: Step) -> None:
        if step.phase == "done":
            self.finish()
            return
        if step.phase == "saved":
            return
        label = _LABELS.get(step.phase, step.phase)
        # The detail is often a dump's file name: text from outside.
        detail = printable(step.detail) if step.detail else ""
        if self.tty:
            self._draw(label, detail, step)
        elif self.lines or step.phase == "wait":
            # Waiting for another indexer is news, not progress: said everywhere.
            self._line(label, detail, step)

    def _draw(self, label: str, detail: str, step: Step) -> None:
        if self._bar is None:
            # Imported here: only an index run on a terminal pays for rich.
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            # rich follows the terminal's real width and clips the detail to it.
            console = Console(file=self.stream, highlight=False, markup=False)
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[detail]}", markup=False),
                console=console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(label, total=None, detail="")
        assert self._task is not None
        self._bar.update(
            self._task,
            description=label,
            completed=step.done,
            total=step.total or None,
            detail=detail,
        )

    def _line(self, label: str, detail: str, step: Step) -> None:
        now = time.monotonic()
        if step.phase != self._phase or now - self._last >= self.interval:
            counts = f" {step.done}/{step.total}" if step.total else ""
            self.stream.write(f"{label}{counts}{' ' + detail if detail else ''}\n")
            self.stream.flush()
            self._phase = step.phase
            self._last = now

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
            self._task = None
