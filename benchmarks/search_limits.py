"""Whoosh `search(limit=screenful)` against all hits, on the app's index.

    python -m benchmarks.search_limits [--papers 100000] [--repeat 5]

Each query is parsed as the app parses it (`reader.core.search.parse_query`,
wildcards and fuzzy terms expanded and bounded), then run by Whoosh with
`limit=30` (one screenful: Whoosh can skip blocks that cannot make the top
30) and with `limit=None` (every hit scored and ranked: what the app's
search does today), by relevance and newest first. Times are CPU
milliseconds (medians of `--repeat`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from benchmarks.builds import load_build
from benchmarks.corpus import corpus
from reader.core.index import open_index
from reader.core.search import parse_query

SCREEN = 30
QUERIES = [
    "model",
    "quantization",
    "language model",
    "kv cache",
    "speculative decoding",
    '"large language models"',
    "comp*",
    "decoding~",
]


def median_ms(run: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()  # type: ignore[operator]
        times.append(1000 * (time.process_time() - started))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--dumps", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dumps = args.dumps.resolve() if args.dumps else corpus(args.papers)
    app = load_build("app", dumps)
    if app is None:
        raise SystemExit("build the index first: python -m benchmarks.builds --papers N")
    index = open_index(Path(app.folder) / "index")
    assert index is not None
    searcher = index.searcher()
    segments = len(searcher.reader().readers) if hasattr(searcher.reader(), "readers") else 1
    print(f"{app.papers:,} papers, {segments} segments; load {os.getloadavg()[0]:.1f}\n")
    print(f"| query | hits | top {SCREEN} ms | all hits ms | all / top | newest first, top {SCREEN} ms | all ms |")
    print("|---|---|---|---|---|---|---|")
    searcher.search(parse_query("model", searcher).query, limit=SCREEN)
    for text in QUERIES:
        query = parse_query(text, searcher).query
        hits = len(searcher.search(query, limit=None))
        top = median_ms(lambda q=query: searcher.search(q, limit=SCREEN), args.repeat)
        every = median_ms(lambda q=query: list(searcher.search(q, limit=None).items()), args.repeat)
        dated_top = median_ms(
            lambda q=query: searcher.search(q, limit=SCREEN, sortedby="date", reverse=True), args.repeat
        )
        dated = median_ms(
            lambda q=query: list(searcher.search(q, limit=None, sortedby="date", reverse=True).items()), args.repeat
        )
        print(
            f"| `{text}` | {hits:,} | {top:.0f} | {every:.0f} | {every / top:.1f}x | {dated_top:.0f} | {dated:.0f} |",
            flush=True,
        )
    print(f"\nload {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
