"""The installed `papers` on a pseudo-terminal: its first rows reach the
terminal before Textual starts (reader/tui/prepaint.py), Textual then has
the screen, and the terminal is given back whenever the app ends, even by
Ctrl+C on the first paint."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.library import Library
from reader.tui.rows import read_first_screen
from tests.e2e.terminal_bytes import PAPERS

_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]")
TEXTUAL_STARTED = b"\x1b[?1000h"  # Textual's driver turns on mouse reports when it takes the terminal


@dataclass
class Pty:
    process: subprocess.Popen[bytes]
    master: int
    output: bytearray = field(default_factory=bytearray)

    def read(self, wait: float) -> bool:
        """Read what is there within `wait` seconds; False once the program has gone."""
        if select.select([self.master], [], [], wait)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError as error:  # EIO: every writer of the pty has gone
                if error.errno != errno.EIO:
                    raise
                return False
            self.output += chunk
            return bool(chunk)
        return True

    def wait_for_text(self, text: str, timeout: float = 60.0) -> None:
        wanted = text.encode()
        deadline = time.monotonic() + timeout
        while wanted not in _ESCAPES.sub(b"", bytes(self.output)):
            assert time.monotonic() < deadline, f"{text!r} not shown; output: {bytes(self.output[-400:])!r}"
            assert self.read(0.1), f"the app ended before showing {text!r}"

    def open_gate(self, gate: Path, timeout: float = 60.0) -> None:
        """Let a program held by TEXTUAL_GATE go on (once it waits there)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                os.close(os.open(gate, os.O_WRONLY | os.O_NONBLOCK))
                return
            except OSError as error:  # ENXIO: nobody waits at the gate yet
                if error.errno != errno.ENXIO:
                    raise
            assert time.monotonic() < deadline, "the program never reached the gate"
            assert self.read(0.05), "the program ended before reaching the gate"

    def wait_exit(self, timeout: float = 60.0) -> int:
        deadline = time.monotonic() + timeout
        while self.read(0.1):
            assert time.monotonic() < deadline, "the app did not end"
        return self.process.wait(timeout=timeout)


# Put first on the program's path, this holds Textual's import until the
# FIFO named by PAPERS_TEST_TEXTUAL_GATE is opened for writing: the program is
# then surely between the paint and Textual. It waits inside a class's
# `__set_name__`, as Textual's import spends time in its own (reactive
# attributes), where Python 3.11 turns a KeyboardInterrupt into a RuntimeError.
TEXTUAL_GATE = """
import os, sys

class Held:
    def __set_name__(self, owner, name):
        open(os.environ["PAPERS_TEST_TEXTUAL_GATE"], "rb").close()  # returns once the test opens it to write

class Gate:
    def find_spec(self, name, path=None, target=None):
        if name == "textual":
            sys.meta_path.remove(self)
            type("Textual", (), {"held": Held()})
        return None

sys.meta_path.insert(0, Gate())
"""


DEFAULT_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"
)


@contextmanager
def papers_on_pty(columns: int = 120, rows: int = 32, hold_textual: Path | None = None) -> Iterator[Pty]:
    """`papers` on a pseudo-terminal of this size; with `hold_textual` (a
    folder for the gate), it waits at Textual's import until `Pty.open_gate`."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    if hold_textual is not None:
        (hold_textual / "sitecustomize.py").write_text(TEXTUAL_GATE, encoding="utf-8")
        os.mkfifo(hold_textual / "gate")
        env |= {"PYTHONPATH": str(hold_textual), "PAPERS_TEST_TEXTUAL_GATE": str(hold_textual / "gate")}
    # A job started in the background by a non-interactive shell (as CI may
    # start this) ignores SIGINT, and so would `papers`: its default is put back.
    command = [sys.executable, "-c", DEFAULT_SIGINT, PAPERS]
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    try:
        yield Pty(process, master)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)


def first_title(library: Library) -> str:
    first = read_first_screen(library)
    assert first is not None
    return first.rows[first.ids[0]].title[:30]


def test_the_first_rows_are_painted_before_textual_starts(library: Library) -> None:
    title = first_title(library)
    with papers_on_pty() as term:
        term.wait_for_text(title)
        term.wait_for_text("of 160 papers")  # Textual's status line: the app is up
        written = bytes(term.output)
        assert written.index(title.encode()) < written.index(TEXTUAL_STARTED)
        os.write(term.master, b"q")
        assert term.wait_exit() == 0
    # Textual left the alternate screen the paint entered, and showed the cursor.
    assert term.output.rindex(b"\x1b[?1049l") > term.output.rindex(b"\x1b[?1049h")
    assert term.output.rindex(b"\x1b[?25h") > term.output.rindex(b"\x1b[?25l")


def test_ctrl_c_on_the_first_paint_gives_the_terminal_back(library: Library, tmp_path: Path) -> None:
    title = first_title(library)
    with papers_on_pty(hold_textual=tmp_path) as term:
        term.wait_for_text(title)
        term.process.send_signal(signal.SIGINT)  # Textual is not imported yet
        term.open_gate(tmp_path / "gate")
        code = term.wait_exit()
    assert code == 130 and b"papers: interrupted" in term.output
    assert TEXTUAL_STARTED not in term.output  # the paint's own way out was taken, not Textual's
    assert term.output.rindex(b"\x1b[?1049l") > term.output.rindex(b"\x1b[?1049h")
    assert term.output.rindex(b"\x1b[?25h") > term.output.rindex(b"\x1b[?25l")
    assert term.output.index(b"\x1b[?1049l") < term.output.index(b"papers: interrupted")  # said on the real screen


def test_an_interrupt_while_the_app_runs_quits_it_with_the_interrupts_code(library: Library) -> None:
    with papers_on_pty() as term:
        term.wait_for_text("of 160 papers")  # Textual's status line: the app is up
        term.process.send_signal(signal.SIGINT)  # `kill -INT`: Textual reads Ctrl+C as a key
        assert term.wait_exit() == 130
    assert term.output.rindex(b"\x1b[?1049l") > term.output.rindex(b"\x1b[?1049h")
    assert term.output.rindex(b"\x1b[?25h") > term.output.rindex(b"\x1b[?25l")
