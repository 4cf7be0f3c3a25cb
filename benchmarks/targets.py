"""Every figure of the Targets of issue 11, next to its baseline from the same run.

    python -m benchmarks.targets --papers 10000      # make bench
    python -m benchmarks.targets --papers 100000     # make bench-100k
    python -m benchmarks.targets --dumps FOLDER      # a corpus of your own

The corpus is generated from `sample_dumps/` (benchmarks/corpus.py) and
cached; so are the two first-index builds when `--reuse` is given (their
timings then come from the run that made them, and say so). Results are
printed as a table and written as JSON to the cache folder.

`first_screen` and `exact_count` below are the app's keystroke path: keep
them in step with `reader/tui/screens/main.py` when that path changes.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from whoosh.query import NullQuery

import reader
from benchmarks.builds import Build, corpus_key, corpus_papers, load_build, measure, whoosh_version
from benchmarks.corpus import Generator, Source, cache_root, corpus
from benchmarks.first_paint import hello_world, times_to_texts
from reader.core.errors import PapersError
from reader.core.index import Indexer
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.search import BLOCK_VALUES, POSTING_CACHE, parse_query
from reader.tui.screens.main import papers_to_ask

# The list's rows in a 120x32 terminal (tests/tui/test_first_screenful.py
# checks it): the first screenful, whose rows are read.
SCREEN_ROWS = 27
FIRST_PAPERS = papers_to_ask(SCREEN_ROWS)  # what a keystroke asks the index for, as the app does

# Queries by kind; each is also typed one key at a time (every prefix is a
# keystroke), which is where half-typed words come from.
QUERIES: dict[str, list[str]] = {
    "one word": ["model", "quantization", "kernel", "agents"],
    "two words": ["language model", "kv cache", "speculative decoding", "memory bandwidth"],
    "phrase": ['"large language models"', '"kv cache"', '"speculative decoding"'],
    "wildcard": ["comp*", "neur*", "trans*"],
    "fuzzy": ["decoding~", "decodng~", "speculatve~2", "protien~2"],
}
TYPED = ["speculative decoding", "kv cache", "quantization", "large language model"]


def first_screen(library: Library, text: str) -> int:
    """One keystroke as the app runs it (the search bar's search: the last
    word may be unfinished; the first screenful only, then its rows); returns
    the number of hits shown."""
    try:
        result = library.search(text, typing=True, first=FIRST_PAPERS)
        library.parse(text, typing=True)
        if not result.ids and text.strip():
            library.suggest(text, typing=True)
    except PapersError:  # the app shows the message and keeps the last results
        return 0
    shown = list(result.ids[:SCREEN_ROWS])
    library.papers(shown)
    library.states(shown)
    return len(result.ids)


def exact_count(library: Library, text: str) -> int:
    """The exact number of hits, as the app completes the status line after
    the first screenful (in a worker the next keystroke cancels)."""
    return library.count(text, typing=True)


def deeper_pages(library: Library, text: str) -> int:
    """Every hit in order, as the app fetches them after the exact count."""
    return len(library.search(text, typing=True).ids)


@dataclass
class Figure:
    name: str
    measured: float
    baseline: float | None
    unit: str
    target: str
    met: bool | None
    note: str = ""

    def row(self) -> str:
        def show(value: float | None) -> str:
            if value is None:
                return "-"
            return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"

        ratio = f"{self.measured / self.baseline:.2f}x" if self.baseline else "-"
        verdict = {True: "met", False: "NOT met", None: ""}[self.met]
        measured = f"{show(self.measured)} {self.unit}"
        baseline = f"{show(self.baseline)} {self.unit}" if self.baseline is not None else "-"
        return f"| {self.name} | {measured} | {baseline} | {ratio} | {self.target} | {verdict} | {self.note} |"


@dataclass
class Run:
    papers: int
    machine: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    keystrokes: dict[str, dict[str, float]] = field(default_factory=dict)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        print(figure.row(), flush=True)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def timed_cpu(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of `run` (single-threaded: CPU time is what the
    wall time would be on an idle machine, less waiting on the disk)."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def machine() -> dict[str, Any]:
    import textual

    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "whoosh": whoosh_version(),
        "textual": textual.__version__,
        "load_start": round(os.getloadavg()[0], 2),
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }


# keystrokes ------------------------------------------------------------------
class BareSearch:
    """Whoosh alone on the bare index: the top screenful and its stored
    fields. Wildcards and fuzzy terms are bounded as the app bounds them
    (`parse_query` with a searcher): unbounded, `comp*` with a limit spends
    minutes in Whoosh's block-quality checks over hundreds of terms."""

    def __init__(self, index_dir: Path) -> None:
        from whoosh.filedb.filestore import FileStorage

        self.index = FileStorage(str(index_dir), supports_mmap=False).open_index()
        self.searcher = self.index.searcher()

    def first_screen(self, text: str) -> int:
        try:
            query = parse_query(text, self.searcher).query
        except PapersError:
            return 0
        if query is NullQuery:
            return 0
        results = self.searcher.search(query, limit=SCREEN_ROWS)
        for hit in results:
            hit.fields()
        return len(results)


