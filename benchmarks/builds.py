"""Full first index through the app, against bare single-writer Whoosh.

    python -m benchmarks.builds --papers 100000 [--only app|bare]

Each build runs in its own process, so its wall time, CPU time (its own and
its children's: `writer(procs=2)` forks) and peak RSS are its alone. The
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
import time
from dataclasses import asdict, dataclass
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
    size_mb: float
    whoosh: str
    when: str
    load: float  # 1-minute load average when the build started


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
    return build if Path(build.folder).exists() else None


def measure(kind: str, dumps: Path, quiet: bool = False) -> Build:
    """Build `kind` from `dumps`, from nothing, in a fresh process, and record it."""
    home = build_path(kind, dumps)
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    target = home / ("cache" if kind == "app" else "index")
    load = os.getloadavg()[0]
    out = home / "child.json"
    command = [sys.executable, "-m", "benchmarks.builds", "--child", kind, str(dumps), str(target), str(out)]
    subprocess.run(command, check=True)
    child = json.loads(out.read_text())
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
    return build


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, dumps, target, out = sys.argv[2:6]
        run = build_app if kind == "app" else build_bare
        result = run(Path(dumps), Path(target))
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
