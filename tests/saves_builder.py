"""Real-shaped saves of the Daily Papers page, built from the bundled samples.

Every shape the page is saved in: a browser's select-all copy (with and
without blank lines), title-only, weekly, trending, Firefox text, Markdown,
the JSON API; and an HTML page for the text browsers (lynx, w3m, pandoc,
html2text), whose renders are kept in tests/data/saves/ (made by
tests/data/saves/make_renders.py).
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from reader.core.dumps import parse_dump
from tests.conftest import SAMPLES

HF = "https://huggingface.co"
CHROME_NAV = [
    "Hugging Face",
    "Models",
    "Datasets",
    "Spaces",
    "Buckets new",
    "Docs",
    "Enterprise",
    "Pricing",
    "Log In",
    "Sign Up",
]
USERS = ["akhaliq", "taesiri", "NielsRogge", "osanseviero", "julien-c"]
ORGS = ["Google", "Meta AI", "NVIDIA"]


@dataclass(frozen=True)
class Card:
    """One paper as the page shows it."""

    title: str
    abstract: str
    arxiv_id: str
    submitter: str
    upvotes: int
    authors: int | None  # None: the card names an organisation instead
    organization: str
    published: dt.date
    comments: int
    github: str = ""
    summary: str = ""
    author_names: tuple[str, ...] = field(default=())


def sample_papers() -> list[tuple[str, str]]:
    """(title, abstract) of the second sample dump, in page order."""
    parsed = parse_dump(sorted(SAMPLES.glob("*.txt"))[1])
    return [(entry.title, entry.abstract) for entry in parsed.entries]


def cards(count: int = 8, start: int = 0, page_date: dt.date = dt.date(2024, 3, 14)) -> list[Card]:
    made = []
    for number, (title, abstract) in enumerate(sample_papers()[start : start + count]):
        serial = start + number
        made.append(
            Card(
                title=title,
                abstract=abstract,
                arxiv_id=f"2403.{10000 + serial:05d}",
                submitter=USERS[serial % len(USERS)],
                upvotes=0 if serial % 5 == 3 else 7 * serial + 3,
                authors=None if serial % 4 == 2 else 2 + serial,
                organization=ORGS[serial % len(ORGS)] if serial % 4 == 2 else "",
                published=dt.date(2023, 3, 8) if serial % 6 == 5 else page_date - dt.timedelta(days=1 + serial % 2),
                comments=serial % 3,
                github=f"https://github.com/lab{serial}/code{serial}" if serial % 2 == 0 else "",
                summary=" ".join(abstract.replace(". ", ", ").split()[:14]).rstrip(",.;:") + ".",
                author_names=tuple(f"Author {serial}-{k}" for k in range(2 + serial)),
            )
        )
    return made


def _slug(name: str) -> str:
    return name.lower().split()[0]


def month_day(date: dt.date, page_date: dt.date) -> str:
    """How the page writes a date: no year when it is the page's year."""
    text = f"{date:%b} {date.day}"
    return text if date.year == page_date.year else f"{text}, {date.year}"


def hard_wrapped(abstract: str) -> str:
    """An older arXiv abstract with its line breaks (a hyphen may end a line)."""
    return "\n".join(textwrap.wrap(abstract, 76, break_on_hyphens=True))


def _count_line(card: Card) -> str:
    return f"{card.authors} authors" if card.authors is not None else card.organization


def _date_line(card: Card, page_date: dt.date) -> str:
    when = month_day(card.published, page_date)
    return f"{when} {card.comments}" if card.comments else when


HEADER = [
    "Daily Papers",
    "by AK and the research community",
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "Subscribe",
]


def chrome_copy(
    deck: list[Card],
    page_date: dt.date | None = dt.date(2024, 3, 14),
    *,
    blank_lines: bool = False,
    abstracts: bool = True,
    wrapped: tuple[int, ...] = (),
    with_year: bool = False,
    period: str = "Daily",
    label: str = "",
) -> str:
    """A Chrome select-all copy: one line per element, a blank line only
    after the abstract (or a blank line after every line)."""
    lines: list[str] = [*CHROME_NAV, *HEADER[:2]]
    lines += ["byAK and the research community"] if blank_lines else []
    lines += [*HEADER[2:], "Daily", "Weekly", "Monthly", "Trending Papers"]
    if label:
        lines.append(label)
    if page_date is not None:
        lines += ["Previous", f"{page_date:%b} {page_date.day}" + (f", {page_date.year}" if with_year else ""), "Next"]
    for number, card in enumerate(deck):
        lines += ["Submitted by", card.submitter, str(card.upvotes) if card.upvotes else "-", card.title]
        if abstracts:
            lines += [hard_wrapped(card.abstract) if number in wrapped else card.abstract, ""]
        lines += [_count_line(card), "·", _date_line(card, page_date or dt.date(2024, 3, 14))]
    lines += ["Previous", "Next"]
    if blank_lines:
        return "\n\n".join(line for line in lines if line) + "\n"
    return "\n".join(lines) + "\n"


