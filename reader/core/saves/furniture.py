"""The page's furniture: lines that are not a title or an abstract.

Site chrome (menus, the header, the footer) is dropped; card furniture
(submitter, upvotes, authors, organisation, dates, links) is kept as data
for the card it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import MonthDay, PeriodLabel, read_month_day, read_period_label


def key(text: str) -> str:
    """A line compared without case, spaces or punctuation."""
    return re.sub(r"[\W_]+", "", text.casefold())


# Site chrome, compared by `key`. Several are also words of the daily page's
# header and tabs; they mark a file as a saved Daily Papers page.
PAGE_WORDS = frozenset(
    {
        "gettrendingpapersinyouremailinbox",
        "gettrendingpapersinyouremailinboxonceaday",
        "dailypapers",
        "byakandtheresearchcommunity",
        "byak",
        "andtheresearchcommunity",
        "trendingpapers",
        "trendingpapersrankedbygithubstarsactivity",
        "dailyweeklymonthly",
        "dailypapershuggingface",
        "yourdailydoseofairesearchfromak",
        "huggingface",
        "huggingfaceslogo",
        "huggingfaceslogohuggingface",
    }
)
CHROME_WORDS = PAGE_WORDS | frozenset(
    {
        "new",
        "subscribe",
        "papers",
        "trending",
        "previous",
        "next",
        "previousnext",
        "daily",
        "weekly",
        "monthly",
        "models",
        "datasets",
        "spaces",
        "buckets",
        "bucketsnew",
        "docs",
        "enterprise",
        "pricing",
        "login",
        "signup",
        "loginsignup",
        "community",
        "posts",
        "solutions",
        "website",
        "tasks",
        "learn",
        "discord",
        "forum",
        "menu",
        "search",
        "searchanypaperwithai",
        "searchmodelsdatasetsusers",
        "submit",
        "submitpaper",
        "submitapaper",
        "excerpt",
        "references",
        "visiblelinks",
        "hiddenlinks",
        "upvote",
        "upvoted",
        "viewall",
        "loadmore",
        "showmore",
        "seemore",
        "mostrecent",
        "mostupvoted",
        "sortby",
        "by",
        "ak",
        "button",
        "image",
        "skiptocontent",
        "skiptomaincontent",
        "githubstars",
        "paperpage",
        "arxivpage",
        "pdf",
        "code",
        "projectpage",
        # Header and footer phrases of the site.
        "jointhecommunity",
        "systemtheme",
        "company",
        "tos",
        "privacy",
        "about",
        "jobs",
        "termsofservice",
        "privacypolicy",
        "huggingchat",
        "inferenceproviders",
        "inferenceendpoints",
        "getthispaperinyouragent",
        "citeinacollection",
        "addtocollection",
        "viewarxivpage",
        "viewpdf",
        "addtocollections",
        "sharethispaper",
        "communityarticles",
        "papersarewelcome",
        "submitpapersannouncements",
        "searchpapers",
        "trendingthisweek",
        "thisweek",
        "thismonth",
        "today",
    }
)
# Words a title is never made of alone (reported when one stands as a title).
MENU_WORDS = CHROME_WORDS | {"github", "arxiv", "comments", "authors", "upvotes", "huggingface"}

_PAGER = re.compile(r"^(?:[«‹←<]\s*)?(?:previous|prev)?(?:\s*(?:\d{1,4}|…|\.\.\.))*\s*(?:next)?(?:\s*[»›→>])?$", re.I)
_NUMBER = re.compile(r"^\d{1,7}$")
_UPVOTE = re.compile(r"^(?:upvote|▲|⬆|↑|👍)\s*(\d{1,7}|-)?$|^(\d{1,7})\s*upvotes?$", re.I)
_SUBMITTED = re.compile(r"^submitted\s+(?:by|on)\b\s*:?\s*(.*)$", re.I)
_AUTHORS = re.compile(r"^(?:(?P<org>.{1,80}?)\s*[·•|]\s*)?(?P<count>\d{1,5})\s+authors?$", re.I)
_PUBLISHED = re.compile(r"^(?:(?P<org>.{1,80}?)\s*[·•|]\s*)?published\s+on\s+(?P<date>.+)$", re.I)
_DOT_DATE = re.compile(r"^[·•]\s*(?P<date>.+)$")
_GITHUB = re.compile(r"^github(?:\s+stars?)?(?:\s*[:·]?\s*(?P<stars>[\d.,]+\s*k?))?$", re.I)
_ARXIV = re.compile(r"^(?:view\s+)?arxiv(?:\s+page)?(?:\s*[:·]?\s*(?P<id>\d{4}\.\d{4,5}(?:v\d+)?))?$", re.I)
_RANK = re.compile(r"^#\s?\d{1,4}\s+paper\s+of\s+the\s+(?:day|week|month)$", re.I)
_COMMENTS = re.compile(r"^(\d{1,6})\s+comments?$", re.I)
_SEPARATOR = frozenset({"·", "•", "|", "*", "—", "–", "⋅", "∙"})
_PLACEHOLDER_ONLY = re.compile(r"^(?:\[[^\[\]]{0,60}\]\s*)+$")
_SUMMARY_LABEL = re.compile(r"^(?:ai\s+)?summary\s*:?\s*$", re.I)


@dataclass(frozen=True, slots=True)
class Furniture:
    """One furniture line: what it is and what it says."""

    kind: str
    line: int
    text: str = ""
    number: int | None = None
    date: MonthDay | None = None
    label: PeriodLabel | None = None


# Kinds that hold data about a card (the rest is chrome or a separator).
CARD_KINDS = frozenset(
    {"submitted", "upvotes", "authors", "org", "published", "date", "comments", "github", "arxiv", "rank"}
)


_TOKEN_IN_BRACKETS = re.compile(r"\[[^\[\]\s:/]{1,40}\]")


def classify(text: str, number: int) -> Furniture | None:
    """What a line of page text is, if it is furniture; None for text.

    Image placeholders a text browser left (`6 [thumb]`) do not hide furniture."""
    if len(text) > 160:
        return None  # no furniture line is this long: prose
    found = _classify(text, number)
    if found is None and "[" in text:
        bare = " ".join(_TOKEN_IN_BRACKETS.sub(" ", text).split())
        if bare != text:
            found = _classify(bare, number) if bare else Furniture("separator", number)
    return found


def _classify(text: str, number: int) -> Furniture | None:
    if text in _SEPARATOR:
        return Furniture("separator", number, text=text)
    if text == "-":
        return Furniture("upvotes", number, number=0)
    compact = key(text)
    if not compact:
        return Furniture("separator", number)
    if compact in CHROME_WORDS:
        return Furniture("page" if compact in PAGE_WORDS else "chrome", number)
    if compact.startswith("by") and compact.endswith("andtheresearchcommunity") and len(compact) < 50:
        return Furniture("page", number)  # `by[avatar]AK and the research community`
    if len(text) < 60 and all(key(word) in CHROME_WORDS for word in text.split()):
        return Furniture("chrome", number, text=text)  # menu items on one line: `Daily Weekly`
    if _NUMBER.match(text):
        return Furniture("number", number, number=int(text))
    found = _UPVOTE.match(text)
    if found:
        value = found[1] or found[2]
        count = None if value is None else (0 if value == "-" else int(value))
        return Furniture("upvotes", number, number=count)
    found = _SUBMITTED.match(text)
    if found:
        return Furniture("submitted", number, text=found[1].strip())
    found = _AUTHORS.match(text)
    if found:
        return Furniture("authors", number, text=(found["org"] or "").strip(), number=int(found["count"]))
    found = _PUBLISHED.match(text)
    if found:
        date = read_month_day(found["date"])
        if date is not None:
            return Furniture("published", number, text=(found["org"] or "").strip(), date=date)
    found = _DOT_DATE.match(text)
    date = read_month_day(found["date"] if found else text)
    if date is not None:
        return Furniture("date", number, date=date, number=date.tail)
    label = read_period_label(text) if len(text) < 40 else None
    if label is not None:
        return Furniture("label", number, label=label)
    found = _GITHUB.match(text)
    if found:
        return Furniture("github", number, text=found["stars"] or "")
    found = _ARXIV.match(text)
    if found:
        return Furniture("arxiv", number, text=found["id"] or "")
    if _RANK.match(text):
        return Furniture("rank", number, text=text)
    found = _COMMENTS.match(text)
    if found:
        return Furniture("comments", number, number=int(found[1]))
    if _PLACEHOLDER_ONLY.match(text) or _SUMMARY_LABEL.match(text):
        return Furniture("separator", number)
    if len(text) < 40 and _PAGER.match(text) and re.search(r"(?i)prev|next", text):
        return Furniture("chrome", number)
    return None
