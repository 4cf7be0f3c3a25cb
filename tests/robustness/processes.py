"""Real `papers index` processes for crash tests: start one, wait for a
progress line on its stderr (the phase to break it at), find its writer
children, and check that they are gone."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.e2e.test_cli import PAPERS

LINUX = sys.platform.startswith("linux") and Path("/proc/self/stat").exists()


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, ...


def children_of(pid: int) -> list[int]:
    """Live child processes of pid (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields and fields[1] == str(pid) and fields[0] != "Z":
                found.append(int(entry))
    return sorted(found)


def merge_children() -> list[int]:
    """This process's background-merge children (reader/core/merge_process.py)
    still running."""
    found = []
    for child in children_of(os.getpid()):
        with contextlib.suppress(OSError):  # a child that ended meanwhile has no cmdline to read
            if b"reader.core.merge_process" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
    return found


def is_gone(pid: int) -> bool:
    fields = _stat(pid)
    return fields is None or fields[0] in ("Z", "X")


def wait_gone(pids: list[int], timeout: float = 30.0) -> list[int]:
    """The pids still alive after waiting up to `timeout` for them to go."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if not is_gone(pid)]
        if not alive:
            return []
        time.sleep(0.1)
    return [pid for pid in pids if not is_gone(pid)]


def _default_signals() -> None:
    for number in (signal.SIGINT, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)


class IndexRun:
    """`papers index ARGS` in its own process group (as a terminal runs it),
    with its stderr read line by line."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [PAPERS, "index", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            # Plain progress lines (off a terminal papers prints only the summary).
            env={**(env or os.environ), "PAPERS_PROGRESS": "lines"},
            process_group=0,
            # As a shell starts it: a test run started in the background
            # (`cmd &`, nohup) ignores SIGINT and SIGHUP, and children inherit that.
            preexec_fn=_default_signals,
        )
        self.lines: list[str] = []
        self._ended = False
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, prefix: str, timeout: float = 300.0) -> bool:
        """Wait for a progress line starting with `prefix`; False if the
        run ended first."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {prefix!r} line in time; got {self.lines}") from None
            if line is None:
                self._ended = True
                return False
            self.lines.append(line)
            if line.startswith(prefix):
                return True

    def children(self) -> list[int]:
        return children_of(self.process.pid)

    def signal_group(self, sig: signal.Signals) -> None:
        """Like the terminal (Ctrl-C, a closed window): the whole foreground group."""
        os.killpg(self.process.pid, sig)

    def finish(self, timeout: float = 300.0) -> tuple[int, str]:
        """Exit status and everything written to stderr."""
        code = self.process.wait(timeout=timeout)
        while not self._ended:
            line = self._queue.get(timeout=timeout)
            if line is None:
                self._ended = True
                break
            self.lines.append(line)
        return code, "".join(self.lines)


def peak_memory_mb(pid: int) -> dict[int, int]:
    """The peak resident memory (VmHWM, MB) of pid and each process under it,
    as far as it has got: call it often while they run."""
    peaks: dict[int, int] = {}
    family = [pid]
    while family:
        current = family.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks[current] = int(line.split()[1]) // 1024
        family.extend(children_of(current))
    return peaks
