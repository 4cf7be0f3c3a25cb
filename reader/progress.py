"""Indexing progress as a line on stderr (rewritten in place on a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .core.index import Progress
from .core.text import printable

_LABELS = {
    "wait": "waiting:",
    "scan": "scanning",
    "read": "reading dumps",
    "index": "indexing papers",
    "commit": "saving",
}


class StderrProgress:
    """A progress callback for the CLI. On a terminal it redraws one line;
    elsewhere (CI, logs) it prints a line now and then, never a flood."""

    def __init__(self, stream: TextIO | None = None, interval: float = 2.0) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval
        self._last = 0.0
        self._phase = ""
        self._width = 0

    def __call__(self, step: Progress) -> None:
        if step.phase == "done":
            self.finish()
            return
        if step.phase == "saved":
            return
        label = _LABELS.get(step.phase, step.phase)
        counts = f" {step.done}/{step.total}" if step.total else ""
        # The detail is often a dump's file name: text from outside.
        detail = f" {printable(step.detail)}" if step.detail else ""
        line = f"{label}{counts}{detail}"
        now = time.monotonic()
        if self.tty:
            if now - self._last < 0.05 and step.phase == self._phase:
                return
            padded = line[:100].ljust(self._width)
            self._width = len(line[:100])
            self.stream.write(f"\r{padded}")
            self.stream.flush()
        elif step.phase != self._phase or now - self._last >= self.interval:
            self.stream.write(f"{line}\n")
        self._phase = step.phase
        self._last = now

    def finish(self) -> None:
        if self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
