"""The morning triage in the app: new papers and repeats marked, seen under the
user's control, undo several steps back. Real sample dumps, a crafted dump of
a later day, real index and store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input, Static

from reader.core.config import Config
from reader.core.library import Library
from reader.core.locations import Locations
from reader.tui.app import PapersApp
from reader.tui.rows import NEW, UNSEEN
from tests.saves_builder import api_json, cards, write
from tests.tui.conftest import MakeApp, main_screen, press, settle

MORNING = dt.date(2024, 3, 21)


def status_text(app: PapersApp) -> str:
    return str(main_screen(app).query_one("#status", Static).render())


def yesterday_then_a_new_dump(locations: Locations, dumps: Path, repeat_first: bool = False) -> Library:
    """Yesterday: the sample dumps indexed and visited. Overnight: a dump of
    two papers never seen before and one of the samples (a repeat), last on
    the page or first."""
    library = Library(locations)
    library.index([dumps])
    library.begin_visit()
    library.end_visit()
    deck = cards(3, 0, MORNING)
    fresh = [
        type(deck[0])(**{**deck[0].__dict__, "title": "Morning Paper One About Caches", "arxiv_id": "2403.20001"}),
        type(deck[1])(**{**deck[1].__dict__, "title": "Morning Paper Two About Kernels", "arxiv_id": "2403.20002"}),
        deck[2],  # already in the samples: a repeat, not new
    ]
    if repeat_first:
        fresh = [fresh[2], fresh[0], fresh[1]]
    stamp = dt.datetime.combine(MORNING, dt.time(8), dt.UTC)
    write(dumps / "morning.json", api_json(fresh, page_date=MORNING), stamp)
    fresh_library = Library(locations)
    fresh_library.index()
    return fresh_library


def morning_app(locations: Locations, dumps: Path) -> PapersApp:
    """The app on the morning of `yesterday_then_a_new_dump`."""
    return PapersApp(yesterday_then_a_new_dump(locations, dumps), config=Config(), index_on_start=False)


def rows(app: PapersApp) -> dict[str, str]:
    """Title -> the mark column of each row the list has fetched."""
    results = main_screen(app).results
    return {
        row.title: (NEW if row.new else UNSEEN if not row.seen else " ") + ("r" if row.repeat else "")
        for row in results._rows.values()
    }


async def test_new_papers_and_repeats_are_marked_and_counted(isolated_dirs: Locations, dumps: Path) -> None:
    app = morning_app(isolated_dirs, dumps)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "2 new since" in status_text(app)
        screen = main_screen(app)
        screen.query_one("#search", Input).value = "is:new"
        await settle(pilot)
        new_titles = {p.title for p in app.library.papers(screen.results.ids).values()}
        assert new_titles == {"Morning Paper One About Caches", "Morning Paper Two About Kernels"}
        marks = rows(app)
        assert marks["Morning Paper One About Caches"] == NEW
        screen.query_one("#search", Input).value = "is:repeat dump:morning"
        await settle(pilot)
        marks = rows(app)
        repeat_title = cards(3, 0)[2].title
        assert marks[repeat_title].endswith("r") and not marks[repeat_title].startswith(NEW)


async def test_landing_on_a_hit_is_not_seeing_it_and_m_toggles_seen(isolated_dirs: Locations, dumps: Path) -> None:
    app = morning_app(isolated_dirs, dumps)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        screen.query_one("#search", Input).value = "is:new"
        await settle(pilot, 0.6)  # longer than the look that marks a chosen paper seen
        landed = screen.results.current
        assert landed is not None and landed not in app.library.store.seen()
        await pilot.press("escape", "j")
        await settle(pilot, 0.6)
        chosen = screen.results.current
        assert chosen != landed and chosen in app.library.store.seen()
        await press(pilot, "m")
        assert chosen not in app.library.store.seen()
        await press(pilot, "m")
        assert chosen in app.library.store.seen()


async def test_undo_several_steps_back(isolated_dirs: Locations, dumps: Path) -> None:
    app = morning_app(isolated_dirs, dumps)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        screen.query_one("#search", Input).value = "morning"
        await settle(pilot)
        await pilot.press("escape")
        paper = screen.results.current
        assert paper is not None
        app.library.store.save_note(paper, "x", "old words")  # a note from before
        await pilot.press("s")  # star
        await settle(pilot)
        await pilot.press("m")  # seen
        await settle(pilot)
        await press(pilot, "n")
        editor = app.screen.query_one("TextArea")
        editor.text = "new words"  # type: ignore[attr-defined]
        await press(pilot, "ctrl+s")
        store = app.library.store
        assert paper in store.starred() and paper in store.seen()
        assert (note := store.note(paper)) is not None and note.text == "new words"
        await press(pilot, "u")
        assert (note := store.note(paper)) is not None and note.text == "old words"
        await press(pilot, "ctrl+z")
        assert paper not in store.seen() and paper in store.starred()
        await press(pilot, "u")
        assert paper not in store.starred()
        await pilot.press("u")  # nothing left: said, nothing changes
        await settle(pilot)
        assert paper not in store.starred() and len(app.library.undo) == 0


async def test_days_step_with_brackets(isolated_dirs: Locations, dumps: Path) -> None:
    library = yesterday_then_a_new_dump(isolated_dirs, dumps)
    days = sorted({d.date for p in library.papers(library.search("").ids).values() for d in p.dumps if d.date})
    assert days[-1] == MORNING and len(days) >= 2
    app = PapersApp(library, config=Config(), index_on_start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        search = screen.query_one("#search", Input)
        await pilot.press("left_square_bracket")  # no day yet: the newest
        await settle(pilot)
        assert search.value == f"date:{MORNING}"
        assert len(screen.results.ids) == 3
        assert f"day {MORNING}: 3 papers, 2 new, 1 repeats" in status_text(app)
        await press(pilot, "left_square_bracket")
        assert search.value == f"date:{days[-2]}"
        await press(pilot, "right_square_bracket")
        assert search.value == f"date:{MORNING}"
        await pilot.press("right_square_bracket")  # past the newest: said, nothing changes
        await settle(pilot)
        assert search.value == f"date:{MORNING}"


async def test_the_status_line_says_where_the_cursor_is(make_app: MakeApp) -> None:
    # Item 8: the list tells where you are.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert status_text(app).startswith("1 / 160 · 160 of 160")
        await press(pilot, "j", "j")
        assert status_text(app).startswith("3 / 160 ·")
        main_screen(app).query_one("#search", Input).value = "hopper"
        await settle(pilot)
        assert status_text(app).startswith("1 / 1 · 1 of 160")


async def test_query_words_are_marked_in_the_list_rows(make_app: MakeApp) -> None:
    # Item 8: query words highlighted in list rows as in the detail pane.
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen.query_one("#search", Input).value = "hopper gpu"
        await settle(pilot)
        results = screen.results
        row = results._rows[results.ids[0]]
        assert sorted(row.title[start:end].casefold() for start, end in row.matches) == ["gpu", "hopper"]
        drawn = results.render_line(0)
        plain = list(drawn)[0].style
        assert plain is not None
        marked = [s.text for s in drawn if s.style is not None and s.style.bgcolor != plain.bgcolor]
        assert "Hopper" in marked and "GPU" in marked and len(marked) == 2
        await pilot.resize_terminal(70, 40)  # the title is cut inside "GPU": no mark on the "…"
        await settle(pilot)
        drawn = results.render_line(0)
        marked = [s.text for s in drawn if s.style is not None and s.style.bgcolor != plain.bgcolor]
        assert marked == ["Hopper"] or "…" not in "".join(marked)
        screen.query_one("#search", Input).value = ""
        await settle(pilot)
        assert all(not r.matches for r in results._rows.values())  # nothing to mark


async def test_the_app_opens_on_the_new_papers_at_the_top(isolated_dirs: Locations, dumps: Path) -> None:
    # Item 1: the new papers of the newest dump, in the page's order, first.
    library = yesterday_then_a_new_dump(isolated_dirs, dumps, repeat_first=True)
    app = PapersApp(library, config=Config(), index_on_start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        results = main_screen(app).results
        await settle(pilot)
        top = [library.paper(pid).title for pid in results.ids[:3]]
        assert top == ["Morning Paper One About Caches", "Morning Paper Two About Kernels", cards(3, 0)[2].title]
        assert results.cursor == 0 and results.scroll_offset.y == 0
        assert len(results.ids) == 162  # the rest follow, newest dump first


async def test_papers_indexed_at_start_are_opened_on_until_the_user_moves(
    isolated_dirs: Locations, dumps: Path
) -> None:
    # Item 1: the overnight dump is read by the start-up index; the cursor
    # goes to its new papers at the top, unless the user has moved already.
    library = Library(isolated_dirs)
    library.index([dumps])
    library.begin_visit()
    library.end_visit()
    deck = cards(3, 0, MORNING)
    fresh = [
        deck[2],
        type(deck[0])(**{**deck[0].__dict__, "title": "Morning Paper One About Caches", "arxiv_id": "2403.20001"}),
    ]
    write(dumps / "morning.json", api_json(fresh, page_date=MORNING))
    app = PapersApp(Library(isolated_dirs), config=Config(), index_on_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        results = main_screen(app).results
        for _ in range(200):
            await pilot.pause(0.05)
            if len(results.ids) == 161 and "indexing" not in status_text(app):
                break
        await settle(pilot)
        assert results.current is not None
        assert app.library.paper(results.current).title == "Morning Paper One About Caches"
        assert results.cursor == 0


async def test_mark_all_seen_asks_first_and_is_one_undo_step(make_app: MakeApp) -> None:
    # Item 4: "mark all in this list as seen" asks first.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen.query_one("#search", Input).value = "kv cache"
        await settle(pilot)
        listed = list(screen.results.ids)
        assert len(listed) == 14
        await press(pilot, "M")
        await pilot.press("n")  # asked, and declined: nothing changes
        await settle(pilot)
        assert not app.library.store.seen()
        await press(pilot, "M")
        await pilot.press("y")
        await settle(pilot, 0.5)
        assert app.library.store.seen() == set(listed)
        assert all(screen.results._rows[pid].seen for pid in listed if pid in screen.results._rows)
        await pilot.press("u")  # one step puts them all back
        await settle(pilot, 0.5)
        assert not app.library.store.seen()


async def test_the_last_query_and_sort_come_back(make_app: MakeApp) -> None:
    # Item 7: `papers` remembers the last query, sort and day across restarts.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen.query_one("#search", Input).value = "kv cache date:2024-03-14"
        await pilot.press("S")  # relevance → dump date
        await settle(pilot)
    again = make_app(index=False)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await settle(pilot)
        screen = main_screen(again)
        assert screen.query_one("#search", Input).value == "kv cache date:2024-03-14"
        assert screen.sort.name == "date"
        assert "query 'kv cache date:2024-03-14'" in status_text(again)


async def test_a_note_is_found_by_its_words_and_the_hit_is_highlighted(make_app: MakeApp) -> None:
    # Item 6: plain words match notes too, and a hit in a note is highlighted in it.
    app = make_app()
    library = app.library
    pid = library.search("hopper").ids[0]
    library.store.save_note(pid, library.paper(pid).title, "Compare with the zebrafish kernels")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        screen.query_one("#search", Input).value = "zebrafish"  # in no title or abstract
        await settle(pilot)
        assert list(screen.results.ids) == [pid]
        await settle(pilot)
        detail = screen.paper_list.detail
        assert detail is not None
        plain = detail.content.plain
        marked = {plain[span.start : span.end] for span in detail.content.spans if "warning-muted" in str(span.style)}
        assert "zebrafish" in marked
