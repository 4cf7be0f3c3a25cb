"""Time from process start to first paint, in a real pseudo-terminal.

A program is started on a pty of a fixed size; the clock stops when any of
the expected texts has been written to the terminal (escape sequences
stripped). The same measure serves the app (a first screen with results: a
title of the newest papers) and a hello-world Textual app (its greeting), so
their ratio compares like with like: Python start-up, imports, first frame.

To compare checkouts on one built library, interleaved with hello world (run
it from outside the checkouts: `python -m reader` puts the working folder
first on sys.path):

    python -m benchmarks.first_paint --cache-dir CACHE --dumps DUMPS \
        --repeat 9 old=/path/to/checkout new=/path/to/other

It also says when each checkout's whole first frame was on the terminal
(Textual's status line, with the paper count): the titles may come first
(reader/tui/prepaint.py).
"""

from __future__ import annotations

import argparse
import compileall
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from pathlib import Path

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
    return times_to_texts(command, [needles], env, size, timeout)[0]


def times_to_texts(
    command: Sequence[str],
    groups: Sequence[Sequence[str]],
    env: dict[str, str] | None = None,
    size: tuple[int, int] = (120, 32),
    timeout: float = 120.0,
) -> list[float]:
    """Seconds from fork until any text of each group was on the terminal."""
    wanted = [[n.encode("utf-8") for n in needles if n] for needles in groups]
    found: list[float | None] = [None] * len(groups)
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
                missing = [needles[:3] for needles, at in zip(groups, found, strict=True) if at is None]
                raise TimeoutError(f"{command[-1]!r} showed none of {missing} in {timeout:.0f} s")
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:  # the program ended
                raise RuntimeError(f"{command[-1]!r} ended before painting; output: {seen[-500:]!r}") from None
            seen += chunk
            plain = _ESCAPES.sub(b"", seen)
            now = time.perf_counter() - started
            for number, group in enumerate(wanted):
                if found[number] is None and any(n in plain for n in group):
                    found[number] = now
            if all(at is not None for at in found):
                return [at for at in found if at is not None]
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def hello_world() -> float:
    return time_to_text([sys.executable, "-c", HELLO_WORLD], ["hello, world"])


# The titles of the default view's first screenful, as a checkout's library lists them.
_TITLES = """
import sys
from pathlib import Path
from reader.core.library import Library
from reader.core.locations import Locations
library = Library(Locations(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
ids = library.search("").ids[:30]
print(library.total())
print("\\n".join(paper.title[:24] for paper in library.papers(ids).values()))
"""


def _first_screen(checkout: Path, cache: Path) -> tuple[int, list[str]]:
    """How many papers the library has, and the titles of its first screen."""
    work = Path(tempfile.mkdtemp(prefix="papers-paint-"))
    try:
        command = [sys.executable, "-c", _TITLES, str(work / "data"), str(cache), str(work / "config")]
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        done = subprocess.run(command, env=env, cwd=work, capture_output=True, text=True, check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total, *titles = done.stdout.splitlines()
    return int(total), [line for line in titles if line]


def app_first_screen(checkout: Path, cache: Path, dumps: Path, groups: Sequence[Sequence[str]]) -> list[float]:
    """One start of a checkout's app on its own fresh data and config folders:
    when each group of texts was first on the terminal."""
    work = Path(tempfile.mkdtemp(prefix="papers-paint-"))
    command = [sys.executable, "-m", "reader", "--data-dir", str(work / "data"), "--cache-dir", str(cache)]
    command += ["--config-dir", str(work / "config"), str(dumps)]
    try:
        return times_to_texts(command, groups, env={"PYTHONPATH": str(checkout)})
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare(
    checkouts: dict[str, Path], cache: Path, dumps: Path, repeat: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Per checkout (and hello world): seconds to the first screen's titles,
    and to Textual's whole first frame (its status line, with the count)."""
    for checkout in checkouts.values():
        compileall.compile_dir(str(checkout / "reader"), quiet=1)  # as installed: bytecode written once
    total, needles = _first_screen(next(iter(checkouts.values())), cache)
    titles: dict[str, list[float]] = {"hello world": [], **{name: [] for name in checkouts}}
    frames: dict[str, list[float]] = {name: [] for name in checkouts}
    for _ in range(repeat):  # interleaved, so load drifts hit all alike
        titles["hello world"].append(hello_world())
        for name, checkout in checkouts.items():
            at_titles, at_frame = app_first_screen(checkout, cache, dumps, [needles, [f"of {total} papers"]])
            titles[name].append(at_titles)
            frames[name].append(at_frame)
    return titles, frames


def main() -> None:
    parser = argparse.ArgumentParser(description="First screen of checkouts against hello world, in a pty.")
    parser.add_argument("--cache-dir", type=Path, help="a built index (papers index --cache-dir ...)")
    parser.add_argument("--dumps", type=Path, help="the dumps it was built from")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("checkouts", nargs="*", metavar="NAME=PATH", help="checkouts to time (a tree with reader/)")
    args = parser.parse_args()
    if not args.checkouts:
        print(f"hello-world Textual app, first paint: {hello_world():.3f} s")
        return
    if args.cache_dir is None or args.dumps is None:
        parser.error("--cache-dir and --dumps are needed to time checkouts")
    checkouts = {name: Path(path).resolve() for name, path in (item.split("=", 1) for item in args.checkouts)}
    times, frames = compare(checkouts, args.cache_dir.resolve(), args.dumps.resolve(), args.repeat)
    hello = statistics.median(times["hello world"])
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; medians of {args.repeat}")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"{name:12} {median:.3f} s  {median / hello:.2f}x  ({' '.join(f'{run:.3f}' for run in runs)})")
    for name, runs in frames.items():
        print(f"{name:12} Textual's whole first frame (the status line): {statistics.median(runs):.3f} s")


if __name__ == "__main__":
    main()
