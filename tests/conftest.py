"""Shared fixtures. Tests never touch the real user folders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.config import Config
from reader.core.library import Library
from reader.core.locations import Locations
from reader.tui.app import PapersApp

MakeApp = Callable[..., PapersApp]

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_dumps"
FIXED_MTIME = 1_710_936_000  # 2024-03-20 12:00 UTC

# Snapshots must have colour whatever the developer's shell says.
os.environ.pop("NO_COLOR", None)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Locations:
    """Point the data, cache and config dirs at tmp_path for every test."""
    locations = Locations(tmp_path / "data", tmp_path / "cache", tmp_path / "config")
    monkeypatch.setenv("PAPERS_DATA_DIR", str(locations.data_dir))
    monkeypatch.setenv("PAPERS_CACHE_DIR", str(locations.cache_dir))
    monkeypatch.setenv("PAPERS_CONFIG_DIR", str(locations.config_dir))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return locations


@pytest.fixture
def dumps(tmp_path: Path) -> Path:
    """A private copy of the sample dumps (tests may change it)."""
    target = tmp_path / "dumps"
    shutil.copytree(SAMPLES, target)
    for dump in target.iterdir():
        # A fixed file time: the undated sample takes its date from it.
        os.utime(dump, (FIXED_MTIME, FIXED_MTIME))
    return target


@pytest.fixture
def library(isolated_dirs: Locations, dumps: Path) -> Library:
    """A Library with the sample dumps indexed."""
    lib = Library(isolated_dirs)
    lib.index([dumps])
    return lib


@pytest.fixture
def make_app(isolated_dirs: Locations, dumps: Path) -> MakeApp:
    """An app on the indexed sample dumps (no start-up indexing unless asked)."""

    def make(index: bool = True, index_on_start: bool = False, config: Config | None = None) -> PapersApp:
        library = Library(isolated_dirs)
        if index:
            library.index([dumps])
        return PapersApp(library, config=config or Config(), index_on_start=index_on_start)

    return make
