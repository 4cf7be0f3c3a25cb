"""Progress of long work (indexing, merging), as the core reports it.

Its own module, apart from `index.py`: the app's first screen and the CLI's
progress line need the type, not Whoosh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progress:
    """A step of long work, for a progress bar or line."""

    phase: str  # "scan", "read", "index", "commit", "saved" (a batch is searchable), "done"
    done: int
    total: int
    detail: str = ""


ProgressCallback = Callable[[Progress], None]
