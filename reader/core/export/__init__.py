"""Exports of the user's papers: a registry of formats, one module each.

`Library.export_items()` picks what is exported (starred papers, papers with
a note, or a search's results), orders it with a `Sort` (the one vocabulary
of `reader.core.views`, shared with search) and pairs each paper with the
user's note; each format turns those items into text. A paper whose dumps
are gone is exported from the title the store kept, and says its abstract is
not available.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..errors import PapersError
from ..links import paper_url
from ..models import Paper, UserState
from ..views import Sort

NO_ABSTRACT = "(abstract not available: the dump this paper came from was removed)"


@dataclass(frozen=True, slots=True)
class Options:
    """How the user asked for an export: the order, and (Markdown) grouping."""

    sort: Sort = Sort.RELEVANCE
    group_by_date: bool = False


class Scope(StrEnum):
    """What an export covers."""

    STARRED = "starred"
    NOTED = "noted"
    RESULTS = "results"


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One paper with what the user added to it."""

    paper: Paper
    state: UserState

    @property
    def url(self) -> str:
        return paper_url(self.paper)

    @property
    def abstract(self) -> str:
        return self.paper.abstract or NO_ABSTRACT

    @property
    def date(self) -> dt.date | None:
        return self.paper.newest_date


Renderer = Callable[[Sequence[ExportItem], Options], str]


@dataclass(frozen=True, slots=True)
class Format:
    """A registered export format."""

    name: str
    extension: str
    description: str
    render: Renderer


FORMATS: dict[str, Format] = {}
# The names, known without importing every format (and its library): the
# command line lists them in its help. A test keeps this equal to FORMATS.
FORMAT_NAMES = ("markdown", "bibtex", "ris", "csljson", "csv", "json")


def register(name: str, extension: str, description: str) -> Callable[[Renderer], Renderer]:
    """Decorator: make a render function an export format."""

    def add(render: Renderer) -> Renderer:
        FORMATS[name] = Format(name, extension, description, render)
        return render

    return add


def get_format(name: str) -> Format:
    _load_all()
    try:
        return FORMATS[name]
    except KeyError:
        raise PapersError(f"unknown export format {name!r}; choose from {', '.join(format_names())}") from None


def format_names() -> list[str]:
    _load_all()
    return list(FORMATS)


def _load_all() -> None:
    # Importing a format module registers it.
    from . import bibtex, csljson, csvfile, jsonfile, markdown, ris  # noqa: F401
