"""A searcher keeps the field lengths BM25 reads in memory
(`reader/core/search.py::lengths_in_memory`): the same lengths, the same
scores as Whoosh reading them from the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.index import open_index
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.search import SEARCH_FIELDS, PaperSearcher


@pytest.fixture
def two_segments(library: Library, isolated_dirs: Locations, dumps: Path) -> Locations:
    """The samples, then one of their dumps changed: a second segment, and
    deleted papers in the first."""
    dump = next(iter(sorted(dumps.iterdir())))
    dump.write_text(dump.read_text(encoding="utf-8").replace("a", "an", 40), encoding="utf-8")
    library.index()
    return isolated_dirs


def test_the_lengths_in_memory_are_whooshs(two_segments: Locations) -> None:
    index = open_index(two_segments.index_dir)
    assert index is not None
    ours = PaperSearcher(index)
    with index.searcher() as plain:
        leaves = list(zip(ours.searcher.reader().leaf_readers(), plain.reader().leaf_readers(), strict=True))
        assert len(leaves) >= 2
        kept = 0
        for (leaf, _offset), (theirs, _same) in leaves:
            for field in SEARCH_FIELDS:
                kept += isinstance(leaf._perdoc._readers.get(f"_{field}_len"), bytes)
                for number in range(leaf.doc_count_all()):
                    assert leaf.doc_field_length(number, field) == theirs.doc_field_length(number, field)
        assert kept == 2 * len(leaves)  # every segment's searched fields are held in memory
    ours.close()


def test_scores_are_the_same_as_whooshs(two_segments: Locations) -> None:
    index = open_index(two_segments.index_dir)
    assert index is not None
    ours = PaperSearcher(index)
    for text in ("model", "kv cache", '"language models"', "decoding OR quantization"):
        hits = ours.search(text)
        with index.searcher() as plain:
            found = plain.search(hits.parsed.query, limit=None)
            theirs = {str(hit["id"]): hit.score for hit in found}
        assert hits.scores == pytest.approx(theirs), text
    ours.close()