def before_warm_up(run: Run, library: Library) -> None:
    """The first search of each query right after launch, before the app's
    background warm-up has read the common words (a user who types at once);
    then the warm-up itself, as the app runs it after its index run. What
    the searches kept is dropped first: the warm-up starts from nothing, as
    in a new process (the disk cache stays warm, as it is for the rest)."""
    cold = [timed(partial(first_screen, library, query)) for queries in QUERIES.values() for query in queries]
    POSTING_CACHE.clear()
    BLOCK_VALUES.clear()
    library.reload()  # a new searcher: no term statistics kept either
    wall, cpu = timed_cpu(library.warm_search)
    run.add(
        Figure(
            "keystroke typed before the background warm-up ends (first search of every query above), p95",
            1000 * percentile(cold, 0.95),
            None,
            "ms",
            "",
            None,
            f"max {1000 * max(cold):.0f} ms, p50 {1000 * statistics.median(cold):.0f} ms, n={len(cold)}",
        )
    )
    run.add(
        Figure(
            "background warm-up after the first screen (the most common words' postings)",
            wall,
            None,
            "s",
            "",
            None,
            f"CPU {cpu:.2f} s, {POSTING_CACHE.bytes / 1e6:.0f} MB kept; the keystroke figures below are after it",
        )
    )


