"""Dates as a saved page writes them, and which one dates the page.

The page's date comes from its header (`Mar 14`, `Mar 8, 2024`), a weekly or
monthly label, a `/papers/date/YYYY-MM-DD` address, or `Published on` when it
is the only date; never from a card's published date. A date without a year
takes the latest year that does not put it after the file's time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
# `Mar 14`, `Mar 8, 2024`, `14 March 2024`, then maybe a comment count (`Mar 11 6`).
_TAIL = r"(?:\s+(?P<tail>\d{1,5}))?$"
MONTH_DAY = (
    re.compile(rf"^{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?{_TAIL}"),
    re.compile(rf"^{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?{_TAIL}"),
)
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WEEK = re.compile(
    r"^(?:week\s+(?P<week>\d{1,2})(?:,?\s+(?P<year>\d{4}))?|(?P<iyear>\d{4})-?w(?P<iweek>\d{1,2}))$", re.I
)
_MONTH_LABEL = re.compile(rf"^{_MONTH}\s+{_YEAR}$|^(?P<iyear>\d{{4}})-(?P<imonth>\d{{2}})$")
_RANGE = re.compile(r"^(?P<first>.+?)\s*(?:[-–—]|to)\s*(?P<second>.+)$")
PAGE_URL = re.compile(r"/papers/(?P<kind>date|week|month)/(?P<value>\d{4}-(?:W?\d{1,2})(?:-\d{2})?)", re.I)


def _month(name: str) -> int | None:
    return _MONTHS.get(name.casefold())


def latest_not_after(month: int, day: int, reference: dt.date) -> dt.date | None:
    """The latest `month`/`day` that is not after `reference`."""
    for year in (reference.year, reference.year - 1, reference.year - 2, reference.year - 3, reference.year - 4):
        try:
            date = dt.date(year, month, day)
        except ValueError:  # 29 Feb in a common year: try the years before
            continue
        if date <= reference:
            return date
    return None


@dataclass(frozen=True, slots=True)
class MonthDay:
    """A date as written: month and day, a year when the page gave one."""

    month: int
    day: int
    year: int | None
    tail: int | None = None  # a number glued on: the comment count

    def resolve(self, reference: dt.date) -> dt.date | None:
        if self.year is not None:
            try:
                return dt.date(self.year, self.month, self.day)
            except ValueError:
                return None
        return latest_not_after(self.month, self.day, reference)


def read_month_day(text: str) -> MonthDay | None:
    """`Mar 14`, `March 14, 2024`, `14 Mar 2024`, `Mar 11 6`, or `2024-03-14`."""
    text = text.strip()
    iso = ISO_DATE.fullmatch(text)
    if iso:
        try:
            dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            return None
        return MonthDay(int(iso[2]), int(iso[3]), int(iso[1]))
    match = MONTH_DAY[0].match(text) or MONTH_DAY[1].match(text)
    if not match:
        return None
    month = _month(match["month"])
    if month is None:
        return None
    day = int(match["day"])
    year = int(match["year"]) if match["year"] else None
    try:
        dt.date(year or 2024, month, day)  # 2024 allows 29 Feb
    except ValueError:
        return None
    return MonthDay(month, day, year, int(match["tail"]) if match["tail"] else None)


def parse_date_line(line: str, reference: dt.date) -> tuple[dt.date | None, bool]:
    """Read `Mar 14`, `March 14, 2024` or `2024-03-14`.

    Returns the date and whether the line gave a year. Without a year, the
    date is the latest such date not after `reference` (the file's time).
    """
    found = read_month_day(line)
    if found is None or found.tail is not None:
        return None, False
    return found.resolve(reference), found.year is not None


@dataclass(frozen=True, slots=True)
class PeriodLabel:
    """A weekly or monthly page's label: dated by the period's first day."""

    start: MonthDay


def read_period_label(text: str) -> PeriodLabel | None:
    """`Week 11`, `Week 11, 2024`, `2024-W11`, `March 2024`, `2024-03`, or a
    range `Mar 11 - Mar 17` / `Mar 11 - 17, 2024`."""
    text = text.strip()
    week = _WEEK.match(text)
    if week:
        number = int(week["week"] or week["iweek"])
        year_text = week["year"] or week["iyear"]
        year = int(year_text) if year_text else None
        try:
            monday = dt.date.fromisocalendar(year or 2024, number, 1)
        except ValueError:
            return None
        return PeriodLabel(MonthDay(monday.month, monday.day, year))
    month = _MONTH_LABEL.match(text)
    if month:
        if month["iyear"]:
            number = int(month["imonth"])
            return PeriodLabel(MonthDay(number, 1, int(month["iyear"]))) if 1 <= number <= 12 else None
        name = _month(month["month"])
        return PeriodLabel(MonthDay(name, 1, int(month["year"]))) if name else None
    span = _RANGE.match(text)
    if span and len(text) < 40:
        first = read_month_day(span["first"])
        second = read_month_day(span["second"])
        if second is None and span["second"].strip().rstrip(",").split(",")[0].strip().isdigit() and first:
            # `Mar 11 - 17, 2024`: the year stands after the second day.
            found = re.search(r"\d{4}", span["second"])
            return PeriodLabel(MonthDay(first.month, first.day, first.year or (int(found[0]) if found else None)))
        if first and second and first.tail is None:
            return PeriodLabel(MonthDay(first.month, first.day, first.year or second.year))
    return None


def page_url_date(url: str) -> dt.date | None:
    """The date of a `/papers/date/…`, `/papers/week/…` or `/papers/month/…` address."""
    match = PAGE_URL.search(url)
    if not match:
        return None
    value = match["value"]
    try:
        if match["kind"].lower() == "date":
            year, month, day = (int(part) for part in value.split("-"))
            return dt.date(year, month, day)
        if match["kind"].lower() == "week":
            year_text, week_text = value.upper().split("-W") if "-W" in value.upper() else (value[:4], value[5:])
            return dt.date.fromisocalendar(int(year_text), int(week_text), 1)
        year, month = (int(part) for part in value.split("-")[:2])
        return dt.date(year, month, 1)
    except ValueError:
        return None


def date_from_name(name: str) -> dt.date | None:
    match = ISO_DATE.search(name)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


@dataclass(slots=True)
class DateClues:
    """Every hint at the page's date met while reading, decided at the end."""

    header: MonthDay | None = None  # the first date line in the page's header
    header_line: int = 0
    label: MonthDay | None = None  # a weekly or monthly label
    published_on: set[dt.date] = field(default_factory=set)  # `Published on` dates (resolved later)
    published_raw: list[MonthDay] = field(default_factory=list)
    urls: Counter[dt.date] = field(default_factory=Counter)  # page addresses not behind Previous/Next
    neighbours: list[tuple[str, dt.date]] = field(default_factory=list)  # ("previous"/"next", date)

    def decide(self, mtime: dt.date) -> tuple[dt.date | None, str]:
        """The page's date and where it came from ('' when there is none)."""
        near = self._url_dates()
        for written, source in ((self.header, "line"), (self.label, "label")):
            if written is None:
                continue
            if written.year is not None:
                return written.resolve(mtime), source
            for known in near:  # an address on the page gives the year
                for year in (known.year, known.year - 1, known.year + 1):
                    try:
                        candidate = dt.date(year, written.month, written.day)
                    except ValueError:
                        continue
                    if abs((candidate - known).days) <= 10:
                        return candidate, source
            return written.resolve(mtime), f"{source}+mtime"
        if near:
            return near[0], "url"
        resolved = {raw.resolve(mtime) for raw in self.published_raw}
        if len(resolved) == 1:
            (only,) = resolved
            if only is not None:
                with_year = all(raw.year is not None for raw in self.published_raw)
                return only, "published" if with_year else "published+mtime"
        return None, ""

    def _url_dates(self) -> list[dt.date]:
        """Page addresses, most frequent first; else the day between Previous and Next."""
        if self.urls:
            return [date for date, _ in self.urls.most_common()]
        previous = [d for kind, d in self.neighbours if kind == "previous"]
        following = [d for kind, d in self.neighbours if kind == "next"]
        if previous and following and (min(following) - max(previous)).days == 2:
            return [max(previous) + dt.timedelta(days=1)]
        return []
