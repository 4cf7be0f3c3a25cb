"""Crashes: kill -9 during indexing or right after a save loses nothing,
and the next run repairs or rebuilds the cache on its own."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from benchmarks.index_speed import write_dumps
from tests.e2e.test_cli import PAPERS, papers
from tests.e2e.tmux import HAVE_TMUX, terminal

SYNTHETIC = 1_500


@pytest.mark.slow
def test_kill_9_at_random_points_of_indexing(dumps: Path) -> None:
    write_dumps(dumps, SYNTHETIC, 15)
    env = dict(os.environ, PAPERS_INDEX_BATCH="200")  # many commit points
    rng = random.Random(20261122)
    cache = Path(os.environ["PAPERS_CACHE_DIR"])
    first = papers("index", str(dumps), env=env)  # remembers the folder; the baseline
    assert first.returncode == 0
    expected = json.loads(papers("stats", "--json").stdout)["papers"]
    assert expected == 160 + SYNTHETIC
    for round_number in range(20):
        if round_number % 2 == 0:
            shutil.rmtree(cache, ignore_errors=True)  # kill a first index...
        else:
            for dump in sorted(dumps.glob("0*.txt"))[:3]:  # ...or an update
                dump.write_text(dump.read_text() + f"\nA Fresh Paper {round_number}\n\n{'Text. ' * 60}\n")
        victim = subprocess.Popen([PAPERS, "index"], env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 2.5))
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        repaired = papers("index", env=env)
        assert repaired.returncode == 0, repaired.stderr
        assert "Traceback" not in repaired.stderr
        stats = json.loads(papers("stats", "--json").stdout)
        fresh = len(json.loads(papers("search", "title:fresh", "--json", "--limit", "0").stdout))
        assert stats["papers"] == expected + fresh, (round_number, repaired.stderr)
        hits = json.loads(papers("search", "title:hopper", "--json").stdout)
        assert len(hits) == 1


def test_garbage_index_is_rebuilt_with_a_message(dumps: Path) -> None:
    papers("index", str(dumps))
    for file in (Path(os.environ["PAPERS_CACHE_DIR"]) / "index").iterdir():
        file.write_bytes(b"\x00" * 64)
    result = papers("index")
    assert result.returncode == 0 and "rebuilt the index" in result.stderr
    assert len(json.loads(papers("search", "kv cache", "--json").stdout)) == 14


def test_corrupt_store_is_refused_and_kept(dumps: Path) -> None:
    papers("index", str(dumps))
    store = Path(os.environ["PAPERS_DATA_DIR"]) / "store.sqlite3"
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_bytes(b"garbage, not sqlite" * 200)
    before = store.read_bytes()
    for args in (("search", "hopper"), ("star", "fe811da3dea9"), ("note", "fe811da3dea9", "--set", "x"), ("backup",)):
        result = papers(*args)
        assert result.returncode == 1 and "Traceback" not in result.stderr, args
        assert "left untouched" in result.stderr or "cannot be read" in result.stderr
    assert store.read_bytes() == before


@pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed (.ci/run installs it)")
def test_kill_9_right_after_star_and_note_loses_nothing(dumps: Path) -> None:
    with terminal([str(dumps)]) as term:
        term.wait_for("of 160 papers")
        term.send("s")
        term.wait_for("Starred:")
        term.send("n")
        term.wait_for("Note on")
        term.type("saved before the crash")
        term.send("C-s")
        term.wait_for("Note saved")
        pid = int(term.tmux("list-panes", "-F", "#{pane_pid}").split()[0])
        os.kill(pid, signal.SIGKILL)
        term.wait_exit()
    starred = json.loads(papers("search", "*", "--filter", "starred", "--json").stdout)
    assert len(starred) == 1 and starred[0]["note"] == "saved before the crash"


@pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed (.ci/run installs it)")
def test_app_refuses_a_corrupt_store_before_drawing(dumps: Path) -> None:
    store = Path(os.environ["PAPERS_DATA_DIR"]) / "store.sqlite3"
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_bytes(b"garbage, not sqlite" * 200)
    with terminal([str(dumps)], size=(200, 20), keep_open=True) as term:
        screen = term.wait_for("left untouched")
        assert "Traceback" not in screen
        term.wait_exit()
    assert store.read_bytes() == b"garbage, not sqlite" * 200
