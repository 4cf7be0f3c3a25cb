"""Drive the installed `papers` in a real terminal: tmux send-keys / capture-pane."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

PAPERS = shutil.which("papers", path=str(Path(sys.executable).parent)) or "papers"
HAVE_TMUX = shutil.which("tmux") is not None


class Terminal:
    """One tmux session on a private server, running one command."""

    def __init__(self, socket: str, session: str) -> None:
        self.socket = socket
        self.session = session

    def tmux(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        return result.stdout

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear; the screen shows:\n{self.screen()}")

    def wait_gone(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not go; the screen shows:\n{self.screen()}")

    def escape(self) -> None:
        """Esc, then a pause: Esc and a key sent together read as Alt+key."""
        self.send("Escape")
        time.sleep(0.4)

    def alive(self) -> bool:
        return bool(self.tmux("list-sessions").strip())

    def wait_exit(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return
            time.sleep(0.2)
        raise AssertionError(f"papers did not exit; the screen shows:\n{self.screen()}")


@contextmanager
def terminal(
    args: Sequence[str],
    size: tuple[int, int] = (120, 40),
    env_extra: dict[str, str] | None = None,
    keep_open: bool = False,
) -> Iterator[Terminal]:
    """Run `papers ARGS` in a fresh tmux server with this test's PAPERS_* dirs."""
    socket = f"papers-test-{uuid.uuid4().hex[:8]}"
    env = " ".join(
        f"{name}={shlex.quote(os.environ[name])}"
        for name in ("PAPERS_DATA_DIR", "PAPERS_CACHE_DIR", "PAPERS_CONFIG_DIR", "PATH")
        if name in os.environ
    )
    extra = " ".join(f"{name}={shlex.quote(value)}" for name, value in (env_extra or {}).items())
    command = f"env {env} {extra} TERM=xterm-256color {shlex.quote(PAPERS)} {shlex.join(args)}"
    if keep_open:
        command += "; sleep 3"  # the pane stays readable after papers exits
    width, height = size
    subprocess.run(
        ["tmux", "-L", socket, "new-session", "-d", "-s", "papers", "-x", str(width), "-y", str(height), command],
        check=True,
        timeout=30,
    )
    term = Terminal(socket, "papers")
    try:
        yield term
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=30)
