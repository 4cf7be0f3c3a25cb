"""The Library: the one facade the CLI, the app and the exporters use.

It ties the dumps (remembered locations), the index (cache dir) and the user
store (data dir) together. It is safe to use from several threads: each
thread gets its own index searcher and store connection.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, overload

from . import generations
from .budget import SEARCH_BUDGET, SUGGEST_BUDGET, Budget
from .config import State, remember_folders
from .errors import IndexReadError, PapersError, UnknownPaperError
from .export import ExportItem, Options, Scope
from .locations import Locations, bundled_dumps
from .models import IndexReport, Paper, SearchResult, UserState
from .query_terms import split_terms
from .store import Note, NoteSave, Store, Visit
from .triage import new_ids
from .undo import UndoLog
from .views import Facts, Filter, Sort

if TYPE_CHECKING:
    from .generations import FirstView
    from .index import MergeReport
    from .search import Hits, IdMap, PaperSearcher, ParsedQuery
    from .steps import ProgressCallback
    from .vocabulary import Vocabulary

# Whoosh, the dump parsers and rapidfuzz (`index.py`, `search.py`) are
# imported where they are first used, in a worker: the app's first screen
# is painted without them (docs/benchmarks.md, "First screen").

MIN_ID_PREFIX = 4


class Library:
    """Papers from the index, the user's work from the store."""

    def __init__(self, locations: Locations | None = None) -> None:
        self.locations = locations or Locations.resolve()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._reloads = 0  # bumped by reload(): every thread opens the index again
        self._id_map: tuple[int, IdMap] | None = None  # the newest generation's, shared
        self._last_snapshot: generations.Snapshot | None = None  # the generation file read last
        self._vocabulary: tuple[int, Vocabulary] | None = None  # likewise
        self._failure: tuple[int, str] | None = None  # a generation that failed to read once
        self._running = 0
        # The app's visit (None for the CLI, which reads the last visit that is over).
        self.visit: Visit | None = None
        self.undo = UndoLog()  # the app's explicit changes, newest last
        self._known_cache: tuple[int, frozenset[str]] | None = None
        # Each note's analysed words, by paper, with the note's time (threads
        # may race to fill it: each writes a whole, correct entry).
        self._note_words: dict[str, tuple[dt.datetime, list[str]]] = {}

    # dumps and indexing -------------------------------------------------
    def dump_locations(self) -> list[Path]:
        """The remembered dump locations, else the bundled sample dumps."""
        remembered = State.load(self.locations.state_path).dumps
        return [Path(p) for p in remembered] if remembered else [bundled_dumps()]

    def remember(self, paths: Sequence[Path]) -> None:
        """Add dump locations to the remembered ones (absolute, once each),
        under the state lock: another process's folder is never dropped."""
        remember_folders(self.locations.state_path, list(paths))

    def has_index(self) -> bool:
        """Is there an index that reads (possibly still empty)?"""
        return not self.index_problem()

    def index_damaged(self) -> bool:
        """Is there an index or catalog that cannot be read?"""
        from .index import index_files_exist

        cache = self.locations
        return (index_files_exist(cache.index_dir) or cache.catalog_path.exists()) and bool(self.index_problem())

    def index_problem(self) -> str:
        """Why the index cannot be used ('' if it can): there is none yet, or
        it or its catalog is damaged. `index()` then builds it from the dumps."""
        from .catalog import catalog_problem
        from .index import index_files_exist, marked_damaged

        if not index_files_exist(self.locations.index_dir):
            return "there is no index yet"
        damage = marked_damaged(self.locations.cache_dir)
        if damage:
            return damage
        problem = catalog_problem(self.locations.catalog_path)
        if problem:
            return problem
        if self._searcher() is None:
            return self._failure[1] if self._failure else "the index could not be read"
        return ""

    def index(
        self,
        paths: Sequence[Path] = (),
        rebuild: bool = False,
        progress: ProgressCallback | None = None,
        wait: float = 0.0,
    ) -> IndexReport:
        """Remember `paths`, then bring the index up to date with every
        remembered dump location."""
        from .index import Indexer

        if paths:
            self.remember(paths)
        try:
            report = Indexer(self.locations.cache_dir, progress).update(
                _ReadWhenUsed(self.dump_locations), rebuild, wait
            )
        except (OSError, sqlite3.OperationalError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise PapersError(
                f"cannot write the index in {self.locations.cache_dir} ({reason}); "
                "point --cache-dir or PAPERS_CACHE_DIR at a writable folder"
            ) from error
        finally:
            self.reload()
        return report

    def merge(self, progress: ProgressCallback | None = None, stop: Callable[[], bool] = lambda: False) -> MergeReport:
        """Merge the index's parts when there are many (each commit adds one
        and merges nothing, to stay quick). Slow work, done by a child
        process, meant for a background thread or the end of `papers index`:
        searches go on meanwhile and indexing waits only for its last
        moment. `stop` returning True ends it early, changing nothing."""
        from .index import merge_segments

        try:
            return merge_segments(self.locations.cache_dir, progress, stop=stop)
        except (OSError, sqlite3.OperationalError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise PapersError(f"cannot merge the index in {self.locations.cache_dir} ({reason})") from error

    def generation(self) -> int:
        """The index generation on disk (-1: none): it changes with every
        commit, this process's or another's."""
        return generations.latest_generation(self.locations.index_dir)

    def reload(self) -> None:
        """Let every thread open the index again (each search also checks
        the generation on disk, so another process's commits are seen)."""
        with self._lock:
            self._reloads += 1
            self._id_map = None
            self._vocabulary = None
            self._last_snapshot = None

    # per-thread handles --------------------------------------------------
    @property
    def store(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.locations.store_path)
            self._local.store = store
        return store

    def _searcher(self) -> PaperSearcher | None:
        """This thread's searcher on the newest readable generation of the
        index. While the index on disk cannot be read (another process is
        replacing it, or it is damaged), the one already open keeps serving."""
        current: tuple[int, PaperSearcher] | None = getattr(self._local, "searcher", None)
        disk = generations.latest_generation(self.locations.index_dir)
        if current and current[0] == self._reloads and (current[1].generation == disk or disk < 0):
            return current[1]
        reloads = self._reloads
        fresh = self._open_searcher(disk)
        if fresh is None:
            return current[1] if current else None
        if current:
            current[1].close()
        self._local.searcher = (reloads, fresh)
        return fresh

    def _open_searcher(self, disk: int) -> PaperSearcher | None:
        from .index import describe, open_index
        from .search import PaperSearcher

        if disk < 0:
            return None
        index = open_index(self.locations.index_dir)
        if index is None:
            self._read_failed(disk, "the index could not be opened or has another version")
            return None
        try:
            searcher = PaperSearcher(index, disk, self._shared_id_map, self._shared_vocabulary)
        except Exception as error:  # noqa: BLE001 - any damage to a cache means rebuild
            self._read_failed(disk, f"the index could not be read ({describe(error)})")
            return None
        with self._lock:
            if self._id_map is None or self._id_map[0] < searcher.generation:
                self._id_map = (searcher.generation, searcher.id_map)
        if not searcher.id_map.from_file:
            # An index written before these files existed, or a file lost: the next opening reads it.
            generations.write(self.locations.index_dir, searcher.id_map.snapshot)
        return searcher

    def _shared_id_map(self, generation: int) -> IdMap | None:
        """The ID map of this generation: the one another thread holds, else
        the one its commit wrote beside the index (None: build it)."""
        from .search import IdMap

        with self._lock:
            if self._id_map and self._id_map[0] == generation:
                return self._id_map[1]
        snapshot = self._snapshot(generation)
        return IdMap(snapshot=snapshot) if snapshot is not None else None

    def first_view(self) -> FirstView | None:
        """Every paper newest first and the first rows, from the file the
        last commit wrote: no index is opened (the app's first screen)."""
        snapshot = self._snapshot(generations.latest_generation(self.locations.index_dir))
        return generations.first_view(snapshot) if snapshot is not None else None

    def _snapshot(self, generation: int) -> generations.Snapshot | None:
        """A generation's file, read once for the first view and the ID map
        that follows it (1.7 MB at 100k papers)."""
        with self._lock:
            if self._last_snapshot is not None and self._last_snapshot.generation == generation:
                return self._last_snapshot
        snapshot = generations.read(self.locations.index_dir, generation)
        with self._lock:
            self._last_snapshot = snapshot
        return snapshot

    def _shared_vocabulary(self, generation: int, build: Callable[[], Vocabulary]) -> Vocabulary:
        """The generation's vocabulary, loaded (or built) by one thread for all."""
        with self._lock:
            if self._vocabulary is None or self._vocabulary[0] != generation:
                self._vocabulary = (generation, build())
            return self._vocabulary[1]

    def _read_failed(self, generation: int, reason: str) -> None:
        """A read failed. Twice on the same generation is damage, not a
        commit racing us: the next index run rebuilds it."""
        from .index import mark_damaged

        with self._lock:
            again = self._failure is not None and self._failure[0] == generation
            self._failure = (generation, reason)
        if again and generations.latest_generation(self.locations.index_dir) == generation:
            mark_damaged(self.locations.cache_dir, generation, reason)

    def _drop_searcher(self) -> None:
        current = getattr(self._local, "searcher", None)
        if current:
            current[1].close()
            self._local.searcher = None

    def close(self) -> None:
        """Close this thread's handles (other threads' close with them)."""
        current = getattr(self._local, "searcher", None)
        if current:
            current[1].close()
            self._local.searcher = None
        store = getattr(self._local, "store", None)
        if store is not None:
            store.close()
            self._local.store = None

    # searching -------------------------------------------------------------
    @property
    def searching(self) -> bool:
        """Is a search running now (in any thread)? For a "searching..." sign."""
        return self._running > 0

    def search(
        self,
        text: str = "",
        sort: Sort = Sort.RELEVANCE,
        filter: Filter = Filter.ALL,
        limit: int | None = None,
        budget: float | None = SEARCH_BUDGET,
        typing: bool = False,
        first: int | None = None,
    ) -> SearchResult:
        """Matching paper IDs, ranked or sorted, narrowed by a filter. A
        search that runs past `budget` seconds returns the papers found so
        far, with `partial` set and a notice.

        The keystroke path: `typing` says the last word may be unfinished
        (it then stands for its most frequent completions); `first` asks for
        only the first papers, with an estimated count (`exact` False), when
        the index alone can order them (no filter, and a sort by rank or by
        an index field); `count()` and a search without `first` complete it."""
        with self._lock:
            self._running += 1
        try:
            return self._search(text, sort, filter, limit, Budget(budget), typing, first)
        finally:
            with self._lock:
                self._running -= 1

    def _search(
        self, text: str, sort: Sort, filter: Filter, limit: int | None, budget: Budget, typing: bool, first: int | None
    ) -> SearchResult:
        from .search import prepare_text

        terms = split_terms(text)  # is:, has:, date: ... become filters
        # Filters and in-memory sorts need every hit; the index orders the rest.
        quick = first is not None and filter is Filter.ALL and not terms.filters
        quick = quick and (sort.order is None or sort.index_field is not None)
        # Every paper (no words, or only a dangling `is:`): listed whole, as the default view.
        quick = quick and prepare_text(terms.words)[0] not in {"", "*", "*:*"}
        ranked = self._ranked(terms.words, sort, budget, typing, first if quick else None)
        if ranked is None:
            notice = "the index is empty, being rebuilt or unreadable: run `papers index`"
            return SearchResult(text, (), 0, (notice,))
        searcher, hits = ranked
        ids, scores, parsed = hits.ids, hits.scores, hits.parsed
        # Papers whose note matches come after every index hit: in a first
        # screenful only when it holds every index hit.
        extra: list[str] = []
        if not parsed.is_everything and (hits.exact or not quick):
            extra = self._note_hits(parsed, ids)
            ids.extend(extra)
        filters = (filter, *terms.filters)
        facts = self._facts()
        for chosen in filters:
            ids = chosen.narrow(ids, facts)
        holder = next((f for f in filters if f.kept is not None), None)
        if parsed.is_everything and holder is not None and holder.kept is not None:
            # Kept papers whose dumps are gone are still the user's: list them last.
            gone = sorted(pid for pid in set(holder.kept(facts)) if pid not in searcher.id_map.docnums)
            for chosen in filters:
                gone = chosen.narrow(gone, facts)
            ids.extend(gone)
        if sort.index_field is None:
            ids = sort.arrange(ids, self._facts())  # the index could not sort these
        count = hits.count + len(extra) if quick else None
        if limit is not None:
            ids = ids[:limit]
        notices = parsed.notices
        if budget.ran_out:
            notices += (f"the search ran out of time: showing the {len(ids)} papers found so far",)
        return SearchResult(
            text,
            tuple(ids),
            searcher.total,
            notices,
            scores,
            partial=parsed.partial,
            count=count,
            exact=hits.exact or not quick,
        )

    def count(self, text: str = "", filter: Filter = Filter.ALL, typing: bool = False) -> int:
        """The exact number of papers a search finds (for the count a
        keystroke's first screenful only estimated). Without a filter,
        nothing is scored or sorted."""
        from .search import parse_query

        terms = split_terms(text)
        if filter is not Filter.ALL or terms.filters:
            return len(self.search(text, Sort.RELEVANCE, filter, budget=None, typing=typing).ids)
        for _attempt in (1, 2):
            searcher = self._searcher()
            if searcher is None:
                parse_query(terms.words)  # a bad query is still reported
                return 0
            try:
                parsed = searcher.parse(terms.words, typing=typing)
                noted = [] if parsed.is_everything else self._note_hits(parsed, ())
                count, among_hits = searcher.count(terms.words, typing=typing, among=noted)
                return count + len(noted) - len(among_hits)  # notes add the papers the index did not find
            except IndexReadError as error:
                self._read_failed(searcher.generation, str(error))
                self._drop_searcher()
        return 0

    def warm_search(self, stop: Callable[[], bool] = lambda: False) -> int:
        """Read the most common words' postings ahead of the first searches
        (`PaperSearcher.warm`), in this thread; the bytes it holds for them. A damaged
        or missing index is left to the searches to report."""
        searcher = self._searcher()
        if searcher is None:
            return 0
        try:
            return searcher.warm(stop)
        except Exception:  # noqa: BLE001 - only a head start: a search reads what it needs itself
            return 0

    def _ranked(
        self, text: str, sort: Sort, budget: Budget, typing: bool = False, first: int | None = None
    ) -> tuple[PaperSearcher, Hits] | None:
        """Run a query; None if there is no readable index (even after
        looking again: another process may have just rebuilt it)."""
        from .search import Hits, parse_query

        for _attempt in (1, 2):
            searcher = self._searcher()
            if searcher is None:
                parse_query(text)  # a bad query is still reported
                return None
            try:
                if sort.index_field is None and not text.strip():
                    # Everything, newest first: the order the commit saved (reader/core/generations.py).
                    every = searcher.id_map.newest_first()
                    shown = every if first is None else every[:first]
                    hits = Hits(shown, {}, parse_query(text), len(every), True)  # the count is exact
                else:
                    hits = searcher.search(text, sort, limit=first, budget=budget, typing=typing)
            except IndexReadError as error:
                self._read_failed(searcher.generation, str(error))
                self._drop_searcher()
                continue
            self._local.parsed = (searcher.generation, text, typing, hits.parsed)
            return searcher, hits
        return None

    def _note_hits(self, parsed: ParsedQuery, found: Sequence[str]) -> list[str]:
        """Papers whose note matches the query, not among `found`."""
        from .search import analysed, parse_query, text_matches

        have = set(found)
        hits: list[tuple[dt.datetime, str]] = []
        notes = self.store.notes()
        if not notes:
            return []
        query = parse_query(parsed.text).query  # wildcards and fuzzy words as typed, not the index's expansions
        for note in notes:
            if note.paper_id in have:
                continue
            cached = self._note_words.get(note.paper_id)
            if cached is None or cached[0] != note.updated_at:
                cached = (note.updated_at, analysed(note.text))  # a long note is read once per edit
                self._note_words[note.paper_id] = cached
            if text_matches(query, cached[1]):
                hits.append((note.updated_at, note.paper_id))
        return [pid for _at, pid in sorted(hits, reverse=True)]

    def _narrow(self, ids: list[str], filter: Filter) -> list[str]:
        return filter.narrow(ids, self._facts())

    def _facts(self) -> Facts:
        """What filters and sorts look at: this thread's store, and papers by ID."""
        return Facts(self.store, self.papers, self.new_ids)

    def parse(self, text: str, typing: bool = False) -> ParsedQuery:
        """The query as it will run (for highlighting), with its `note:` texts."""
        terms = split_terms(text)
        return replace(self._parse_words(terms.words, typing), note_words=terms.note_words)

    def _parse_words(self, words: str, typing: bool = False) -> ParsedQuery:
        """The words' query: the one the last search in this thread ran, if it was this text."""
        from .search import parse_query

        searcher = self._searcher()
        last: tuple[int, str, bool, ParsedQuery] | None = getattr(self._local, "parsed", None)
        if searcher and last and last[0] == searcher.generation and last[1:3] == (words, typing):
            return last[3]
        if searcher is None:
            return parse_query(words)
        try:
            return searcher.parse(words, Budget(SEARCH_BUDGET / 2), typing)
        except IndexReadError:  # a damaged index: highlight the words as typed
            return parse_query(words)

    def highlights(self, text: str, parsed: ParsedQuery, field: str = "abstract") -> list[tuple[int, int]]:
        from .search import highlight_spans

        return highlight_spans(text, parsed.terms().get(field, set()), field)

    def note_highlights(self, note: str, parsed: ParsedQuery) -> list[tuple[int, int]]:
        """Where a note matches the query: its words, as in an abstract, and the `note:` texts."""
        from .search import highlight_spans, parse_query

        # The query's words as typed too: a word being typed, or one the index
        # lacks, is expanded to the index's words, and a note may hold it as typed.
        words = parsed.terms().get("abstract", set()) | parse_query(parsed.text).terms().get("abstract", set())
        spans = highlight_spans(note, words)
        folded = note.casefold()  # `note:` matches case-blind; casefold keeps the length for these scripts
        for wanted in (w.casefold() for w in parsed.note_words if w):
            if len(folded) != len(note):
                break
            at = folded.find(wanted)
            while at >= 0:
                spans.append((at, at + len(wanted)))
                at = folded.find(wanted, at + len(wanted))
        return sorted(spans)

    def suggest(self, text: str, budget: float | None = SUGGEST_BUDGET, typing: bool = False) -> list[str]:
        """Near, real words for unknown ones ("did you mean"), found within
        `budget` seconds; never for the last word while it is being typed."""
        searcher = self._searcher()
        if searcher is None:
            return []
        try:
            return searcher.suggest(text, budget=Budget(budget), typing=typing)
        except Exception:  # noqa: BLE001 - a damaged index has no suggestions
            return []

    # papers ------------------------------------------------------------------
    def papers(self, paper_ids: Iterable[str]) -> dict[str, Paper]:
        """Papers by ID; one whose dumps are gone but which the user kept
        (a star, a note) comes back from the title the store remembers."""
        from .index import describe

        wanted = list(paper_ids)
        searcher = self._searcher()
        found: dict[str, Paper] = {}
        if searcher is not None:
            try:
                found = searcher.papers(wanted)
            except Exception as error:  # noqa: BLE001 - a damaged index: what the store remembers
                self._read_failed(searcher.generation, f"the index could not be read ({describe(error)})")
        missing = [pid for pid in wanted if pid not in found]
        if missing:
            titles = self.store.titles()
            for pid in missing:
                if pid in titles:
                    found[pid] = Paper(pid, titles[pid], "", ())
        return found

    def paper(self, paper_id: str) -> Paper:
        paper = self.papers([paper_id]).get(paper_id)
        if paper is None:
            raise UnknownPaperError(f"no paper with ID {paper_id!r}")
        return paper

    def resolve_id(self, text: str) -> str:
        """A full paper ID from an ID or a unique prefix of one."""
        wanted = text.strip().lower()
        searcher = self._searcher()
        known = set(searcher.id_map.docnums) if searcher else set()
        known |= set(self.store.titles())
        if wanted in known:
            return wanted
        if len(wanted) >= MIN_ID_PREFIX:
            matches = sorted(pid for pid in known if pid.startswith(wanted))
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise UnknownPaperError(f"ID prefix {text!r} matches {len(matches)} papers; give more of it")
        elif wanted:
            raise UnknownPaperError(
                f"no paper with ID {text!r}: an ID prefix needs at least {MIN_ID_PREFIX} characters "
                "(IDs are 12; see `papers search`)"
            )
        raise UnknownPaperError(f"no paper with ID {text!r} (see `papers search`)")

    def total(self) -> int:
        searcher = self._searcher()
        return searcher.total if searcher else 0

    # the user's work -----------------------------------------------------------
    def state(self, paper_id: str) -> UserState:
        return self.store.state(paper_id)

    def states(self, paper_ids: Iterable[str]) -> dict[str, UserState]:
        return self.store.states(paper_ids)

    def star(self, paper: Paper) -> bool:
        return self.store.star(paper.id, paper.title)

    def unstar(self, paper_id: str) -> bool:
        return self.store.unstar(paper_id)

    def set_starred(self, paper: Paper, starred: bool) -> bool:
        """Star or unstar explicitly (never a toggle: a window showing an old
        state must not undo another's star); returns whether anything changed."""
        return self.store.set_starred(paper.id, paper.title, starred)

    def note(self, paper_id: str) -> Note | None:
        return self.store.note(paper_id)

    def save_note(self, paper: Paper, text: str, base: dt.datetime | None = None, check_base: bool = False) -> NoteSave:
        return self.store.save_note(paper.id, paper.title, text, base, check_base=check_base)

    def mark_seen(self, paper: Paper) -> bool:
        return self.store.mark_seen(paper.id, paper.title)

    def set_seen(self, paper: Paper, seen: bool) -> bool:
        """Seen or not, explicitly; returns whether anything changed."""
        return self.store.set_seen(paper.id, paper.title, seen)

    # visits: what is new ------------------------------------------------------
    def begin_visit(self) -> Visit:
        """Record that the app opened, with the papers in the library now."""
        searcher = self._searcher()
        self.visit = self.store.begin_visit(list(searcher.id_map.docnums) if searcher else [])
        return self.visit

    def end_visit(self) -> None:
        if self.visit is not None:
            searcher = self._searcher()
            self.store.end_visit(self.visit.number, list(searcher.id_map.docnums) if searcher else [])

    def last_visit(self) -> Visit | None:
        """What "new" is counted from: this app's visit, else the last one over."""
        return self.visit or self.store.last_visit()

    def new_ids(self, among: Iterable[str] | None = None) -> set[str]:
        """Papers in the library no visit up to the last one knew, that the
        user has not starred, seen or noted. `among`: the library's papers,
        when the caller has them (the first view, before the index is open)."""
        visit = self.last_visit()
        if visit is None or visit.since is None:
            return set()
        if among is None:
            searcher = self._searcher()
            if searcher is None:
                return set()
            among = searcher.id_map.docnums
        store = self.store
        decided = set(store.starred()) | store.seen() | store.noted()
        return new_ids(among, self._known_by(visit.since), decided, first_visit=False)

    def unknown(self, paper_ids: Iterable[str]) -> set[str]:
        """Which of these papers no visit up to the last one knew (new unless decided)."""
        visit = self.last_visit()
        if visit is None or visit.since is None:
            return set()
        known = self._known_by(visit.since)
        return {pid for pid in paper_ids if pid not in known}

    def _known_by(self, visit: int) -> frozenset[str]:
        # What visits up to `visit` knew never changes (later ones add with higher numbers).
        cached = self._known_cache
        if cached is None or cached[0] != visit:
            cached = (visit, frozenset(self.store.known_by(visit)))
            self._known_cache = cached
        return cached[1]

    # exports -------------------------------------------------------------------
    def export_items(
        self, scope: Scope = Scope.STARRED, query: str = "", sort: Sort = Sort.RELEVANCE
    ) -> list[ExportItem]:
        """The papers an export covers, with the user's notes, in `sort`'s order.

        Its own order (Sort.RELEVANCE): starred, newest star first; with notes,
        newest note first; results, in the order the search ranks them.
        """
        if scope is Scope.RESULTS:
            ids = list(self.search(query, sort, budget=None).ids)  # an export is never cut short
        elif scope is Scope.STARRED:
            starred = self.store.starred()
            ids = sorted(starred, key=lambda pid: starred[pid], reverse=True)
        else:
            notes = {n.paper_id: n.updated_at for n in self.store.notes()}
            ids = sorted(notes, key=lambda pid: notes[pid], reverse=True)
        if scope is not Scope.RESULTS:
            ids = sort.arrange(ids, self._facts())
        papers = self.papers(ids)
        states = self.states(ids)
        return [ExportItem(papers[pid], states.get(pid, UserState(pid))) for pid in ids if pid in papers]

    def export(
        self, format_name: str, scope: Scope = Scope.STARRED, query: str = "", options: Options | None = None
    ) -> tuple[str, int]:
        """The export's text and how many papers it holds."""
        from .export import get_format

        chosen = get_format(format_name)
        options = options or Options()
        items = self.export_items(scope, query, options.sort)
        return chosen.render(items, options), len(items)

    def stats(self) -> dict[str, object]:
        """Counts for `papers stats`."""
        from .catalog import Catalog, catalog_problem

        dumps = 0
        problems = 0
        if self.locations.catalog_path.exists() and not catalog_problem(self.locations.catalog_path):
            try:
                catalog = Catalog(self.locations.catalog_path)
                try:
                    records = catalog.dumps()
                    dumps = len(records)
                    problems = sum(len(r.problems) for r in records.values())
                finally:
                    catalog.close()
            except sqlite3.DatabaseError:
                pass  # a damaged catalog counts nothing; `papers index` rebuilds it
        # Counting must not create the store: `stats` on a new machine changes nothing.
        store_exists = self.locations.store_path.exists()
        counts = self.store.counts() if store_exists else {"stars": 0, "notes": 0, "seen": 0}
        return {
            "papers": self.total(),
            "dumps": dumps,
            "problems": problems,
            "starred": counts["stars"],
            "notes": counts["notes"],
            "seen": counts["seen"],
            "dump_locations": [str(p) for p in self.dump_locations()],
            "data_dir": str(self.locations.data_dir),
            "cache_dir": str(self.locations.cache_dir),
            "config_dir": str(self.locations.config_dir),
        }


class _ReadWhenUsed(Sequence[Path]):
    """The remembered dump locations, read when the indexer first looks at
    them: under its lock. Read before, a folder another process remembered
    while this one waited would be missing, and its papers removed."""

    def __init__(self, read: Callable[[], list[Path]]) -> None:
        self._read = read
        self._paths: list[Path] | None = None

    def _get(self) -> list[Path]:
        if self._paths is None:
            self._paths = self._read()
        return self._paths

    @overload
    def __getitem__(self, index: int) -> Path: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Path]: ...
    def __getitem__(self, index: int | slice) -> Path | Sequence[Path]:
        return self._get()[index]

    def __len__(self) -> int:
        return len(self._get())
