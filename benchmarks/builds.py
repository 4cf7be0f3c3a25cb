"""Full first index through the app, against bare single-writer Whoosh.

    python -m benchmarks.builds --papers 100000 [--only app|bare]

Each build runs in its own process, so its wall time, CPU time (its own and
its children's: `writer(procs=2)` forks) and peak RSS are its alone. The app
build is then merged as the app merges after an index run (its background
merge, reader/core/index.py `merge_segments`), in a process of its own too,
and measured apart: the first index is searchable before that merge starts. The
bare baseline parses the same dumps with the same parser, keeps one document
per paper ID, and adds them with one writer and one commit to a plain schema
(ID, stemmed title and abstract, both stored): what Whoosh alone costs for
the same documents. Results are kept as JSON beside the built folders, so
other scripts can reuse an index (`load_build`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from benchmarks.corpus import cache_root, corpus


@dataclass
class Build:
    kind: str  # "app" or "bare"
    folder: str  # the cache dir (app) or the index dir (bare)
    papers: int
    wall: float
    cpu: float
    peak_rss_mb: float  # the largest process: the builder or one of its children
    first_searchable: float | None  # seconds until the first batch was committed (app)
    size_mb: float  # after the merge (app): what the cache is once the app has run
    whoosh: str
    when: str
    load: float  # 1-minute load average when the build started
    merge: dict[str, float] | None = None  # the app's background merge after the build (`merge_app`)


def folder_size(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def whoosh_version() -> str:
    """Which fork provides `import whoosh` here, with its version."""
    from importlib.metadata import packages_distributions, version

    names = packages_distributions().get("whoosh", ["whoosh"])
    return ", ".join(f"{name} {version(name)}" for name in names)


def _usage() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    return cpu, max(me.ru_maxrss, kids.ru_maxrss) / 1024


def build_app(dumps: Path, cache_dir: Path) -> dict[str, Any]:
    """In this process: the app's Indexer from nothing."""
    from reader.core.index import Indexer
    from reader.core.steps import Progress

    first: list[float] = []
    started = time.perf_counter()

    def progress(step: Progress) -> None:
        if step.phase == "saved" and not first:
            first.append(time.perf_counter() - started)

    report = Indexer(cache_dir, progress).update([dumps])
    wall = time.perf_counter() - started
    cpu, peak = _usage()
    return {
        "papers": report.papers_total,
        "wall": wall,
        "cpu": cpu,
        "peak_rss_mb": peak,
        "first_searchable": first[0] if first else None,
    }


def merge_app(cache_dir: Path) -> dict[str, float]:
    """In this process: the background merge the app runs after its first
    index (its child process is this one's only child)."""
    from reader.core.index import merge_segments, open_index

    def segments() -> int:
        index = open_index(cache_dir / "index")
        return len(index._segments()) if index is not None else 0

    before = segments()
    started = time.perf_counter()
    report = merge_segments(cache_dir)
    if report.gave_up:
        raise SystemExit(f"the merge gave up: {report.gave_up}")
    wall = time.perf_counter() - started
    cpu, peak = _usage()
    return {"wall": wall, "cpu": cpu, "peak_rss_mb": peak, "segments_before": before, "segments_after": segments()}


def bare_schema() -> Any:
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(stored=True, analyzer=StemmingAnalyzer()),
        abstract=TEXT(stored=True, analyzer=StemmingAnalyzer()),
    )


def corpus_papers(dumps: Path) -> list[tuple[str, str, str]]:
    """(id, title, abstract) of each paper once, in dump order."""
    from reader.core.dumps import parse_dump

    seen: set[str] = set()
    papers: list[tuple[str, str, str]] = []
    for path in sorted(dumps.glob("*.txt")):
        for entry in parse_dump(path).entries:
            if entry.paper_id not in seen:
                seen.add(entry.paper_id)
                papers.append((entry.paper_id, entry.title, entry.abstract))
    return papers


def build_bare(dumps: Path, index_dir: Path) -> dict[str, Any]:
    """In this process: parse, then one Whoosh writer, one commit."""
    from whoosh.filedb.filestore import FileStorage

    started = time.perf_counter()
    schema = bare_schema()
    index_dir.mkdir(parents=True, exist_ok=True)
    index = FileStorage(str(index_dir)).create_index(schema)
    writer = index.writer()
    count = 0
    for pid, title, abstract in corpus_papers(dumps):
        writer.add_document(id=pid, title=title, abstract=abstract)
        count += 1
    writer.commit()
    wall = time.perf_counter() - started
    cpu, peak = _usage()
    return {"papers": count, "wall": wall, "cpu": cpu, "peak_rss_mb": peak, "first_searchable": wall}


