"""Two processes at once: nothing is lost, nobody fails on a lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.models import SearchResult
from tests.e2e.test_cli import PAPERS, papers
from tests.helpers import hold_index_lock

ABSTRACT = "We propose a method for testing indexers that is thorough and dependable. " * 5

WRITER = """
import sys
from pathlib import Path
from reader.core.store import Store
store = Store(Path(sys.argv[1]))
for number in range(int(sys.argv[3])):
    store.star(f"{sys.argv[2]}{number}", "T")
    store.save_note(f"{sys.argv[2]}{number}", "T", f"note {number}")
"""


def test_two_processes_writing_one_store(isolated_dirs: Locations) -> None:
    path = isolated_dirs.store_path
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), prefix, "150"]) for prefix in ("a", "b")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    library = Library(isolated_dirs)
    assert len(library.store.starred()) == 300
    assert len(library.store.noted()) == 300


def test_cli_stars_while_the_library_is_open(library: Library) -> None:
    first, second = library.search("cache").ids[:2]
    library.star(library.paper(first))
    assert papers("star", second).returncode == 0
    assert set(library.store.starred()) == {first, second}


def test_searching_while_another_process_rebuilds(library: Library, dumps: Path) -> None:
    """An open Library (the app) keeps its results while another process
    runs `papers index --rebuild`: never "0 of 0", never an error, and it
    moves to the new index by itself."""
    before = library.search("kv cache")
    rebuilder = subprocess.Popen(
        [PAPERS, "index", "--rebuild"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    searches = 0
    while rebuilder.poll() is None or searches < 20:
        result = in_a_new_thread(lambda: library.search("kv cache"))  # as the app's search workers run
        assert (len(result.ids), result.total_in_library) == (14, 160), result
        searches += 1
    assert rebuilder.wait(timeout=120) == 0
    after = library.search("kv cache")
    assert set(after.ids) == set(before.ids) and after.total_in_library == 160


def in_a_new_thread(search: Callable[[], SearchResult]) -> SearchResult:
    """Run one search in a thread of its own, as each of the app's workers does."""
    found: list[SearchResult] = []
    thread = threading.Thread(target=lambda: found.append(search()))
    thread.start()
    thread.join(timeout=120)
    assert found, "the search raised (see the thread's traceback above)"
    return found[0]


def test_an_open_library_follows_another_process_updates(library: Library, dumps: Path) -> None:
    """Papers another process adds are found by the next search, with no
    reload and no restart; papers it removes are gone."""
    assert library.search("zebras").ids == ()
    (dumps / "zz_new.txt").write_text(f"Mar 15\n\nA Completely New Paper On Zebras\n\n{ABSTRACT}\n", encoding="utf-8")
    assert papers("index").returncode == 0
    (pid,) = library.search("zebras").ids
    assert library.paper(pid).title == "A Completely New Paper On Zebras"
    assert library.search("").total_in_library == 161
    (dumps / "zz_new.txt").unlink()
    assert papers("index").returncode == 0
    assert library.search("zebras").ids == () and library.total() == 160


def test_threads_of_one_library_share_no_stale_numbers(library: Library, dumps: Path) -> None:
    """Two threads searching while another process commits new generations:
    every ID returned is a real paper of the index it came from."""
    errors: list[BaseException] = []
    stop = threading.Event()

    def search() -> None:
        try:
            while not stop.is_set():
                for pid in library.search("").ids:
                    assert len(pid) == 12
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=search) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for number in range(3):
            (dumps / f"zz_{number}.txt").write_text(
                f"Mar 15\n\nA New Paper Number {number} On Giraffes\n\n{ABSTRACT}\n", encoding="utf-8"
            )
            assert papers("index").returncode == 0
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert library.search("giraffes").total_in_library == 163


def test_second_indexer_waits_for_the_first(dumps: Path, isolated_dirs: Locations) -> None:
    holder = hold_index_lock(isolated_dirs.cache_dir, 2)
    started = time.monotonic()
    result = papers("index", str(dumps))
    assert result.returncode == 0 and "another papers process is indexing" in result.stderr
    assert time.monotonic() - started >= 1
    holder.wait()
    assert json.loads(papers("stats", "--json").stdout)["papers"] == 160
    impatient = hold_index_lock(isolated_dirs.cache_dir, 2)
    quick = subprocess.run(
        [PAPERS, "index", "--wait", "0"], capture_output=True, text=True, env=dict(os.environ), timeout=60
    )
    impatient.wait()
    assert quick.returncode == 1 and "another papers process is indexing" in quick.stderr
