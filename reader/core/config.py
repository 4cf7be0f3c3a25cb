"""User config (config.toml, edited by hand) and app state (state.json)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .errors import PapersError

STATE_VERSION = 1


@dataclass(slots=True)
class Config:
    """What the user set in config.toml: key bindings and theme."""

    keys: dict[str, str] = field(default_factory=dict)
    theme: str | None = None

    @classmethod
    def load(cls, path: Path) -> Config:
        """Read config.toml; a missing file is the default config."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls()
        except OSError as error:
            raise PapersError(f"{path}: cannot read config: {error.strerror}") from error
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise PapersError(f"{path}: not valid TOML: {error}") from error
        keys = data.get("keys", {})
        if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
            raise PapersError(f'{path}: [keys] must map action names to key strings, e.g. star = "s"')
        theme = data.get("theme")
        return cls(keys={str(k): v for k, v in keys.items()}, theme=theme if isinstance(theme, str) else None)


@dataclass(slots=True)
class State:
    """What the program remembers between runs: dump locations, theme."""

    dumps: list[str] = field(default_factory=list)
    theme: str | None = None

    @classmethod
    def load(cls, path: Path) -> State:
        """Read state.json; an unreadable file is ignored (it is only a memory)."""
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        dumps = data.get("dumps", [])
        theme = data.get("theme")
        return cls(
            dumps=[d for d in dumps if isinstance(d, str)] if isinstance(dumps, list) else [],
            theme=theme if isinstance(theme, str) else None,
        )

    def save(self, path: Path) -> None:
        payload = {"version": STATE_VERSION, "dumps": self.dumps, "theme": self.theme}
        write_atomic(path, json.dumps(payload, indent=2) + "\n")
