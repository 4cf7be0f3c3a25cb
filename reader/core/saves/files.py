"""Which files of a folder are saves."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..models import Problem

# Inside folders only these are read; a file named on its own is read whatever its name.
SAVE_SUFFIXES = (".txt", ".md", ".markdown", ".json")


def find_dump_files(locations: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders into save files, in name order, once each.

    Folders are walked recursively following symlinks, but a folder is never
    entered twice (symlink loops). Files named on their own are taken whatever
    their extension; inside folders only `.txt`, `.md`, `.markdown` and
    `.json` files are saves.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    seen_files: set[Path] = set()
    for location in locations:
        if location.is_file():
            resolved = location.resolve()
            if resolved not in seen_files:
                seen_files.add(resolved)
                found.append(location)
            continue
        if not location.is_dir():
            problems.append(Problem(str(location), 0, "no such file or folder", "error"))
            continue
        files, folder_problems = _walk(location)
        problems.extend(folder_problems)
        for file in files:
            resolved = file.resolve()
            if resolved not in seen_files:
                seen_files.add(resolved)
                found.append(file)
    return found, problems


def _walk_folders(root: Path, on_error: Callable[[OSError], None]) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk(root, followlinks=True) without recursion: Python 3.11's
    os.walk recurses, so a folder 1,000 deep raised RecursionError. As with
    os.walk, the caller may prune or reorder `dirs` before the next step."""
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        dirs: list[str] = []
        names: list[str] = []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()  # follows links, like followlinks=True
                    except OSError:
                        is_dir = False
                    (dirs if is_dir else names).append(entry.name)
        except OSError as error:
            on_error(error)
            continue
        yield folder, dirs, names
        stack.extend(os.path.join(folder, name) for name in reversed(dirs))


def _walk(root: Path) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    ignored: list[str] = []
    visited: set[tuple[int, int]] = set()

    def on_error(error: OSError) -> None:
        problems.append(Problem(str(error.filename or root), 0, f"cannot read folder: {error.strerror}", "error"))

    for folder, dirs, names in _walk_folders(root, on_error):
        try:
            stat = os.stat(folder)
        except OSError:
            dirs[:] = []
            continue
        if (stat.st_dev, stat.st_ino) in visited:
            dirs[:] = []  # a symlink loop or a second link to the same folder
            continue
        visited.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(folder, name)
            if name.lower().endswith(SAVE_SUFFIXES):
                if path.is_file():
                    files.append(path)
                else:
                    problems.append(Problem(str(path), 0, "not a readable file (broken link?)", "error"))
            else:
                ignored.append(str(path.relative_to(root)))
    if ignored:
        example = ", ".join(ignored[:3]) + (", ..." if len(ignored) > 3 else "")
        kinds = ", ".join(SAVE_SUFFIXES)
        problems.append(
            Problem(str(root), 0, f"ignored {len(ignored)} file(s) that are not {kinds}: {example}", "info")
        )
    files.sort(key=lambda p: str(p.relative_to(root)))
    return files, problems