def corpus_key(dumps: Path) -> str:
    """A short name for a dump folder: the generated corpus's, else a hash of its path."""
    if dumps.parent.name.startswith("corpus-") and dumps.parent.parent == cache_root():
        return dumps.parent.name.removeprefix("corpus-")
    return "own-" + hashlib.sha256(str(dumps.resolve()).encode()).hexdigest()[:10]


def build_path(kind: str, dumps: Path) -> Path:
    return cache_root() / f"build-{kind}-{corpus_key(dumps)}"


def load_build(kind: str, dumps: Path) -> Build | None:
    """A build made earlier from these dumps, if its folder is whole."""
    record = build_path(kind, dumps) / "build.json"
    if not record.exists():
        return None
    build = Build(**json.loads(record.read_text()))
    if not Path(build.folder).exists():
        return None
    if kind == "app" and (build.merge is None or _parts_to_merge(Path(build.folder))):
        # Made before the app merged its first index, or under another merge
        # policy: brought to the state the app leaves it in.
        build = merged(build, record.parent)
    return build


def _parts_to_merge(cache_dir: Path) -> int:
    """How many of the index's parts the app's next merge would take."""
    from reader.core.index import open_index, segments_to_merge

    index = open_index(cache_dir / "index")
    return len(segments_to_merge(index._segments())) if index is not None else 0


def _run_child(*args: str) -> dict[str, Any]:
    """Run this module's `--child` step in a fresh process; what it reports."""
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "child.json"
        subprocess.run([sys.executable, "-m", "benchmarks.builds", "--child", *args, str(out)], check=True)
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def merged(build: Build, home: Path, quiet: bool = False) -> Build:
    """The app build after the app's background merge, recorded."""
    merge = _run_child("merge", "", build.folder)
    build = replace(build, merge=merge, size_mb=folder_size(Path(build.folder)))
    (home / "build.json").write_text(json.dumps(asdict(build), indent=1))
    if not quiet:
        print(
            f"app's background merge: {merge['segments_before']:.0f} -> {merge['segments_after']:.0f} segments, "
            f"{merge['wall']:.1f} s wall, {merge['cpu']:.1f} s CPU, {merge['peak_rss_mb']:.0f} MB peak RSS, "
            f"{build.size_mb:.1f} MB on disk",
            flush=True,
        )
    return build


def measure(kind: str, dumps: Path, quiet: bool = False) -> Build:
    """Build `kind` from `dumps`, from nothing, in a fresh process, and record it."""
    home = build_path(kind, dumps)
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    target = home / ("cache" if kind == "app" else "index")
    load = os.getloadavg()[0]
    child = _run_child(kind, str(dumps), str(target))
    build = Build(
        kind=kind,
        folder=str(target),
        papers=child["papers"],
        wall=child["wall"],
        cpu=child["cpu"],
        peak_rss_mb=child["peak_rss_mb"],
        first_searchable=child["first_searchable"],
        size_mb=folder_size(target),
        whoosh=whoosh_version(),
        when=time.strftime("%Y-%m-%d %H:%M"),
        load=load,
    )
    (home / "build.json").write_text(json.dumps(asdict(build), indent=1))
    if not quiet:
        print(
            f"{kind} build of {build.papers:,} papers: {build.wall:.1f} s wall, {build.cpu:.1f} s CPU, "
            f"{build.peak_rss_mb:.0f} MB peak RSS, {build.size_mb:.1f} MB on disk (load {load:.1f})",
            flush=True,
        )
    return merged(build, home, quiet) if kind == "app" else build


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, dumps, target, out = sys.argv[2:6]
        if kind == "merge":
            result = merge_app(Path(target))
        else:
            result = (build_app if kind == "app" else build_bare)(Path(dumps), Path(target))
        Path(out).write_text(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--dumps", type=Path, help="a folder of dumps instead of the generated corpus")
    parser.add_argument("--only", choices=["app", "bare"])
    args = parser.parse_args()
    folder = args.dumps or corpus(args.papers)
    for kind in ("app", "bare"):
        if args.only in (None, kind):
            measure(kind, folder)


if __name__ == "__main__":
    main()
