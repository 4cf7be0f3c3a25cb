"""The main screen: a search bar over a paper list (list, detail, status).

Its state is reactive: a change of the query, filter or sort starts a search
through its watcher, and a change of the message or the indexing progress
redraws the status line. No action calls either by hand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from rich.color import ColorSystem
from rich.console import COLOR_SYSTEMS
from rich.style import Style as RichStyle
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from ...core.config import SavedView, last_view, remember_view
from ...core.errors import PapersError
from ...core.library import Library
from ...core.locations import bundled_dumps
from ...core.models import IndexReport
from ...core.steps import Progress
from ...core.text import printable
from ...core.triage import day_summary, dump_days, new_first, new_summary, step_day
from ...core.undo import SeenMany
from ...core.views import FILTERS, SORTS, Filter, Sort
from ..commands import MAIN_COMMANDS, PAPER_COMMANDS, QUIT
from ..prepaint import SHORT
from ..rows import FirstScreen, Row, read_first_screen
from ..widgets.footer import Footer
from ..widgets.paper_list import EarlyPreview, Listing, PaperList, Preview, Source
from ..widgets.result_list import ResultList
from ..widgets.search_bar import SearchBar
from ..writes import in_writer
from .list_screen import PaperListScreen

SEARCH_DEBOUNCE = 0.15
# A keystroke asks the index for the rows the list shows and a few more; the
# count and the rest follow from the list's workers, the rest as soon as the
# cursor nears the end of what is listed (widgets/paper_list.py). Asking for
# two screenfuls (60) made a phrase of common words check twice the papers:
# its first screenful took ~40% longer at 100,000 papers (docs/benchmarks.md).
# Before the list has a size (the first search), FIRST_SCREENFUL.
FIRST_SCREENFUL = 60
MORE_ROWS = 5


def papers_to_ask(list_height: int) -> int:
    """How many papers a keystroke's search lists first, for a list this tall."""
    return list_height + MORE_ROWS if list_height > 0 else FIRST_SCREENFUL


FOOTER_AT_LATEST = 1.0  # seconds: the footer's keys wait for the first list no longer than this

T = TypeVar("T")


def _next(values: Sequence[T], current: T) -> T:
    return values[(list(values).index(current) + 1) % len(values)] if current in values else values[0]


@dataclass(frozen=True, slots=True)
class Search:
    """What the main list was searched with: the status line names it."""

    text: str
    sort: Sort
    filter: Filter


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def about(count: int) -> str:
    """An estimated count, rounded to two figures: "about 93,000"."""
    digits = max(0, len(str(count)) - 2)
    return f"about {round(count, -digits):,}"


def search_source(search: Search, first: int = FIRST_SCREENFUL) -> Source:
    """The main list's source: the library searched, narrowed and sorted.
    It lists the first `first` papers; the exact count and every other paper
    come later, from the list's workers (`Listing.counter`, `Listing.more`).
    The text is the search bar's: its last word may be unfinished (`typing`)."""
    text, sort, filter, typing = search.text, search.sort, search.filter, True

    def source(library: Library) -> Listing:
        # The default view puts the new papers first: it needs every paper.
        result = library.search(text, sort, filter, typing=typing, first=first if text.strip() else None)
        parsed = library.parse(text, typing=typing)
        lines: list[str] = []
        if result.ids or result.total_in_library == 0:
            pass  # an empty library: the screen says why (indexing, or no dumps)
        else:
            lines.append(f"No papers match {result.query.strip()!r}." if text.strip() else "No papers.")
            suggestions = library.suggest(text, typing=typing) if text.strip() else []
            if suggestions:
                lines.append("Did you mean: " + " | ".join(suggestions))
            if filter is not Filter.ALL:
                lines.append(f"The filter shows only {filter.label} papers: f changes it.")
            if text.strip():
                lines.append("Try fewer words, OR, a wildcard (neur*) or a fuzzy term (word~).")
        empty = printable("\n".join(lines))
        ids = result.ids
        if not text.strip() and filter is Filter.ALL and sort in (Sort.RELEVANCE, Sort.DATE):
            # The default view: the morning's papers on top (all that arrived
            # since the last visit, decided or not, so deciding never reorders).
            ids = new_first(ids, library.unknown(ids))
        listing = Listing(ids, result.total_in_library, parsed, result.notices, empty, request=search)
        listing = replace(listing, summary=summary_of(library, text, ids))
        if result.exact and len(result.ids) >= result.matched:
            return listing  # every paper it found

        def counter(library: Library) -> int:
            return library.count(text, filter, typing=typing)

        def more(library: Library) -> Listing:
            every = library.search(text, sort, filter, typing=typing)
            rest = Listing(every.ids, every.total_in_library, parsed, every.notices, empty, request=search)
            return replace(rest, summary=summary_of(library, text, every.ids))

        return replace(
            listing, count=result.matched, exact=result.exact, counter=None if result.exact else counter, more=more
        )

    return source


