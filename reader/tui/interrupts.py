"""SIGINT while `papers` opens and runs the reader.

Python's own handler raises KeyboardInterrupt wherever the program is, and
while the reader starts that can be a bad place: inside the paint's writes
(the terminal left on the alternate screen), inside an import (Python 3.11
turns it into a RuntimeError from a class's `__set_name__`: a traceback), or
while the main screen mounts (an exit there pulled its widgets from under its
`on_mount`). Measured by sending SIGINT at 4 ms steps through the start
(docs/architecture.md). So an interrupt is only noted here, and acted on
where it is safe: before the app exists, at `check()`; once it runs, by the
app itself, which quits as `q` does with exit code 130 once its first frame
is shown. This module imports no Textual: it is in place before the paint.
"""

from __future__ import annotations

import signal
from types import FrameType, TracebackType
from typing import Protocol

INTERRUPTED = 130  # the shell's exit code for a program ended by SIGINT


class Interruptible(Protocol):
    """The app, as far as an interrupt is concerned (reader/tui/app.py)."""

    interrupted: bool

    def interrupt(self) -> None: ...


class Interrupts:
    """Notes SIGINT while in use; an ignored SIGINT (`nohup`) stays ignored."""

    def __init__(self) -> None:
        self.pending = False
        self.app: Interruptible | None = None
        self._previous: signal._HANDLER = None

    def __enter__(self) -> Interrupts:
        self._previous = signal.getsignal(signal.SIGINT)
        if self._previous is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, self._note)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._previous is not None:  # None: a handler not set from Python, which cannot be put back
            signal.signal(signal.SIGINT, self._previous)

    def check(self) -> None:
        """Raise KeyboardInterrupt here if SIGINT came since `__enter__`."""
        if self.pending:
            raise KeyboardInterrupt

    def _note(self, signum: int, frame: FrameType | None) -> None:
        self.pending = True
        app = self.app
        if app is None:
            return
        app.interrupted = True  # before its loop runs, the app quits on its first frame
        import asyncio  # imported by Textual already, as the app exists

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        loop.call_soon_threadsafe(app.interrupt)  # on the loop's own turn, not inside whatever ran
