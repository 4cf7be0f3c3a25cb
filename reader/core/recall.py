"""Reading an occurrence's text again, for a re-merge (reader/core/catalog.py).

The catalog keeps no text. The text that won a paper's merge is the one the
index holds; any other occurrence's text is read again from its dump, which
happens only when a save that held the winner changes or goes.
"""

from __future__ import annotations

from pathlib import Path

import whoosh.index
from whoosh.searching import Searcher

from .catalog import TextRef, text_digest
from .dumps import parse_dump

# Texts of dumps read again, kept for the rest of a batch (a re-merge often
# reads several papers of one older dump), within a bound on memory.
KEPT_DUMPS = 4
KEPT_TEXTS = 20_000


class TextRecall:
    """A catalog's `Recall` for one batch: call `close()` when it is written."""

    def __init__(self, index: whoosh.index.Index) -> None:
        self.index = index
        self._searcher: Searcher | None = None
        # The index does not change during a batch: a paper's text is read
        # from it once (a batch merges a changed paper before and after).
        self._held_texts: dict[str, tuple[str, str] | None] = {}
        self._dumps: dict[str, dict[str, list[tuple[str, str]]]] = {}
        # Occurrences whose text could not be read again (the save changed
        # or went since it was indexed: the next run reads it anew).
        self.misses: list[TextRef] = []

    def __call__(self, ref: TextRef) -> tuple[str, str] | None:
        held = self._held(ref.paper_id)
        if held is not None and (not ref.path or text_digest(*held) == ref.digest):
            return held
        if not ref.path:
            return None
        for text in self._dump_texts(ref.path).get(ref.paper_id, ()):
            if text_digest(*text) == ref.digest:
                return text
        self.misses.append(ref)
        return None

    def _held(self, paper_id: str) -> tuple[str, str] | None:
        if paper_id not in self._held_texts:
            self._held_texts[paper_id] = self._read_held(paper_id)
        return self._held_texts[paper_id]

    def _read_held(self, paper_id: str) -> tuple[str, str] | None:
        if self._searcher is None:
            self._searcher = self.index.searcher()
        number = self._searcher.document_number(id=paper_id)
        if number is None:
            return None
        fields = self._searcher.stored_fields(number)
        return str(fields.get("title", "")), str(fields.get("abstract", ""))

    def _dump_texts(self, path: str) -> dict[str, list[tuple[str, str]]]:
        texts = self._dumps.get(path)
        if texts is None:
            texts = {}
            for entry in parse_dump(Path(path)).entries:
                texts.setdefault(entry.paper_id, []).append((entry.title, entry.abstract))
            while self._dumps and (len(self._dumps) >= KEPT_DUMPS or self._kept() + len(texts) > KEPT_TEXTS):
                self._dumps.pop(next(iter(self._dumps)))
            self._dumps[path] = texts
        return texts

    def _kept(self) -> int:
        return sum(len(texts) for texts in self._dumps.values())

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._dumps.clear()
        self._held_texts.clear()