def keystroke_figures(run: Run, library: Library, bare: BareSearch, repeat: int) -> None:
    """p50/p95/max per kind of query, each against Whoosh alone."""
    samples: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    baselines: dict[str, list[float]] = {}
    typed_all: list[float] = []
    first_screen(library, "model")  # open the index and build what a first search builds
    bare.first_screen("model")
    before_warm_up(run, library)
    for kind, queries in QUERIES.items():
        for query in queries:
            for _ in range(repeat):
                seconds, used = timed_cpu(partial(first_screen, library, query))
                samples.setdefault(kind, []).append(seconds)
                cpu.setdefault(kind, []).append(used)
                baselines.setdefault(kind, []).append(timed(partial(bare.first_screen, query)))
    typing_total = 0.0
    for query in TYPED:
        for end in range(1, len(query) + 1):
            prefix = query[:end]
            seconds, used = timed_cpu(partial(first_screen, library, prefix))
            typing_total += seconds
            typed_all.append(seconds)
            # A key that leaves the last word unfinished: a half-typed word.
            if end < len(query) and query[end] != " " and prefix[-1] != " " and len(prefix.split()[-1]) >= 3:
                samples.setdefault("half-typed word", []).append(seconds)
                cpu.setdefault("half-typed word", []).append(used)
                baselines.setdefault("half-typed word", []).append(timed(partial(bare.first_screen, prefix)))
    limits = {"one word": 0.05, "two words": 0.05, "half-typed word": 0.05, "phrase": 0.05}
    for kind, times in samples.items():
        limit = limits.get(kind, 0.15)
        p95 = percentile(times, 0.95)
        base = percentile(baselines[kind], 0.95)
        run.keystrokes[kind] = {
            "p50": statistics.median(times),
            "p95": p95,
            "max": max(times),
            "n": len(times),
            "bare_p50": statistics.median(baselines[kind]),
            "bare_p95": base,
            "cpu_p50": statistics.median(cpu[kind]),
            "cpu_p95": percentile(cpu[kind], 0.95),
        }
        note = (
            f"p50 {1000 * statistics.median(times):.0f} ms, max {1000 * max(times):.0f} ms, n={len(times)}; "
            f"CPU p50 {1000 * statistics.median(cpu[kind]):.0f} ms, p95 {1000 * percentile(cpu[kind], 0.95):.0f} ms"
        )
        run.add(
            Figure(
                f"keystroke -> first screen, {kind}, p95 (baseline: Whoosh alone, top {SCREEN_ROWS})",
                1000 * p95,
                1000 * base,
                "ms",
                f"<= {1000 * limit:.0f} ms",
                p95 <= limit,
                note,
            )
        )
    every = [t for times in samples.values() for t in times] + typed_all
    run.add(Figure("slowest keystroke of all above", 1000 * max(every), None, "ms", "<= 300 ms", max(every) <= 0.3))
    run.add(
        Figure(
            f"typing {len(TYPED)} queries one key at a time, total",
            typing_total,
            None,
            "s",
            "",
            None,
            ", ".join(TYPED),
        )
    )
    counts, pages = [], []
    for query in ["model", "language model", '"large language models"', "comp*", "decoding~"]:
        counts.append(min(timed(partial(exact_count, library, query)) for _ in range(max(1, repeat // 2))))
        pages.append(min(timed(partial(deeper_pages, library, query)) for _ in range(max(1, repeat // 2))))
    run.add(Figure("exact count, slowest of 5 typical queries", max(counts), None, "s", "<= 1 s", max(counts) <= 1.0))
    run.add(
        Figure(
            "every hit in order (deeper pages, after the count), slowest of the same 5",
            max(pages),
            None,
            "s",
            "",
            None,
            "in a worker the next keystroke cancels",
        )
    )


# first screen ------------------------------------------------------------------
def first_screen_figure(run: Run, library: Library, dumps: Path, cache: Path, repeat: int) -> None:
    # As installed: pip writes the bytecode of a package it installs, but this
    # editable checkout may run with PYTHONDONTWRITEBYTECODE (then every start
    # compiles ~70 modules: ~0.2 s that a user never pays).
    compileall.compile_dir(str(Path(reader.__file__).parent), quiet=1)
    ids = library.search("").ids[:SCREEN_ROWS]
    needles = [paper.title[:24] for paper in library.papers(ids).values()]
    work = Path(tempfile.mkdtemp(prefix="papers-bench-"))
    command = [sys.executable, "-m", "reader", "--data-dir", str(work / "data"), "--cache-dir", str(cache)]
    command += ["--config-dir", str(work / "config"), str(dumps)]
    # Textual's own first frame has the status line, with the count.
    status = [f"of {library.total()} papers"]
    app_times, frame_times, hello_times = [], [], []
    try:
        for _ in range(repeat):  # interleaved, so load drifts hit both alike
            hello_times.append(hello_world())
            rows_at, frame_at = times_to_texts(command, [needles, status])
            app_times.append(rows_at)
            frame_times.append(frame_at)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    app, hello = statistics.median(app_times), statistics.median(hello_times)
    run.add(
        Figure(
            "first screen with results (pty, process start -> titles painted), median",
            app,
            hello,
            "s",
            "<= 1.3x hello-world Textual",
            app <= 1.3 * hello,
            f"baseline: hello-world Textual app; runs: {repeat}; painted before Textual starts",
        )
    )
    run.add(
        Figure(
            "Textual's first frame (pty, process start -> status line painted), median",
            statistics.median(frame_times),
            hello,
            "s",
            "",
            None,
            "the whole app: search bar, list, detail, status line",
        )
    )


# indexing ------------------------------------------------------------------------
def new_dump(folder: Path, seed: int) -> list[str]:
    """One 50-paper dump of papers the corpus does not have; their titles."""
    generator = Generator(Source.load(), seed)
    papers = [generator.paper() for _ in range(50)]
    lines = ["Daily Papers", "", "Nov 2, 2026", ""]
    for title, abstract in papers:
        lines += [f"{title} (extra {seed})", "", abstract, ""]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"extra-{seed}.txt").write_text("\n".join(lines), encoding="utf-8")
    return [f"{title} (extra {seed})" for title, _ in papers]


def add_dump_figures(run: Run, app: Build, bare: Build, dumps: Path, runs: int) -> None:
    from whoosh.filedb.filestore import FileStorage

    app_times, bare_times, second_times = [], [], []
    for attempt in range(runs):
        work = Path(tempfile.mkdtemp(prefix="papers-bench-"))
        try:
            cache = work / "cache"
            shutil.copytree(app.folder, cache)
            extra, later = work / "extra", work / "later"
            titles = new_dump(extra, 1000 + attempt)
            titles_later = new_dump(later, 2000 + attempt)

            def add(locations: list[Path], wanted: str, copy: Path = cache, home: Path = work) -> None:
                Indexer(copy).update(locations)
                library = Library(Locations(home / "data", copy, home / "config"))
                if not library.search(f'title:"{wanted}"').ids:
                    raise RuntimeError(f"the new paper {wanted!r} is not searchable")
                library.close()

            app_times.append(timed(partial(add, [dumps, extra], titles[0])))
            second_times.append(timed(partial(add, [dumps, extra, later], titles_later[0])))
            index_dir = work / "bare"
            shutil.copytree(bare.folder, index_dir)

            def add_bare(folder: Path = index_dir, location: Path = extra) -> None:
                index = FileStorage(str(folder)).open_index()
                writer = index.writer()
                for pid, title, abstract in corpus_papers(location):
                    writer.add_document(id=pid, title=title, abstract=abstract)
                writer.commit()

            bare_times.append(timed(add_bare))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    measured = statistics.median(app_times)
    run.add(
        Figure(
            "add one 50-paper dump to a fresh index, until searchable",
            measured,
            statistics.median(bare_times),
            "s",
            "<= 3 s",
            measured <= 3.0,
            f"baseline: bare Whoosh, one writer; runs: {runs}; a second dump after it: "
            f"{statistics.median(second_times):.2f} s",
        )
    )


def unchanged_figure(run: Run, app: Build, dumps: Path, repeat: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="papers-bench-"))
    try:
        cache = work / "cache"
        shutil.copytree(app.folder, cache)
        Indexer(cache).update([dumps])  # warm the file cache like any earlier run
        checks = [timed(lambda: Indexer(cache).update([dumps])) for _ in range(repeat)]
        stats = [timed(lambda: [p.stat() for p in dumps.iterdir()]) for _ in range(repeat)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    measured = statistics.median(checks)
    run.add(
        Figure(
            "nothing-changed start-up check",
            measured,
            statistics.median(stats),
            "s",
            "<= 0.3 s",
            measured <= 0.3,
            "baseline: stat() of every dump file",
        )
    )


def build_figures(run: Run, app: Build, bare: Build, reused: bool) -> None:
    note = f"builds from {app.when} (--reuse)" if reused else ""
    run.add(
        Figure(
            "full first index, wall",
            app.wall,
            bare.wall,
            "s",
            "<= 0.6x bare",
            app.wall <= 0.6 * bare.wall,
            f"baseline: bare single-writer Whoosh; load at start {app.load:.1f} / {bare.load:.1f} {note}",
        )
    )
    run.add(Figure("full first index, CPU", app.cpu, bare.cpu, "s", "", None, "user+sys, with child processes"))
    run.add(
        Figure(
            "full first index, peak RSS",
            app.peak_rss_mb,
            bare.peak_rss_mb,
            "MB",
            "<= 1,000 MB",
            app.peak_rss_mb <= 1000,
            "largest process",
        )
    )
    merge = app.merge
    if merge is not None and merge["segments_before"] != merge["segments_after"]:
        run.add(
            Figure(
                "background merge after the first index (child process), wall",
                merge["wall"],
                None,
                "s",
                "",
                None,
                f"{merge['segments_before']:.0f} -> {merge['segments_after']:.0f} segments; "
                f"{merge['cpu']:.0f} s CPU; searches and index runs go on meanwhile",
            )
        )
        run.add(
            Figure(
                "background merge, peak RSS",
                merge["peak_rss_mb"],
                None,
                "MB",
                "<= 1,000 MB",
                merge["peak_rss_mb"] <= 1000,
                "the merge's child process",
            )
        )
    first = app.first_searchable if app.first_searchable is not None else app.wall
    run.add(Figure("first results searchable after start (new folder)", first, None, "s", "<= 5 s", first <= 5.0))
    run.add(
        Figure(
            "cache size",
            app.size_mb,
            bare.size_mb,
            "MB",
            "<= 1.2x bare",
            app.size_mb <= 1.2 * bare.size_mb,
            "index, after the background merge",
        )
    )


# the run ------------------------------------------------------------------------
def builds(dumps: Path, reuse: bool) -> tuple[Build, Build, bool]:
    """The two first-index builds, and whether both are reused."""
    found = (load_build("app", dumps), load_build("bare", dumps)) if reuse else (None, None)
    app = found[0] or measure("app", dumps)
    bare = found[1] or measure("bare", dumps)
    return app, bare, None not in found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=0, help="runs per query (default: 5 at 10k, 3 above)")
    parser.add_argument("--reuse", action="store_true", help="reuse cached first-index builds and their timings")
    parser.add_argument("--dumps", type=Path, help="a folder of dumps instead of the generated corpus")
    parser.add_argument("--skip-keystrokes", action="store_true", help="only the start-up, indexing and size figures")
    args = parser.parse_args()
    dumps = args.dumps.resolve() if args.dumps else corpus(args.papers)
    run = Run(0, machine())
    print(f"# issue 11 targets on {dumps}; {json.dumps(run.machine)}", flush=True)
    print("| figure | measured | baseline | ratio | target | | note |\n|---|---|---|---|---|---|---|", flush=True)
    app, bare, reused = builds(dumps, args.reuse)
    run.papers = app.papers
    big = app.papers > 20_000
    repeat = args.repeat or (3 if big else 5)
    build_figures(run, app, bare, reused)
    work = Path(tempfile.mkdtemp(prefix="papers-bench-"))
    try:
        library = Library(Locations(work / "data", Path(app.folder), work / "config"))
        if not args.skip_keystrokes:
            keystroke_figures(run, library, BareSearch(Path(bare.folder)), repeat)
        first_screen_figure(run, library, dumps, Path(app.folder), repeat)
        library.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    unchanged_figure(run, app, dumps, repeat)
    add_dump_figures(run, app, bare, dumps, 1 if big else 2)
    run.machine["load_end"] = round(os.getloadavg()[0], 2)
    out = cache_root() / f"targets-{corpus_key(dumps)}.json"
    out.write_text(json.dumps(asdict(run), indent=1))
    met = sum(1 for f in run.figures if f.met)
    judged = sum(1 for f in run.figures if f.met is not None)
    load = f"load {run.machine['load_start']} -> {run.machine['load_end']}"
    print(f"\n{run.papers:,} papers: {met} of {judged} targets met; {load}; {out}")


if __name__ == "__main__":
    main()
