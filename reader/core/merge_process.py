"""The background merge's long step, in a child process.

Writing the merged segment is pure-Python Whoosh work: minutes of CPU when a
first index's parts are merged (~230 s at 100,000 papers). In the app's
process it would hold the interpreter that paints the screen, so a fresh
interpreter (`python -m reader.core.merge_process`) writes it into the
merge's work folder and hands back the new segment; the parent commits it
(reader/core/index.py `merge_segments`). The child holds no lock, dies with
its parent (reader/core/writers.py `follow_parent`) and is killed when the
parent is asked to stop; what it leaves is removed by the next merge.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .steps import Progress, ProgressCallback
from .writers import exit_text, follow_parent, last_line, read_frame, write_frame

POLL_SECONDS = 0.2  # how soon a stop request ends the child


class MergeStopped(Exception):
    """The merge was asked to stop (the app is closing): nothing was changed."""


class MergeFailed(Exception):
    """The child process ended without a merged segment: nothing was changed."""


def write_merged_in_child(
    index_dir: Path,
    schema: Any,
    chosen: Sequence[Any],
    work: Path,
    progress: ProgressCallback,
    stop: Callable[[], bool],
) -> tuple[Any, int, Counter[str]]:
    """What reader/core/index.py `write_merged` returns, written by a child
    process; its progress is passed on as it comes."""
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, after the child
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "reader.core.merge_process", str(index_dir), str(work), str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            stderr=errors,
            close_fds=True,  # the merge and writer locks stay with the parent
            process_group=0,  # Ctrl-C goes to the parent, which stops the child
        )
    except BaseException:
        errors.close()
        raise
    assert process.stdin is not None and process.stdout is not None
    try:
        with contextlib.suppress(OSError):  # a broken pipe: the child is gone, as its reply will say
            write_frame(process.stdin, (schema, list(chosen)))
        while True:
            if stop():
                raise MergeStopped
            ready, _, _ = select.select([process.stdout], [], [], POLL_SECONDS)
            if not ready:
                continue
            try:
                message = read_frame(process.stdout)
            except Exception:  # noqa: BLE001 - a garbled reply is a failed child
                message = None
            if isinstance(message, Progress):
                progress(message)
            elif isinstance(message, tuple) and len(message) == 4 and message[0] == "done":
                return message[1], message[2], message[3]
            else:
                raise MergeFailed(f"the merge process stopped ({exit_text(process.wait())}){last_line(errors)}")
    finally:
        if process.poll() is None:
            process.kill()
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        process.wait()
        errors.close()


def child_main(argv: Sequence[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    index_dir, work, parent = argv
    follow_parent(int(parent))
    from .index import open_storage, write_merged  # after the parent check: Whoosh takes ~0.2 s to import

    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    message = read_frame(requests)
    if message is None:
        return 3  # the parent is gone
    schema, chosen = message

    def progress(step: Progress) -> None:
        write_frame(replies, step)

    merged, documents, words = write_merged(open_storage(Path(index_dir)), schema, chosen, Path(work), progress)
    write_frame(replies, ("done", merged, documents, words))
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
