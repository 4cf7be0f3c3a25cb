"""Quick triage: the papers of a list one at a time, each kept or skipped.

The pass runs over the IDs of the list on screen, from its cursor. Showing a
paper here does not make it seen: moving past it does (keep stars it, skip
only marks it seen), and so does opening its page or the seen key. Every
change is the main screen's (the same store calls on the writer thread, the
same undo log), so `u` takes back a keep or a skip here or after, and here it
also goes back to that paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from ...core.errors import PapersError
from ...core.library import Library
from ...core.undo import Change, SeenMany
from ..commands import PAPER_COMMANDS, TRIAGE_COMMANDS, Command
from ..widgets.footer import Footer
from ..widgets.paper_view import PaperView
from ..writes import in_writer
from .one_paper import OnePaperScreen

if TYPE_CHECKING:
    from ...core.search import ParsedQuery  # Whoosh loads after the first screen (reader/core/library.py)

KEPT, SKIPPED = "kept", "skipped"
# The paper commands triage offers besides its own (`s` is keep here: a star
# that moves on). Opening a page and undo are part of the job: in the footer.
_SHOWN = {"browser", "undo"}
_PAPER = tuple(
    replace(command, show=command.show or command.id in _SHOWN) for command in PAPER_COMMANDS if command.id != "star"
)


def summary_text(kept: int, skipped: int, left: int) -> str:
    """ "23 reviewed: 4 kept, 19 skipped" (and how many were left, if any)."""
    text = f"{kept + skipped} reviewed: {kept} kept, {skipped} skipped"
    return f"{text}; {left} left" if left else text


class TriageScreen(OnePaperScreen, inherit_bindings=False):
    """One paper at a time over a list: keep, skip, note, open, back, undo.
    Its keys are its own list (not the paper screen's: `s` keeps here)."""

    BINDINGS = [command.binding() for command in (*TRIAGE_COMMANDS[:3], *_PAPER, TRIAGE_COMMANDS[3])]
    PALETTE = TRIAGE_COMMANDS + _PAPER

    def __init__(self, library: Library, ids: Sequence[str], start: int, parsed: ParsedQuery | None) -> None:
        super().__init__(library, parsed)
        self.ids = tuple(ids)
        self.positions = {pid: index for index, pid in enumerate(self.ids)}  # a long list: no scan a key
        self.start = max(0, min(start, len(self.ids)))
        self.index = self.start
        self.decisions: dict[str, str] = {}  # paper ID -> kept / skipped, in this pass

    def compose(self) -> ComposeResult:
        yield Static(id="triage-progress", markup=False)
        yield PaperView(id="triage-paper")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(PaperView).focus()
        self._move_to(self.index)

    # where the pass is ---------------------------------------------------------
    def current_paper_id(self) -> str | None:
        return self.ids[self.index] if self.index < len(self.ids) else None

    @property
    def last_reviewed(self) -> str | None:
        """The paper to leave the list's cursor on: the one shown, else (past
        the end) the last of the list."""
        return self.current_paper_id() or (self.ids[-1] if self.ids else None)

    def counts(self) -> tuple[int, int, int]:
        """Kept, skipped, and the papers from the pass's start not reviewed yet."""
        kept = sum(1 for decision in self.decisions.values() if decision == KEPT)
        reviewed_since_start = sum(1 for pid in self.decisions if self.positions[pid] >= self.start)
        return kept, len(self.decisions) - kept, len(self.ids) - self.start - reviewed_since_start

    def summary(self) -> str:
        return summary_text(*self.counts())

    def unavailable(self, command: Command) -> str | None:
        if command.action == "back_one" and self.index == 0:
            return "this is the first paper of the list"
        if command.needs_paper and self.current_paper_id() is None:
            return "the list has ended"
        return super().unavailable(command)

    def _move_to(self, index: int) -> None:
        self.index = max(0, min(index, len(self.ids)))
        self.detail = None
        self._show_progress()
        self.refresh_bindings()
        if self.current_paper_id() is None:
            self._show_summary()
        else:
            self.redraw()

    def _show_progress(self) -> None:
        kept, skipped, _left = self.counts()
        total = len(self.ids)
        where = f"{self.index + 1} / {total}" if self.index < total else f"end of the list ({total})"
        self.query_one("#triage-progress", Static).update(f"Quick triage  {where}  ·  {kept} kept · {skipped} skipped")

    def _show_summary(self) -> None:
        text = Content.assemble(
            ("The list has ended.\n\n", "bold $accent"),
            (self.summary() + ".\n\n", "bold"),
            ("Esc: back to the list (the cursor on its last paper) · b: back one paper · u: undo", "$text-muted"),
        )
        self.query_one(PaperView).show(text)

    # the decisions -------------------------------------------------------------
    def action_keep(self) -> None:
        self._decide(KEPT)

    def action_skip(self) -> None:
        self._decide(SKIPPED)

    def _decide(self, decision: str) -> None:
        paper_id = self.current_paper_id()
        if paper_id is None:
            return
        # Skipping a paper kept before (back to it, then on) leaves it kept:
        # skip never unstars, and the summary says what the store holds.
        if self.decisions.get(paper_id) != KEPT:
            self.decisions[paper_id] = decision
        self._write_decision(paper_id, decision)
        self._move_to(self.index + 1)

    @work(group="write")
    async def _write_decision(self, paper_id: str, decision: str) -> None:
        library = self.library

        def write() -> None:
            # Moving past a paper is seeing it; a keep also stars it. Each is
            # its own step of the undo log, the star last: `u` unstars first.
            paper = library.paper(paper_id)
            state = library.state(paper_id)
            seen = state.seen_at is not None
            library.set_seen(paper, True)
            library.undo.record(Change("seen", paper, seen, True))
            if decision == KEPT:
                library.set_starred(paper, True)
                library.undo.record(Change("star", paper, state.starred, True))

        try:
            await in_writer(write)
        except PapersError as error:
            if self.decisions.get(paper_id) == decision:
                del self.decisions[paper_id]
            self._show_progress()
            what = "kept" if decision == KEPT else "skipped"
            self.notify(f"Not {what}: {error}", severity="error", markup=False)

    def action_back_one(self) -> None:
        if self.index > 0:
            self._move_to(self.index - 1)

    def undone(self, change: Change | SeenMany) -> None:
        # The pass follows the undo: the paper whose change was taken back is
        # reviewed again, from where it is shown.
        paper_id = change.paper_ids[0] if len(change.paper_ids) == 1 else None
        if paper_id is not None:
            self.decisions.pop(paper_id, None)
        if paper_id is not None and paper_id in self.positions:
            self._move_to(self.positions[paper_id])
        else:
            self._show_progress()  # a step of the list before triage (all marked seen) was undone

    # opening a paper's page is seeing it ----------------------------------------
    def action_open_browser(self) -> None:
        super().action_open_browser()
        paper_id = self.current_paper_id()
        if paper_id is not None:
            self.mark_seen(paper_id)

    def action_done(self) -> None:
        self.notify(self.summary(), title="Quick triage", markup=False, timeout=6)
        self.dismiss()
