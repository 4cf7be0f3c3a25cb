"""The main screen: search bar, result list, detail pane, status line."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, Input, ProgressBar, Static
from textual.worker import get_current_worker

from ...core.errors import PapersError
from ...core.index import Progress
from ...core.models import Filter, IndexReport, Paper, SearchResult, Sort
from ...core.search import ParsedQuery
from ..commands import MAIN_COMMANDS, PAPER_COMMANDS
from ..widgets.paper_view import PaperView
from ..widgets.result_list import ResultList, Row
from .paper_screen import PaperScreen
from .reading import ReadingScreen

SEARCH_DEBOUNCE = 0.15
SEEN_AFTER = 0.3
NARROW = 100
FILTER_LABELS = {
    Filter.ALL: "all papers",
    Filter.STARRED: "starred",
    Filter.NOTED: "with notes",
    Filter.UNSEEN: "not seen",
}
SORT_LABELS = {
    Sort.RELEVANCE: "relevance",
    Sort.DATE: "dump date",
    Sort.TITLE: "title",
    Sort.STARRED: "starred time",
    Sort.UPVOTES: "upvotes",
}


T = TypeVar("T")


def _cycle(values: Sequence[T], current: T) -> T:
    return values[(list(values).index(current) + 1) % len(values)]


class MainScreen(PaperScreen):
    """Search as you type over the library, and triage the results."""

    BINDINGS = [
        *(command.binding() for command in MAIN_COMMANDS if command not in PAPER_COMMANDS),
        Binding("escape", "back", "Back", show=False, priority=True),
    ]

    def __init__(self, index_on_start: bool = True) -> None:
        super().__init__()
        self.index_on_start = index_on_start
        self.query_text = ""
        self.sort = Sort.RELEVANCE
        self.filter = Filter.ALL
        self.parsed: ParsedQuery | None = None
        self.result: SearchResult | None = None
        self.message = ""
        self.indexing = ""
        self._search_timer: Timer | None = None
        self._seen_timer: Timer | None = None
        self._shown: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder='Search: words, "phrases", title:…, AND/OR/NOT, neur*, protien~2   (/ to come back here)',
            id="search",
        )
        with Container(id="panes"):
            yield ResultList(self.rows, id="results")
            yield PaperView(id="paper")
        with Horizontal(id="statusbar"):
            yield Static(id="status", markup=False)
            yield ProgressBar(id="progress", show_eta=False)
        yield Footer()

    @property
    def results(self) -> ResultList:
        return self.query_one("#results", ResultList)

    @property
    def paper_view(self) -> PaperView:
        return self.query_one("#paper", PaperView)

    def on_mount(self) -> None:
        self.results.focus()
        self.start_search()
        if self.index_on_start:
            self.run_index()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    def on_screen_resume(self) -> None:
        # Back from the reading view or the note editor: states may have moved.
        self.results.refresh_rows()
        if self._shown:
            self.show_paper(self._shown, keep_scroll=True)

    # rows for the list ---------------------------------------------------
    def rows(self, paper_ids: Sequence[str]) -> dict[str, Row]:
        library = self.papers_app.library
        papers = library.papers(paper_ids)
        states = library.states(paper_ids)
        rows: dict[str, Row] = {}
        for pid, paper in papers.items():
            state = states.get(pid)
            date = paper.newest_date
            rows[pid] = Row(
                title=paper.title,
                starred=bool(state and state.starred),
                seen=bool(state and state.seen_at),
                date=date.isoformat() if date else "",
            )
        return rows

    # searching -------------------------------------------------------------
    @on(Input.Changed, "#search")
    def query_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE, self.start_search)

    @on(Input.Submitted, "#search")
    def query_submitted(self) -> None:
        self.set_focus(self.results)

    def start_search(self) -> None:
        self.run_search(self.query_text, self.sort, self.filter, self.results.current)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, text: str, sort: Sort, filter: Filter, keep: str | None) -> None:
        """Search off the UI thread; a newer search cancels this one."""
        worker = get_current_worker()
        library = self.papers_app.library
        result: SearchResult | None = None
        parsed: ParsedQuery | None = None
        error = ""
        suggestions: list[str] = []
        try:
            result = library.search(text, sort, filter)
            parsed = library.parse(text)
            if not result.ids and text.strip():
                suggestions = library.suggest(text)
        except PapersError as problem:
            error = str(problem)
        if not worker.is_cancelled:
            self.app.call_from_thread(self.apply_results, result, parsed, error, suggestions, keep)

    def apply_results(
        self,
        result: SearchResult | None,
        parsed: ParsedQuery | None,
        error: str,
        suggestions: list[str],
        keep: str | None,
    ) -> None:
        if result is None:
            # A query that cannot be read keeps the last good results.
            self.message = error
            self.update_status()
            return
        self.result = result
        self.parsed = parsed
        self.message = "; ".join(result.notices)
        results = self.results
        if not result.ids:
            results.empty_text = self._empty_text(result, suggestions)
            self.message = self.message or ("No papers match" if result.query.strip() else "")
        results.set_ids(result.ids, keep)
        if not result.ids:
            self.show_paper(None)
        self.update_status()

    def _empty_text(self, result: SearchResult, suggestions: list[str]) -> str:
        if result.total_in_library == 0:
            return "The library is empty: waiting for the index (or add dumps: papers DUMP_FOLDER)."
        tips = []
        if suggestions:
            tips.append("did you mean: " + " | ".join(suggestions))
        if self.filter is not Filter.ALL:
            tips.append(f"the filter shows only {FILTER_LABELS[self.filter]} papers (f to change)")
        tips.append("try fewer words, OR, a wildcard (neur*) or a fuzzy term (word~)")
        return f"No papers match {result.query!r}. " + "; ".join(tips)

    def update_status(self) -> None:
        shown = len(self.results.ids)
        total = self.result.total_in_library if self.result else 0
        parts = [f"{shown} of {total} papers"]
        if self.query_text.strip():
            parts.append(f"query {self.query_text.strip()!r}")
        if self.filter is not Filter.ALL:
            parts.append(f"filter: {FILTER_LABELS[self.filter]}")
        parts.append(f"sort: {SORT_LABELS[self.sort]}")
        if self.indexing:
            parts.append(self.indexing)
        status = Content(" · ".join(parts))
        if self.message:
            status = Content.assemble(status, (f"  {self.message}", "bold $warning"))
        self.query_one("#status", Static).update(status)

    # the detail pane ---------------------------------------------------------
    def on_result_list_highlighted(self, event: ResultList.Highlighted) -> None:
        self.show_paper(event.paper_id)

    def on_result_list_selected(self, event: ResultList.Selected) -> None:
        self.app.push_screen(ReadingScreen(event.paper_id, self.parsed))

    def show_paper(self, paper_id: str | None, keep_scroll: bool = False) -> None:
        self._shown = paper_id
        if self._seen_timer is not None:
            self._seen_timer.stop()
        if paper_id is None:
            self.paper_view.show(Content.styled("No paper selected.", "$text-muted"))
            return
        library = self.papers_app.library
        try:
            paper = library.paper(paper_id)
        except PapersError as error:
            self.paper_view.show(Content(str(error)))
            return
        self.paper_view.show(self.render_paper(paper, self.parsed), keep_scroll=keep_scroll)
        if not library.state(paper_id).seen_at:
            self._seen_timer = self.set_timer(SEEN_AFTER, lambda: self.mark_seen(paper))

    def mark_seen(self, paper: Paper) -> None:
        """A paper shown in the detail pane is seen (after a short look)."""
        if self._shown != paper.id:
            return
        try:
            self.papers_app.library.mark_seen(paper)
        except PapersError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.results.refresh_rows([paper.id])
        self.show_paper(paper.id, keep_scroll=True)

    def current_paper(self) -> Paper | None:
        pid = self.results.current
        if pid is None:
            return None
        try:
            return self.papers_app.library.paper(pid)
        except PapersError:
            return None

    def paper_changed(self, paper_id: str) -> None:
        self.results.refresh_rows([paper_id])
        if self._shown == paper_id:
            self.show_paper(paper_id, keep_scroll=True)

    # commands ------------------------------------------------------------------
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

    def action_open_paper(self) -> None:
        pid = self.results.current
        if pid is None:
            self.app.bell()
            return
        self.app.push_screen(ReadingScreen(pid, self.parsed))

    def action_switch_pane(self) -> None:
        self.set_focus(self.paper_view if self.results.has_focus else self.results)

    def action_cycle_filter(self) -> None:
        self.filter = _cycle(list(Filter), self.filter)
        self.notify(f"Showing {FILTER_LABELS[self.filter]}", timeout=1.5)
        self.start_search()

    def action_cycle_sort(self) -> None:
        self.sort = _cycle(list(Sort), self.sort)
        self.notify(f"Sorted by {SORT_LABELS[self.sort]}", timeout=1.5)
        self.start_search()

    def action_export(self) -> None:
        from .export import ExportScreen

        self.app.push_screen(ExportScreen(self.query_text.strip()))

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen(self.papers_app.keymap))

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
                self.app.call_from_thread(self.show_progress, step)

        library = self.papers_app.library
        try:
            report = library.index(progress=progress)
        except PapersError as error:
            self.app.call_from_thread(self.index_failed, str(error))
            return
        except Exception as error:  # noqa: BLE001 - the app keeps the old index and says why
            self.app.call_from_thread(self.index_failed, f"indexing failed: {error!r}")
            return
        self.app.call_from_thread(self.index_done, report)

    def show_progress(self, step: Progress) -> None:
        bar = self.query_one("#progress", ProgressBar)
        if step.phase == "saved":
            # A batch is committed: what is done is searchable now.
            self.papers_app.library.reload()
            self.start_search()
            return
        if step.phase in {"read", "index"} and step.total:
            bar.add_class("-active")
            bar.update(total=step.total, progress=step.done)
            what = "dumps" if step.phase == "read" else "papers"
            self.indexing = f"indexing: {step.done}/{step.total} {what}"
            self.update_status()

    def _index_finished(self) -> None:
        self.query_one("#progress", ProgressBar).remove_class("-active")
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
