"""A wildcard's or half-typed word's union of common terms is read as one
array (`_PreloadedOr`): the same papers and scores as Whoosh's union tree."""

from __future__ import annotations

from typing import Any

import whoosh.query as wq

from reader.core.index import open_index
from reader.core.library import Library
from reader.core.search import PaperSearcher, parse_query


def unions(node: Any) -> list[Any]:
    found = [node] if isinstance(node, wq.Or) else []
    for child in [] if node.is_leaf() else node.children():
        found.extend(unions(child))
    return found


def hits(library: Library, query: Any) -> list[tuple[int, float]]:
    index = open_index(library.locations.cache_dir / "index")
    assert index is not None
    with index.searcher() as searcher:
        return sorted((hit.docnum, round(hit.score, 9)) for hit in searcher.search(query, limit=None))


def as_tree(node: Any) -> Any:
    """The same query with every union walked as Whoosh's binary tree."""
    if node.is_leaf():
        return node
    if isinstance(node, wq.Or):
        tree = wq.Or([as_tree(child) for child in node.children()], boost=node.boost)
        tree.matcher_type = wq.Or.DEFAULT_MATCHER
        return tree
    return node.apply(as_tree)


def parsed(library: Library, text: str) -> Any:
    index = open_index(library.locations.cache_dir / "index")
    assert index is not None
    searcher = PaperSearcher(index)
    try:
        return parse_query(text, searcher.searcher, None, searcher.vocabulary, typing=True).query
    finally:
        searcher.close()


def test_a_common_wildcard_is_one_array_with_the_same_hits(library: Library) -> None:
    query = parsed(library, "mod*")
    assert [type(u).__name__ for u in unions(query)].count("_PreloadedOr") == 2  # title and abstract
    assert hits(library, query) == hits(library, as_tree(query))
    assert len(hits(library, query)) > 50


def test_a_half_typed_common_word_is_one_array(library: Library) -> None:
    query = parsed(library, "efficient tra")
    assert "_PreloadedOr" in {type(u).__name__ for u in unions(query)}
    assert hits(library, query) == hits(library, as_tree(query))


def test_fuzzy_terms_and_plain_words_keep_whoosh_unions(library: Library) -> None:
    for text in ("decoding~", "language model", "lang~2"):
        assert "_PreloadedOr" not in {type(u).__name__ for u in unions(parsed(library, text))}, text
