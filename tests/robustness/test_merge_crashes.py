"""kill -9 of `papers index` while it merges the index (the background step
at its end): the cache stays sound, is never rebuilt, the merge's child
process goes with it, and the next run merges again."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from benchmarks.index_speed import write_dumps
from reader.core.index import MAX_SEGMENTS
from reader.core.locations import Locations
from tests.e2e.test_cli import papers
from tests.robustness.processes import IndexRun, children_of, wait_gone

DUMPS = MAX_SEGMENTS + 6
PER_DUMP = 100


def paper_count() -> int:
    result = papers("stats", "--json")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return int(json.loads(result.stdout)["papers"])


@pytest.mark.parametrize("when", ["merging the index", "saving the merged index"])
def test_kill_9_during_a_merge_keeps_the_cache(tmp_path: Path, isolated_dirs: Locations, when: str) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    write_dumps(folder, DUMPS * PER_DUMP, DUMPS)
    # One commit per dump: many parts, which the run merges at its end.
    run = IndexRun(str(folder), env={**os.environ, "PAPERS_INDEX_BATCH": "1"})
    assert run.wait_for(when), run.lines
    merging = children_of(run.process.pid)  # the merge's child process (merging), or none (saving)
    assert merging or when.startswith("saving")
    os.kill(run.process.pid, signal.SIGKILL)
    code, stderr = run.finish()
    assert not wait_gone(merging), "the merge's child process outlived its parent"
    # Killed in that phase (saving is short: the run may just have ended).
    assert code == -signal.SIGKILL or (when.startswith("saving") and code == 0), (code, stderr)
    assert "Traceback" not in stderr, stderr
    assert paper_count() == DUMPS * PER_DUMP
    again = papers("index", "--wait", "0")
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
    assert "rebuilt" not in again.stderr, again.stderr
    assert paper_count() == DUMPS * PER_DUMP
    hits = papers("search", "title:1234", "--json")
    assert hits.returncode == 0 and '"id"' in hits.stdout
    assert not (isolated_dirs.cache_dir / "merging").exists()  # the next merge cleared what the killed one left
