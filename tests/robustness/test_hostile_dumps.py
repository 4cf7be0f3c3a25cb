"""Hostile and odd dumps: the rest is indexed, each file gets a clear report,
no traceback, the user store is untouched, and the app shows text literally."""

from __future__ import annotations

import hashlib
import json
import shutil
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.dumps import parse_dump
from reader.core.library import Library
from reader.core.locations import Locations
from tests.e2e.test_cli import papers
from tests.robustness.hostile import WEIRD_TITLE, build_hostile_folder
from tests.tui.conftest import MakeApp, main_screen, settle


def test_cli_indexes_the_rest_and_reports_each_file(dumps: Path, isolated_dirs: Locations) -> None:
    files = build_hostile_folder(dumps / "hostile")
    papers("index", str(dumps))
    pid = json.loads(papers("search", "title:hopper", "--json").stdout)[0]["id"]
    papers("star", pid)
    papers("note", pid, "--set", "precious")
    store_before = hashlib.sha256(isolated_dirs.store_path.read_bytes()).hexdigest()

    result = papers("index", "--rebuild")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = result.stderr
    for key, needle in {
        "empty": "empty file",
        "binary": "binary file",
        "latin1": "not valid UTF-8",
        "long_line": "too long",
        "dangling": "title with no abstract (cut off?); kept without one: 'A Title Left Alone'",
        "two_titles": "title with no abstract (cut off?); kept without one: 'First Orphan Title'",
        "html": "HTML page",
    }.items():
        assert any(str(files[key]) in line and needle in line for line in report.splitlines()), (key, report)
    assert "a_fifo.txt: not a readable file" in report
    assert "dangling_link.txt" in report
    titles = {p["title"] for p in json.loads(papers("search", "*", "--json", "--limit", "0").stdout)}
    assert {"Café Networks For Résumés", "Windows Saved Paper", "After The Long Line", "Second Real Title"} <= titles
    # Two titles whose abstracts are missing are kept as papers without one.
    assert len(titles) == 160 + 8
    assert hashlib.sha256(isolated_dirs.store_path.read_bytes()).hexdigest() == store_before


async def test_app_shows_hostile_text_literally(make_app: MakeApp, dumps: Path) -> None:
    build_hostile_folder(dumps / "hostile")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash", *"title:weird", "enter")
        await settle(pilot)
        screen = main_screen(app)
        (pid,) = screen.results.ids
        body = str(screen.query_one("#paper-body").render())
        assert "Weird [bold]Markup[/] [link=https://x.invalid]l[/link] [@click=app.quit]q[/]" in body
        assert "\x1b" not in body and "\u241b[31mRed" in body  # the escape shows as a symbol
        assert "漢字かな한국어" in body and "🧪" in body
        assert app.is_running
        assert app.library.paper(pid).title.startswith("Weird [bold]")
        assert WEIRD_TITLE.split("\x1b")[0] in app.library.paper(pid).title


@pytest.mark.slow
def test_50_mb_dump_streams_in_bounded_memory(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("w") as handle:
        line = "no blank lines here, just words that go on and on " * 2 + "\n"
        for _ in range(50_000_000 // len(line)):
            handle.write(line)
    tracemalloc.start()
    parsed = parse_dump(huge)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert parsed.entries == [] and "paragraph of over" in str(parsed.problems[0])
    assert peak < 5_000_000, f"peak {peak / 1e6:.1f} MB"


@pytest.mark.slow
def test_50_mb_dump_of_papers_is_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    abstract = "A long abstract sentence about models and data and measurement. " * 24
    with (folder / "big.txt").open("w") as handle:
        number = 0
        while handle.tell() < 50_000_000:
            number += 1
            handle.write(f"Paper Number {number} On Scaling\n\n{abstract}\n\n")
    parsed = parse_dump(folder / "big.txt")
    assert len(parsed.entries) == number and [p for p in parsed.problems if p.severity != "info"] == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.one_of(
        st.binary(max_size=3000), st.text(max_size=3000).map(lambda t: t.encode("utf-8", "surrogatepass"))
    )
)
def test_parser_never_raises(tmp_path: Path, content: bytes) -> None:
    dump = tmp_path / "random.txt"
    dump.write_bytes(content)
    parsed = parse_dump(dump)
    title_only = any("title-only" in problem.message for problem in parsed.problems)
    for entry in parsed.entries:
        assert entry.title and (entry.abstract or title_only) and entry.line >= 1
        assert "\x1b" not in entry.title + entry.abstract
    for problem in parsed.problems:
        assert problem.path == str(dump)


def test_unreadable_location_on_the_command_line(dumps: Path, tmp_path: Path) -> None:
    result = papers("index", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "no such file or folder" in result.stderr


def test_removed_folder_keeps_user_data(dumps: Path, isolated_dirs: Locations) -> None:
    library = Library(isolated_dirs)
    library.index([dumps])
    pid = library.search("title:hopper").ids[0]
    library.star(library.paper(pid))
    shutil.rmtree(dumps)
    report = library.index()
    assert report.papers_total == 0
    assert library.state(pid).starred
    assert library.export_items()[0].paper.title.startswith("Benchmarking")


async def test_app_reports_problem_files_at_start_up(make_app: MakeApp, dumps: Path) -> None:
    from textual.widgets._toast import Toast

    build_hostile_folder(dumps / "hostile")
    app = make_app(index=False, index_on_start=True)
    app.library.remember([dumps])
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await settle(pilot)
        toasts = " ".join(str(toast.render()) for toast in app.screen.query(Toast))
        assert "problems in dumps" in toasts
        assert "binary.txt" in toasts or "empty.txt" in toasts
        assert len(main_screen(app).results.ids) == 160 + 8