def first_view_preview(search: Search) -> Preview | None:
    """The default view as the last commit saved it (reader/tui/rows.py):
    the app's first screen is painted from it before the index is opened.
    None for any other search."""
    if search.text.strip() or search.filter is not Filter.ALL or search.sort not in (Sort.RELEVANCE, Sort.DATE):
        return None

    def preview(library: Library) -> tuple[Listing, dict[str, Row]] | None:
        return as_preview(read_first_screen(library), search)

    return preview


def as_preview(first: FirstScreen | None, search: Search) -> tuple[Listing, dict[str, Row]] | None:
    if first is None:
        return None
    return Listing(first.ids, first.total, request=search, summary=first.summary), first.rows


DEFAULT_VIEW = Search("", Sort.RELEVANCE, Filter.ALL)  # what the main screen opens on


def start_first_view(library: Library, painted: FirstScreen | None = None) -> EarlyPreview | None:
    """The main screen's first preview, read in a thread from now on;
    `painted`: the one `papers` painted before Textual started (read already)."""
    if painted is not None:
        return EarlyPreview(library, lambda _library: as_preview(painted, DEFAULT_VIEW))
    preview = first_view_preview(DEFAULT_VIEW)
    return EarlyPreview(library, preview) if preview is not None else None


def style_sgr(style: RichStyle, system: ColorSystem | None) -> str:
    """The escape sequence that starts `style` on a terminal of this colour
    system (none: the terminal's own colours)."""
    if system is None:
        return ""
    marked = style.render("x", color_system=system)
    return marked[: marked.index("x")] if marked != "x" else ""


def index_notice(report: IndexReport) -> str:
    """What an indexing run changed, in the reader's words."""
    changes = []
    if report.added:
        changes.append(f"{plural(report.added, 'new paper')}")
    if report.updated:
        changes.append(f"{report.updated} updated")
    if report.removed:
        changes.append(f"{plural(report.removed, 'paper')} no longer in your dumps")
    text = (", ".join(changes) or "No paper changed") + f"; {plural(report.papers_total, 'paper')} in all."
    if report.rebuilt_because:
        text = f"The index was rebuilt ({report.rebuilt_because}). {text}"
    return text


SAMPLES_HINT = (
    "These are the bundled sample papers. To read your own, quit (q) and run: papers FOLDER "
    "(a folder of saved Daily Papers pages); it is remembered."
)
EMPTY_LIBRARY = (
    "The library is empty: no papers were found in your dumps.\n"
    "To add a folder of saved Daily Papers pages, quit (q) and run: papers FOLDER"
)
INDEXING = "Reading your dumps: papers appear here as they are indexed."
MERGING = "merging the index"


def summary_of(library: Library, text: str, ids: Sequence[str]) -> str:
    """What is new since the last visit and, for a query of one day, what
    that day holds (worker side: reads the index and the store)."""
    summary = new_summary(library)
    day = query_day(text)
    if day is None:
        return summary
    return " · ".join(
        part for part in (day_summary(day, library.papers(ids).values(), library.new_ids()), summary) if part
    )


