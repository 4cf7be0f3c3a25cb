"""The main screen: a search bar over a paper list (list, detail, status).

Its state is reactive: a change of the query, filter or sort starts a search
through its watcher, and a change of the message or the indexing progress
redraws the status line. No action calls either by hand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Footer, Input

from ...core.errors import PapersError
from ...core.index import Progress
from ...core.library import Library
from ...core.models import IndexReport
from ...core.text import printable
from ...core.triage import day_summary, dump_days, new_summary, step_day
from ...core.views import FILTERS, SORTS, Filter, Sort
from ..commands import MAIN_COMMANDS, PAPER_COMMANDS, QUIT
from ..widgets.paper_list import Listing, PaperList, Source
from ..widgets.result_list import ResultList
from .list_screen import PaperListScreen

SEARCH_DEBOUNCE = 0.15

T = TypeVar("T")


def _next(values: Sequence[T], current: T) -> T:
    return values[(list(values).index(current) + 1) % len(values)] if current in values else values[0]


def search_source(text: str, sort: Sort, filter: Filter) -> Source:
    """The main list's source: the library searched, narrowed and sorted."""

    def source(library: Library) -> Listing:
        result = library.search(text, sort, filter)
        parsed = library.parse(text)
        empty = ""
        if not result.ids:
            if result.total_in_library == 0:
                empty = "The library is empty: waiting for the index (or add dumps: papers DUMP_FOLDER)."
            else:
                tips = []
                suggestions = library.suggest(text) if text.strip() else []
                if suggestions:
                    tips.append("did you mean: " + " | ".join(suggestions))
                if filter is not Filter.ALL:
                    tips.append(f"the filter shows only {filter.label} papers (f to change)")
                tips.append("try fewer words, OR, a wildcard (neur*) or a fuzzy term (word~)")
                empty = f"No papers match {result.query!r}. " + "; ".join(tips)
        listing = Listing(result.ids, result.total_in_library, parsed, result.notices, printable(empty))
        summary = new_summary(library)
        day = query_day(text)
        if day is not None:
            summary = " · ".join(
                part
                for part in (day_summary(day, library.papers(result.ids).values(), library.new_ids()), summary)
                if part
            )
        return replace(listing, summary=summary)

    return source


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
        Binding("escape", "back", "Back", show=False, priority=True),
    ]
    PALETTE = tuple(command for command in MAIN_COMMANDS if command is not QUIT)  # the palette has its own Quit

    query_text: var[str] = var("", init=False)
    sort: var[Sort] = var(Sort.RELEVANCE, init=False)
    filter: var[Filter] = var(Filter.ALL, init=False)
    message: var[str] = var("", init=False)
    indexing: var[str] = var("", init=False)

    class _Indexed(Message):
        """Progress, the end or the failure of the start-up indexing."""

        def __init__(self, step: Progress | None = None, report: IndexReport | None = None, failed: str = "") -> None:
            super().__init__()
            self.step = step
            self.report = report
            self.failed = failed

    def __init__(self, library: Library, keymap: Mapping[str, str], index_on_start: bool = True) -> None:
        super().__init__(library)
        self.keymap = keymap
        self.index_on_start = index_on_start
        self.total = 0
        self._search_timer: Timer | None = None
        self.new_summary = ""  # "3 new since Mar 13 09:12"

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder='Search: words, "phrases", title:…, AND/OR/NOT, neur*, protien~2   (/ to come back here)',
            id="search",
        )
        yield PaperList(self.library, id="papers")
        yield Footer()

    @property
    def results(self) -> ResultList:
        return self.paper_list.results

    def on_mount(self) -> None:
        self.results.focus()
        self.begin_visit()
        self.start_search()
        if self.index_on_start:
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

    @work(thread=True, group="visit")
    def begin_visit(self) -> None:
        """Record this opening of the app (what is new counts from the last one over)."""
        try:
            self.library.begin_visit()
        except PapersError as error:
            self.notify(f"Could not record this visit: {error}", severity="warning", markup=False)

    # searching -------------------------------------------------------------
    @on(Input.Changed, "#search")
    def query_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value

    @on(Input.Submitted, "#search")
    def query_submitted(self) -> None:
        self.set_focus(self.results)

    def start_search(self) -> None:
        source = search_source(self.query_text, self.sort, self.filter)
        self.paper_list.load(source, keep=self.results.current)

    @on(PaperList.Listed)
    def listed(self, event: PaperList.Listed) -> None:
        listing = event.listing
        self.total = listing.total
        self.new_summary = listing.summary
        no_match = "No papers match" if not listing.ids and self.query_text.strip() else ""
        self.message = "; ".join(listing.notices) or no_match
        self.update_status()

    @on(PaperList.Failed)
    def search_failed(self, event: PaperList.Failed) -> None:
        # A query that cannot be read keeps the last good results.
        self.message = event.message

    def update_status(self) -> None:
        parts = [f"{len(self.results.ids)} of {self.total} papers"]
        if self.new_summary:
            parts.append(self.new_summary)
        if self.query_text.strip():
            parts.append(f"query {self.query_text.strip()!r}")
        if self.filter is not Filter.ALL:
            parts.append(f"filter: {self.filter.label}")
        parts.append(f"sort: {self.sort.label}")
        if self.indexing:
            parts.append(self.indexing)
        status = Content(printable(" · ".join(parts)))
        if self.message:
            status = Content.assemble(status, (f"  {printable(self.message)}", "bold $warning"))
        self.paper_list.set_status(status)

    # commands --------------------------------------------------------------
    # Focus moves at once (set_focus), not after a refresh (focus()): keys
    # typed right after `/` or Esc must land in the new place.
    def action_focus_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            search.insert_text_at_cursor("/")  # a priority key: "/" typed in a query
        else:
            self.set_focus(search)

    def action_back(self) -> None:
        self.set_focus(self.results)

    def action_switch_pane(self) -> None:
        paper_list = self.paper_list
        self.set_focus(paper_list.paper_view if self.results.has_focus else self.results)

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
            self.notify("No earlier day" if step < 0 else "No later day", timeout=2)
            return
        words = " ".join(word for word in text.split() if not word.startswith("date:"))
        self.app.call_from_thread(self._set_query, f"{words} date:{day.isoformat()}".strip())

    def _set_query(self, text: str) -> None:
        self.query_one("#search", Input).value = text

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
            if step.phase in {"saved", "done"} or now - last > 0.1:
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

    @on(_Indexed)
    def indexed(self, event: _Indexed) -> None:
        if event.step is not None:
            self.show_progress(event.step)
        elif event.report is not None:
            self.index_done(event.report)
        else:
            self.index_failed(event.failed)

    def show_progress(self, step: Progress) -> None:
        if step.phase == "saved":
            # A batch is committed: what is done is searchable now.
            self.library.reload()
            self.start_search()
            return
        if step.phase in {"read", "index"} and step.total:
            bar = self.paper_list.progress
            bar.add_class("-active")
            bar.update(total=step.total, progress=step.done)
            what = "dumps" if step.phase == "read" else "papers"
            self.indexing = f"indexing: {step.done}/{step.total} {what}"

    def _index_finished(self) -> None:
        self.paper_list.progress.remove_class("-active")
        self.indexing = ""

    def index_done(self, report: IndexReport) -> None:
        self._index_finished()
        changed = report.added or report.updated or report.removed
        if changed or report.rebuilt_because:
            self.notify(report.summary(), title="Index updated", markup=False)
            self.start_search()
        problems = [p for p in report.problems if p.severity != "info"]
        if problems and report.dumps_read:
            shown = "\n".join(str(p) for p in problems[:5])
            more = f"\n… and {len(problems) - 5} more (papers index shows them all)" if len(problems) > 5 else ""
            self.notify(shown + more, title=f"{len(problems)} problems in dumps", severity="warning", markup=False)
        self.update_status()

    def index_failed(self, message: str) -> None:
        self._index_finished()
        self.notify(f"{message}. Showing the index as it is.", severity="warning", markup=False, timeout=8)
        self.update_status()
