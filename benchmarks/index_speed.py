"""Indexing speed: first index with one and two writer processes, the
"anything changed?" check, and adding one dump to a big index.

    python benchmarks/index_speed.py [--papers 10000] [--dumps 200]

Synthetic papers are shaped like the samples (~75-character titles,
~1,450-character abstracts) but drawn from a 41-word vocabulary; the crash
tests use `write_dumps` for that reason (fast, predictable). The issue-11
figures come from benchmarks/targets.py on the realistic corpus of
benchmarks/corpus.py. Prints one figure per line.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import tempfile
import time
from pathlib import Path

from reader.core import index as index_module
from reader.core.index import Indexer

WORDS = tuple(
    [
        "model",
        "language",
        "large",
        "training",
        "inference",
        "attention",
        "memory",
        "cache",
        "kv",
        "serving",
        "gpu",
        "kernel",
        "benchmark",
        "agent",
        "reasoning",
        "retrieval",
        "diffusion",
        "transformer",
        "sparse",
        "quantization",
        "latency",
        "throughput",
        "scheduling",
        "parallel",
        "distributed",
        "compiler",
        "graph",
        "token",
        "context",
        "window",
        "long",
        "efficient",
        "scalable",
        "adaptive",
        "learning",
        "reinforcement",
        "policy",
        "reward",
        "vision",
        "multimodal",
        "data",
    ]
)


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def write_dumps(folder: Path, papers: int, dumps: int, seed: int = 7, offset: int = 0) -> None:
    rng = random.Random(seed)
    per_dump = papers // dumps
    number = offset
    for dump in range(dumps):
        lines = ["Daily Papers", "", "by AK and the research community", "", "Mar 14", ""]
        for _ in range(per_dump):
            number += 1
            title = f"{sentence(rng, 8)[:-1]} {number}"
            abstract = " ".join(sentence(rng, 14) for _ in range(15))
            lines += [title, "", abstract, ""]
        (folder / f"{offset + dump:05d}.txt").write_text("\n".join(lines), encoding="utf-8")


def timed(label: str, run: object) -> float:
    started = time.perf_counter()
    result = run()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s  ({getattr(result, 'summary', lambda: '')()})")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--dumps", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"papers: {args.papers} in {args.dumps} dumps")
    work = Path(tempfile.mkdtemp(prefix="papers-bench-"))
    try:
        dumps = work / "dumps"
        dumps.mkdir()
        write_dumps(dumps, args.papers, args.dumps)
        figures: dict[str, float] = {}
        for label, parallel_min in (("one writer", 10**9), ("two writer processes", 1_000)):
            index_module.PARALLEL_MIN = parallel_min
            cache = work / f"cache-{parallel_min}"
            seconds = timed(f"first index, {label}", lambda c=cache: Indexer(c).update([dumps]))
            figures[label] = seconds
            print(f"  {args.papers / seconds:.0f} papers/s")
        cache = work / "cache-1000"
        timed("second run, nothing changed (metadata check only)", lambda: Indexer(cache).update([dumps]))
        write_dumps(dumps, 1_000, 1, seed=11, offset=args.papers + 1)
        timed("one new dump of 1,000 papers", lambda: Indexer(cache).update([dumps]))
        speedup = figures["one writer"] / figures["two writer processes"]
        print(f"two processes vs one: {speedup:.2f}x")
        size = sum(f.stat().st_size for f in (cache / "index").iterdir())
        print(f"index size: {size / 1e6:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
