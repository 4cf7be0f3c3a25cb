"""Whoosh-Reloaded 2.7.5 against whoosh3 3.54: the test suite and the index+search benchmark.

    python -m benchmarks.forks [--papers 10000] [--no-tests]

Both forks install the same `whoosh` package, so each gets its own venv
under /tmp (never both in one), with the project installed from this
worktree without its Whoosh pin. In each: the test suite (pass/fail counts),
then a first index of the corpus through the app's Indexer and the app's
keystroke path for typical queries (benchmarks/targets.py), and whether the
index the other fork wrote opens and answers the same.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORKS = {"whoosh-reloaded": "whoosh-reloaded==2.7.5", "whoosh3": "whoosh3==3.54.0"}
QUERIES = ["model", "language model", '"large language models"', "kv cache", "comp*", "decoding~", "specu"]


def venv_for(fork: str) -> Path:
    """A venv with this fork and the project's other dependencies."""
    home = Path(tempfile.gettempdir()) / f"bench-venv-{fork}"
    python = home / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import whoosh, reader"], capture_output=True).returncode == 0:
        return home
    shutil.rmtree(home, ignore_errors=True)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = [d for d in project["dependencies"] + project["optional-dependencies"]["test"] if "whoosh" not in d.lower()]
    subprocess.run([sys.executable, "-m", "venv", home], check=True)
    pip: list[str | Path] = [python, "-m", "pip", "install", "-q"]
    subprocess.run([*pip, *deps, FORKS[fork]], check=True)
    subprocess.run([*pip, "--no-deps", "-e", ROOT], check=True)
    return home


def code_key() -> str:
    """The git trees of the code and tests under test."""
    trees = subprocess.run(["git", "rev-parse", "HEAD:reader", "HEAD:tests"], cwd=ROOT, capture_output=True, text=True)
    return "-".join(line[:10] for line in trees.stdout.split())


def run_tests(home: Path, fork: str) -> str:
    """The closing line of pytest in this venv (kept per code version: the
    suite takes 5-10 minutes here)."""
    from benchmarks.corpus import cache_root

    kept = cache_root() / f"forks-tests-{fork}-{code_key()}.txt"
    if kept.exists():
        return kept.read_text()
    started = time.perf_counter()
    done = subprocess.run(
        [home / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    lines = [line for line in done.stdout.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    summary = lines[-1].strip("= ") if lines else f"exit {done.returncode}: {done.stdout[-300:]}"
    result = f"{summary} ({time.perf_counter() - started:.0f} s)"
    if lines:
        kept.write_text(result)
    return result


def probe(papers: int, cache: Path, other: Path | None) -> dict[str, object]:
    """In the fork's venv: a first index, then the keystroke path."""
    import resource

    from benchmarks.builds import whoosh_version
    from benchmarks.corpus import corpus
    from benchmarks.targets import exact_count, first_screen
    from reader.core.index import Indexer
    from reader.core.library import Library
    from reader.core.locations import Locations

    dumps = corpus(papers, quiet=True)
    started = time.perf_counter()
    Indexer(cache).update([dumps])
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    result: dict[str, object] = {
        "whoosh": whoosh_version(),
        "index_s": time.perf_counter() - started,
        "index_cpu_s": sum(u.ru_utime + u.ru_stime for u in usage),
    }
    work = Path(tempfile.mkdtemp(prefix="papers-bench-"))
    library = Library(Locations(work / "data", cache, work / "config"))
    first_screen(library, "model")
    timings: dict[str, float] = {}
    for query in QUERIES:
        times = []
        for _ in range(5):
            began = time.process_time()  # CPU: the machine is shared and loaded
            first_screen(library, query)
            times.append(1000 * (time.process_time() - began))
        timings[query] = statistics.median(times)
    result["first_screen_ms"] = timings
    result["hits"] = {q: exact_count(library, q) for q in QUERIES}
    if other is not None:
        reader = Library(Locations(work / "data2", other, work / "config2"))
        result["other_hits"] = {q: exact_count(reader, q) for q in QUERIES}
    shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        papers, cache, other = int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
        print(json.dumps(probe(papers, cache, Path(other) if other != "-" else None)))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--no-tests", action="store_true")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tests-only", action="store_true")
    args = parser.parse_args()
    from benchmarks.corpus import corpus

    corpus(args.papers)
    work = Path(tempfile.mkdtemp(prefix="papers-forks-"))
    runs: dict[str, list[dict[str, object]]] = {fork: [] for fork in FORKS}
    tests: dict[str, str] = {}
    try:
        homes = {fork: venv_for(fork) for fork in FORKS}
        for fork, home in homes.items():
            tests[fork] = "not run" if args.no_tests else run_tests(home, fork)
            print(f"{fork} tests: {tests[fork]}", flush=True)
        if args.tests_only:
            return
        previous: Path | None = None
        for round_number in range(args.rounds):  # interleaved, each fork first in turn
            order = list(FORKS) if round_number % 2 == 0 else list(reversed(FORKS))
            for fork in order:
                cache = work / f"{fork}-{round_number}"
                command: list[str | Path] = [
                    homes[fork] / "bin" / "python",
                    "-m",
                    "benchmarks.forks",
                    "--probe",
                    str(args.papers),
                ]
                command += [str(cache), str(previous) if previous else "-"]
                done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
                runs[fork].append(json.loads(done.stdout.strip().splitlines()[-1]))
                print(f"{fork}: {json.dumps(runs[fork][-1])}", flush=True)
                shutil.rmtree(previous or work / "-", ignore_errors=True)
                previous = cache
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results: dict[str, dict[str, object]] = {}
    for fork, probes in runs.items():
        first: dict[str, object] = dict(probes[0])
        first["index_s"] = statistics.median(float(p["index_s"]) for p in probes)  # type: ignore[arg-type]
        first["index_cpu_s"] = statistics.median(float(p["index_cpu_s"]) for p in probes)  # type: ignore[arg-type]
        first["first_screen_ms"] = {
            q: statistics.median(p["first_screen_ms"][q] for p in probes)  # type: ignore[index]
            for q in QUERIES
        }
        first["tests"] = tests[fork]
        cross = [p["other_hits"] for p in probes if "other_hits" in p]
        first["cross_same"] = all(c == probes[0]["hits"] for c in cross) if cross else None
        results[fork] = first
    names = list(results)
    print(f"\nload {os.getloadavg()[0]:.1f}; {args.papers:,} papers\n")
    print(f"| | {' | '.join(str(results[n]['whoosh']) for n in names)} |")
    print("|---|" + "---|" * len(names))
    print(f"| test suite | {' | '.join(str(results[n]['tests']) for n in names)} |")
    index_cells = " | ".join(f"{float(results[n]['index_s']):.1f} s" for n in names)  # type: ignore[arg-type]
    print(f"| first index, wall | {index_cells} |")
    cpu_cells = " | ".join(f"{float(results[n]['index_cpu_s']):.1f} s" for n in names)  # type: ignore[arg-type]
    print(f"| first index, CPU (with the writer's child process) | {cpu_cells} |")
    for query in QUERIES:
        cells = []
        for n in names:
            ms = results[n]["first_screen_ms"][query]  # type: ignore[index]
            hits = results[n]["hits"][query]  # type: ignore[index]
            cells.append(f"{ms:.0f} ms ({hits:,} hits)")
        print(f"| keystroke `{query}`, CPU | {' | '.join(cells)} |")
    same = {n: results[n]["cross_same"] for n in names}
    print(
        f"\nmedians of {args.rounds} interleaved runs; each fork reading the index the other wrote, same hits: {same}"
    )


if __name__ == "__main__":
    main()
