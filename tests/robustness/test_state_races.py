"""What papers remembers (state.json): real processes racing to change it,
a file that cannot be read, and `papers folders`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from reader.core.locations import Locations
from tests.e2e.terminal_bytes import run_on_pty
from tests.e2e.test_cli import PAPERS, papers

ABSTRACT = (
    "This abstract is long enough to be an abstract: it describes a method, the data it was tried on, and "
    "what was found, in a paragraph of ordinary words that no title would ever hold."
)


def dump_folder(root: Path, name: str, papers_in_it: int = 2) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    text = "\n\n".join(f"Paper {index} From Folder {name}\n\n{ABSTRACT}" for index in range(papers_in_it))
    (folder / f"{name}.txt").write_text(text + "\n")
    return folder


def remembered() -> list[str]:
    return [entry["path"] for entry in json.loads(papers("folders", "--json").stdout)]


@pytest.mark.slow
def test_indexers_started_together_keep_every_folder(tmp_path: Path, isolated_dirs: Locations) -> None:
    folders: list[Path] = []
    for round_number in range(2):
        batch = [dump_folder(tmp_path, f"r{round_number}f{number}") for number in range(6)]
        folders.extend(batch)
        runs = [
            subprocess.Popen([PAPERS, "index", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for folder in batch
        ]
        assert [run.wait(timeout=300) for run in runs] == [0] * len(runs)
        kept = json.loads(isolated_dirs.state_path.read_text())["dumps"]
        assert sorted(kept) == sorted(str(folder.resolve()) for folder in folders)
    assert json.loads(papers("stats", "--json").stdout)["papers"] == 2 * len(folders)


@pytest.mark.parametrize(
    "garbage",
    [b'{"dumps": ["/home/me/pap', b"\xff\xfe not text", b'["a list"]', b'{"dumps": "one folder"}'],
    ids=["cut-short", "not-utf8", "a-list", "dumps-text"],
)
def test_an_unreadable_state_file_is_refused_and_kept(dumps: Path, isolated_dirs: Locations, garbage: bytes) -> None:
    assert papers("index", str(dumps)).returncode == 0
    isolated_dirs.state_path.write_bytes(garbage)
    args: tuple[str, ...]
    for args in (("index",), ("index", str(dumps)), ("folders",), ("folders", "add", str(dumps))):
        result = papers(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert f"{isolated_dirs.state_path}: cannot be read" in result.stderr and "left untouched" in result.stderr
        assert "Traceback" not in result.stderr
    for args in ((), (str(dumps),)):
        app = run_on_pty(*args, stdin_tty=True)
        assert app.code == 1 and b"cannot be read" in app.output, app.output
    assert isolated_dirs.state_path.read_bytes() == garbage
    # The index still holds the library: it was not swapped for the samples.
    assert len(json.loads(papers("search", "*", "--limit", "0", "--json").stdout)) == 160


def test_folders_list_add_and_forget(dumps: Path, tmp_path: Path) -> None:
    other = dump_folder(tmp_path, "other")
    listed = papers("folders")
    assert listed.stdout == "" and "bundled samples" in listed.stderr
    added = papers("folders", "add", str(dumps), str(other))
    assert added.returncode == 0 and added.stderr.count("remembered:") == 2
    assert remembered() == [str(dumps.resolve()), str(other.resolve())]
    assert "already remembered" in papers("folders", "add", str(other)).stderr
    assert papers("index").returncode == 0
    assert json.loads(papers("stats", "--json").stdout)["papers"] == 162

    missing = papers("folders", "add", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "no such file or folder" in missing.stderr
    unknown = papers("folders", "forget", str(tmp_path / "nowhere"))
    assert unknown.returncode == 1 and "not a remembered folder" in unknown.stderr

    os.rename(other, tmp_path / "moved")  # a folder that is gone can still be forgotten by name
    assert "(missing)" in papers("folders").stdout
    forgot = papers("folders", "forget", str(other.resolve()))
    assert forgot.returncode == 0 and "forgotten:" in forgot.stderr
    assert remembered() == [str(dumps.resolve())]
    assert papers("index").returncode == 0
    assert json.loads(papers("stats", "--json").stdout)["papers"] == 160
