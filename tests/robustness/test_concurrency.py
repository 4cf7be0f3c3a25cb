"""Two processes at once: nothing is lost, nobody fails on a lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from reader.core.library import Library
from reader.core.locations import Locations
from tests.e2e.test_cli import PAPERS, papers
from tests.helpers import hold_index_lock

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
    rebuilder = subprocess.Popen(
        [PAPERS, "index", "--rebuild"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    searches = 0
    while rebuilder.poll() is None or searches < 20:
        result = library.search("kv cache")  # never raises
        assert len(result.ids) in (0, 14), result
        searches += 1
        if rebuilder.poll() is not None and searches >= 20:
            break
    assert rebuilder.wait(timeout=120) == 0
    library.reload()
    assert len(library.search("kv cache").ids) == 14


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
