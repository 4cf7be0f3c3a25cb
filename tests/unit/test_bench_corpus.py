"""The benchmark corpus: deterministic, well formed, and what the app reads."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from benchmarks.corpus import write_corpus
from reader.core.dumps import parse_dump
from reader.core.library import Library
from reader.core.locations import Locations


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    write_corpus(tmp_path / "a", papers=200, per_dump=50, seed=3)
    write_corpus(tmp_path / "b", papers=200, per_dump=50, seed=3)
    write_corpus(tmp_path / "c", papers=200, per_dump=50, seed=4)
    first = {p.name: p.read_bytes() for p in sorted((tmp_path / "a").iterdir())}
    assert first == {p.name: p.read_bytes() for p in sorted((tmp_path / "b").iterdir())}
    assert first != {p.name: p.read_bytes() for p in sorted((tmp_path / "c").iterdir())}


def test_dumps_parse_cleanly_with_dates_and_repeats(tmp_path: Path) -> None:
    write_corpus(tmp_path, papers=400, per_dump=50, seed=11)
    parsed = [parse_dump(path) for path in sorted(tmp_path.glob("*.txt"))]
    assert len(parsed) == 8
    assert all(not dump.problems for dump in parsed)
    dates = [dump.date for dump in parsed]
    assert (
        all(d is not None for d in dates)
        and dates == sorted(d for d in dates if d is not None)
        and len(set(dates)) == 8
    )
    appearances = Counter(entry.paper_id for dump in parsed for entry in dump.entries)
    assert len(appearances) == 400
    assert any(count > 1 for count in appearances.values()), "some papers trend on two days"
    assert all(len(dump.entries) >= 50 for dump in parsed)


def test_the_app_indexes_every_paper(tmp_path: Path, isolated_dirs: Locations) -> None:
    write_corpus(tmp_path / "corpus", papers=150, per_dump=50, seed=11)
    report = Library(isolated_dirs).index([tmp_path / "corpus"])
    assert report.papers_total == 150
    assert not report.problems
