"""Query text -> ranked paper IDs, stored papers, and highlight spans.

Whoosh's query language over title (boosted) and abstract: `title:`,
`abstract:`, "phrases", AND/OR/NOT, wildcards and fuzzy terms (`word~`).
Every string a person can type gives results or a QueryError, and no query
is allowed to get expensive: wildcards and fuzzy terms are expanded here,
bounded to their most common words.
"""

from __future__ import annotations

import pickle
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import whoosh.index
from whoosh import query as wq
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser
from whoosh.qparser.common import QueryParserError
from whoosh.searching import Searcher

from .errors import IndexReadError, QueryError
from .index import make_schema, paper_from_fields
from .models import Paper
from .text import clean_text
from .views import Sort

SEARCH_FIELDS = ("title", "abstract")
MAX_QUERY_CHARS = 1_000
# A wildcard or fuzzy term stands for at most this many words (the most
# common ones): `pro*` over 100k papers would otherwise take minutes.
MAX_EXPANSION = 64
MAX_FUZZY = 2
_FIELD_ALONE = re.compile(r"(?<!\S)(\w+):(?=\s|$)")
_TOKEN_SPLIT = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query ready to run, with what was changed to keep it cheap."""

    text: str
    query: wq.Query
    notices: tuple[str, ...]

    @property
    def is_everything(self) -> bool:
        return isinstance(self.query, wq.Every)

    def terms(self) -> dict[str, set[str]]:
        """Analysed terms by field, for highlighting."""
        found: dict[str, set[str]] = {}
        for field, text in self.query.iter_all_terms(phrases=True):
            value = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            found.setdefault(field, set()).add(value)
        return found


def _parser() -> MultifieldParser:
    parser = MultifieldParser(list(SEARCH_FIELDS), make_schema(), fieldboosts={"title": 2.0})
    parser.add_plugin(FuzzyTermPlugin())
    return parser


_PARSER = _parser()
_SCHEMA = make_schema()
_PARSER_LOCK = threading.Lock()


def prepare_text(text: str) -> tuple[str, list[str]]:
    """Clean raw input: no control characters, bounded length."""
    notices: list[str] = []
    text = clean_text(re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", text))
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(f"query cut to its first {MAX_QUERY_CHARS} characters")
    # `title:` with nothing after it searches nothing; drop the dangling field.
    text = _FIELD_ALONE.sub(" ", text).strip()
    return text, notices


def parse_query(text: str, searcher: Searcher | None = None) -> ParsedQuery:
    """Parse query text; with a searcher, expand wildcards and fuzzy terms
    against the index, bounded. Raises QueryError with a readable message."""
    cleaned, notices = prepare_text(text)
    if not cleaned or cleaned in {"*", "*:*"}:
        return ParsedQuery(text, wq.Every(), tuple(notices))
    try:
        with _PARSER_LOCK:
            parsed = _PARSER.parse(cleaned)
    except QueryParserError as error:
        raise QueryError(f"cannot read the query {cleaned!r}: {error}") from error
    except Exception as error:  # noqa: BLE001 - whoosh raises assorted errors on odd input
        raise QueryError(f"cannot read the query {cleaned!r}: {error}") from error
    if parsed is wq.NullQuery:
        raise QueryError(f"nothing to search for in {cleaned!r} (only common words or symbols?)")
    if searcher is not None:
        parsed = _bound_expansions(parsed, searcher, notices)
    return ParsedQuery(text, parsed, tuple(notices))


def _bound_expansions(node: wq.Query, searcher: Searcher, notices: list[str]) -> wq.Query:
    if isinstance(node, wq.FuzzyTerm) and node.maxdist > MAX_FUZZY:
        node = node.copy()
        node.maxdist = MAX_FUZZY
        _notice(notices, f"fuzzy terms allow at most {MAX_FUZZY} edits")
    if isinstance(node, wq.MultiTerm) and not isinstance(node, wq.Every):
        reader = searcher.reader()
        field = node.field()
        words: list[tuple[int, str]] = []
        for _field, raw in node.expanded_terms(reader):
            word = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            words.append((reader.doc_frequency(field, word), word))
        if len(words) > MAX_EXPANSION:
            words.sort(reverse=True)
            words = words[:MAX_EXPANSION]
            label = getattr(node, "text", str(node))
            _notice(notices, f"{label!r} matches many words; searched its {MAX_EXPANSION} most common")
        if not words:
            return wq.NullQuery
        return wq.Or([wq.Term(field, w, boost=node.boost) for _freq, w in words])
    if node.is_leaf():
        return node
    return node.apply(lambda child: _bound_expansions(child, searcher, notices))


def _notice(notices: list[str], text: str) -> None:
    if text not in notices:
        notices.append(text)


class IdMap:
    """Document number <-> paper ID for one index generation (shared by threads)."""

    def __init__(self, searcher: Searcher) -> None:
        reader = searcher.reader()
        # An index just created holds no segment, and so no column yet.
        column = reader.column_reader("id") if reader.doc_count_all() else []
        self.ids: list[str] = [_as_str(value) for value in column]
        self.docnums: dict[str, int] = {
            pid: number for number, pid in enumerate(self.ids) if not reader.is_deleted(number)
        }


def _as_str(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


class PaperSearcher:
    """Runs queries against one open index. One instance per thread."""

    def __init__(self, index: whoosh.index.Index, id_map: IdMap | None = None) -> None:
        self.searcher = index.searcher()
        self.id_map = id_map or IdMap(self.searcher)

    def close(self) -> None:
        self.searcher.close()

    @property
    def total(self) -> int:
        return int(self.searcher.doc_count())

    def search(
        self, text: str, sort: Sort = Sort.RELEVANCE, limit: int | None = None
    ) -> tuple[list[str], dict[str, float], ParsedQuery]:
        """IDs of matching papers, ranked, with their scores."""
        parsed = parse_query(text, self.searcher)
        if parsed.query is wq.NullQuery:
            return [], {}, parsed
        sortedby, reverse = sort.index_field, sort.reverse
        if sortedby is None and parsed.is_everything:
            sortedby, reverse = "order", True  # no rank without a query: newest first, in page order
        try:
            results = self.searcher.search(parsed.query, limit=limit, sortedby=sortedby, reverse=reverse)
            docs = list(results.items())
        except (OSError, EOFError, ValueError, KeyError, IndexError, pickle.UnpicklingError) as error:
            raise IndexReadError(f"the index could not be read ({error!r})") from error
        ids = self.id_map.ids
        ranked = [ids[number] for number, _score in docs]
        # With sortedby, Whoosh gives the sort key in place of a score.
        scores = {} if sortedby else {ids[number]: float(score or 0.0) for number, score in docs}
        return ranked, scores, parsed

    def papers(self, paper_ids: Iterable[str]) -> dict[str, Paper]:
        found: dict[str, Paper] = {}
        for pid in paper_ids:
            number = self.id_map.docnums.get(pid)
            if number is not None:
                found[pid] = paper_from_fields(self.searcher.stored_fields(number))
        return found

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Queries to try instead: unknown words replaced by near, real ones."""
        cleaned, _ = prepare_text(text)
        corrector = self.searcher.corrector("words")
        reader = self.searcher.reader()
        options: dict[str, list[str]] = {}
        for word in dict.fromkeys(_TOKEN_SPLIT.split(cleaned)):
            lowered = word.lower()
            if word.isalpha() and len(word) > 2 and not reader.doc_frequency("words", lowered):
                candidates = corrector.suggest(lowered, limit=limit)
                if candidates:
                    options[word] = list(candidates)
        suggestions: list[str] = []
        for rank in range(limit):
            suggestion = cleaned
            for word, candidates in options.items():
                suggestion = suggestion.replace(word, candidates[min(rank, len(candidates) - 1)])
            if suggestion != cleaned and suggestion not in suggestions:
                suggestions.append(suggestion)
        return suggestions


def highlight_spans(text: str, terms: Sequence[str] | set[str], field: str = "abstract") -> list[tuple[int, int]]:
    """Character spans of `text` whose analysed form is one of `terms`."""
    if not terms or not text:
        return []
    wanted = set(terms)
    analyzer = _SCHEMA[field].analyzer
    spans: list[tuple[int, int]] = []
    for token in analyzer(text, chars=True, mode="query", removestops=False):
        if token.text in wanted:
            spans.append((token.startchar, token.endchar))
    return spans
