"""Queries scored as arrays (reader/core/array_search.py) rank exactly as
Whoosh's own BM25F search does, in an index of several segments, with and
without deleted papers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from reader.core import array_search
from reader.core import index as index_module
from reader.core.budget import Budget
from reader.core.index import open_index
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.search import POSTING_CACHE, PaperSearcher, analysed_words, query_plan

QUERIES = [
    "model",
    "language model",
    '"large language models"',
    '"state of the art"',
    "kv cache",
    "model -cache",
    "model NOT cache",
    "model OR cache",
    "model ANDMAYBE cache",
    "model ANDNOT cache",
    "title:model",
    'abstract:"language model" decoding',
    '"kv cache" OR hopper',
    '"large language models" -"state of the art"',
    '"model language"',  # many candidates, few hits: the checks order more of them as they go
    "comp*",
    "trans* AND model",
    "decodng~",
    "(model OR cache) AND (speculative OR diffusion)",
    "nosuchwordanywhere",
    "model nosuchwordanywhere",
]


@pytest.fixture
def segmented(isolated_dirs: Locations, dumps: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """The samples indexed in commits of 25 papers: more than one segment."""
    monkeypatch.setattr(index_module, "BATCH_PAPERS", 25)
    monkeypatch.setattr(index_module, "BATCH_GROWS", False)
    library = Library(isolated_dirs)
    library.index([dumps])
    return library


def searcher(library: Library) -> Iterator[PaperSearcher]:
    index = open_index(library.locations.cache_dir / "index")
    assert index is not None
    found = PaperSearcher(index)
    try:
        yield found
    finally:
        found.close()


def whoosh_hits(found: PaperSearcher, text: str) -> list[tuple[int, float]]:
    parsed = found.parse(text)
    return [(number, float(score)) for number, score in found._whoosh_hits(parsed, None, False, None, Budget(None))[0]]


def assert_same_ranking(found: PaperSearcher, text: str) -> None:
    plan = query_plan(found.parse(text).query)
    assert plan is not None, text
    assert found.segments is not None
    expected = whoosh_hits(found, text)
    every = array_search.rank(plan, found.segments, None)
    assert [number for number, _ in every.docs] == [number for number, _ in expected], text
    assert [score for _, score in every.docs] == pytest.approx([score for _, score in expected], rel=1e-12), text
    assert every.count == len(expected) and every.exact, text
    for limit in (1, 5):
        top = array_search.rank(plan, found.segments, limit)
        assert [number for number, _ in top.docs] == [number for number, _ in expected[:limit]], text
        assert top.count >= len(top.docs) and (not top.exact or top.count == len(expected)), text
    assert found.count(text)[0] == len(expected), text


def test_several_segments_rank_as_whoosh(segmented: Library) -> None:
    for found in searcher(segmented):
        assert len(found.segments or []) >= 2
        for text in QUERIES:
            assert_same_ranking(found, text)


@pytest.mark.parametrize("dense", [0, 10**9])
def test_unions_rank_as_whoosh_sorted_or_counted(
    segmented: Library, monkeypatch: pytest.MonkeyPatch, dense: int
) -> None:
    """A union sorts its documents, or counts them over every document
    number when they are many (DENSE_UNION): either gives Whoosh's ranking."""
    monkeypatch.setattr(array_search, "DENSE_UNION", dense)
    for found in searcher(segmented):
        for text in QUERIES:
            assert_same_ranking(found, text)


def test_deleted_papers_are_never_found(segmented: Library, dumps: Path) -> None:
    before = {pid for text in QUERIES for pid in segmented.search(text).ids}
    gone = sorted(dumps.iterdir())[0]
    gone.unlink()
    segmented.index([dumps])
    for found in searcher(segmented):
        assert any(segment.leaf.has_deletions() for segment, _offset in found.segments or [])
        for text in QUERIES:
            assert_same_ranking(found, text)
    after = {pid for text in QUERIES for pid in segmented.search(text).ids}
    assert after < before


def test_a_phrase_screenful_checks_only_what_it_shows(segmented: Library) -> None:
    for found in searcher(segmented):
        plan = query_plan(found.parse('"large language models"').query)
        assert plan is not None and found.segments is not None
        expected = whoosh_hits(found, '"large language models"')
        top = array_search.rank(plan, found.segments, 3)
        assert [number for number, _ in top.docs] == [number for number, _ in expected[:3]]
        assert [score for _, score in top.docs] == pytest.approx([score for _, score in expected[:3]], rel=1e-12)
        assert not top.exact and top.count >= 3  # an estimate: not every candidate was checked


def test_what_only_whoosh_answers_stays_with_whoosh(library: Library) -> None:
    for found in searcher(library):
        for text in ['"kv cache"~3', "NOT cache", "id:abc", "model AND id:abc"]:
            assert query_plan(found.parse(text).query) is None, text
    assert library.search('"kv cache"~3').ids == library.search('"kv cache"~3', first=50).ids
    assert len(library.search("NOT cache").ids) == library.count("NOT cache") > 0


def test_postings_are_kept_by_segment_and_bounded() -> None:
    cache = array_search.PostingCache(max_bytes=200)
    reads: list[str] = []

    def read(term: str, size: int) -> array_search.Postings:
        reads.append(term)
        return array_search.Postings(np.arange(size, dtype=np.int32), np.ones(size, np.float32))

    cache.get(("s", "abstract", "a"), lambda: read("a", 10))  # 80 bytes
    cache.get(("s", "abstract", "a"), lambda: read("a", 10))
    cache.get(("s", "abstract", "b"), lambda: read("b", 10))
    cache.get(("s", "abstract", "c"), lambda: read("c", 10))  # past 200 bytes: `a` goes
    cache.get(("s", "abstract", "b"), lambda: read("b", 10))
    cache.get(("s", "abstract", "a"), lambda: read("a", 10))
    assert reads == ["a", "b", "c", "a"] and cache.bytes <= 200


def test_the_most_common_words_are_read_ahead(segmented: Library) -> None:
    for found in searcher(segmented):
        assert found.segments is not None
        POSTING_CACHE.clear()
        assert found.warm(stop=lambda: True) == 0 and POSTING_CACHE.bytes == 0
        assert found.warm() > 0
        vocabulary = found.vocabulary
        by_count = sorted(zip(vocabulary.counts, vocabulary.words, strict=True))
        common = next(word for _count, word in reversed(by_count) if analysed_words("abstract", word))
        rare = next(word for _count, word in by_count if analysed_words("abstract", word))
        for segment, _offset in found.segments:
            for term in analysed_words("abstract", common):
                assert (segment.name, "abstract", term) in POSTING_CACHE
            for term in analysed_words("abstract", rare):
                assert (segment.name, "abstract", term) not in POSTING_CACHE
        assert_same_ranking(found, common)  # what was read ahead is what a search reads
