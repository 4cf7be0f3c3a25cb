"""Deadlines for searches: a keystroke must never wait on a slow query.

Its own module, apart from `search.py`: the library's signatures need the
defaults, not Whoosh.
"""

from __future__ import annotations

import time

# Seconds a search may take (expanding wildcards and fuzzy terms, then
# collecting hits) before it returns what it has found; and the "did you
# mean" step. Generous for a normal query, which takes well under a second
# on 100k papers (docs/benchmarks.md).
SEARCH_BUDGET = 3.0
SUGGEST_BUDGET = 1.0


class Budget:
    """A deadline for one search (None: no limit)."""

    def __init__(self, seconds: float | None) -> None:
        self.deadline = time.monotonic() + seconds if seconds is not None else float("inf")
        self.ran_out = False

    def over(self) -> bool:
        if not self.ran_out and time.monotonic() > self.deadline:
            self.ran_out = True
        return self.ran_out

    def share(self, fraction: float) -> Budget:
        """A budget ending `fraction` of the way from now to this deadline."""
        part = Budget(None)
        if self.deadline != float("inf"):
            now = time.monotonic()
            part.deadline = now + max(0.0, self.deadline - now) * fraction
        return part
