"""Query speed through the Library, as the app and the CLI run queries.

    python benchmarks/search_speed.py [--papers 10000] [--dumps 200] [--repeat 15]

Each query returns every matching ID (what the result list needs), so these
figures include ranking all hits, not just a top 20.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.index_speed import write_dumps
from reader.core.library import Library
from reader.core.locations import Locations

QUERIES = [
    "",
    "cache",
    "kv cache",
    '"attention memory"',
    "title:agent",
    "cache NOT gpu",
    "trans*",
    "p*",
    "schedulng~2",
    "*a*",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--dumps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    work = Path(tempfile.mkdtemp(prefix="papers-bench-"))
    try:
        dumps = work / "dumps"
        dumps.mkdir()
        write_dumps(dumps, args.papers, args.dumps)
        library = Library(Locations(work / "data", work / "cache", work / "config"))
        library.index([dumps])
        started = time.perf_counter()
        library.search("model")
        print(
            f"papers: {library.total()}; first query (opens the index): {1000 * (time.perf_counter() - started):.0f} ms"
        )
        print(f"{'query':<22} {'hits':>7} {'median ms':>10} {'p95 ms':>8}")
        for query in QUERIES:
            times = []
            hits = 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                hits = len(library.search(query).ids)
                times.append(1000 * (time.perf_counter() - started))
            times.sort()
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            print(f"{query or '(empty)':<22} {hits:>7} {statistics.median(times):>10.1f} {p95:>8.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
