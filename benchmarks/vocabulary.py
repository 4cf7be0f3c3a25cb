"""Vocabulary tools: spelling suggestions, fuzzy expansion, prefix completion.

    python -m benchmarks.vocabulary [--papers 100000] [--repeat 3]

The vocabulary is every word of the corpus's titles and abstracts as typed
(Whoosh's StandardAnalyzer: lower case, not stemmed, no stop words) with the
number of papers that have it. The contenders, over that word list:

- spelling (`word` -> up to 3 near words, nearest first, then most frequent):
  Whoosh's corrector as the app runs it now (the app index's `words` field:
  title words only; several segments, so Whoosh falls back to a pure-Python
  distance over every word), Whoosh's corrector on a one-segment index of
  the whole vocabulary (its DFA path), `rapidfuzz` (OSA distance, the
  Damerau-Levenshtein variant Whoosh uses, over the words of a near length),
  and `symspellpy` (precomputed deletes).
- fuzzy expansion (`word~2`: every word within 2 edits): the same four.
- completion of a half-typed word (up to 10 words, most frequent first):
  `marisa-trie`, a sorted list with bisect, Whoosh's `expand_prefix`.

Typos: a few named ones and 200 made from the vocabulary by one random edit
(deletion, insertion, substitution or transposition) of words of 6+ letters,
drawn by frequency. A suggestion is right when it is the word the typo was
made from. Times are CPU milliseconds per call (medians): the machine is
shared, and wall time under load is 2-4x more.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import heapq
import json
import os
import random
import resource
import statistics
import string
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.builds import load_build
from benchmarks.corpus import corpus

NAMED = {"decodng": "decoding", "speculatve": "speculative", "protien": "protein", "quantizaton": "quantization"}
NAMED |= {"trasnformer": "transformer", "atention": "attention", "difusion": "diffusion", "kernal": "kernel"}
PREFIXES = ["s", "sp", "spe", "spec", "specu", "de", "dec", "deco", "mo", "mod", "qua", "quant", "tr", "tra", "la"]
LIMIT = 3


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def app_index(cache_dir: Path) -> Any:
    from reader.core.index import open_index

    index = open_index(cache_dir / "index")
    if index is None:
        raise SystemExit(f"no readable index in {cache_dir}")
    return index


def vocabulary(dumps: Path) -> dict[str, int]:
    """Word (as typed: lower case, not stemmed) -> how many papers have it in
    their title or abstract; cached beside the corpus."""
    cached = dumps.parent / "vocabulary.json"
    if cached.exists() and cached.stat().st_mtime >= dumps.stat().st_mtime:
        loaded: dict[str, int] = json.loads(cached.read_text())
        return loaded
    from whoosh.analysis import StandardAnalyzer

    from benchmarks.builds import corpus_papers

    analyzer = StandardAnalyzer()
    counts: Counter[str] = Counter()
    for _pid, title, abstract in corpus_papers(dumps):
        counts.update({token.text for token in analyzer(f"{title} {abstract}")})
    words = dict(counts.most_common())
    cached.write_text(json.dumps(words))
    return words


class FrequencyCorrector:
    """Whoosh's corrector on a one-segment index (its DFA `terms_within`),
    ranked like Whoosh's ReaderCorrector but by the vocabulary's counts (the
    one-segment index holds each word once)."""

    def __init__(self, index: Any, words: dict[str, int]) -> None:
        from whoosh.spelling import Corrector

        reader = index.searcher().reader()

        class Ranked(Corrector):  # type: ignore[misc]
            def _suggestions(self, text: str, maxdist: int, prefix: int) -> Any:
                for word in reader.terms_within("words", text, maxdist, prefix=prefix):
                    yield -(maxdist + 0.5 / words.get(word, 1)), word

        self.label = "Whoosh corrector, one segment (DFA), same vocabulary"
        self.corrector = Ranked()
        self.reader = reader

    def suggest(self, word: str) -> list[str]:
        return list(self.corrector.suggest(word, limit=LIMIT, maxdist=2))

    def expand(self, word: str) -> list[str]:
        return list(self.reader.terms_within("words", word, 2))


def typos(words: dict[str, int], count: int = 200, seed: int = 5) -> dict[str, str]:
    rng = random.Random(seed)
    long = sorted(w for w in words if len(w) >= 6 and w.isalpha())
    weights = [words[w] for w in long]
    made: dict[str, str] = {}
    while len(made) < count:
        word = rng.choices(long, weights)[0]
        at = rng.randrange(1, len(word) - 1)
        kind = rng.choice("disx")
        if kind == "d":
            typo = word[:at] + word[at + 1 :]
        elif kind == "i":
            typo = word[:at] + rng.choice(string.ascii_lowercase) + word[at:]
        elif kind == "s":
            typo = word[:at] + rng.choice(string.ascii_lowercase.replace(word[at], "")) + word[at + 1 :]
        else:
            typo = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
        if typo not in words and typo != word:
            made[typo] = word
    return made


# spelling and fuzzy contenders -------------------------------------------------
class WhooshCorrector:
    def __init__(self, index: Any, label: str) -> None:
        self.label = label
        self.searcher = index.searcher()
        self.corrector = self.searcher.corrector("words")
        self.reader = self.searcher.reader()
        self.segments = len(self.reader.readers) if hasattr(self.reader, "readers") else 1

    def suggest(self, word: str) -> list[str]:
        return list(self.corrector.suggest(word, limit=LIMIT, maxdist=2))

    def expand(self, word: str) -> list[str]:
        return list(self.reader.terms_within("words", word, 2))


def one_segment_index(words: dict[str, int], folder: Path) -> Any:
    """The same field and words in one segment (Whoosh's DFA path). Each word
    is added once: Whoosh ranks ties by frequency, which only orders ties."""
    from whoosh.analysis import StandardAnalyzer
    from whoosh.fields import TEXT, Schema
    from whoosh.filedb.filestore import FileStorage

    schema = Schema(words=TEXT(analyzer=StandardAnalyzer(), phrase=False, spelling=True))
    index = FileStorage(str(folder)).create_index(schema)
    writer = index.writer()
    for word in words:
        writer.add_document(words=word)
    writer.commit()
    return index


class RapidFuzz:
    label = "rapidfuzz (OSA, words of near length)"

    def __init__(self, words: dict[str, int]) -> None:
        self.freq = words
        by_length: dict[int, list[str]] = {}
        for word in words:
            by_length.setdefault(len(word), []).append(word)
        self.by_length = by_length

    def _within(self, word: str, limit: int) -> list[tuple[int, str]]:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        found: list[tuple[int, str]] = []
        for length in range(len(word) - limit, len(word) + limit + 1):
            choices = self.by_length.get(length)
            if choices:
                for match, dist, _ in process.extract(
                    word, choices, scorer=OSA.distance, score_cutoff=limit, limit=None
                ):
                    found.append((dist, match))
        return found

    def suggest(self, word: str) -> list[str]:
        found = self._within(word, 2)
        return [w for _, w in heapq.nsmallest(LIMIT, found, key=lambda f: (f[0], -self.freq[f[1]]))]

    def expand(self, word: str) -> list[str]:
        return [w for _, w in self._within(word, 2)]


class SymSpell:
    label = "symspellpy (max 2 edits, prefix 7)"

    def __init__(self, words: dict[str, int]) -> None:
        from symspellpy import SymSpell as Engine

        self.engine = Engine(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in words.items():
            self.engine.create_dictionary_entry(word, count)

    def suggest(self, word: str) -> list[str]:
        from symspellpy import Verbosity

        found = self.engine.lookup(word, Verbosity.CLOSEST, max_edit_distance=2)
        return [s.term for s in found[:LIMIT]]

    def expand(self, word: str) -> list[str]:
        from symspellpy import Verbosity

        return [s.term for s in self.engine.lookup(word, Verbosity.ALL, max_edit_distance=2)]


# prefix contenders ----------------------------------------------------------------
class Marisa:
    label = "marisa-trie"

    def __init__(self, words: dict[str, int]) -> None:
        import marisa_trie

        self.trie = marisa_trie.Trie(words)
        self.freq = words

    def complete(self, prefix: str, limit: int = 10) -> list[str]:
        return heapq.nlargest(limit, self.trie.keys(prefix), key=self.freq.__getitem__)


class SortedList:
    label = "sorted list + bisect"

    def __init__(self, words: dict[str, int]) -> None:
        self.words = sorted(words)
        self.counts = [words[w] for w in self.words]

    def complete(self, prefix: str, limit: int = 10) -> list[str]:
        low = bisect.bisect_left(self.words, prefix)
        high = bisect.bisect_left(self.words, prefix + "\U0010ffff", low)
        best = heapq.nlargest(limit, range(low, high), key=self.counts.__getitem__)
        return [self.words[i] for i in best]


class WhooshPrefix:
    label = "Whoosh expand_prefix + doc_frequency (app index, title words)"

    def __init__(self, index: Any) -> None:
        self.searcher = index.searcher()
        self.reader = self.searcher.reader()

    def complete(self, prefix: str, limit: int = 10) -> list[str]:
        words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in self.reader.expand_prefix("words", prefix)]
        return heapq.nlargest(limit, words, key=lambda w: self.reader.doc_frequency("words", w))


# measuring --------------------------------------------------------------------------
def built(make: Callable[[], Any]) -> tuple[Any, float, float]:
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    made = make()
    return made, time.perf_counter() - started, rss_mb() - before


def per_call(run: Callable[[str], object], inputs: Sequence[str], repeat: int) -> tuple[float, float, float]:
    """Median, p95 and max milliseconds per call (the median of `repeat` runs of each input)."""
    times = []
    for word in inputs:
        runs = []
        for _ in range(repeat):
            started = time.process_time()
            run(word)
            runs.append(1000 * (time.process_time() - started))
        times.append(statistics.median(runs))
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], times[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--dumps", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=40, help="typos timed per tool (all are judged)")
    args = parser.parse_args()
    dumps = args.dumps.resolve() if args.dumps else corpus(args.papers)
    app = load_build("app", dumps)
    if app is None:
        raise SystemExit("build the index first: python -m benchmarks.builds --papers N")
    index = app_index(Path(app.folder))
    words = vocabulary(dumps)
    print(f"vocabulary: {len(words):,} words of {app.papers:,} papers; load {os.getloadavg()[0]:.1f}")
    made = typos(words)
    cases = {t: w for t, w in NAMED.items()} | made
    timed_inputs = list(NAMED) + list(made)[: args.sample]
    with tempfile.TemporaryDirectory() as folder:
        one, one_time, one_mem = built(lambda: one_segment_index(words, Path(folder)))
        tools: list[tuple[Any, float, float]] = [
            (WhooshCorrector(index, "Whoosh corrector, app index, title words only"), 0.0, 0.0),
            (FrequencyCorrector(one, words), one_time, one_mem),
            built(lambda: RapidFuzz(words)),
            built(lambda: SymSpell(words)),
        ]
        print("\n## Spelling suggestions and fuzzy expansion (ms per word)\n")
        print("| tool | build s | build MB | suggest p50 | p95 | max | expand~2 p50 | top-1 right | top-3 right |")
        print("|---|---|---|---|---|---|---|---|---|")
        for tool, seconds, memory in tools:
            label = tool.label + (f" ({tool.segments} segments)" if isinstance(tool, WhooshCorrector) else "")
            slow = isinstance(tool, WhooshCorrector) and tool.segments > 1
            inputs = timed_inputs[: 10 if slow else None]
            tool.suggest(inputs[0])  # imports and first-use set-up are not per word
            p50, p95, worst = per_call(tool.suggest, inputs, 1 if slow else args.repeat)
            e50, _, _ = per_call(tool.expand, inputs[:10], 1 if slow else args.repeat)
            judged = {t: w for t, w in cases.items() if w in words}
            answers = {t: tool.suggest(t) for t in (list(judged)[:40] if slow else judged)}
            top1 = sum(1 for t, a in answers.items() if a[:1] == [judged[t]])
            top3 = sum(1 for t, a in answers.items() if judged[t] in a)
            print(
                f"| {label} | {seconds:.2f} | {memory:.0f} | {p50:.2f} | {p95:.2f} | {worst:.2f} | {e50:.2f} "
                f"| {top1}/{len(answers)} | {top3}/{len(answers)} |",
                flush=True,
            )
            named = ", ".join(f"{t} -> {(tool.suggest(t) or ['-'])[0]}" for t in NAMED)
            print(f"|  | named: {named} |||||||", flush=True)
        print("\n## Completing a half-typed word (10 most frequent completions, ms per prefix)\n")
        print("| tool | build s | build MB | p50 | p95 | max | `spe` gives |")
        print("|---|---|---|---|---|---|---|")
        for tool, seconds, memory in [
            built(lambda: Marisa(words)),
            built(lambda: SortedList(words)),
            (WhooshPrefix(index), 0.0, 0.0),
        ]:
            tool.complete("x")
            p50, p95, worst = per_call(tool.complete, PREFIXES, args.repeat)
            shown = ", ".join(tool.complete("spe", 5))
            print(f"| {tool.label} | {seconds:.2f} | {memory:.0f} | {p50:.3f} | {p95:.3f} | {worst:.3f} | {shown} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak:.0f} MB; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