def trending_copy(deck: list[Card], *, full_abstracts: tuple[int, ...] = ()) -> str:
    """The trending page: every card twice (desktop and mobile), a one-line
    summary (or the abstract), organisation · Published on, GitHub stars."""
    lines = [*CHROME_NAV, "Trending Papers", "by AK and the research community", "Daily", "Weekly", "Monthly"]
    for number, card in enumerate(deck):
        text = card.abstract if number in full_abstracts else card.summary
        block = [
            f"#{number + 1} Paper of the day" if number < 2 else "",
            card.title,
            text,
            "",
            f"{card.organization or 'Tsinghua University'} · Published on "
            f"{card.published:%b} {card.published.day}, {card.published.year}",
            f"GitHub {100 + number * 31}" if card.github else "",
            "arXiv Page",
            str(card.upvotes) if card.upvotes else "-",
        ]
        block = [line for line in block if line != "" or line is block[3]]
        lines += block + block  # desktop and mobile markup
    lines += ["Trending Papers ranked by GitHub stars activity"]
    return "\n".join(lines) + "\n"


def firefox_text(deck: list[Card], page_date: dt.date = dt.date(2024, 3, 14)) -> str:
    """Firefox's "Save Page As… Text Files": wraps at 80, ` <URL>` after every
    link, indented headings, `*` bullets."""
    out: list[str] = []

    def para(text: str, indent: str = "") -> None:
        out.extend(textwrap.wrap(text, 80, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False))
        out.append("")

    para(f"Hugging Face's logo Hugging Face <{HF}/>")
    for item in CHROME_NAV[1:]:
        out.append(f"  * {item} <{HF}/{_slug(item)}>")
    out.append("")
    para("Daily Papers", "   ")
    para(f"by AK <{HF}/akhaliq> and the research community")
    para("Get trending papers in your email inbox once a day!")
    para(
        f"Daily <{HF}/papers/date/{page_date}> Weekly <{HF}/papers/week/{page_date:%G-W%V}> "
        f"Monthly <{HF}/papers/month/{page_date:%Y-%m}>"
    )
    previous, following = page_date - dt.timedelta(days=1), page_date + dt.timedelta(days=1)
    para(f"Previous <{HF}/papers/date/{previous}>")
    para(f"{page_date:%b} {page_date.day}")
    para(f"Next <{HF}/papers/date/{following}>")
    for card in deck:
        out.append(f"<{HF}/papers/{card.arxiv_id}>")
        out.append("")
        para(f"Submitted by akhaliq <{HF}/{card.submitter}>".replace("akhaliq", card.submitter, 1))
        para(str(card.upvotes) if card.upvotes else "-")
        para(f"{card.title} <{HF}/papers/{card.arxiv_id}>", "   ")
        para(card.abstract)
        para(f"{_count_line(card)} <{HF}/papers/{card.arxiv_id}>")
        para("·")
        para(f"{month_day(card.published, page_date)} <{HF}/papers/{card.arxiv_id}#community>")
        if card.comments:
            para(f"{card.comments} <{HF}/papers/{card.arxiv_id}#community>")
    para(f"Previous <{HF}/papers/date/{previous}> Next <{HF}/papers/date/{following}>")
    return "\n".join(out) + "\n"


def markdown(deck: list[Card], page_date: dt.date = dt.date(2024, 3, 14)) -> str:
    """Markdown as a browser extension (MarkDownload and the like) writes it."""
    out = [
        "---",
        f"created: {page_date + dt.timedelta(days=3)}T09:12:00 (UTC +01:00)",
        "tags: []",
        f"source: {HF}/papers/date/{page_date}",
        "author: ",
        "---",
        "",
        "# Daily Papers - Hugging Face",
        "",
        "> ## Excerpt",
        "> Your daily dose of AI research from AK",
        "",
        "---",
        f"[![Hugging Face's logo](/front/assets/huggingface_logo-noborder.svg) Hugging Face]({HF}/)",
        "",
        *[f"-   [{item}]({HF}/{_slug(item)})" for item in CHROME_NAV[1:]],
        "",
        "## Daily Papers",
        "",
        f"### by [![](https://cdn-avatars.huggingface.co/ak.png)AK]({HF}/akhaliq) and the research community",
        "",
        f"[Previous]({HF}/papers/date/{page_date - dt.timedelta(days=1)})",
        "",
        f"{page_date:%b} {page_date.day}",
        "",
        f"[Next]({HF}/papers/date/{page_date + dt.timedelta(days=1)})",
        "",
    ]
    for card in deck:
        out += [
            f"[![](https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{card.arxiv_id}.png)]({HF}/papers/{card.arxiv_id})",
            "",
            f"Submitted by ![](https://cdn-avatars.huggingface.co/{card.submitter}.png) {card.submitter}",
            "",
            str(card.upvotes) if card.upvotes else "-",
            "",
            f"### [{card.title}]({HF}/papers/{card.arxiv_id})",
            "",
            f"[{card.abstract}]({HF}/papers/{card.arxiv_id})",
            "",
            "-   ![](https://cdn-avatars.huggingface.co/a.png)",
            f"-   {_count_line(card)}",
            "",
            "·",
            "",
            f"[{month_day(card.published, page_date)}]({HF}/papers/{card.arxiv_id}) "
            f"[{card.comments}]({HF}/papers/{card.arxiv_id}#community)"
            if card.comments
            else f"[{month_day(card.published, page_date)}]({HF}/papers/{card.arxiv_id})",
            "",
        ]
    return "\n".join(out)


