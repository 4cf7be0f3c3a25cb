"""A deterministic corpus of dumps shaped like the bundled samples.

    python -m benchmarks.corpus [--papers 100000] [--per-dump 50]

Sentences and titles come from `sample_dumps/` (real sentence and title
shapes), recombined: a title keeps the shape of a sample title with a few
words swapped and, for most papers, a coined method name in front
("SpecMorph: ..."), which the abstract mentions too. Coined names give the
corpus a vocabulary that grows with its size, as a real one does (Heaps' law),
so spelling and prefix tools are measured over a realistic word list rather
than the samples' ~6,000 words.

Each dump holds `per_dump` new papers plus 0-3 papers from the days before
(a paper trending twice), with the page's header lines and a date line, one
dump a day. The same arguments give the same bytes on every machine; the
folder is cached under `cache_root()` and reused while its stamp matches.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from reader.core.dumps import parse_dump
from reader.core.text import normalise_title

# Bump when the generated text changes: cached corpora are regenerated.
CORPUS_VERSION = 1
SAMPLES = Path(__file__).resolve().parent.parent / "sample_dumps"
LAST_DAY = dt.date(2026, 11, 1)
HEADER = ["new", "", "Get trending papers in your email inbox!", "", "Subscribe", "", "Daily Papers", ""]
HEADER += ["by AK and the research community", ""]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_WORD = re.compile(r"[A-Za-z][a-z]{3,}")


def cache_root() -> Path:
    """Where corpora and built indexes are kept between runs."""
    override = os.environ.get("PAPERS_BENCH_CACHE")
    return Path(override) if override else Path(platformdirs.user_cache_dir("papers-reader-bench"))


@dataclass(frozen=True)
class Source:
    """What the samples offer: titles, abstract sentences, words."""

    titles: list[str]
    sentences: list[str]
    sentences_per_abstract: list[int]
    words: list[str]

    @classmethod
    def load(cls, folder: Path = SAMPLES) -> Source:
        titles: list[str] = []
        sentences: list[str] = []
        counts: list[int] = []
        for path in sorted(folder.glob("*.txt")):
            for entry in parse_dump(path).entries:
                titles.append(entry.title)
                parts = [s for s in _SENTENCE_END.split(entry.abstract) if len(s) > 20]
                sentences.extend(parts)
                counts.append(len(parts))
        words = sorted({w.lower() for s in sentences for w in _WORD.findall(s)})
        return cls(titles, sentences, counts, words)


class Generator:
    """Papers and dumps from a seed; every random choice goes through `rng`."""

    def __init__(self, source: Source, seed: int) -> None:
        self.source = source
        self.rng = random.Random(seed)
        self.seen_titles: set[str] = set()
        self.names: set[str] = set()

    def coined_name(self) -> str:
        rng = self.rng
        while True:
            first, second = rng.choice(self.source.words), rng.choice(self.source.words)
            name = first[: rng.randint(3, 5)].capitalize() + second[: rng.randint(3, 6)].capitalize()
            if rng.random() < 0.15:
                name += f"-{rng.randint(1, 9)}"
            if name not in self.names:
                self.names.add(name)
                return name

    def swap_words(self, text: str, count: int) -> str:
        words = text.split(" ")
        for _ in range(count):
            at = self.rng.randrange(len(words))
            if _WORD.fullmatch(words[at]):
                new = self.rng.choice(self.source.words)
                words[at] = new.capitalize() if words[at][0].isupper() else new
        return " ".join(words)

    def title(self, name: str | None) -> str:
        while True:
            shape = self.rng.choice(self.source.titles)
            body = shape.split(": ", 1)[-1]
            body = self.swap_words(body, self.rng.randint(1, 3))
            title = f"{name}: {body}" if name else body
            key = normalise_title(title)
            if key not in self.seen_titles:
                self.seen_titles.add(key)
                return title

    def abstract(self, name: str | None) -> str:
        rng = self.rng
        count = rng.choice(self.source.sentences_per_abstract)
        chosen = [rng.choice(self.source.sentences) for _ in range(max(3, count))]
        chosen = [self.swap_words(s, 1) if rng.random() < 0.5 else s for s in chosen]
        if name:
            at = rng.randrange(1, len(chosen)) if len(chosen) > 1 else 0
            rest = chosen[at]
            chosen[at] = f"We introduce {name}, {rest[0].lower()}{rest[1:]}"
        return " ".join(chosen)

    def paper(self) -> tuple[str, str]:
        name = self.coined_name() if self.rng.random() < 0.6 else None
        return self.title(name), self.abstract(name)


def date_line(day: dt.date, rng: random.Random) -> str:
    """Mostly `Mar 14, 2024`, sometimes `March 14, 2024` or ISO."""
    roll = rng.random()
    if roll < 0.7:
        return f"{day:%b} {day.day}, {day.year}"
    if roll < 0.9:
        return f"{day:%B} {day.day}, {day.year}"
    return day.isoformat()


def write_corpus(folder: Path, papers: int, per_dump: int = 50, seed: int = 11) -> None:
    """`papers` distinct papers in `papers // per_dump` dumps, one a day."""
    source = Source.load()
    generator = Generator(source, seed)
    rng = generator.rng
    folder.mkdir(parents=True, exist_ok=True)
    dumps = max(1, papers // per_dump)
    recent: list[tuple[str, str]] = []
    made = 0
    for number in range(dumps):
        day = LAST_DAY - dt.timedelta(days=dumps - 1 - number)
        lines = HEADER + [date_line(day, rng), ""]
        fresh = [generator.paper() for _ in range(per_dump if number < dumps - 1 else papers - made)]
        made += len(fresh)
        repeats = rng.sample(recent, min(len(recent), rng.randint(0, 3)))
        entries = fresh + repeats
        rng.shuffle(entries)
        for title, abstract in entries:
            lines += [title, "", abstract, ""]
        recent = (recent + fresh)[-4 * per_dump :]
        name = folder / f"daily-{number:05d}.txt"
        name.write_text("\n".join(lines), encoding="utf-8")
        mtime = time.mktime(day.timetuple()) + 12 * 3600
        os.utime(name, (mtime, mtime))


def corpus(papers: int, per_dump: int = 50, seed: int = 11, quiet: bool = False) -> Path:
    """The cached corpus folder for these arguments, written if missing."""
    stamp = {"version": CORPUS_VERSION, "papers": papers, "per_dump": per_dump, "seed": seed}
    folder = cache_root() / f"corpus-{papers}-{per_dump}-{seed}"
    dumps = folder / "dumps"
    stamp_file = folder / "stamp.json"
    if stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
        return dumps
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    write_corpus(dumps, papers, per_dump, seed)
    stamp_file.write_text(json.dumps(stamp))
    if not quiet:
        print(f"corpus: wrote {papers:,} papers to {dumps} in {time.perf_counter() - started:.1f} s")
    return dumps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--per-dump", type=int, default=50)
    args = parser.parse_args()
    print(corpus(args.papers, args.per_dump))


if __name__ == "__main__":
    main()
