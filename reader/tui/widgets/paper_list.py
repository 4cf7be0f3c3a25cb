"""A list of papers from any source of IDs, the current paper's detail, and a
status line; a narrow terminal stacks the detail under the list.

Any screen can show one: it hands in the Library and, with `load()`, a
source (a function of the Library giving a `Listing`). No library call runs
on the UI thread (docs/architecture.md, "the worker rule"): the thread
worker that runs the source also fetches the rows of the first screenfuls;
rows scrolled into view and the current paper's detail have thread workers
of their own, and the "seen" mark is written on the writer thread. Results
come back as messages, dropped when their worker was cancelled.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from ...core.errors import PapersError
from ...core.library import Library
from ...core.models import UserState
from ...core.text import printable
from ...core.triage import is_repeat
from ..prepaint import NARROW
from ..rows import Row, row_for
from ..writes import in_writer, mark_seen_in_writer
from .paper_view import Detail, PaperView, read_detail
from .result_list import ResultList

if TYPE_CHECKING:
    from ...core.search import ParsedQuery  # Whoosh loads after the first screen (reader/core/library.py)

SEEN_AFTER = 0.3  # a paper shown this long in the detail pane is seen
BUSY_AFTER = 0.3  # a source running this long is said to be running
FOLLOW_EVERY = 1.0  # seconds between looks for changes made by other processes
# A partial listing of at most this many papers is completed at once, after
# its count; a bigger one when the list is scrolled past what it holds.
EAGER_REST = 1_000
# Seconds a source waits for its preview to be painted before it runs.
PREVIEW_PAINT_WAIT = 1.0


@dataclass(frozen=True, slots=True)
class Listing:
    """What a source gives a paper list (built in a worker)."""

    ids: tuple[str, ...]
    total: int  # papers in the library
    parsed: ParsedQuery | None = None  # the query, to highlight its terms
    notices: tuple[str, ...] = ()
    empty_text: str = "No papers"
    # What the source was asked for (its owner's own description, e.g. the
    # query): the status line describes the listing on screen by it, and a
    # reload of the same request keeps the cursor where it was.
    request: object = None
    # A keystroke's listing holds the first papers only: how many match
    # (estimated unless `exact`), the exact count (run in a worker once the
    # list is shown) and every paper (run when the list is scrolled past
    # what it holds). A newer load cancels both.
    count: int | None = None
    exact: bool = True
    counter: Callable[[Library], int] | None = None
    more: Callable[[Library], Listing] | None = None

    @property
    def matched(self) -> int:
        return len(self.ids) if self.count is None else self.count

    summary: str = ""  # what is new, for the status line


Source = Callable[[Library], Listing]
# A listing the list can show before its source answers, with its rows, read
# without opening the index (None: it has none to offer).
Preview = Callable[[Library], tuple[Listing, dict[str, Row]] | None]


class EarlyPreview:
    """A preview read in a thread of its own from the moment it is made (the
    app makes the first screen's before Textual starts): when it is ready as
    the list loads, the list shows it at once, so the first frame painted
    holds it. Called like any preview (in the list's worker), it waits for
    its thread."""

    def __init__(self, library: Library, preview: Preview) -> None:
        self._answer: Future[tuple[Listing, dict[str, Row]] | None] = Future()
        thread = threading.Thread(target=self._read, args=(library, preview), name="papers-preview", daemon=True)
        thread.start()

    def _read(self, library: Library, preview: Preview) -> None:
        try:
            self._answer.set_result(preview(library))
        except BaseException as error:  # noqa: BLE001 - handed to whoever calls it, as a preview's own would be
            self._answer.set_exception(error)

    def ready(self) -> tuple[Listing, dict[str, Row]] | None:
        """The preview if it has been read (None while it is read, or when it has none or failed)."""
        if not self._answer.done() or self._answer.exception() is not None:
            return None
        return self._answer.result()

    def __call__(self, _library: Library) -> tuple[Listing, dict[str, Row]] | None:
        return self._answer.result()


def read_rows(library: Library, paper_ids: Sequence[str], parsed: ParsedQuery | None = None) -> dict[str, Row]:
    """The list rows of some papers, the words of `parsed` marked in their
    titles (worker side: reads the index and the store)."""
    papers = library.papers(paper_ids)
    states = library.states(paper_ids)
    unknown = library.unknown(paper_ids)  # new unless the user decided on it
    rows: dict[str, Row] = {}
    for pid in paper_ids:
        paper = papers.get(pid)
        if paper is None:
            rows[pid] = Row(printable(pid), False, True, "")  # neither indexed nor kept: say which
            continue
        date = paper.newest_date
        title = printable(paper.title)  # one character for one: the spans still fit
        matches = tuple(library.highlights(title, parsed, "title")) if parsed is not None else ()
        state = states.get(pid, UserState(pid))
        rows[pid] = row_for(title, date.isoformat() if date else "", is_repeat(paper), state, pid in unknown, matches)
    return rows


def _around(ids: Sequence[str], keep: str | None, height: int) -> list[str]:
    """The IDs of the screenfuls around `keep` (or the top), to fetch with the list."""
    index = ids.index(keep) if keep is not None and keep in ids else 0
    return list(ids[max(0, index - 2 * height) : index + 2 * height])


class PaperList(Vertical):
    """Papers, the current one's detail, and a status line. The detail pane
    can be hidden (`detail_shown`), giving the list the whole width."""

    detail_shown: var[bool] = var(True)
    # A source has run for BUSY_AFTER seconds without its listing: the owner
    # says so (the list on screen is still the last one).
    busy: var[bool] = var(False)

    class Listed(Message):
        """A source's listing is shown (or its preview, which the listing follows)."""

        def __init__(self, listing: Listing, preview: bool = False) -> None:
            super().__init__()
            self.listing = listing
            self.preview = preview

    class BusyChanged(Message):
        """`busy` changed: a slow source started or finished."""

        def __init__(self, busy: bool) -> None:
            super().__init__()
            self.busy = busy

    class Failed(Message):
        """A source failed (a query that cannot be read): the last list stays."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    class _Loaded(Message):
        def __init__(
            self, listing: Listing, rows: dict[str, Row], keep: str | None, painted: threading.Event | None = None
        ) -> None:
            super().__init__()
            self.listing = listing
            self.rows = rows
            self.keep = keep
            self.painted = painted  # a preview's: set once it is on screen

        @property
        def preview(self) -> bool:
            return self.painted is not None

    class _Counted(Message):
        def __init__(self, token: object, count: int) -> None:
            super().__init__()
            self.token = token
            self.count = count

    class _More(Message):
        def __init__(self, token: object, listing: Listing, rows: dict[str, Row]) -> None:
            super().__init__()
            self.token = token
            self.listing = listing
            self.rows = rows

    class _Rows(Message):
        def __init__(self, rows: dict[str, Row], replace: bool) -> None:
            super().__init__()
            self.rows = rows
            self.replace = replace

    class Refreshed(Message):
        """The marks of some papers were read again after a change (the
        app's own or another process's)."""

    class IndexChanged(Message):
        """The index on disk is another generation (another process indexed,
        or rebuilt it): its owner may search again."""

    class MarksChanged(Message):
        """Another process (the CLI, another window) changed stars, notes or
        seen marks: the rows and the detail are read again; a screen whose
        filter or sort looks at the marks may search again."""

    class _Detail(Message):
        def __init__(self, paper_id: str, detail: Detail | str, keep_scroll: bool) -> None:
            super().__init__()
            self.paper_id = paper_id
            self.detail = detail
            self.keep_scroll = keep_scroll

    def __init__(self, library: Library, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self.parsed: ParsedQuery | None = None
        self.detail: Detail | None = None  # what the detail pane shows
        self._shown: str | None = None
        self._seen_timer: Timer | None = None
        self._store_version: int | None = None
        self._generation: int | None = None
        self._following = False
        self.listing: Listing | None = None  # what the list shows
        self._token = object()  # names the listing on screen for its count and its rest
        self._more_asked = False
        self._previewed: object = None  # the request of the preview on screen, whose listing is coming
        self._busy_timer: Timer | None = None
        # The paper the cursor landed on when a list was shown: the user has
        # not chosen it, so it is not marked seen until they move to it
        # (or open it, or press the seen key).
        self._landed: str | None = None

    def compose(self) -> ComposeResult:
        with Container(id="panes"):
            yield ResultList(id="results")
            yield PaperView(id="paper")
        with Horizontal(id="statusbar"):
            yield Static(id="status", markup=False)
            # The progress bar is mounted when there is progress to show (`show_progress`).

    @property
    def results(self) -> ResultList:
        return self.query_one("#results", ResultList)

    @property
    def paper_view(self) -> PaperView:
        return self.query_one("#paper", PaperView)

    def show_progress(self, done: int, total: int) -> None:
        """Show a bar of `done` out of `total` in the status line (mounted on
        first use: most starts have nothing to index, and the first screen
        builds three widgets fewer)."""
        from textual.widgets import ProgressBar

        bars = self.query("#progress").results(ProgressBar)
        bar = next(bars, None)
        if bar is None:
            bar = ProgressBar(id="progress", show_eta=False)
            self.query_one("#statusbar").mount(bar)
        bar.add_class("-active")
        bar.update(total=total, progress=done)

    def hide_progress(self) -> None:
        for bar in self.query("#progress"):
            bar.remove_class("-active")

    @property
    def current_id(self) -> str | None:
        return self.results.current

    def on_mount(self) -> None:
        # The first look takes the baseline at once: a change committed before
        # the first tick would otherwise become the baseline and go unseen.
        self._following = True
        self._look_for_changes()
        self.set_interval(FOLLOW_EVERY, self._follow_store)

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    def watch_detail_shown(self, shown: bool) -> None:
        self.set_class(not shown, "-no-detail")

    def set_status(self, status: Content) -> None:
        self.query_one("#status", Static).update(status)

    # the list -------------------------------------------------------------
    def load(self, source: Source, keep: str | None = None, preview: Preview | None = None) -> None:
        """Show what `source` lists; the cursor stays on `keep` if it is there.
        A `preview` of the same listing is shown first if it has one."""
        self.workers.cancel_group(self, "count")
        self.workers.cancel_group(self, "more")
        if self._busy_timer is None:
            self._busy_timer = self.set_timer(BUSY_AFTER, lambda: setattr(self, "busy", True))
        height = max(self.results.size.height, 24)
        # Textual holds back an app's first frames until it is ready: a source
        # that ran before would share the CPU with drawing the first one.
        frame: threading.Event | None = getattr(self.app, "first_frame", None)
        early = preview.ready() if isinstance(preview, EarlyPreview) else None
        if early is not None:
            # Read before the list was mounted: shown now, in the frame being
            # made; the source runs once it is painted.
            painted = threading.Event()
            self._show_listing(self._Loaded(early[0], early[1], keep, painted))
            self._list(source, keep, height, painted=painted, frame=frame)
            return
        self._list(source, keep, height, preview, frame=frame)

    def _done(self) -> None:
        """The newest source answered (listing or failure)."""
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        self.busy = False

    def watch_busy(self, busy: bool) -> None:
        self.post_message(self.BusyChanged(busy))

    @on(Failed)
    def _failed(self) -> None:
        self._done()  # the message goes on to the screen, which says why
        if self._previewed is not None:
            self._previewed = None  # the preview stays on screen: its paper is read now
            self.show(self.results.current)

    @work(thread=True, exclusive=True, group="list")
    def _list(
        self,
        source: Source,
        keep: str | None,
        height: int,
        preview: Preview | None = None,
        painted: threading.Event | None = None,
        frame: threading.Event | None = None,
    ) -> None:
        """Run the source and fetch the first rows; a newer load cancels this
        one. A preview is shown first; the source waits for it to be `painted`,
        and for the app's first `frame` to be on the terminal."""
        worker = get_current_worker()
        early = None
        with contextlib.suppress(PapersError):  # no preview then: the source says what is wrong
            early = preview(self.library) if preview is not None else None
        if early is not None and not worker.is_cancelled:
            painted = threading.Event()
            self.post_message(self._Loaded(early[0], early[1], keep, painted))
        # Opening the index would share the CPU with painting the preview.
        for drawn in (painted, frame):
            if drawn is not None:
                drawn.wait(PREVIEW_PAINT_WAIT)
        if worker.is_cancelled:
            return
        try:
            listing = source(self.library)
            rows = read_rows(self.library, _around(listing.ids, keep, height), listing.parsed)
        except PapersError as problem:
            if not worker.is_cancelled:
                self.post_message(self.Failed(str(problem)))
            return
        if not worker.is_cancelled:
            self.post_message(self._Loaded(listing, rows, keep))

    @on(_Loaded)
    def _show_listing(self, event: _Loaded) -> None:
        event.stop()
        listing = event.listing
        results = self.results
        keep = event.keep
        after_preview = self._previewed is not None and event.painted is None
        if event.painted is not None:
            self._previewed = listing.request
            self.call_after_refresh(event.painted.set)
        else:
            self._done()
            if self._previewed is not None and self._previewed == listing.request:
                # The listing its preview showed: the cursor stays where the user put it meanwhile.
                keep = keep or results.current
            self._previewed = None
        self.parsed = listing.parsed
        results.empty_text = listing.empty_text
        results.set_ids(listing.ids, keep, event.rows)
        if after_preview and self._shown is not None and self.detail is None and self._shown == results.current:
            self._read_detail(self._shown, self.parsed, False)  # held back while the preview was shown
        self.listing, self._token, self._more_asked = listing, object(), False
        self.post_message(self.Listed(listing, preview=event.preview))
        if listing.more is not None:
            self._complete(listing, self._token, max(self.results.size.height, 24))

    @work(thread=True, exclusive=True, group="count")
    def _complete(self, listing: Listing, token: object, height: int) -> None:
        """Complete a listing that holds only its first papers: its exact
        count, then (if they are few) the rest of its papers; many are
        fetched only when the list is scrolled past what it holds."""
        worker = get_current_worker()
        count = listing.matched
        try:
            if not listing.exact and listing.counter is not None:
                count = listing.counter(self.library)
                if worker.is_cancelled:
                    return
                self.post_message(self._Counted(token, count))
            if listing.more is not None and len(listing.ids) < count <= EAGER_REST:
                rest = listing.more(self.library)
                rows = read_rows(self.library, rest.ids[: 2 * height])
                if not worker.is_cancelled:
                    self.post_message(self._More(token, rest, rows))
        except PapersError:
            return

    @on(_Counted)
    def _counted(self, event: _Counted) -> None:
        event.stop()
        if event.token is self._token and self.listing is not None:
            complete = event.count <= len(self.listing.ids)
            more = None if complete else self.listing.more
            self.listing = replace(self.listing, count=event.count, exact=True, more=more)
            self.post_message(self.Listed(self.listing))

    def _near_the_end(self, index: int) -> None:
        """The list is scrolled near the end of what it holds: fetch the rest."""
        listing = self.listing
        height = max(self.results.size.height, 24)
        if listing is None or listing.more is None or self._more_asked or index < len(listing.ids) - height:
            return
        self._more_asked = True
        self._list_more(listing.more, self._token, self.results.current, height)

    @work(thread=True, exclusive=True, group="more")
    def _list_more(self, more: Source, token: object, keep: str | None, height: int) -> None:
        try:
            listing = more(self.library)
            rows = read_rows(self.library, _around(listing.ids, keep, height))
        except PapersError:
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self._More(token, listing, rows))

    @on(_More)
    def _show_more(self, event: _More) -> None:
        event.stop()
        if event.token is not self._token or self.listing is None or self.listing.more is None:
            return  # another listing, or this one is complete already
        self.listing = event.listing
        self.results.set_ids(event.listing.ids, self.results.current, event.rows)
        self.post_message(self.Listed(event.listing))

    @on(ResultList.RowsWanted)
    def _rows_wanted(self, event: ResultList.RowsWanted) -> None:
        event.stop()
        self._fetch_rows(event.paper_ids)
        ids = self.results.ids
        if event.paper_ids and ids and event.paper_ids[-1] in ids[-max(self.results.size.height, 24) :]:
            self._near_the_end(len(ids) - 1)

    @work(thread=True, group="rows")
    def _fetch_rows(self, paper_ids: list[str], replace: bool = False) -> None:
        try:
            rows = read_rows(self.library, paper_ids, self.parsed)
        except PapersError:
            rows = {pid: Row(printable(pid), False, True, "") for pid in paper_ids}
        if not get_current_worker().is_cancelled:
            self.post_message(self._Rows(rows, replace))

    @on(_Rows)
    def _add_rows(self, event: _Rows) -> None:
        event.stop()
        self.results.add_rows(event.rows, event.replace)

    def refresh_papers(self, paper_ids: Sequence[str] | None = None) -> None:
        """Read again the rows (of some papers, else those around the screen)
        and the detail, after the user's marks changed."""
        wanted = list(paper_ids) if paper_ids is not None else self.results.visible_ids()
        if wanted:
            self._fetch_rows(wanted, replace=True)
        self.post_message(self.Refreshed())
        if self._shown is not None and (paper_ids is None or self._shown in paper_ids):
            self.show(self._shown, keep_scroll=True)

    # changes made elsewhere --------------------------------------------------
    def _follow_store(self) -> None:
        if not self._following and self.screen.is_active:
            self._following = True
            self._look_for_changes()

    @work(group="follow")
    async def _look_for_changes(self) -> None:
        """Ask the store whether another connection committed (SQLite's
        data_version), and the index whether it is another generation. On the
        writer thread: its connection lives as long as the app, and the app's
        own writes, made there, do not count."""
        library = self.library
        try:
            version, generation = await in_writer(lambda: (library.store.data_version(), library.generation()))
        except Exception:  # noqa: BLE001 - following is best effort: the next look tries again
            return
        finally:
            self._following = False
        if self._store_version is not None and version != self._store_version:
            self.refresh_papers()
            self.post_message(self.MarksChanged())
        if self._generation is not None and generation != self._generation:
            self.post_message(self.IndexChanged())
        self._store_version = version
        self._generation = generation

    # the detail pane -------------------------------------------------------
    @on(ResultList.Highlighted)
    def _highlighted(self, event: ResultList.Highlighted) -> None:
        self._landed = event.paper_id if event.landed else None
        self.show(event.paper_id)
        self._near_the_end(self.results.cursor)
        self.screen.refresh_bindings()  # commands that need a paper may have changed

    def show(self, paper_id: str | None, keep_scroll: bool = False) -> None:
        """Show a paper in the detail pane (read in a worker)."""
        if paper_id != self._shown:
            self.detail = None
        self._shown = paper_id
        if self._seen_timer is not None:
            self._seen_timer.stop()
        if paper_id is None:
            self.paper_view.show(Content.styled("No paper selected.", "$text-muted"))
            return
        if self._previewed is not None:
            return  # read with the preview's listing: opening the index now would slow the first paint
        self._read_detail(paper_id, self.parsed, keep_scroll)

    @work(thread=True, exclusive=True, group="detail")
    def _read_detail(self, paper_id: str, parsed: ParsedQuery | None, keep_scroll: bool) -> None:
        detail: Detail | str
        try:
            detail = read_detail(self.library, paper_id, parsed)
        except PapersError as error:
            detail = str(error)
        if not get_current_worker().is_cancelled:
            self.post_message(self._Detail(paper_id, detail, keep_scroll))

    @on(_Detail)
    def _show_detail(self, event: _Detail) -> None:
        event.stop()
        if event.paper_id != self._shown:
            return  # the cursor moved on meanwhile
        if isinstance(event.detail, str):
            self.paper_view.show(Content(printable(event.detail)))
            return
        self.detail = event.detail
        self.paper_view.show(event.detail.content, keep_scroll=event.keep_scroll)
        if event.detail.state.seen_at is None and not event.keep_scroll and event.paper_id != self._landed:
            # Only a paper newly shown is looked at: a redraw after "mark unseen" is not.
            paper_id = event.paper_id
            self._seen_timer = self.set_timer(SEEN_AFTER, lambda: self._seen_after_a_look(paper_id))

    def _seen_after_a_look(self, paper_id: str) -> None:
        if self._shown == paper_id:
            self._mark_seen(paper_id)

    @work(group="write")
    async def _mark_seen(self, paper_id: str) -> None:
        """A paper shown in the detail pane is seen (after a short look)."""
        error = await mark_seen_in_writer(self.library, paper_id)
        if error is not None:
            self.notify(str(error), severity="error", markup=False)
            return
        self.refresh_papers([paper_id])