def query_day(text: str) -> dt.date | None:
    """The one day a query's `date:DAY` names (None without one, or for a range)."""
    for word in text.split():
        if word.startswith("date:"):
            with contextlib.suppress(ValueError):
                return dt.date.fromisoformat(word[5:])
    return None


def without_filter_terms(text: str) -> tuple[str, Filter | None]:
    """The query without the `f` cycle's filter words, and the filter it held."""
    terms = {f.term: f for f in FILTERS.values() if f.term}
    words = text.split()
    found = next((terms[word] for word in reversed(words) if word in terms), None)
    return " ".join(word for word in words if word not in terms), found


class MainScreen(PaperListScreen):
    """Search as you type over the library, and triage the results."""

    BINDINGS = [
        *(command.binding() for command in MAIN_COMMANDS if command not in PAPER_COMMANDS),
        Binding("escape", "back", "Back", priority=True),
        # In the search bar only (check_action); priority: they act before
        # the next key is routed, so a key typed right after Enter reaches the list.
        Binding("enter,down", "to_results", "Results", key_display="enter/↓", priority=True),
    ]
    PALETTE = tuple(command for command in MAIN_COMMANDS if command is not QUIT)  # the palette has its own Quit
    # The list has the focus from the start: Textual's default (the first
    # focusable widget, the search bar) gave it to the bar and took it back,
    # restyling both before the first frame.
    AUTO_FOCUS = "#results"

    query_text: var[str] = var("", init=False)
    sort: var[Sort] = var(Sort.RELEVANCE, init=False)
    filter: var[Filter] = var(Filter.ALL, init=False)
    message: var[str] = var("", init=False)
    indexing: var[str] = var("", init=False)
    merging: var[bool] = var(False, init=False)  # a background merge is writing (its own status)
    samples: var[bool] = var(False, init=False)  # the library is the bundled samples

    class _Indexed(Message):
        """Progress, the end or the failure of an index run, and a merge's progress."""

        def __init__(self, step: Progress | None = None, report: IndexReport | None = None, failed: str = "") -> None:
            super().__init__()
            self.step = step
            self.report = report
            self.failed = failed

    def __init__(
        self,
        library: Library,
        keymap: Mapping[str, str],
        index_on_start: bool = True,
        first_view: EarlyPreview | None = None,
    ) -> None:
        super().__init__(library)
        # The first list's preview, read from now on (or since the app was made:
        # `start_first_view`), so that the first frame can hold it.
        self._first_view = first_view if first_view is not None else start_first_view(library)
        self.keymap = keymap
        self.index_on_start = index_on_start
        self.total = 0
        self.shown: Search | None = None  # what the list on screen was searched with
        self.matched: int | str = 0  # how many papers it found: a number, or "about N" until counted
        self._search_timer: Timer | None = None
        self._index_after_first_list = False
        self._visit_begun = False  # this opening is recorded once a first list is on screen
        self.new_summary = ""  # "3 new since Mar 13 09:12"
        self._stop_watching = threading.Event()
        self._index_again = False  # saves changed while an index run was going
        self._merge_running = False
        self._merge_again = False  # an index run ended while a merge was going
        self._moved = False  # the user moved the cursor in the list on screen
        self._first_list_shown = False
        self._first_frame_shown = False

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search")
        yield PaperList(self.library, id="papers")
        yield Footer(held=True)  # built once the first list is on the terminal (`_show_keys`)

    @property
    def results(self) -> ResultList:
        return self.paper_list.results

    def on_mount(self) -> None:
        self.set_focus(self.results)  # at once: a key typed right after start lands after it
        self.set_timer(FOOTER_AT_LATEST, self.query_one(Footer).release)
        self.start_search()
        self._check_samples()
        if self.index_on_start:
            self.indexing = "checking the dumps…"
            self._index_after_first_list = True  # the check would slow the first paint (~0.4 s at 100k papers)

    # saves made while the app is open ---------------------------------------
    class _SavesChanged(Message):
        """A save was added, changed or removed in a dump folder (from the watcher thread)."""

    @work(thread=True, group="watch")
    def follow_saves(self) -> None:
        """Index again when a save is added, changed or removed in the dump folders."""
        worker = get_current_worker()
        stop = self._stop_watching

        class Stop:  # the app cancels its workers when it closes, before it unmounts the screen
            def is_set(self) -> bool:
                return worker.is_cancelled or stop.is_set()

        from ...core.watch import watch_saves  # watchfiles: imported here, after the first screen

        try:
            locations = self.library.dump_locations()
            watch_saves(locations, self._saves_changed_in_thread, Stop())
        except (OSError, RuntimeError, PapersError) as error:
            # Too many watches (inotify's limit), a folder gone: saves are still read at the next start.
            message = f"New saves will be read at the next start (the folders cannot be watched: {error})"
            self.app.call_from_thread(self.notify, message, severity="warning", markup=False)

    def _saves_changed_in_thread(self, _paths: set[Path]) -> None:
        self.post_message(self._SavesChanged())

    @on(_SavesChanged)
    def saves_changed(self) -> None:
        if self.indexing:
            self._index_again = True
        else:
            self.indexing = "reading a new save…"
            self.run_index()

    # state -----------------------------------------------------------------
    def watch_query_text(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE, self.start_search)

    def watch_filter(self, filter: Filter) -> None:
        if filter is not Filter.ALL:
            self.notify(f"Showing {filter.label}", timeout=1.5, markup=False)
        self.start_search()

    def watch_sort(self, sort: Sort) -> None:
        self.notify(f"Sorted by {sort.label}", timeout=1.5, markup=False)
        self.start_search()

    def watch_message(self) -> None:
        self.update_status()

    def watch_indexing(self) -> None:
        self.update_status()
        self._say_why_empty()

    def watch_merging(self) -> None:
        self.update_status()

    def watch_samples(self, samples: bool) -> None:
        self.update_status()
        if samples:
            self.notify(SAMPLES_HINT, title="Welcome", markup=False, timeout=12)

    @work(thread=True, group="samples")
    def _check_samples(self) -> None:
        # Reads state.json (a file, not the store): off the UI thread all the same.
        samples = self.library.dump_locations() == [bundled_dumps()]
        self.app.call_from_thread(setattr, self, "samples", samples)

    @work(group="visit")
    async def begin_visit(self) -> None:
        """Record this opening of the app, then come back to the last view.
        What is new counts from the last visit that was over, before and
        after this one is recorded: the list on screen stays right."""
        library = self.library
        try:
            await in_writer(library.begin_visit)
        except PapersError as error:
            self.notify(f"Could not record this visit: {error}", severity="warning", markup=False)
            return
        self._restore_view()

    @work(thread=True, group="visit")
    def _restore_view(self) -> None:
        """Come back to the query, sort and filter the app was left on; when
        papers arrived since the last visit, open on them instead and say
        what the last search was."""
        library = self.library
        try:
            view = last_view(library.locations.state_path)
            new = len(library.new_ids())
        except PapersError as error:
            self.app.call_from_thread(self.notify, str(error), severity="warning", markup=False)
            view, new = None, 0
        if view is not None:
            view, notices = view.usable(set(SORTS), set(FILTERS))
            for notice in notices:
                self.app.call_from_thread(self.notify, notice, markup=False)
        self.app.call_from_thread(self._open_on, view, new)

    def _open_on(self, view: SavedView | None, new: int) -> None:
        typed = self.query_one("#search", Input).value
        if view is None or typed or not (view.query or view.sort or view.filter):
            return  # the default view is on screen (or the user typed before the view was read: theirs wins)
        if new:
            if view.query:
                self.notify(
                    f"{plural(new, 'new paper')} since your last visit: shown first. Your last search was "
                    f"{view.query!r}.",
                    markup=False,
                    timeout=8,
                )
            return
        self.sort = SORTS.get(view.sort, self.sort)
        self.filter = FILTERS.get(view.filter, self.filter)
        self.query_one("#search", Input).value = view.query  # searches as typing does
        self.start_search()

    def on_unmount(self) -> None:
        self._stop_watching.set()
        # The view is remembered for the next start (a small file, written at once).
        search = self.shown
        if search is None:
            return
        view = SavedView(search.text, search.sort.name, search.filter.name, query_day(search.text))
        with contextlib.suppress(PapersError):
            remember_view(self.library.locations.state_path, view)

    # searching -------------------------------------------------------------
    @on(Input.Changed, "#search")
    def query_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value

    def start_search(self) -> None:
        search = Search(self.query_text, self.sort, self.filter)
        # The same search again (a new dump, a changed mark) keeps the cursor
        # on the paper the user moved to; a new one, or one the user has not
        # moved in yet, starts at the top (where a new dump's papers go).
        keep = self.results.current if search == self.shown and self._moved else None
        source = search_source(search, papers_to_ask(self.results.size.height))
        preview: Preview | None = None
        if self.shown is None:  # the first screen only
            early, self._first_view = self._first_view, None
            preview = early if early is not None and search == DEFAULT_VIEW else first_view_preview(search)
        self.paper_list.load(source, keep=keep, preview=preview)

    @on(PaperList.Listed)
    def listed(self, event: PaperList.Listed) -> None:
        # The first list on screen (a preview too) makes this opening a visit,
        # recorded once it is painted; the index check waits for the real list.
        self.call_after_refresh(self._begin_visit_once)
        if not event.preview:
            self._start_index_once()  # after the first real list: it would slow the first paint
        listing = event.listing
        self.total = listing.total
        self.matched = listing.matched if listing.exact else about(listing.matched)
        self.new_summary = listing.summary
        if isinstance(listing.request, Search):
            if listing.request != self.shown:
                self._moved = False
            self.shown = listing.request
        # The list itself says when nothing matches; the status adds the notices.
        self.message = "; ".join(listing.notices) if listing.total else ""
        self._say_why_empty()
        self.update_status()

    def paper_changed(self, paper_id: str) -> None:
        self._moved = True  # acting on the paper chose it: a refresh keeps the cursor on it
        super().paper_changed(paper_id)

    @on(PaperList.Refreshed)
    def marks_refreshed(self) -> None:
        # A star, a seen mark or a note (here or elsewhere) decides on a new paper.
        if self.shown is not None:
            self.refresh_summary(self.shown.text, tuple(self.results.ids))

    @work(thread=True, exclusive=True, group="summary")
    def refresh_summary(self, text: str, ids: tuple[str, ...]) -> None:
        summary = summary_of(self.library, text, ids)
        self.app.call_from_thread(self._set_summary, summary)

    def _set_summary(self, summary: str) -> None:
        self.new_summary = summary
        self.update_status()

    @on(PaperList.IndexChanged)
    def index_changed(self) -> None:
        # Another process indexed (or rebuilt) the library: show what it holds
        # now. The app's own index run searches again as it commits.
        if not self.indexing:
            self.start_search()

    @on(PaperList.BusyChanged)
    def busy_changed(self) -> None:
        self.update_status()  # a slow search is said to be running, then no more

    @on(ResultList.Highlighted)
    def cursor_moved(self, event: ResultList.Highlighted) -> None:
        if not event.landed:
            self._moved = True
        self.update_status()  # the position it shows

    def _say_why_empty(self) -> None:
        """An empty library says whether papers are on their way or how to add some."""
        if self.shown is not None and self.total == 0:
            self.results.empty_text = INDEXING if self.indexing else EMPTY_LIBRARY
            self.results.refresh()

    @on(PaperList.MarksChanged)
    def marks_changed(self) -> None:
        # Starred or noted papers, or the starred order, may be others now.
        if self.filter is not Filter.ALL or self.sort is Sort.STARRED:
            self.start_search()

    @on(PaperList.Failed)
    def search_failed(self, event: PaperList.Failed) -> None:
        self._show_keys(list_shown=True)  # no first list: the keys are shown all the same
        self._start_index_once()
        # A query that cannot be read keeps the last good results.
        self.message = event.message

    def _begin_visit_once(self) -> None:
        if not self._visit_begun:
            self._visit_begun = True
            self._show_keys(list_shown=True)
            self.begin_visit()

    def _show_keys(self, list_shown: bool = False, frame_shown: bool = False) -> None:
        """Build the footer's keys once the first list is shown and a frame is
        on the terminal (the app's Ready): built before, they held back the
        first frame by ~25 ms. They wait a second at most."""
        self._first_list_shown |= list_shown
        self._first_frame_shown |= frame_shown
        if self._first_list_shown and self._first_frame_shown:
            self.query_one(Footer).release()

    def first_frame_shown(self) -> None:
        """The app's first frame is on the terminal (its Ready event)."""
        self._show_keys(frame_shown=True)

    def look(self) -> dict[str, str]:
        """The terminal styles of what `papers` paints before Textual starts
        (reader/tui/prepaint.py): the screen and the list's lines."""
        results = self.results
        base = results.rich_style
        plain, cursor = results.line_styles(base, False, True), results.line_styles(base, True, True)
        styles = {"screen": self.rich_style}
        for prefix, lines in (("", plain), ("cursor ", cursor)):
            styles |= {prefix + "line": lines.line, prefix + "star": lines.star}
            styles |= {prefix + "mark": lines.mark, prefix + "date": lines.date}
        system = COLOR_SYSTEMS.get(self.app.console.color_system or "")
        return {role: style_sgr(style, system) for role, style in styles.items()}

    def _start_index_once(self) -> None:
        if self._index_after_first_list:
            self._index_after_first_list = False
            self.run_index()
            self.follow_saves()  # and the index stays up to date while the app is open

    def update_status(self) -> None:
        """The status line describes the list on screen: the search it came
        from, which may be older than the text being typed."""
        shown = self.shown
        if shown is None:
            self.paper_list.set_status(Content("Searching…"))
            return
        what = "sample papers" if self.samples else "papers"
        results = self.results
        parts = [f"{self.matched} of {self.total} {what}"]
        if results.current is not None:
            parts.insert(0, f"{results.cursor + 1} / {len(results.ids)}")  # where the cursor is (in what is listed)
        if self.new_summary:
            parts.append(self.new_summary)
        if shown.text.strip():
            parts.append(f"query {shown.text.strip()!r}")
        if shown.filter is not Filter.ALL:
            parts.append(f"filter: {shown.filter.label}")
        parts.append(f"sort: {shown.sort.label}")
        if self.indexing:
            parts.append(self.indexing)
        if self.merging:
            parts.append(MERGING)
        if self.paper_list.busy:
            parts.append(f"searching {self.query_text.strip()!r}…" if self.query_text.strip() else "searching…")
        status = Content(printable(" · ".join(parts)))
        if self.message:
            status = Content.assemble(status, (f"  {printable(self.message)}", "bold $warning"))
        self.paper_list.set_status(status)

    # commands --------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # `/` and Esc are priority keys (they act before the next key is
        # routed). In the search bar `/` is text: declined here, it reaches the
        # bar in its turn, after the keys typed before it. Esc is shown where
        # it does something (the search bar, the detail pane).
        # (`self.focused`, not `has_focus`: that waits for the Focus event,
        # which in a burst of keys comes after them.)
        if action == "focus_search" and self.focused is self.query_one("#search", Input):
            return False
        if action == "back" and (self.focused is None or self.focused is self.results):
            return False
        if action == "to_results" and self.focused is not self.query_one("#search", Input):
            return False
        return super().check_action(action, parameters)

    # Focus moves at once (set_focus), not after a refresh (focus()): keys
    # typed right after `/` or Esc must land in the new place.
    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#search", Input))

    def action_back(self) -> None:
        self.set_focus(self.results)

    def action_to_results(self) -> None:
        self.set_focus(self.results)

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()  # the footer shows the keys of the focused part

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_switch_pane(self) -> None:
        paper_list = self.paper_list
        if not paper_list.detail_shown:
            paper_list.detail_shown = True
        self.set_focus(paper_list.paper_view if self.focused is self.results else self.results)

    def action_toggle_detail(self) -> None:
        paper_list = self.paper_list
        paper_list.detail_shown = not paper_list.detail_shown
        if not paper_list.detail_shown and self.focused is paper_list.paper_view:
            self.set_focus(self.results)

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        # A short terminal: a one-line search bar leaves the rows to the list.
        self.set_class(event.size.height < SHORT, "-short")

    def action_cycle_filter(self) -> None:
        """The next filter; one the query language can say is written into
        the search bar, so the query that runs is the one on screen."""
        search = self.query_one("#search", Input)  # its value: keys pressed fast see each other's change
        words, shown = without_filter_terms(search.value)
        chosen = _next(list(FILTERS.values()), shown or self.filter)
        if chosen.term:
            self.filter = Filter.ALL
            text = f"{words} {chosen.term}".strip()
        else:
            self.filter = chosen
            text = words
        search.value = text

    def action_step_day(self, step: int) -> None:
        """Show the day of dumps before / after the one in the query (the newest
        without one), as `date:DAY` in the search bar."""
        self._step_day(self.query_one("#search", Input).value, step)

    @work(thread=True, exclusive=True, group="day")
    def _step_day(self, text: str, step: int) -> None:
        day = step_day(dump_days(self.library.locations.catalog_path), query_day(text), step)
        if day is None:
            self.app.call_from_thread(self.notify, "No earlier day" if step < 0 else "No later day", timeout=2)
            return
        words = " ".join(word for word in text.split() if not word.startswith("date:"))
        self.app.call_from_thread(self._set_query, f"{words} date:{day.isoformat()}".strip())

    def _set_query(self, text: str) -> None:
        self.query_one("#search", Input).value = text

    def action_mark_all_seen(self) -> None:
        """Mark the whole list seen, after asking (one undo step)."""
        from .confirm import ConfirmScreen

        ids = tuple(self.results.ids)
        if not ids:
            self.notify("The list is empty", timeout=2)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._mark_all_seen(ids)

        question = f"Mark all {plural(len(ids), 'paper')} of this list as seen? (u undoes it)"
        self.app.push_screen(ConfirmScreen(question, "Mark seen", "Cancel"), answered)

    @work(group="write")
    async def _mark_all_seen(self, ids: tuple[str, ...]) -> None:
        library = self.library

        def mark() -> SeenMany:
            titles = {pid: paper.title for pid, paper in library.papers(ids).items()}
            changed = library.store.set_seen_many(((pid, titles.get(pid, "")) for pid in ids), True)
            step = SeenMany(tuple((pid, titles.get(pid, "")) for pid in changed), True)
            library.undo.record(step)
            return step

        try:
            step = await in_writer(mark)
        except PapersError as error:
            self.notify(f"Not marked: {error}", severity="error", markup=False)
            return
        self.paper_list.refresh_papers(step.paper_ids)
        self.notify(f"Marked {plural(len(step.papers), 'paper')} seen", markup=False, timeout=3)

    def action_quick_triage(self) -> None:
        """The list one paper at a time, from the cursor (the top, as a list
        opens): after an Esc midway the cursor is where the pass stopped, so
        `t` goes on from there."""
        from .triage import TriageScreen

        results = self.results
        triage = TriageScreen(self.library, results.ids, results.cursor, self.paper_list.parsed)
        self.app.push_screen(triage, lambda _: self._triaged(triage.last_reviewed))

    def _triaged(self, last: str | None) -> None:
        # The same list, read again: rows redrawn (stars, seen), the new count
        # in the status line, and the cursor put (not moved: putting it does
        # not make a paper seen) on the last paper. An `is:new` list keeps the
        # papers just decided on until the next search, as after a star.
        if self.shown is None:
            return
        self._moved = True  # the place triage stopped at is the user's: a refresh keeps it
        search = search_source(self.shown, papers_to_ask(self.results.size.height))
        ids = tuple(self.results.ids)
        self.paper_list.load(lambda library: replace(search(library), ids=ids), keep=last)

    def action_cycle_sort(self) -> None:
        self.sort = _next(list(SORTS.values()), self.sort)

    def action_export(self) -> None:
        from .export import ExportScreen

        self.app.push_screen(ExportScreen(self.library, self.query_text.strip()))

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen(self.keymap))

    # indexing ------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="index")
    def run_index(self) -> None:
        """Bring the index up to date while the list stays usable."""
        last = 0.0

        def progress(step: Progress) -> None:
            nonlocal last
            now = time.monotonic()
            if step.phase in {"saved", "done", "merge", "merge-save"} or now - last > 0.1:
                last = now
                self.post_message(self._Indexed(step=step))

        try:
            report = self.library.index(progress=progress)
        except PapersError as error:
            self.post_message(self._Indexed(failed=str(error)))
            return
        except Exception as error:  # noqa: BLE001 - the app keeps the old index and says why
            self.post_message(self._Indexed(failed=f"indexing failed: {error!r}"))
            return
        self.post_message(self._Indexed(report=report))

    def start_merge(self) -> None:
        """After an index run: merge the index's parts if there are many."""
        if self._merge_running:
            self._merge_again = True  # what this run committed is looked at after the running merge
            return
        self._merge_running = True
        self.run_merge()

    @work(thread=True, group="merge")
    def run_merge(self) -> None:
        """Commits merge nothing (to stay quick): many parts are merged here,
        by a child process, while searches and index runs go on (a first
        index's parts take minutes at 100,000 papers). Closing the app stops
        it; a failure is housekeeping left for the next run."""
        worker = get_current_worker()

        def progress(step: Progress) -> None:
            if step.phase == "merge" and step.done == 0:
                self.post_message(self._Indexed(step=step))

        with contextlib.suppress(Exception):
            self.library.merge(progress, stop=lambda: worker.is_cancelled)
        self.post_message(self._Indexed(step=Progress("merged", 0, 0)))
        # Then the most common words are read ahead, so that the first
        # searches for them are as quick as the next ones.
        self.library.warm_search(lambda: worker.is_cancelled)

    @on(_Indexed)
    def indexed(self, event: _Indexed) -> None:
        if event.step is not None:
            self.show_progress(event.step)
        elif event.report is not None:
            self.index_done(event.report)
        else:
            self.index_failed(event.failed)

    def show_progress(self, step: Progress) -> None:
        if step.phase == "merge":
            self.merging = True
            return
        if step.phase == "merged":
            self.merging = self._merge_running = False
            if self._merge_again:
                self._merge_again = False
                self.start_merge()
            return
        if step.phase == "saved":
            # A batch is committed: what is done is searchable now.
            self.library.reload()
            self.start_search()
            return
        if step.phase in {"read", "index"} and step.total:
            self.paper_list.show_progress(step.done, step.total)
            what = "dumps" if step.phase == "read" else "papers"
            self.indexing = f"indexing: {step.done}/{step.total} {what}"

    def _index_finished(self) -> None:
        self.paper_list.hide_progress()
        self.indexing = ""
        if self._index_again:
            self._index_again = False
            self.call_later(self.saves_changed)

    def index_done(self, report: IndexReport) -> None:
        self.start_merge()
        self._index_finished()
        changed = report.added or report.updated or report.removed
        if changed or report.rebuilt_because:
            self.notify(index_notice(report), title="Library updated", markup=False)
            self.start_search()
        problems = [p for p in report.problems if p.severity != "info"]
        if problems and report.dumps_read:
            shown = "\n".join(str(p) for p in problems[:5])
            more = f"\n… and {len(problems) - 5} more (papers index shows them all)" if len(problems) > 5 else ""
            title = f"{plural(len(problems), 'problem')} in dumps"
            self.notify(shown + more, title=title, severity="warning", markup=False)
        self.update_status()

    def index_failed(self, message: str) -> None:
        self._index_finished()
        self.notify(f"{message}. Showing the index as it is.", severity="warning", markup=False, timeout=8)
        self.update_status()
