"""Child processes that write new papers into the index, two cores at once.

Whoosh's own `writer(procs=2)` forks children that outlive a killed parent
(holding the index lock, waiting on a queue forever) and silently drops the
share of a child that dies. Here each child is a fresh interpreter
(`python -m reader.core.writers`) that reads documents from a pipe and writes
one new segment; only the parent commits. The parent checks every child's
document count and writes the share of a child that failed itself.

A child leaves as soon as its parent is gone: its pipe closes, Linux sends
it SIGKILL (PR_SET_PDEATHSIG), and a watch thread compares its parent id
(macOS has no parent-death signal). Children ignore Ctrl-C, which is the
parent's to handle, and hold no lock. What a dead child wrote is removed by
the next commit or the next writer run.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import whoosh.index
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

_HEADER = struct.Struct(">Q")
_PR_SET_PDEATHSIG = 1
# Documents per message to a child: big enough to keep pipe traffic cheap,
# small enough that both children stay busy.
CHUNK = 100


def _write_frame(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> Any:
    """The next message, or None when the other end has gone."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


@dataclass
class _Child:
    process: subprocess.Popen[bytes]
    errors: IO[bytes]
    sent: list[str] = field(default_factory=list)
    failed: str = ""

    def send(self, message: object) -> bool:
        assert self.process.stdin is not None
        try:
            _write_frame(self.process.stdin, message)
        except (BrokenPipeError, OSError):
            self.fail("it stopped while receiving papers")
            return False
        return True

    def fail(self, why: str) -> None:
        if not self.failed:
            self.failed = why


@dataclass(frozen=True, slots=True)
class ChildResults:
    """What the children wrote: segments to commit, and the papers the
    parent must write itself because their child failed."""

    segments: list[Any]
    documents: int
    redo: list[str]
    failures: list[str]


class ChildWriters:
    """Spreads new documents over child writer processes, round robin."""

    def __init__(self, index_dir: Path, indexname: str, procs: int = 2, limitmb: int = 64) -> None:
        self.children: list[_Child] = []
        self._buffer: list[tuple[str, dict[str, Any]]] = []
        self._next = 0
        self._orphans: list[str] = []  # IDs no live child took
        try:
            for _ in range(procs):
                self.children.append(_start(index_dir, indexname, limitmb))
        except BaseException:
            self.kill()
            raise

    def add(self, paper_id: str, document: dict[str, Any]) -> None:
        self._buffer.append((paper_id, document))
        if len(self._buffer) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        chunk, self._buffer = self._buffer, []
        for _ in range(len(self.children)):
            child = self.children[self._next % len(self.children)]
            self._next += 1
            if child.failed:
                continue
            if child.send(("docs", [document for _pid, document in chunk])):
                child.sent.extend(pid for pid, _document in chunk)
                return
        self._orphans.extend(pid for pid, _document in chunk)

    def finish(self) -> None:
        """Tell every child that no more papers come (they write their segments)."""
        self._flush()
        for child in self.children:
            if not child.failed:
                child.send(("end", None))
            if child.process.stdin is not None:
                with contextlib.suppress(OSError):
                    child.process.stdin.close()

    def results(self) -> ChildResults:
        """Wait for every child; a child whose segment does not hold exactly
        what it was sent counts as failed."""
        segments: list[Any] = []
        redo = list(self._orphans)
        documents = 0
        failures: list[str] = []
        for child in self.children:
            reply = None
            if not child.failed:
                assert child.process.stdout is not None
                try:
                    reply = _read_frame(child.process.stdout)
                except Exception:  # noqa: BLE001 - a garbled reply is a failed child
                    reply = None
            code = child.process.wait()
            if not child.failed:
                if not (isinstance(reply, tuple) and len(reply) == 3 and reply[0] == "done"):
                    child.fail(f"it ended without a segment ({_exit_text(code)}){_last_line(child.errors)}")
                elif reply[1] != len(child.sent):
                    child.fail(f"its segment holds {reply[1]} of the {len(child.sent)} papers sent")
                else:
                    if reply[2] is not None:
                        segments.append(reply[2])
                    documents += reply[1]
            child.errors.close()
            if child.failed:
                redo.extend(child.sent)
                failures.append(f"a writer process failed: {child.failed}; its {len(child.sent)} papers were rewritten")
        return ChildResults(segments, documents, redo, failures)

    def kill(self) -> None:
        """Stop every child at once (the run is being abandoned)."""
        for child in self.children:
            with contextlib.suppress(OSError):
                child.process.kill()
        for child in self.children:
            for stream in (child.process.stdin, child.process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            with contextlib.suppress(OSError):
                child.process.wait()
            child.errors.close()


def _start(index_dir: Path, indexname: str, limitmb: int) -> _Child:
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - kept open for the life of the child
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "reader.core.writers", str(index_dir), indexname, str(limitmb), str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            close_fds=True,  # the index lock's descriptor stays with the parent
            process_group=0,  # Ctrl-C and terminal signals go to the parent only
        )
    except BaseException:
        errors.close()
        raise
    return _Child(process, errors)


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _last_line(errors: IO[bytes]) -> str:
    try:
        errors.seek(0)
        lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    except OSError:
        return ""
    return f": {lines[-1][:200]}" if lines else ""


# the child -------------------------------------------------------------------
def _follow_parent(parent: int) -> None:
    """Die with the parent, whatever kills it."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(3)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def child_main(argv: Sequence[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    index_dir, indexname, limitmb, parent = argv
    _follow_parent(int(parent))
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    index = whoosh.index.FileIndex(FileStorage(index_dir, supports_mmap=False), indexname=indexname)
    # The parent holds the index lock; a child never takes it.
    writer = SegmentWriter(index, _lk=False, limitmb=int(limitmb))
    count = 0
    while True:
        message = _read_frame(requests)
        if message is None:
            return 3  # the parent is gone: nothing of this will be committed
        kind, documents = message
        if kind == "end":
            break
        for document in documents:
            writer.add_document(**document)
            count += 1
    if count:
        segment = writer._finalize_segment()
    else:
        writer._close_segment()
        segment = None
    _write_frame(replies, ("done", count, segment))
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
