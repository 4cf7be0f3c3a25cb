"""Files written beside the index at each commit, one per index generation.

Each holds what a reader would otherwise rebuild from Whoosh columns when it
opens that generation (0.8 s at 100k papers, docs/benchmarks.md): the paper
ID of every document number, each document's date-order key, the live
documents newest first, and the first rows of the default view (newest
first), so the app's first screen is painted without opening Whoosh.

A file is named by its generation and written atomically, so a reader of
generation N never reads N+1's file. A missing or unreadable file is no
error: the reader builds the same thing from the index (and writes it).
This module imports no Whoosh: the app's first paint reads it alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from array import array
from dataclasses import dataclass
from pathlib import Path

from .atomic import write_atomic

FORMAT = 2  # 2: a first row says whether its paper is a repeat
# Rows of the default view kept in the file: a tall terminal's first screenful and some.
FIRST_ROWS = 80
# Generations whose files are kept: the newest, and the one readers may still hold.
KEEP = 2
_TOC = re.compile(r"_papers_(\d+)\.toc$")
_FILE = re.compile(r"gen-(\d+)\.bin$")


@dataclass(frozen=True, slots=True)
class FirstRow:
    """A row of the default view, as the list shows it."""

    paper_id: str
    title: str
    date: str  # ISO date, or "" for an undated paper
    repeat: bool = False  # listed on more than one day (reader/core/triage.py)


@dataclass(slots=True)
class Snapshot:
    """One generation of the index, as a reader needs it at start."""

    generation: int
    segments: list[tuple[str, int]]  # (segment ID, documents in it), in document-number order
    ids: list[str]  # the paper ID of each document number ("" for a deleted document)
    keys: array[int]  # the date-order key of each document number (`order_number`)
    newest_first: array[int]  # live document numbers, newest first, then in page order
    rows: list[FirstRow]  # the default view's first rows

    @property
    def total(self) -> int:
        return len(self.newest_first)

    def newest_first_ids(self) -> list[str]:
        ids = self.ids
        return [ids[number] for number in self.newest_first]


def files_dir(index_dir: Path) -> Path:
    """Beside the index folder (never inside: Whoosh and the leftover
    cleaner own every file there)."""
    return index_dir.parent / "generations"


def path_for(index_dir: Path, generation: int) -> Path:
    return files_dir(index_dir) / f"gen-{generation}.bin"


def latest_generation(index_dir: Path) -> int:
    """The generation of the index on disk now (-1: none), from the names of
    its TOC files (as Whoosh finds it, without importing Whoosh)."""
    try:
        names = os.listdir(index_dir)
    except OSError:
        return -1
    found = [int(match.group(1)) for match in map(_TOC.match, names) if match]
    return max(found, default=-1)


def toc_stamp(index_dir: Path, generation: int) -> list[int]:
    """Size and modification time of a generation's TOC file: a file left
    from a deleted index whose generation numbers started again does not
    match it."""
    try:
        info = os.stat(index_dir / f"_papers_{generation}.toc")
    except OSError:
        return []
    return [info.st_size, info.st_mtime_ns]


def encode(snapshot: Snapshot, stamp: list[int] | None = None) -> bytes:
    ids = "\n".join(snapshot.ids).encode("utf-8")
    keys = snapshot.keys.tobytes()
    order = snapshot.newest_first.tobytes()
    header = {
        "format": FORMAT,
        "generation": snapshot.generation,
        "toc": stamp or [],
        "segments": snapshot.segments,
        "documents": len(snapshot.ids),
        "sizes": [len(ids), len(keys), len(order)],
        "item_sizes": [snapshot.keys.itemsize, snapshot.newest_first.itemsize],
        "rows": [[row.paper_id, row.title, row.date, row.repeat] for row in snapshot.rows],
    }
    return json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n" + ids + keys + order


def decode(data: bytes, stamp: list[int] | None = None) -> Snapshot:
    """A snapshot back from its bytes; ValueError if they are not one (or
    not of the TOC file with this stamp)."""
    try:
        end = data.index(b"\n")
        header = json.loads(data[:end])
        if header.get("format") != FORMAT:
            raise ValueError("another format")
        if stamp is not None and (not stamp or header["toc"] != stamp):
            raise ValueError("written for another index")
        id_size, key_size, order_size = (int(size) for size in header["sizes"])
        start = end + 1
        raw_ids = data[start : start + id_size].decode("utf-8")
        keys = _array("q", data[start + id_size : start + id_size + key_size], header["item_sizes"][0])
        order = _array("I", data[start + id_size + key_size : start + id_size + key_size + order_size], None)
        if start + id_size + key_size + order_size != len(data):
            raise ValueError("cut short or too long")
        documents = int(header["documents"])
        ids = raw_ids.split("\n") if documents else []
        if len(ids) != documents or len(keys) != documents or max(order, default=-1) >= documents:
            raise ValueError("inconsistent sizes")
        rows = [FirstRow(str(pid), str(title), str(date), bool(repeat)) for pid, title, date, repeat in header["rows"]]
        segments = [(str(segment), int(count)) for segment, count in header["segments"]]
        return Snapshot(int(header["generation"]), segments, ids, keys, order, rows)
    except (KeyError, TypeError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a generation file ({error})") from error


def _array(code: str, data: bytes, item_size: int | None) -> array[int]:
    values = array(code)
    if item_size is not None and item_size != values.itemsize:
        raise ValueError("written on a machine with other sizes")
    values.frombytes(data)
    return values


def read(index_dir: Path, generation: int) -> Snapshot | None:
    """The snapshot of this generation, if its file is there and sound."""
    if generation < 0:
        return None
    try:
        snapshot = decode(path_for(index_dir, generation).read_bytes(), toc_stamp(index_dir, generation))
    except (OSError, ValueError):
        return None
    return snapshot if snapshot.generation == generation else None


def write(index_dir: Path, snapshot: Snapshot) -> None:
    """Write a generation's file atomically, and drop those of generations
    older than the newest KEEP. A cache: a failure to write costs only speed."""
    with contextlib.suppress(OSError):
        stamp = toc_stamp(index_dir, snapshot.generation)
        if not stamp:
            return  # that generation is gone already
        write_atomic(path_for(index_dir, snapshot.generation), encode(snapshot, stamp), 0o644)
        prune(index_dir, keep_from=snapshot.generation - KEEP + 1)


def prune(index_dir: Path, keep_from: int) -> None:
    folder = files_dir(index_dir)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = _FILE.match(name)
        if match and int(match.group(1)) < keep_from:
            with contextlib.suppress(OSError):
                (folder / name).unlink()


@dataclass(frozen=True, slots=True)
class FirstView:
    """The default view (every paper, newest first) of the index on disk."""

    generation: int
    ids: tuple[str, ...]
    rows: tuple[FirstRow, ...]
    total: int


def first_view(snapshot: Snapshot) -> FirstView:
    """The default view of a generation, from its file alone."""
    return FirstView(snapshot.generation, tuple(snapshot.newest_first_ids()), tuple(snapshot.rows), snapshot.total)
