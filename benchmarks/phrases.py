"""Phrase queries: Whoosh's position checks against a field of word pairs.

    python -m benchmarks.phrases [--papers 100000] [--repeat 5]

Builds (once, cached) the bare index of benchmarks/builds.py plus a `pairs`
field: the stemmed title and abstract as adjacent word pairs
(`StemmingAnalyzer | BiWordFilter`, no positions). A phrase is then answered
from terms: the AND of its pairs gives candidates without reading positions,
and only the first screenful is confirmed with a real phrase query limited to
those candidates. Compared on the same index, same documents:

- spans: Whoosh's phrase query over title and abstract, top screenful and all hits;
- pairs: the AND of pair terms, top screenful (+ confirmation), and all hits
  (how many candidates a pair AND lets through that are not the phrase).

The index-size cost is this index against the bare one (same documents, same
single writer). Query times are CPU milliseconds (medians of `--repeat`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.builds import build_path, corpus_papers, folder_size, load_build
from benchmarks.corpus import corpus

SCREEN = 30
PHRASES = [
    "large language models",
    "speculative decoding",
    "kv cache",
    "reinforcement learning",
    "state of the art",
    "memory bandwidth",
    "end to end latency",
    "mixture of experts",
]


def pair_analyzer() -> Any:
    from whoosh.analysis import BiWordFilter, StemmingAnalyzer

    return StemmingAnalyzer() | BiWordFilter(sep=" ")


def build_pairs(dumps: Path) -> tuple[Path, float]:
    """The bare schema plus `pairs`; cached. Returns the folder and its build seconds."""
    from whoosh.fields import TEXT
    from whoosh.filedb.filestore import FileStorage

    from benchmarks.builds import bare_schema

    home = build_path("pairs", dumps)
    done = home / "seconds"
    if done.exists():
        return home / "index", float(done.read_text())
    shutil.rmtree(home, ignore_errors=True)
    (home / "index").mkdir(parents=True)
    started = time.perf_counter()
    schema = bare_schema()
    schema.add("pairs", TEXT(analyzer=pair_analyzer(), phrase=False))
    index = FileStorage(str(home / "index")).create_index(schema)
    writer = index.writer()
    for pid, title, abstract in corpus_papers(dumps):
        writer.add_document(id=pid, title=title, abstract=abstract, pairs=f"{title}\n{abstract}")
    writer.commit()
    seconds = time.perf_counter() - started
    done.write_text(str(seconds))
    return home / "index", seconds


class Phrases:
    def __init__(self, index_dir: Path) -> None:
        from whoosh.filedb.filestore import FileStorage
        from whoosh.qparser import MultifieldParser

        self.index = FileStorage(str(index_dir), supports_mmap=False).open_index()
        self.searcher = self.index.searcher()
        self.parser = MultifieldParser(["title", "abstract"], self.index.schema)
        self.analyzer = pair_analyzer()

    def spans(self, phrase: str, limit: int | None) -> int:
        results = self.searcher.search(self.parser.parse(f'"{phrase}"'), limit=limit)
        return len(results) if limit is None else len(results.top_n)

    def pair_query(self, phrase: str) -> Any:
        from whoosh import query

        pairs = [token.text for token in self.analyzer(phrase)]
        return query.And([query.Term("pairs", pair) for pair in pairs])

    def pairs(self, phrase: str, limit: int | None, confirm: bool = False) -> int:
        results = self.searcher.search(self.pair_query(phrase), limit=limit if not confirm else 2 * (limit or 0))
        if limit is None:
            return len(results)
        if not confirm:
            return len(results.top_n)
        return len(self.confirm(phrase, sorted(docnum for _score, docnum in results.top_n))[:limit])

    def confirm(self, phrase: str, candidates: list[int]) -> list[int]:
        """The candidates that hold the phrase: the phrase matcher is moved
        straight to each one, so positions are read for these documents only
        (a phrase search with `filter=` would still check every match)."""
        query = self.parser.parse(f'"{phrase}"')
        confirmed: list[int] = []
        for leaf, offset in self.searcher.leaf_searchers():
            matcher = query.matcher(leaf)
            end = offset + leaf.doc_count_all()
            for docnum in candidates:
                if not offset <= docnum < end or not matcher.is_active():
                    continue
                if matcher.id() < docnum - offset:
                    matcher.skip_to(docnum - offset)
                if matcher.is_active() and matcher.id() == docnum - offset:
                    confirmed.append(docnum)
        return confirmed


def median_ms(run: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        run()
        times.append(1000 * (time.process_time() - started))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--dumps", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dumps = args.dumps.resolve() if args.dumps else corpus(args.papers)
    bare = load_build("bare", dumps)
    if bare is None:
        raise SystemExit("build the bare index first: python -m benchmarks.builds --papers N --only bare")
    index_dir, seconds = build_pairs(dumps)
    size, bare_size = folder_size(index_dir), bare.size_mb
    print(f"load {os.getloadavg()[0]:.1f}; {bare.papers:,} papers")
    print(
        f"index with pairs: {size:.0f} MB against {bare_size:.0f} MB bare (+{100 * (size / bare_size - 1):.0f}%); "
        f"built in {seconds:.0f} s against {bare.wall:.0f} s bare (one writer each)\n"
    )
    phrases = Phrases(index_dir)
    phrases.spans("model", SCREEN)  # warm up
    print(f"| phrase | hits | spans top {SCREEN} ms | spans all ms | pairs top {SCREEN} ms | + confirm ms ", end="")
    print("| pairs all ms | pair candidates | of them the phrase |")
    print("|---|---|---|---|---|---|---|---|---|")
    for phrase in PHRASES:
        hits = phrases.spans(phrase, None)
        candidates = phrases.pairs(phrase, None)
        row = [
            median_ms(lambda p=phrase: phrases.spans(p, SCREEN), args.repeat),
            median_ms(lambda p=phrase: phrases.spans(p, None), args.repeat),
            median_ms(lambda p=phrase: phrases.pairs(p, SCREEN), args.repeat),
            median_ms(lambda p=phrase: phrases.pairs(p, SCREEN, confirm=True), args.repeat),
            median_ms(lambda p=phrase: phrases.pairs(p, None), args.repeat),
        ]
        share = f"{100 * hits / candidates:.0f}%" if candidates else "-"
        cells = " | ".join(f"{value:.1f}" for value in row)
        print(f'| "{phrase}" | {hits:,} | {cells} | {candidates:,} | {share} |', flush=True)
    print(f"\nload {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
