"""User config (config.toml, edited by hand) and app state (state.json).

state.json holds what the program remembers (the dump folders, the theme,
the app's last view: query, sort, filter and day).
Two processes may change it at once (`papers index A` and `papers index B`),
so every change is a read-modify-write under an exclusive lock on a file
beside it. A state file that cannot be read is refused and kept, never
replaced by an empty one: it may hold the only list of the user's folders.

config.toml holds cosmetic settings only (keys, theme). Nothing in it may
stop the program: each wrong setting is reported and left out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import tomllib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .errors import PapersError

STATE_VERSION = 1
STATE_LOCK_WAIT = 10.0


@dataclass(slots=True)
class Config:
    """What the user set in config.toml: key bindings and theme, and what
    was wrong in it (each problem one line naming the file and setting)."""

    keys: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    problems: list[str] = field(default_factory=list)
    path: Path | None = None

    @classmethod
    def load(cls, path: Path) -> Config:
        """Read config.toml; a missing file is the default config, and a
        wrong one is the default config with its problems listed."""
        config = cls(path=path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return config
        except OSError as error:
            config.problems.append(f"{path}: cannot read the config ({error.strerror}); using the defaults")
            return config
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            config.problems.append(f"{path}: not UTF-8 text; using the default keys and theme")
            return config
        except tomllib.TOMLDecodeError as error:
            config.problems.append(f"{path}: not valid TOML ({error}); using the default keys and theme")
            return config
        for name in data:
            if name not in {"keys", "theme"}:
                config.problems.append(f"{path}: unknown setting {name!r} (known: theme, [keys]); ignored")
        keys = data.get("keys", {})
        if not isinstance(keys, dict):
            config.problems.append(f'{path}: keys must be a [keys] table of command = "key" lines; ignored')
            keys = {}
        for command, value in keys.items():
            if isinstance(value, str):
                config.keys[str(command)] = value
            else:
                config.problems.append(
                    f'{path}: [keys] {command} must be a key in quotes, e.g. {command} = "s"; '
                    f"got {_kind(value)}, kept the default"
                )
        theme = data.get("theme")
        if theme is not None and not isinstance(theme, str):
            config.problems.append(f'{path}: theme must be a theme name in quotes, e.g. theme = "nord"; ignored')
        elif isinstance(theme, str):
            config.theme = theme
        return config

    def where(self) -> str:
        return str(self.path) if self.path else "config.toml"


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


# Key strings ---------------------------------------------------------------
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_KEY_PART = re.compile(r"^[^\s,]+$")

# KeyName: the canonical name of a key as the app's toolkit knows it, or None
# if the toolkit has no such key ("notakey").
KeyName = Callable[[str], str | None]


def parse_keys(text: str, key_name: KeyName) -> tuple[list[str], str | None]:
    """A comma-separated key list as canonical names, or the reason it is wrong."""
    if not text.strip():
        return [], "is empty"
    keys: list[str] = []
    for part in text.split(","):
        key = part.strip()
        if not key:
            return [], 'has an empty key (a comma on its own: write "comma" for the comma key)'
        if not _KEY_PART.match(key):
            return [], f"{key!r} is not one key (several keys are separated by commas)"
        *modifiers, base = key.split("+")
        if not base:
            return [], f'{key!r} has no key after "+" (write "plus" for the plus key)'
        wrong = [m for m in modifiers if m not in MODIFIERS]
        if wrong:
            return [], f"{key!r}: {wrong[0]!r} is not a modifier (known: {', '.join(MODIFIERS)})"
        name = key_name(base)
        if name is None:
            return [], f"{base!r} is not a key name (examples: s, ctrl+s, f5, enter, question_mark)"
        keys.append("+".join([*modifiers, name]))
    return keys, None


def check_keys(
    config: Config,
    defaults: Mapping[str, str],
    reserved: Mapping[str, str],
    key_name: KeyName,
    known: Sequence[str] | None = None,
) -> tuple[dict[str, str], list[str]]:
    """The key bindings that can be used, and a line per one that cannot.

    `defaults` are command IDs with their built-in keys; `reserved` maps keys
    that no command may take (moving in the list, the palette) to what they
    do. A binding is left out (its command keeps its default key) when the
    key string is wrong, the command is unknown, or a key would be taken
    from navigation or from another command that keeps it. `known`: every
    command (defaults are one screen's); one of another screen is skipped.
    """
    where = config.where()
    problems: list[str] = []
    wanted: dict[str, list[str]] = {}
    commands = list(defaults) if known is None else list(known)
    for command, text in config.keys.items():
        if command not in defaults:
            if command not in commands:
                problems.append(
                    f"{where}: [keys] {command!r} is not a command (commands: {', '.join(commands)}); ignored"
                )
            continue
        keys, reason = parse_keys(text, key_name)
        if reason:
            problems.append(f"{where}: [keys] {command} = {text!r}: {reason}; kept {defaults[command]!r}")
            continue
        wanted[command] = keys
    reserved_names = {}
    for key, what in reserved.items():
        for name in parse_keys(key, key_name)[0]:
            reserved_names[name] = what
    default_keys = {command: parse_keys(text, key_name)[0] for command, text in defaults.items()}
    # A binding that cannot be used gives its command back its default key,
    # which may clash with a binding accepted before it: repeat until stable.
    rejected: dict[str, tuple[str, str]] = {}
    while True:
        holders: dict[str, str] = {}
        for command, keys in default_keys.items():
            if command not in wanted or command in rejected:
                for key in keys:
                    holders.setdefault(key, command)
        accepted: dict[str, str] = {}
        newly = False
        for command, keys in wanted.items():
            if command in rejected:
                continue
            clash = next(((key, reserved_names[key]) for key in keys if key in reserved_names), None)
            if clash is None:
                clash = next(((key, f"the key of {holders[key]!r}") for key in keys if key in holders), None)
            if clash is not None:
                rejected[command] = clash
                newly = True
                break
            for key in keys:
                holders[key] = command
            accepted[command] = ",".join(keys)
        if not newly:
            break
    for command, (key, owner) in rejected.items():
        problems.append(
            f"{where}: [keys] {command} = {config.keys[command]!r}: {key!r} is already {owner}; "
            f"kept {defaults[command]!r}"
        )
    return accepted, problems


def check_theme(theme: str | None, available: set[str], where: str) -> tuple[str | None, str | None]:
    """The theme if the app has it, else None and what is wrong."""
    if theme is None or theme in available:
        return theme, None
    names = ", ".join(sorted(available))
    return None, f"{where}: theme {theme!r} is not a theme (themes: {names}); ignored"


# State ------------------------------------------------------------------------
# A remembered query longer than this is not a query someone typed.
MAX_VIEW_QUERY = 10_000


@dataclass(frozen=True, slots=True)
class SavedView:
    """The app's view when it was left: the query text, the sort and filter
    names (views.py), the dump day shown (None: every day)."""

    query: str = ""
    sort: str = ""
    filter: str = ""
    day: dt.date | None = None

    def to_json(self) -> dict[str, str | None]:
        return {
            "query": self.query,
            "sort": self.sort,
            "filter": self.filter,
            "day": self.day.isoformat() if self.day else None,
        }

    @classmethod
    def from_json(cls, path: Path, data: object) -> SavedView:
        """The "view" entry of state.json; a wrong one is refused naming the field."""
        if not isinstance(data, dict):
            raise _refused(path, '"view" must be an object with query, sort, filter and day')
        texts = {}
        for name in ("query", "sort", "filter"):
            value = data.get(name, "")
            if not isinstance(value, str):
                raise _refused(path, f'"view"."{name}" must be text')
            texts[name] = value
        if len(texts["query"]) > MAX_VIEW_QUERY:
            raise _refused(path, f'"view"."query" is longer than {MAX_VIEW_QUERY} characters')
        day = data.get("day")
        if day is not None:
            try:
                day = dt.date.fromisoformat(day) if isinstance(day, str) else None
            except ValueError:
                day = None
            if day is None:
                raise _refused(path, '"view"."day" must be a day like "2024-03-14", or null')
        return cls(texts["query"], texts["sort"], texts["filter"], day)

    def usable(self, sorts: Collection[str], filters: Collection[str]) -> tuple[SavedView, list[str]]:
        """This view with a sort or filter this papers does not know (it was
        renamed, or the view was left by another version) set back to the
        default, and a line saying so for each."""
        notices = []
        view = self
        if view.sort and view.sort not in sorts:
            notices.append(f"the remembered sort {view.sort!r} is not one this papers knows; sorted by default")
            view = replace(view, sort="")
        if view.filter and view.filter not in filters:
            notices.append(f"the remembered filter {view.filter!r} is not one this papers knows; showing all")
            view = replace(view, filter="")
        return view, notices


@dataclass(slots=True)
class State:
    """What the program remembers between runs: dump locations, theme, the app's last view."""

    dumps: list[str] = field(default_factory=list)
    theme: str | None = None
    view: SavedView | None = None
    # A wrong view is cosmetic: it never stops indexing or the app (the
    # folders are what matters); it is reported and the next view replaces it.
    view_problem: str = ""

    @classmethod
    def load(cls, path: Path) -> State:
        """Read state.json; a missing file is an empty state. A file that
        cannot be read is a PapersError: it is kept as it is."""
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            return cls()
        except OSError as error:
            raise _refused(path, error.strerror or str(error)) from error
        except UnicodeDecodeError:
            raise _refused(path, "not UTF-8 text") from None
        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as error:
            raise _refused(path, f"line {error.lineno}: not valid JSON ({error.msg})") from None
        except RecursionError:
            raise _refused(path, "nested too deeply") from None
        if not isinstance(data, dict):
            raise _refused(path, "not a JSON object")
        version = data.get("version", STATE_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version > STATE_VERSION:
            raise _refused(path, f"version {version!r} is not one this papers knows ({STATE_VERSION})")
        dumps = data.get("dumps", [])
        if not isinstance(dumps, list) or not all(isinstance(d, str) for d in dumps):
            raise _refused(path, '"dumps" must be a list of folder names')
        theme = data.get("theme")
        if theme is not None and not isinstance(theme, str):
            raise _refused(path, '"theme" must be a theme name')
        view, problem = data.get("view"), ""
        try:
            view = None if view is None else SavedView.from_json(path, view)
        except PapersError as error:
            view, problem = None, str(error)
        return cls(dumps=list(dumps), theme=theme, view=view, view_problem=problem)

    def save(self, path: Path) -> None:
        """Write the whole state (callers change it through `update_state`)."""
        payload: dict[str, object] = {"version": STATE_VERSION, "dumps": self.dumps, "theme": self.theme}
        if self.view is not None:
            payload["view"] = self.view.to_json()
        try:
            write_atomic(path, json.dumps(payload, indent=2) + "\n")
        except OSError as error:
            raise PapersError(f"{path}: cannot save what papers remembers ({error.strerror})") from error


def _refused(path: Path, reason: str) -> PapersError:
    return PapersError(
        f"{path}: cannot be read ({reason}). It holds the remembered dump folders and was left untouched; "
        "fix it, or move it away to start again (then `papers folders add FOLDER`)"
    )


@contextlib.contextmanager
def state_lock(path: Path) -> Iterator[None]:
    """An exclusive lock for a read-modify-write of the state file, held by
    an flock (released by the kernel if the process dies)."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError as error:
        raise PapersError(f"{lock_path}: cannot lock what papers remembers ({error.strerror})") from error
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def update_state(path: Path, change: Callable[[State], None]) -> State:
    """Read the state, change it and save it, under the lock: a change made
    by another process meanwhile is never overwritten."""
    with state_lock(path):
        state = State.load(path)
        before = (list(state.dumps), state.theme, state.view)
        change(state)
        if (state.dumps, state.theme, state.view) != before:
            state.save(path)
        return state


def folder_key(path: Path) -> str:
    """How a dump location is remembered: absolute, with links resolved."""
    return str(path.expanduser().resolve())


def remember_folders(path: Path, folders: list[Path]) -> list[str]:
    """Add dump locations (once each); returns the ones that were new."""
    added: list[str] = []

    def add(state: State) -> None:
        for folder in folders:
            key = folder_key(folder)
            if key not in state.dumps:
                state.dumps.append(key)
                added.append(key)

    update_state(path, add)
    return added


def forget_folders(path: Path, folders: list[str]) -> list[str]:
    """Forget remembered locations given as remembered or as a path; an
    unknown one is an error and nothing is forgotten."""
    removed: list[str] = []

    def forget(state: State) -> None:
        wanted = []
        for given in folders:
            key = given if given in state.dumps else folder_key(Path(given))
            if key not in state.dumps:
                raise PapersError(f"{given}: not a remembered folder (see `papers folders`); nothing was forgotten")
            wanted.append(key)
        for key in wanted:
            if key in state.dumps:
                state.dumps.remove(key)
                removed.append(key)

    update_state(path, forget)
    return removed


def remember_theme(path: Path, theme: str) -> None:
    def change(state: State) -> None:
        state.theme = theme

    update_state(path, change)


def remember_view(path: Path, view: SavedView) -> None:
    """Remember the app's view for its next start (the rest of the state is kept)."""

    def change(state: State) -> None:
        state.view = view

    update_state(path, change)


def last_view(path: Path) -> SavedView | None:
    """The view the app was left on (None: none remembered). A state file
    that cannot be read is a PapersError naming it, and is kept as it is."""
    state = State.load(path)
    if state.view_problem:
        raise PapersError(state.view_problem)
    return state.view
