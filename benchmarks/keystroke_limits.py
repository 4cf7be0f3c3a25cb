"""When a screenful limit helps Whoosh, as the app now expands queries.

    python -m benchmarks.keystroke_limits --cache CACHE_DIR

For each query, the app's parse (vocabulary expansions, the half-typed last
word completed) and then Whoosh asked for the top 60 or for every hit;
CPU milliseconds, medians of 3. `reader/core/search.py` scores in full any
query of more than MAX_LIMITED_TERMS terms: this shows where that line is.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from reader.core.library import Library
from reader.core.locations import Locations

QUERIES = [
    ("model", False),
    ("language model", False),
    ("kv cache", False),
    ("large language mod", True),
    ("spe", True),
    ('"large language models"', False),
    ('"memory bandwidth"', False),
    ("decodng~", False),
    ("comp*", False),
    ("trans*", False),
    ("neur*", False),
]


def cpu_ms(run: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()  # type: ignore[operator]
        times.append(1000 * (time.process_time() - started))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, required=True, help="an app cache dir (index + catalog)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="papers-bench-"))
    library = Library(Locations(work / "data", args.cache, work / "config"))
    searcher = library._searcher()
    assert searcher is not None, "no readable index"
    whoosh = searcher.searcher
    print("| query | terms | top 60 | all hits | all / top |\n|---|---|---|---|---|")
    for text, typing in QUERIES:
        query = searcher.parse(text, typing=typing).query
        terms = sum(1 for _ in query.leaves()) if not query.is_leaf() else 1
        top = cpu_ms(lambda q=query: list(whoosh.search(q, limit=60).items()), args.repeat)
        every = cpu_ms(lambda q=query: list(whoosh.search(q, limit=None).items()), args.repeat)
        label = f"`{text}`" + (" (typing)" if typing else "")
        print(f"| {label} | {terms} | {top:,.0f} | {every:,.0f} | {every / max(top, 0.01):.1f}x |", flush=True)


if __name__ == "__main__":
    main()
