"""Re-merging a paper when a save that held its winning text changes or goes:
the catalog keeps no text, so the next best text is read from its save."""

from __future__ import annotations

import os
from pathlib import Path

from reader.core.library import Library
from reader.core.locations import Locations

TITLE = "Zebra Stripes Explained By Reaction Diffusion"
OLDER = "An older complete account of how zebras get their stripes, with numbers. " * 3
NEWER = "A newer complete account of how zebras get their stripes, with figures. " * 3


def save(folder: Path, name: str, day: str, abstract: str) -> Path:
    path = folder / name
    path.write_text(f"{day}\n\n{TITLE}\n\n{abstract.strip()}\n", encoding="utf-8")
    return path


def zebra_abstract(library: Library) -> str:
    (pid,) = library.search("title:zebra").ids
    return library.paper(pid).abstract


def two_saves(isolated_dirs: Locations, tmp_path: Path) -> tuple[Library, Path, Path]:
    folder = tmp_path / "saves"
    folder.mkdir()
    older = save(folder, "older.txt", "Mar 14, 2024", OLDER)
    newer = save(folder, "newer.txt", "Mar 15, 2024", NEWER)
    library = Library(isolated_dirs)
    library.index([folder])
    assert zebra_abstract(library) == NEWER.strip()  # both complete: the newest wins
    return library, older, newer


def test_when_the_winning_save_goes_the_older_text_is_read_again(isolated_dirs: Locations, tmp_path: Path) -> None:
    library, _older, newer = two_saves(isolated_dirs, tmp_path)
    newer.unlink()
    report = library.index()
    assert (report.dumps_removed, report.updated, report.problems) == (1, 1, ())
    assert zebra_abstract(library) == OLDER.strip()


def test_when_the_winning_text_is_cut_short_the_complete_one_wins(isolated_dirs: Locations, tmp_path: Path) -> None:
    library, _older, newer = two_saves(isolated_dirs, tmp_path)
    save(
        newer.parent,
        newer.name,
        "Mar 15, 2024",
        "A newer account of how zebras get their stripes, cut off by the page…",
    )
    report = library.index()
    assert (report.dumps_read, report.updated) == (1, 1)
    assert zebra_abstract(library) == OLDER.strip()
    assert len(library.paper(library.search("title:zebra").ids[0]).dumps) == 2


def test_a_save_changed_under_the_run_keeps_the_indexed_text_and_says_so(
    isolated_dirs: Locations, tmp_path: Path
) -> None:
    """The older save is rewritten with its size and time kept (so the scan
    takes it as unchanged): its indexed text cannot be read again. The paper
    keeps the text the index holds, and the run says which save to re-read."""
    library, older, newer = two_saves(isolated_dirs, tmp_path)
    stat = older.stat()
    save(older.parent, older.name, "Mar 14, 2024", OLDER.replace("numbers", "NUMBERS"))
    os.utime(older, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    newer.unlink()
    report = library.index()
    assert zebra_abstract(library) == NEWER.strip()
    assert [p.message for p in report.problems] == [
        f"{older.resolve()}: changed while indexing; its papers are read again next run"
    ]