def api_items(deck: list[Card], page_date: dt.date = dt.date(2024, 3, 14)) -> list[dict[str, object]]:
    """The JSON API's answer: `summary` keeps arXiv's line breaks."""
    items: list[dict[str, object]] = []
    for number, card in enumerate(deck):
        paper: dict[str, object] = {
            "id": card.arxiv_id,
            "authors": [{"_id": f"a{k}", "name": name, "hidden": False} for k, name in enumerate(card.author_names)],
            "publishedAt": f"{card.published}T17:59:58.000Z",
            "submittedOnDailyAt": f"{page_date}T00:39:28.463Z",
            "title": card.title,
            "summary": hard_wrapped(card.abstract) if number % 2 else card.abstract,
            "upvotes": card.upvotes,
            "discussionId": f"d{number}",
            "ai_summary": card.summary,
            "ai_keywords": ["reinforcement learning", "benchmarks"],
        }
        if card.github:
            paper["githubRepo"] = card.github
        if card.organization:
            paper["organization"] = {"_id": "o", "name": card.organization.lower(), "fullname": card.organization}
        items.append(
            {
                "paper": paper,
                "publishedAt": f"{card.published}T17:59:58.000Z",
                "title": card.title,
                "summary": paper["summary"],
                "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{card.arxiv_id}.png",
                "numComments": card.comments,
                "submittedBy": {
                    "_id": "u",
                    "avatarUrl": "/avatars/x.svg",
                    "fullname": card.submitter,
                    "name": card.submitter,
                    "type": "user",
                    "user": card.submitter,
                },
                "isAuthorParticipating": False,
            }
        )
    return items


def api_json(deck: list[Card], pretty: bool = False, page_date: dt.date = dt.date(2024, 3, 14)) -> str:
    return json.dumps(api_items(deck, page_date), indent=2 if pretty else None, ensure_ascii=False)


def html_page(deck: list[Card], page_date: dt.date = dt.date(2024, 3, 14)) -> str:
    """The page as HTML, close to the site's markup, for the text browsers."""
    nav = "".join(f'<li><a href="/{_slug(item)}">{escape(item)}</a></li>' for item in CHROME_NAV[1:])
    parts = [
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Daily Papers - Hugging Face</title></head><body>',
        '<header><nav><a href="/"><img alt="Hugging Face\'s logo" src="/logo.svg"> Hugging Face</a>'
        f"<ul>{nav}</ul></nav></header>",
        '<main><section><h1>Daily Papers</h1><p>by<img alt="" src="/ak.png">AK and the research community</p>',
        "<div>Get trending papers in your email inbox once a day!</div><button>Subscribe</button>",
        f'<div><a href="/papers/date/{page_date}">Daily</a> <a href="/papers/week/{page_date:%G-W%V}">Weekly</a> '
        f'<a href="/papers/month/{page_date:%Y-%m}">Monthly</a></div>',
        f'<div><a href="/papers/date/{page_date - dt.timedelta(days=1)}">Previous</a></div>'
        f"<div><time>{page_date:%b} {page_date.day}</time></div>"
        f'<div><a href="/papers/date/{page_date + dt.timedelta(days=1)}">Next</a></div></section>',
    ]
    for number, card in enumerate(deck):
        abstract = escape(hard_wrapped(card.abstract) if number == 1 else card.abstract).replace("\n", "<br>")
        parts.append(
            f'<article><a href="/papers/{card.arxiv_id}"><img alt="" src="/thumbs/{card.arxiv_id}.png"></a>'
            f'<div><div>Submitted by</div><a href="/{card.submitter}">'
            f'<img alt="" src="/avatars/{card.submitter}.png"></a>'
            f"<span>{escape(card.submitter)}</span></div>"
            f'<div><button aria-label="upvote"></button><div>{card.upvotes or "-"}</div></div>'
            f'<h3><a href="/papers/{card.arxiv_id}">{escape(card.title)}</a></h3>'
            f"<p>{abstract}</p>"
            f'<div><ul><li><img alt="" src="/avatars/x.png"></li></ul><div>{escape(_count_line(card))}</div>'
            f"<div>·</div><div>{month_day(card.published, page_date)}</div>"
            + (f' <a href="/papers/{card.arxiv_id}#community">{card.comments}</a>' if card.comments else "")
            + "</div></article>"
        )
    parts.append(
        f'<div><a href="/papers/date/{page_date - dt.timedelta(days=1)}">Previous</a> '
        f'<a href="/papers/date/{page_date + dt.timedelta(days=1)}">Next</a></div></main></body></html>'
    )
    return "\n".join(parts)


def write(path: Path, text: str, mtime: dt.datetime | None = None) -> Path:
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        stamp = mtime.timestamp()
        os.utime(path, (stamp, stamp))
    return path
