"""Run the installed `papers` on a pseudo-terminal and keep the raw bytes it
wrote: what a real terminal would have received, escape sequences included."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import struct
import subprocess
import sys
import termios
from dataclasses import dataclass
from pathlib import Path

PAPERS = shutil.which("papers", path=str(Path(sys.executable).parent)) or "papers"

# What must never reach a terminal from outside text: ESC, BEL and the other
# C0 controls but tab, newline and carriage return (the progress line uses
# it), DEL, and the C1 controls as UTF-8 (U+0080-U+009F: 0xC2 0x80-0x9F).
UNSAFE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")


@dataclass(frozen=True)
class Captured:
    code: int
    output: bytes  # stdout and stderr as the terminal got them

    def unsafe(self) -> list[bytes]:
        return UNSAFE.findall(self.output)


def run_on_pty(
    *args: str,
    columns: int = 120,
    rows: int = 40,
    env: dict[str, str] | None = None,
    stdin: bytes = b"",
    stdin_tty: bool = False,
) -> Captured:
    """`papers ARGS` with stdout and stderr (and stdin if `stdin_tty`) on a
    pty of the given size."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    # Raw output: no "\n" -> "\r\n" translation, the bytes as written.
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    process = subprocess.Popen(
        [PAPERS, *args],
        stdin=slave if stdin_tty else subprocess.PIPE,
        stdout=slave,
        stderr=slave,
        env=env or dict(os.environ),
        close_fds=True,
    )
    os.close(slave)
    if process.stdin is not None:
        process.stdin.write(stdin)
        process.stdin.close()
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError as error:  # EIO: every writer of the pty has gone
            if error.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return Captured(process.wait(timeout=120), b"".join(chunks))
