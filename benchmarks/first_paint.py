"""Time from process start to first paint, in a real pseudo-terminal.

A program is started on a pty of a fixed size; the clock stops when any of
the expected texts has been written to the terminal (escape sequences
stripped). The same measure serves the app (a first screen with results: a
title of the newest papers) and a hello-world Textual app (its greeting), so
their ratio compares like with like: Python start-up, imports, first frame.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Sequence

_ESCAPES = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")

HELLO_WORLD = """
from textual.app import App, ComposeResult
from textual.widgets import Static


class Hello(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello, world: first paint")


Hello().run()
"""


def time_to_text(
    command: Sequence[str],
    needles: Sequence[str],
    env: dict[str, str] | None = None,
    size: tuple[int, int] = (120, 32),
    timeout: float = 120.0,
) -> float:
    """Seconds from fork to the first of `needles` on the terminal."""
    wanted = [n.encode("utf-8") for n in needles if n]
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the program
        os.execvpe(command[0], list(command), {**os.environ, **(env or {}), "TERM": "xterm-256color"})
    columns, rows = size
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    seen = b""
    try:
        while True:
            left = timeout - (time.perf_counter() - started)
            if left <= 0:
                raise TimeoutError(f"{command[-1]!r} showed none of {needles[:3]} in {timeout:.0f} s")
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:  # the program ended
                raise RuntimeError(f"{command[-1]!r} ended before painting; output: {seen[-500:]!r}") from None
            seen += chunk
            plain = _ESCAPES.sub(b"", seen)
            if any(n in plain for n in wanted):
                return time.perf_counter() - started
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def hello_world() -> float:
    return time_to_text([sys.executable, "-c", HELLO_WORLD], ["hello, world"])


if __name__ == "__main__":
    print(f"hello-world Textual app, first paint: {hello_world():.3f} s")
