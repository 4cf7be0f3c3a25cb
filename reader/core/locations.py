"""Where papers keeps its files: platformdirs, overridable per run or by env."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "papers-reader"
ENV_DATA = "PAPERS_DATA_DIR"
ENV_CACHE = "PAPERS_CACHE_DIR"
ENV_CONFIG = "PAPERS_CONFIG_DIR"


@dataclass(frozen=True, slots=True)
class Locations:
    """The three folders: user data (never lost), cache (rebuildable), config."""

    data_dir: Path
    cache_dir: Path
    config_dir: Path

    @classmethod
    def resolve(
        cls,
        data_dir: Path | str | None = None,
        cache_dir: Path | str | None = None,
        config_dir: Path | str | None = None,
    ) -> Locations:
        """Explicit arguments win, then PAPERS_*_DIR, then the platform's dirs."""

        def pick(explicit: Path | str | None, env: str, default: str) -> Path:
            chosen = explicit or os.environ.get(env) or default
            return Path(chosen).expanduser()

        return cls(
            data_dir=pick(data_dir, ENV_DATA, platformdirs.user_data_dir(APP_NAME)),
            cache_dir=pick(cache_dir, ENV_CACHE, platformdirs.user_cache_dir(APP_NAME)),
            config_dir=pick(config_dir, ENV_CONFIG, platformdirs.user_config_dir(APP_NAME)),
        )

    @property
    def store_path(self) -> Path:
        return self.data_dir / "store.sqlite3"

    @property
    def drafts_dir(self) -> Path:
        """Notes being edited in $EDITOR (private, like the store)."""
        return self.data_dir / "drafts"

    @property
    def index_dir(self) -> Path:
        return self.cache_dir / "index"

    @property
    def catalog_path(self) -> Path:
        return self.cache_dir / "catalog.sqlite3"

    @property
    def state_path(self) -> Path:
        return self.config_dir / "state.json"

    @property
    def config_path(self) -> Path:
        return self.config_dir / "config.toml"


def privacy_problems(locations: Locations) -> list[str]:
    """The data folder and store should be readable by the user alone (they
    hold private notes). papers creates them so, but never changes the
    permissions of a folder that was already there: it says so instead."""
    problems = []
    for path, private in (
        (locations.data_dir, 0o700),
        (locations.store_path, 0o600),
        (locations.drafts_dir, 0o700),
    ):
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            problems.append(
                f"{path} can be read by other users (mode {mode:04o}); it holds your notes: chmod {private:o} {path}"
            )
    return problems


def bundled_dumps() -> Path:
    """The sample dumps shipped with the package (or beside it in a checkout)."""
    return resource_dir("sample_dumps")


def resource_dir(name: str) -> Path:
    """A data folder shipped in the wheel as reader/<name>, else the checkout's."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / name, package.parent / name):
        if candidate.is_dir():
            return candidate
    return package / name
