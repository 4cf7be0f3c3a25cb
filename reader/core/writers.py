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
import select
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
# Documents per message to a child, and messages a child may have waiting:
# whichever child is free takes the next message, so a child slowed down by
# other programs does not hold the other one up.
CHUNK = 50
IN_FLIGHT = 2


def write_frame(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        written = stream.write(view)  # an unbuffered pipe may take part of it
        view = view[written or 0 :]
    stream.flush()


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    parts: list[bytes] = []
    while size:
        part = stream.read(size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def read_frame(stream: IO[bytes]) -> Any:
    """The next message, or None when the other end has gone."""
    header = _read_exactly(stream, _HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = _read_exactly(stream, size)
    if len(data) < size:
        return None
    return pickle.loads(data)


@dataclass
class _Child:
    process: subprocess.Popen[bytes]
    errors: IO[bytes]
    sent: list[str] = field(default_factory=list)
    waiting: int = 0  # messages sent and not yet taken
    reply: Any = None
    failed: str = ""

    def send(self, message: object) -> bool:
        assert self.process.stdin is not None
        try:
            write_frame(self.process.stdin, message)
        except OSError:  # a broken pipe: the child is gone
            self.fail(f"it stopped ({exit_text(self.process.wait())}){last_line(self.errors)}")
            return False
        return True

    def receive(self) -> None:
        """Read one message from the child: a chunk taken, or its result."""
        assert self.process.stdout is not None
        try:
            message = read_frame(self.process.stdout)
        except Exception:  # noqa: BLE001 - a garbled reply is a failed child
            message = None
        if isinstance(message, tuple) and message and message[0] == "took":
            self.waiting -= 1
        elif isinstance(message, tuple) and len(message) == 3 and message[0] == "done":
            self.reply = message
        else:
            self.fail(f"it stopped ({exit_text(self.process.wait())}){last_line(self.errors)}")

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
    """Hands new documents to child writer processes, to whichever is free."""

    def __init__(self, index_dir: Path, indexname: str, procs: int = 2, limitmb: int = 64) -> None:
        self.children: list[_Child] = []
        self._buffer: list[tuple[str, dict[str, Any]]] = []
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
        message = ("docs", [document for _pid, document in chunk])
        while True:
            child = self._free_child()
            if child is None:
                self._orphans.extend(pid for pid, _document in chunk)
                return
            if child.send(message):
                child.sent.extend(pid for pid, _document in chunk)
                child.waiting += 1
                return

    def _free_child(self) -> _Child | None:
        """A live child with room for another message, waiting for one to
        take a message if need be; None if every child has failed."""
        while True:
            live = [child for child in self.children if not child.failed]
            if not live:
                return None
            free = [child for child in live if child.waiting < IN_FLIGHT]
            if free:
                return min(free, key=lambda child: child.waiting)
            outputs = {child.process.stdout: child for child in live if child.process.stdout is not None}
            ready, _, _ = select.select(list(outputs), [], [])
            for stream in ready:
                outputs[stream].receive()

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
            while not child.failed and child.reply is None:
                child.receive()
            child.process.wait()
            reply = child.reply
            if not child.failed:
                if reply[1] != len(child.sent):
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
            bufsize=0,  # unbuffered: select() sees every reply
            stderr=errors,
            close_fds=True,  # the index lock's descriptor stays with the parent
            process_group=0,  # Ctrl-C and terminal signals go to the parent only
        )
    except BaseException:
        errors.close()
        raise
    return _Child(process, errors)


def exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def last_line(errors: IO[bytes]) -> str:
    try:
        errors.seek(0)
        lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    except OSError:
        return ""
    return f": {lines[-1][:200]}" if lines else ""


# the child -------------------------------------------------------------------
def follow_parent(parent: int) -> None:
    """Die with the parent, whatever kills it."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl here: the child's watch of its parent (below) still ends it
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
    follow_parent(int(parent))
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    index = whoosh.index.FileIndex(FileStorage(index_dir, supports_mmap=False), indexname=indexname)
    # The parent holds the index lock; a child never takes it.
    writer = SegmentWriter(index, _lk=False, limitmb=int(limitmb))
    count = 0
    while True:
        message = read_frame(requests)
        if message is None:
            return 3  # the parent is gone: nothing of this will be committed
        kind, documents = message
        if kind == "end":
            break
        for document in documents:
            writer.add_document(**document)
            count += 1
        write_frame(replies, ("took", len(documents)))
    if count:
        segment = writer._finalize_segment()
    else:
        writer._close_segment()
        segment = None
    write_frame(replies, ("done", count, segment))
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
