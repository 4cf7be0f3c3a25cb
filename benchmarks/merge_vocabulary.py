"""The background merge and the first search after it (the vocabulary's cost).

    python -m benchmarks.merge_vocabulary --cache BUILD/cache --dumps CORPUS/dumps

Works on a copy of an app build (`--cache` is never changed): indexes the
corpus into it (nothing to do when the build has today's index version),
searches once so the vocabulary files exist (written afresh), then adds `--small` new
50-paper dumps, one run each (one small segment each), so that a merge has
work. Each run copies that state, opens a `Library` and searches (as the
app does before a merge), merges (`Library.merge`, the app's background
step), then times the first search after it (a half-typed word: it needs
the vocabulary) and a second one. Wall and CPU seconds; medians of
`--repeat` runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.targets import new_dump
from reader.core.index import open_index
from reader.core.library import Library
from reader.core.locations import Locations


def timed(run: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def library_at(cache: Path, home: Path) -> Library:
    return Library(Locations(home / "data", cache, home / "config"))


def prepare(build: Path, dumps: Path, small: int, work: Path) -> Path:
    cache = work / "prepared"
    shutil.copytree(build, cache)
    library = library_at(cache, work)
    locations = [dumps]
    print(library.index(locations).summary(), flush=True)
    # The word lists as this code writes them (an older build's lack `papers`).
    shutil.rmtree(cache / "vocabulary", ignore_errors=True)
    library.search("specu", typing=True)
    for number in range(small):
        locations.append(work / "extra" / str(number))
        new_dump(locations[-1], 3000 + number)
        library.index(locations)
    library.close()
    index = open_index(cache / "index")
    assert index is not None
    print("segments (papers):", [segment.doc_count_all() for segment in index._segments()], flush=True)
    return cache


def run_once(prepared: Path, work: Path, attempt: int) -> dict[str, tuple[float, float]]:
    cache = work / f"run-{attempt}"
    shutil.copytree(prepared, cache)
    try:
        library = library_at(cache, work)
        library.search("model", typing=True, first=60)  # the app has searched before the merge
        merge = timed(library.merge)
        first = timed(lambda: library.search("specu", typing=True, first=60))
        second = timed(lambda: library.search("quant", typing=True, first=60))
        print(f"  run {attempt}: {merge[2]}", flush=True)
        library.close()
        return {"merge": merge[:2], "first search": first[:2], "second search": second[:2]}
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, required=True, help="an app build's cache folder (copied)")
    parser.add_argument("--dumps", type=Path, required=True, help="the corpus it was built from")
    parser.add_argument("--small", type=int, default=7, help="small dumps added before the merge")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="papers-merge-bench-"))
    try:
        prepared = prepare(args.cache, args.dumps, args.small, work)
        runs = [run_once(prepared, work, attempt) for attempt in range(args.repeat)]
        print(f"load {os.getloadavg()[0]:.1f}; medians of {len(runs)} runs, ms wall (CPU):")
        for step in runs[0]:
            wall = statistics.median(run[step][0] for run in runs) * 1000
            cpu = statistics.median(run[step][1] for run in runs) * 1000
            print(f"  {step}: {wall:.0f} ({cpu:.0f})")
        total = [sum(run[step][0] for step in ("merge", "first search")) * 1000 for run in runs]
        print(f"  merge + first search: {statistics.median(total):.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
