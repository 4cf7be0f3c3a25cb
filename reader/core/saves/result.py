"""What reading one save gives: its entries, its date and its report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..models import Entry, Problem

# Reports of one kind beyond this many in one file are summed up in one line,
# so a file of a million junk paragraphs does not make a million problems.
MAX_REPORTS_PER_KIND = 5


@dataclass(slots=True)
class ParsedDump:
    """The entries of one save and what was reported while reading it."""

    path: str
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    date: dt.date | None = None
    # How the date was found: "line" (with a year), "line+mtime" (its year
    # from the file's time), "url", "label", "published", "json", "name",
    # "mtime" (the file's time only) or "" (no date).
    date_source: str = ""
    skipped_lines: int = 0
    encoding: str = "utf-8"
    sha256: str = ""
    shape: str = ""  # what the file was read as: "json", "markdown", "lynx", "text", ...
    _counts: dict[str, int] = field(default_factory=dict)

    @property
    def readable(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def report(self, line: int, message: str, severity: str = "warning", kind: str = "") -> None:
        """Add a problem; past a few of one kind, only count them."""
        if kind:
            seen = self._counts.get(kind, 0)
            self._counts[kind] = seen + 1
            if seen >= MAX_REPORTS_PER_KIND:
                return
        self.problems.append(Problem(self.path, line, message, severity))

    def summarise_counts(self, labels: dict[str, str]) -> None:
        """One line per kind that went past the limit."""
        for kind, count in self._counts.items():
            if count > MAX_REPORTS_PER_KIND:
                label = labels.get(kind, kind)
                self.problems.append(
                    Problem(self.path, 0, f"... and {count - MAX_REPORTS_PER_KIND:,} more {label} (not shown)")
                )
