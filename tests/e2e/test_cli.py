"""The installed `papers` command, end to end, as a script would use it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PAPERS = shutil.which("papers", path=str(Path(sys.executable).parent)) or "papers"


def papers(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PAPERS, *args], input=stdin, capture_output=True, text=True, timeout=120, env=env or dict(os.environ)
    )


def test_acceptance_flow(dumps: Path, tmp_path: Path) -> None:
    first = papers("index", str(dumps))
    assert first.returncode == 0, first.stderr
    assert "160 papers from 194 entries in 2 dumps" in first.stderr
    second = papers("index", str(dumps))
    assert "0 entries from 0 dumps" in second.stderr and "2 dumps unchanged" in second.stderr

    found = papers("search", "kv cache", "--json")
    hits = json.loads(found.stdout)
    assert len(hits) == 14
    assert {"id", "title", "score", "starred", "note", "dumps"} <= set(hits[0])
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)

    hopper = papers("search", "title:hopper", "--json")
    (paper,) = json.loads(hopper.stdout)
    assert paper["title"] == "Benchmarking and Dissecting the Nvidia Hopper GPU Architecture"
    pid = paper["id"]

    assert papers("star", pid).returncode == 0
    assert papers("note", pid, "--set", "read later").returncode == 0
    shown = json.loads(papers("show", pid, "--json").stdout)
    assert shown["starred"] is True and shown["note"] == "read later"

    shutil.rmtree(os.environ["PAPERS_CACHE_DIR"])
    assert papers("index").returncode == 0
    shown = json.loads(papers("show", pid, "--json").stdout)
    assert shown["starred"] is True and shown["note"] == "read later" and shown["abstract"]


def test_python_dash_m_is_the_same_command(dumps: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "index", str(dumps)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "160 papers" in result.stderr


def test_note_from_stdin_editor_and_clear(dumps: Path, tmp_path: Path) -> None:
    papers("index", str(dumps))
    pid = json.loads(papers("search", "title:hopper", "--json").stdout)[0]["id"]
    assert papers("note", pid, "--set", "-", stdin="line one\nline two\n").returncode == 0
    assert papers("note", pid).stdout == "line one\nline two\n"
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nprintf 'edited by editor' > \"$1\"\n")
    editor.chmod(0o755)
    env = dict(os.environ, EDITOR=str(editor))
    env.pop("VISUAL", None)
    assert papers("note", pid, "--edit", env=env).returncode == 0
    assert json.loads(papers("show", pid, "--json").stdout)["note"] == "edited by editor"
    assert papers("note", pid, "--clear").returncode == 0
    assert json.loads(papers("show", pid, "--json").stdout)["note"] is None


def test_search_builds_the_index_when_there_is_none(dumps: Path) -> None:
    papers("index", str(dumps))
    shutil.rmtree(os.environ["PAPERS_CACHE_DIR"])
    result = papers("search", "hopper", "--json")
    assert result.returncode == 0 and len(json.loads(result.stdout)) >= 1
    assert "indexing the dumps first" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("show", "nosuchid"), 1, "no paper with ID"),
        (("search", "((("), 1, "nothing to search for"),
        (("index", "/no/such/folder"), 1, "no such file or folder"),
        (("star",), 2, "required"),
        (("search", "x", "--limit", "many"), 2, "invalid int"),
    ],
)
def test_errors_are_one_line_with_exit_codes(dumps: Path, args: tuple[str, ...], code: int, message: str) -> None:
    papers("index", str(dumps))
    result = papers(*args)
    assert result.returncode == code
    assert message in result.stderr and "Traceback" not in result.stderr


def test_dirs_from_flags_and_env(dumps: Path, tmp_path: Path) -> None:
    data = tmp_path / "flagdata"
    result = papers("--data-dir", str(data), "index", str(dumps))
    assert result.returncode == 0
    pid = json.loads(papers("search", "title:hopper", "--json").stdout)[0]["id"]
    assert papers("star", pid, "--data-dir", str(data)).returncode == 0
    assert (data / "store.sqlite3").exists()
    stats = json.loads(papers("stats", "--json", "--data-dir", str(data)).stdout)
    assert stats["starred"] == 1 and stats["papers"] == 160
    assert json.loads(papers("stats", "--json").stdout)["starred"] == 0


def test_dump_locations_are_remembered(dumps: Path) -> None:
    papers("index", str(dumps))
    stats = json.loads(papers("stats", "--json").stdout)
    assert stats["dump_locations"] == [str(dumps.resolve())]


def test_reader_without_a_terminal_says_so(dumps: Path) -> None:
    result = papers(str(dumps))
    assert result.returncode == 1 and "needs a terminal" in result.stderr
