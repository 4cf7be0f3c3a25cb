"""The index's vocabulary: every title and abstract word as typed (lower
case, not stemmed) with the number of papers holding it.

Written beside the index at each commit, one file per index generation, and
read in a few milliseconds (docs/benchmarks.md, "Spelling and fuzzy
expansion"). It answers the three questions the keystroke path asks of
words, without touching Whoosh:
- the most frequent completions of a half-typed word (a sorted list and
  `bisect`: microseconds);
- the words within two edits of a typo, for "did you mean" and `word~`
  (`rapidfuzz`'s OSA distance, where an adjacent swap is one edit: ~9 ms
  over 64,000 words, against ~1 s for Whoosh's pure-Python corrector);
- whether a word is in the library at all.
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import os
import re
from array import array
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .atomic import temp_name

MAGIC = b"papers-vocabulary-2\n"
MAGIC_1 = b"papers-vocabulary-1\n"  # before `papers`: still read
_NAME = re.compile(r"^vocabulary-(\d+)\.bin$")
# A typo's neighbours are at most this many edits away.
MAX_EDITS = 2


class Vocabulary:
    """Words in sorted order with their paper counts; `papers`: how many
    papers were counted (-1: not known), which tells a segment's word list
    which of its deletions it has seen (reader/core/search.py)."""

    def __init__(self, counts: Mapping[str, int] | None = None, papers: int = -1) -> None:
        items = sorted((counts or {}).items())
        self.words: list[str] = [word for word, _count in items]
        self.counts: array[int] = array("I", (min(count, 0xFFFFFFFF) for _word, count in items))
        self.papers = papers
        self._by_length: dict[int, list[str]] | None = None

    def __len__(self) -> int:
        return len(self.words)

    def count(self, word: str) -> int:
        """Papers holding `word` (0: not a word of the library)."""
        at = bisect.bisect_left(self.words, word)
        return self.counts[at] if at < len(self.words) and self.words[at] == word else 0

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.count(word) > 0

    def complete(self, prefix: str, limit: int) -> list[str]:
        """The `limit` most frequent words starting with `prefix` (the prefix
        itself, if it is a word, among them), most frequent first."""
        low = bisect.bisect_left(self.words, prefix)
        high = bisect.bisect_left(self.words, prefix + "\U0010ffff", low)
        best = heapq.nlargest(limit, range(low, high), key=self.counts.__getitem__)
        return [self.words[at] for at in best]

    def matching(self, prefix: str, pattern: re.Pattern[str] | None, limit: int) -> tuple[list[str], int]:
        """The `limit` most frequent words starting with `prefix` that the
        pattern matches in full; and how many matched in all."""
        low = bisect.bisect_left(self.words, prefix)
        high = bisect.bisect_left(self.words, prefix + "\U0010ffff", low)
        found: Sequence[int] = range(low, high)
        if pattern is not None:
            found = [at for at in found if pattern.fullmatch(self.words[at])]
        best = heapq.nlargest(limit, found, key=self.counts.__getitem__)
        return [self.words[at] for at in best], len(found)

    def near(self, word: str, max_edits: int = MAX_EDITS, limit: int | None = None) -> list[tuple[str, int]]:
        """(word, edits) for the library's words within `max_edits` of `word`
        (adjacent swaps count one), closest first, then most frequent."""
        if self._by_length is None:
            by_length: dict[int, list[str]] = {}
            for known in self.words:
                by_length.setdefault(len(known), []).append(known)
            self._by_length = by_length
        found: list[tuple[int, int, str]] = []
        for length in range(len(word) - max_edits, len(word) + max_edits + 1):
            choices = self._by_length.get(length)
            if not choices:
                continue
            for match, edits, _at in process.extract(
                word, choices, scorer=OSA.distance, score_cutoff=max_edits, limit=None
            ):
                found.append((int(edits), -self.count(match), match))
        ranked = sorted(found) if limit is None else heapq.nsmallest(limit, found)
        return [(match, edits) for edits, _count, match in ranked]

    # files ------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        words = "\n".join(self.words).encode("utf-8")
        header = MAGIC + len(self.words).to_bytes(4, "little") + self.papers.to_bytes(8, "little", signed=True)
        return header + self.counts.tobytes() + words

    @classmethod
    def from_bytes(cls, data: bytes) -> Vocabulary:
        """Raises ValueError on a file that is not a whole vocabulary."""
        papers, start = -1, len(MAGIC) + 12
        if data.startswith(MAGIC) and len(data) >= start:
            papers = int.from_bytes(data[start - 8 : start], "little", signed=True)
        elif data.startswith(MAGIC_1) and len(data) >= len(MAGIC_1) + 4:
            start = len(MAGIC_1) + 4
        else:
            raise ValueError("not a vocabulary file")
        size = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "little")
        counts = array("I")
        end = start + size * counts.itemsize
        counts.frombytes(data[start:end])
        words = data[end:].decode("utf-8").split("\n") if size else []
        if len(counts) != size or len(words) != size:
            raise ValueError("a cut vocabulary file")
        vocabulary = cls(papers=papers)
        vocabulary.words, vocabulary.counts = words, counts
        return vocabulary


def vocabulary_path(folder: Path, generation: int) -> Path:
    return folder / f"vocabulary-{generation}.bin"


def save_vocabulary(folder: Path, generation: int, vocabulary: Vocabulary, keep: int = 2) -> None:
    """Write the vocabulary of an index generation (atomically), and remove
    all but the `keep` newest files (a reader still on the generation before
    keeps its own)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = vocabulary_path(folder, generation)
    temp = temp_name(target)
    try:
        temp.write_bytes(vocabulary.to_bytes())
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    # Keys name generations but do not order them: the newest files are kept.
    written: list[tuple[int, str]] = []
    for entry in os.scandir(folder):
        if _NAME.match(entry.name):
            with contextlib.suppress(OSError):
                written.append((entry.stat().st_mtime_ns, entry.name))
    for _mtime, name in sorted(written, reverse=True)[keep:]:
        if name != target.name:
            with contextlib.suppress(OSError):
                (folder / name).unlink()


def load_vocabulary(folder: Path, generation: int) -> Vocabulary | None:
    """The vocabulary written for this generation; None if there is none or
    it does not read (the caller builds it from the index)."""
    try:
        return Vocabulary.from_bytes(vocabulary_path(folder, generation).read_bytes())
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def merged_counts(parts: Iterable[Iterable[tuple[str, int]]]) -> dict[str, int]:
    """Word counts of several parts (the index's segments) added up."""
    total: dict[str, int] = {}
    for part in parts:
        for word, count in part:
            total[word] = total.get(word, 0) + count
    return total
