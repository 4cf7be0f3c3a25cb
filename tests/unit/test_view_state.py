"""The app's last view (query, sort, filter, day) remembered in state.json:
round trips, what else the file holds, unreadable files, real processes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.config import SavedView, State, last_view, remember_folders, remember_theme, remember_view
from reader.core.errors import PapersError
from reader.core.locations import Locations
from reader.core.views import FILTERS, SORTS

VIEW = SavedView("kv cache is:unseen", "date", "starred", dt.date(2024, 3, 14))


def test_a_view_comes_back_as_it_was_left(isolated_dirs: Locations) -> None:
    path = isolated_dirs.state_path
    assert last_view(path) is None  # no file yet
    remember_view(path, VIEW)
    assert last_view(path) == VIEW
    assert json.loads(path.read_text())["view"] == {
        "query": "kv cache is:unseen",
        "sort": "date",
        "filter": "starred",
        "day": "2024-03-14",
    }
    remember_view(path, SavedView("", "", "", None))
    assert last_view(path) == SavedView()


def test_folders_theme_and_view_keep_each_other(isolated_dirs: Locations, tmp_path: Path) -> None:
    path = isolated_dirs.state_path
    remember_folders(path, [tmp_path])
    remember_view(path, VIEW)
    remember_theme(path, "nord")
    remember_folders(path, [tmp_path / "other"])
    state = State.load(path)
    assert state.view == VIEW and state.theme == "nord"
    assert state.dumps == [str(tmp_path.resolve()), str((tmp_path / "other").resolve())]


def test_a_state_file_from_before_views_has_none(isolated_dirs: Locations) -> None:
    path = isolated_dirs.state_path
    path.parent.mkdir(parents=True)
    path.write_text('{"version": 1, "dumps": ["/somewhere"], "theme": null}\n')
    assert last_view(path) is None
    remember_view(path, VIEW)
    assert State.load(path).dumps == ["/somewhere"]


@pytest.mark.parametrize(
    ("view", "field"),
    [
        ('"kv cache"', '"view" must be an object'),
        ('{"query": 3}', '"view"."query" must be text'),
        ('{"sort": ["date"]}', '"view"."sort" must be text'),
        ('{"filter": false}', '"view"."filter" must be text'),
        ('{"day": "the 14th"}', '"view"."day" must be a day'),
        ('{"day": 20240314}', '"view"."day" must be a day'),
    ],
)
def test_a_wrong_view_is_reported_naming_the_field_and_never_blocks_the_folders(
    isolated_dirs: Locations, view: str, field: str
) -> None:
    path = isolated_dirs.state_path
    path.parent.mkdir(parents=True)
    path.write_text(f'{{"version": 1, "dumps": ["/my/only/list"], "view": {view}}}\n')
    before = path.read_bytes()
    with pytest.raises(PapersError) as refused:
        last_view(path)
    assert str(refused.value).startswith(f"{path}: cannot be read") and field in str(refused.value)
    assert path.read_bytes() == before  # reading it changes nothing
    assert State.load(path).dumps == ["/my/only/list"]  # a cosmetic setting does not stop indexing
    remember_view(path, VIEW)  # the next view replaces the wrong one, and only it
    assert last_view(path) == VIEW and State.load(path).dumps == ["/my/only/list"]


def test_an_unreadable_state_file_is_refused_and_kept(isolated_dirs: Locations) -> None:
    path = isolated_dirs.state_path
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"dumps": ["/home/me/pap')
    with pytest.raises(PapersError, match="not valid JSON"):
        last_view(path)
    with pytest.raises(PapersError, match="left untouched"):
        remember_view(path, VIEW)
    assert path.read_bytes() == b'{"dumps": ["/home/me/pap'


def test_a_sort_or_filter_this_papers_does_not_know_falls_back_with_a_notice() -> None:
    known, notices = VIEW.usable(SORTS, FILTERS)
    assert known == VIEW and notices == []
    odd = SavedView("words", "by-moon-phase", "liked", None)
    usable, notices = odd.usable(SORTS, FILTERS)
    assert usable == SavedView("words", "", "", None)
    assert len(notices) == 2 and "'by-moon-phase'" in notices[0] and "'liked'" in notices[1]


WRITER = """
import sys
from pathlib import Path
from reader.core.config import SavedView, remember_folders, remember_view
path, kind, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for number in range(count):
    if kind == "folders":
        remember_folders(path, [Path(sys.argv[4]) / f"folder{number}"])
    else:
        remember_view(path, SavedView(f"query {number}", "date", "", None))
"""


def test_processes_saving_views_and_folders_at_once_lose_nothing(isolated_dirs: Locations, tmp_path: Path) -> None:
    path = isolated_dirs.state_path
    count = 40
    runs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), "folders", str(count), str(tmp_path)]),
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), "view", str(count)]),
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), "view", str(count)]),
    ]
    assert [run.wait(timeout=300) for run in runs] == [0, 0, 0]
    state = State.load(path)
    assert state.dumps == [str((tmp_path / f"folder{number}").resolve()) for number in range(count)]
    assert state.view == SavedView(f"query {count - 1}", "date", "", None)
