"""Exports of the user's papers: a registry of formats, one module each.

`Library.export_items()` picks what is exported (starred papers, papers with
a note, or a search's results), orders it with a `Sort` (the one vocabulary
of `reader.core.views`, shared with search) and pairs each paper with the
user's note; each format turns those items into text. A paper whose dumps
are gone is exported from the title the store kept, without an abstract.

Dates: `published` is the paper's own date, from the metadata its save
carried; `listed` is the first day it was in a Daily Papers dump. Formats
never pass the second off as the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..errors import PapersError
from ..links import paper_url
from ..models import Paper, PaperMeta, UserState
from ..text import printable
from ..views import Sort


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
    def meta(self) -> PaperMeta:
        return self.paper.meta

    @property
    def abstract(self) -> str:
        """The abstract, or "" when the paper's dumps are gone."""
        return self.paper.abstract

    @property
    def date(self) -> dt.date | None:
        """The newest dump's date (what the app's list and `--sort date` show)."""
        return self.paper.newest_date

    @property
    def published(self) -> dt.date | None:
        """The paper's own date, when its save said."""
        return self.meta.published

    @property
    def listed(self) -> dt.date | None:
        """The first day the paper was in a Daily Papers dump."""
        dates = [d.date for d in self.paper.dumps if d.date is not None]
        return min(dates) if dates else None


def file_text(text: str) -> str:
    """Outside text (a note, a title) as a text file may carry it: one kind of
    line end, and no control characters that a terminal would act on when the
    export goes to stdout (JSON formats escape them instead)."""
    return printable(text.replace("\r\n", "\n").replace("\r", "\n"))


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
