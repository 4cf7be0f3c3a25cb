"""Paper cards from the lines of a text save (page copy, text browser, Markdown).

Paper boundaries come from the card structure, not from blank lines:
furniture lines (submitter, upvotes, authors, dates, links) are recognised
and kept as data; the title is what stands between furniture and the
abstract; an abstract runs until the next card, joined across hard wraps.
Cards seen twice (trending pages hold each card twice) become one entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..models import Entry, PaperMeta
from ..text import paper_id
from .dates import PAGE_URL, DateClues, MonthDay, page_url_date
from .furniture import CARD_KINDS, MENU_WORDS, Furniture, classify, key
from .lines import Line
from .prose import (
    abstract_rank,
    looks_like_abstract,
    looks_like_summary,
    looks_like_title,
    title_cased,
    title_problem,
    words,
)
from .result import ParsedDump

# Longer than any real abstract: such a paragraph is junk, not a paper.
MAX_PARAGRAPH = 100_000
# A line this long is never a soft-wrapped line: the block holds one
# paragraph per line (a select-all copy, where an abstract is one line).
UNWRAPPED_LINE = 200

_ARXIV_URL = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|/papers/)(\d{4}\.\d{4,5})(?:v\d+)?", re.I)
_GITHUB_URL = re.compile(r"^https?://(?:www\.)?github\.com/([\w.-]+/[\w.-]+)", re.I)
_WORD = re.compile(r"\S+")
_SENTENCE_END = (".", "!", "?", ".)", '."', ".”")

REPORT_LABELS = {
    "orphan": "paragraphs with no title before them",
    "junk": "lines that cannot be titles",
    "short": "texts too short for an abstract",
    "title-only": "titles with no abstract",
}


@dataclass(slots=True)
class Card:
    """A paper as it is being read: its text, its links, its furniture."""

    title: str
    line: int
    abstract: str = ""
    summary: str = ""
    urls: list[str] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)


@dataclass(slots=True)
class _Piece:
    text: str
    line: int
    heading: bool
    urls: tuple[str, ...]


def _join(lines: Iterable[str], width: int = 0) -> str:
    """Lines of one paragraph as one string. A hyphen at a line's end is kept
    and joined without a space (`image-` / `based`); an address broken at the
    wrap width is joined back."""
    text = ""
    previous = ""
    for line in lines:
        if not text:
            text = line
        elif previous.endswith("-") and len(previous) > 1 and previous[-2].isalnum() and line[:1].isalnum():
            text += line
        elif previous.endswith("/") and len(previous) > 1 and not previous[-2].isspace() and line[:1].isalnum():
            text += line  # `I/` / `O`, `https://` / `github.com/…`: broken after a slash
        elif width and len(previous) >= width - 1 and re.search(r"(?:https?:|www\.)\S*$", previous):
            text += line  # w3m breaks a long address at the wrap
        else:
            text += " " + line
        previous = line
    return text


class CardReader:
    """Feeds on `Line`s; `finish()` leaves the entries in the ParsedDump."""

    def __init__(self, parsed: ParsedDump, mtime: dt.date) -> None:
        self.parsed = parsed
        self.mtime = mtime
        self.clues = DateClues()
        self.cards: list[Card] = []
        self.gaps: list[list[Furniture]] = [[]]  # furniture before card 0, between cards, after the last
        self.block: list[Line] = []
        self.block_size = 0
        self.oversized = 0  # line where a too-long block began; its lines are dropped
        self.held: list[Line] | None = None  # a block waiting for the next item (an organisation before `·`)
        self.in_cards = False  # the page's header is over
        self.expect_user = False
        self.last_furniture: Furniture | None = None
        self.text_since_furniture = True
        self.page_evidence = False
        self.link_labels: list[tuple[str, str]] = []  # (link text key, address) for page dates
        self.references: dict[int, str] = {}
        self.width = 0  # widest line: the wrap width of wrapped saves
        self.headings = 0
        self.last_line_was_furniture = False
        self.block_follows_furniture = False  # no blank line between the block and furniture above it
        self.held_follows_furniture = False

    # lines -------------------------------------------------------------
    def feed(self, lines: Iterable[Line]) -> None:
        for line in lines:
            self._line(line)
        if self.oversized:
            self._report_oversized()
        self._end_block()
        self._release(None)

    def _line(self, line: Line) -> None:
        if line.reference is not None:
            self.references[line.reference[0]] = line.reference[1]
            return
        if len(line.text) > MAX_PARAGRAPH:
            self._end_block()
            self.parsed.report(line.number, f"line of {len(line.text):,} characters is too long for a paper; skipped")
            return
        if not line.text:
            if line.urls:  # a line of addresses only (Firefox wraps them below the link text)
                if self.block:
                    last = self.block[-1]
                    self.block[-1] = dataclasses.replace(last, urls=last.urls + line.urls)
                else:
                    self._furniture(Furniture("link", line.number), line.urls)
                return
            if self.oversized:
                self._report_oversized()
            self._end_block()
            self.last_line_was_furniture = False
            return
        if self.oversized:
            return
        self.width = max(self.width, len(line.text)) if len(line.text) < UNWRAPPED_LINE else self.width
        if self.expect_user:
            self.expect_user = False
            if classify(line.text, line.number) is None and len(line.text) <= 40 and len(line.text.split()) <= 2:
                self._end_block()
                self._furniture(Furniture("user", line.number, text=line.text), line.urls)
                return
        found = classify(line.text, line.number)
        if found is not None and found.kind in ("chrome", "page", "number", "date") and self._mid_paragraph(found.kind):
            found = None  # a word of a wrapped paragraph (`community,`), not a menu
        if found is not None:
            self._end_block()
            self.last_line_was_furniture = True
            self.parsed.skipped_lines += 1
            self._furniture(found, line.urls)
            return
        if line.urls:
            self.link_labels.extend((key(line.text), url) for url in line.urls)
        if "/papers/" in line.text:
            self.link_labels.extend(("", match[0]) for match in PAGE_URL.finditer(line.text))
        if not self.block:
            self.block_follows_furniture = self.last_line_was_furniture
        self.last_line_was_furniture = False
        self.block.append(line)
        self.block_size += len(line.text)
        if self.block_size > MAX_PARAGRAPH:
            # Not a paper: stop holding it in memory, skip to the next blank line.
            self.oversized = self.block[0].number
            self.block.clear()
            self.block_size = 0

    def _mid_paragraph(self, kind: str) -> bool:
        """Is the block a wrapped paragraph (or title) that has not reached its end?"""
        if not self.block:
            return False
        last = self.block[-1].text
        if last.endswith((".", "!", "?", ":")):
            return False
        if len(self.block) >= 2:
            return len(last) >= 50
        # One line as wide as the wrap: `Large Language` / `Models <…>`.
        return kind in ("chrome", "page") and self.width >= 60 and len(last) >= self.width - 15

    def _report_oversized(self) -> None:
        self.parsed.report(self.oversized, f"paragraph of over {MAX_PARAGRAPH:,} characters; skipped")
        self.oversized = 0

    def _end_block(self) -> None:
        if self.block:
            block, self.block, self.block_size = self.block, [], 0
            self._release(None)
            self.held = block
            self.held_follows_furniture = self.block_follows_furniture

    # furniture ---------------------------------------------------------
    def _furniture(self, item: Furniture, urls: tuple[str, ...] = ()) -> None:
        self._release(item)
        kind = item.kind
        if urls:
            lowered = item.text.casefold()
            label = "previous" if "prev" in lowered else "next" if "next" in lowered else key(item.text)
            # `Previous <…/papers/date/…>` names a neighbour's date, not this page's.
            self.link_labels.extend((label, url) for url in urls)
        if kind in ("page", "chrome"):
            self.page_evidence = self.page_evidence or kind == "page"
            self.last_furniture = item
            return
        if kind == "label":
            if self.clues.label is None and item.label is not None:
                self.clues.label = item.label.start
            return
        if kind == "submitted" and not item.text:
            self.expect_user = True
        if kind == "number":
            previous = self.last_furniture if not self.text_since_furniture else None
            if previous is not None and previous.kind in ("date", "published"):
                item = Furniture("comments", item.line, number=item.number)
            else:
                item = Furniture("upvotes", item.line, number=item.number)
        elif kind == "upvotes" and item.number is None:
            self.last_furniture = item
            return  # the `Upvote` button: its count follows
        if kind == "date" and not self.in_cards:
            if self.clues.header is None and item.number is None:
                self.clues.header, self.clues.header_line = item.date, item.line
            return
        if kind == "published" and item.date is not None:
            self.clues.published_raw.append(item.date)
        if item.kind in CARD_KINDS or item.kind == "user":
            self.in_cards = True
        if urls and kind != "link":
            self.gaps[-1].append(Furniture("link", item.line, text=" ".join(urls)))
        elif kind == "link":
            item = Furniture("link", item.line, text=" ".join(urls))
        self.gaps[-1].append(item)
        self.last_furniture = item
        self.text_since_furniture = False

    # blocks ------------------------------------------------------------
    def _release(self, following: Furniture | None) -> None:
        """Read the held block, now that the item after it is known."""
        if self.held is None:
            return
        block, self.held = self.held, None
        organisation = None
        if (
            following is not None
            and (
                (following.kind == "separator" and following.text in ("·", "•", "|"))
                or following.kind in ("date", "published")
            )
            and self._org_like(block[-1].text)
            and (len(block) >= 2 or (self.cards and not any(item.kind in CARD_KINDS for item in self.gaps[-1])))
        ):
            organisation = block.pop()
        for piece in self._pieces(block, self.held_follows_furniture):
            self._take(piece)
        if organisation is not None:
            self.gaps[-1].append(Furniture("org", organisation.number, text=organisation.text))
            self.text_since_furniture = False

    @staticmethod
    def _org_like(text: str) -> bool:
        return (
            len(text) <= 60
            and len(text.split()) <= 6
            and not text.endswith((".", ":", "?", ","))
            and "://" not in text
            and not text.startswith("www.")
        )

    def _waiting(self) -> bool:
        """The last card has a title and nothing under it yet."""
        if not self.cards or self.cards[-1].abstract or self.cards[-1].summary:
            return False
        return not any(item.kind in CARD_KINDS for item in self.gaps[-1])

    def _pieces(self, block: list[Line], follows_furniture: bool = False) -> Iterator[_Piece]:
        """A block (lines with no blank or furniture between) as paragraphs.

        Right under card furniture (a select-all copy), the first line is the
        title when the rest reads as its abstract."""
        if follows_furniture and len(block) >= 2 and not block[0].heading and not block[1].heading:
            head, tail = self._piece(block[:1]), self._piece(block[1:])
            if (
                looks_like_title(head.text)
                and not head.text.endswith((".", ",", ";", "-"))
                and (looks_like_abstract(tail.text) or looks_like_summary(tail.text))
            ):
                yield head
                yield from self._pieces(block[1:])
                return
        run: list[Line] = []
        heading_run: list[Line] = []
        for line in block:
            if line.heading:
                if run:
                    yield from self._split_run(run)
                    run = []
                heading_run.append(line)
                continue
            if heading_run:
                yield self._piece(heading_run, heading=True)
                heading_run = []
            if len(line.text) >= UNWRAPPED_LINE:
                if run and run[-1].text.endswith("-") and run[-1].text[-2:-1].isalnum():
                    run.append(line)  # `image-` / `based …`: the line goes on
                    continue
                if run:
                    yield from self._split_run(run)
                    run = []
                yield self._piece([line])
            else:
                run.append(line)
        if heading_run:
            yield self._piece(heading_run, heading=True)
        if run:
            yield from self._split_run(run)

    def _piece(self, lines: list[Line], heading: bool = False) -> _Piece:
        self.headings += heading
        return _Piece(
            _join((line.text for line in lines), self.width),
            lines[0].number,
            heading,
            tuple(url for line in lines for url in line.urls),
        )

    def _split_run(self, run: list[Line]) -> Iterator[_Piece]:
        """Short lines: one wrapped paragraph, or a title and the start of its abstract."""
        if len(run) == 1:
            yield self._piece(run)
            return
        whole = self._piece(run)
        if self._waiting() and looks_like_abstract(whole.text):
            yield whole
            return
        for end in range(min(3, len(run) - 1)):
            text = run[end].text
            rest = run[end + 1 :]
            # The wrap width of what follows (its last line is short anyway).
            width = max(len(line.text) for line in (rest[:-1] if len(rest) > 1 else rest))
            after = _WORD.match(rest[0].text)
            ends_paragraph = (
                len(text) > width
                or (after is not None and len(text) + 1 + len(after[0]) <= width)
                or (title_cased(text) and not title_cased(rest[0].text))
            )
            if not ends_paragraph:
                continue
            head, tail = self._piece(run[: end + 1]), self._piece(run[end + 1 :])
            if (
                not text.endswith(("-", ",", ".", ";"))
                and looks_like_title(head.text)
                and (looks_like_abstract(tail.text) or looks_like_summary(tail.text))
            ):
                yield head
                yield tail
                return
            break
        yield whole

    def _take(self, piece: _Piece) -> None:
        """Give a paragraph its role: a title, an abstract, a summary, or junk."""
        text = piece.text
        self.text_since_furniture = True
        last = self.cards[-1] if self.cards else None
        if last is not None and not piece.heading and self.text_since_furniture_for(last):
            if not last.abstract and looks_like_abstract(text):
                last.abstract = text
                last.urls.extend(piece.urls)
                self.in_cards = True
                return
            if not last.abstract and not last.summary and looks_like_summary(text):
                last.summary = text
                last.urls.extend(piece.urls)
                self.in_cards = True
                return
            quiet = not any(item.kind in CARD_KINDS for item in self.gaps[-1])
            if last.abstract and looks_like_abstract(text) and not looks_like_title(text) and not self.gaps[-1]:
                last.abstract += " " + text  # an abstract of several paragraphs
                return
            if (
                quiet
                and last.abstract
                and not title_cased(text)
                and (not last.abstract.endswith(_SENTENCE_END) or text[:1].islower())
            ):
                last.abstract = _join([last.abstract, text])  # a hard-wrapped line, copied with blank lines
                return
            if quiet and not last.abstract and not last.summary and words(text) >= 8 and not title_cased(text):
                last.abstract = text  # the first line of a hard-wrapped abstract
                last.urls.extend(piece.urls)
                return
        problem = title_problem(text)
        if not problem and (piece.heading or looks_like_title(text)) and key(text) not in MENU_WORDS:
            self.cards.append(Card(text, piece.line, urls=list(piece.urls)))
            self.gaps.append([])
            self.text_since_furniture = True
            return
        if looks_like_abstract(text) or looks_like_summary(text):
            self.parsed.report(piece.line, "paragraph with no title before it; skipped", kind="orphan")
        elif last is not None and not last.abstract and self.text_since_furniture_for(last) and len(text) > 20:
            shown = text if len(text) <= 60 else text[:57] + "..."
            self.parsed.report(piece.line, f"text too short for an abstract; skipped: {shown!r}", kind="short")
        else:
            shown = text if len(text) <= 40 else text[:37] + "..."
            self.parsed.report(piece.line, f"not a title ({problem or 'a menu word'}); skipped: {shown!r}", kind="junk")

    def text_since_furniture_for(self, card: Card) -> bool:
        """Is `card` the last card, with no card furniture of the next one since?"""
        return not any(item.kind in ("submitted", "user") for item in self.gaps[-1])

    # the end -----------------------------------------------------------
    def finish(self) -> None:
        parsed = self.parsed
        date, source = self.clues_with_urls().decide(self.mtime)
        parsed.date, parsed.date_source = date, source
        # Cards are published before the page lists them (a weekly or monthly
        # page lists them over the month after its date).
        reference = min(date + dt.timedelta(days=31), self.mtime) if date else self.mtime
        self._drop_page_text()
        self._assign_furniture()
        entries: dict[str, tuple[int, Entry]] = {}
        for card in self.cards:
            entry = Entry(paper_id(card.title), card.title, card.abstract, card.line, self._meta(card, reference))
            known = entries.get(entry.paper_id)
            entries[entry.paper_id] = (len(entries), entry) if known is None else (known[0], _better(known[1], entry))
        found = [entry for _, entry in sorted(entries.values(), key=lambda pair: pair[0])]
        has_abstracts = any(entry.abstract for entry in found)
        evidence = has_abstracts or self.page_evidence or any(gap for gap in self.gaps) or self.headings
        if found and not has_abstracts and not any(entry.meta.summary for entry in found) and not evidence:
            parsed.report(
                0,
                f"{len(found)} short lines but no abstracts and no card details (upvotes, authors, "
                "Submitted by): not a saved Daily Papers page; skipped",
            )
            return
        parsed.entries.extend(found)
        self._report_missing_abstracts(found)

    def clues_with_urls(self) -> DateClues:
        for label, url in self.link_labels:
            if url.startswith("lynx:"):
                url = self.references.get(int(url[5:]), "")
            date = page_url_date(url)
            if date is None:
                continue
            if label in ("previous", "next"):
                self.clues.neighbours.append((label, date))
            else:
                self.clues.urls[date] += 1
        return self.clues

    def _report_missing_abstracts(self, found: list[Entry]) -> None:
        bare = [entry for entry in found if not entry.abstract]
        if not bare:
            return
        summaries = [entry for entry in bare if entry.meta.summary]
        titles_only = [entry for entry in bare if not entry.meta.summary]
        if summaries:
            self.parsed.report(
                0, f"{len(summaries)} papers with the site's one-line summary but no abstract; kept", "info"
            )
        if not titles_only:
            return
        if len(titles_only) == len(found):
            self.parsed.report(
                0,
                f"title-only page: {len(found)} papers with a title and no abstract; kept without abstracts",
                "info",
            )
            return
        for entry in titles_only:
            shown = entry.title if len(entry.title) <= 60 else entry.title[:57] + "..."
            self.parsed.report(
                entry.line, f"title with no abstract (cut off?); kept without one: {shown!r}", kind="title-only"
            )

    def _drop_page_text(self) -> None:
        """Lines of the page's header (before its date) and footer (after the
        last card's furniture) that read like titles are not papers."""
        if not self.cards:
            return

        def bare(number: int) -> bool:
            card = self.cards[number]
            return not (card.abstract or card.summary or card.urls)

        keep = [True] * len(self.cards)
        if self.clues.header is not None:
            for number, card in enumerate(self.cards):
                if card.line < self.clues.header_line and bare(number):
                    keep[number] = False
        if any(item.kind in CARD_KINDS for gap in self.gaps for item in gap):
            # After the last card that has text or furniture after it: the footer.
            last = len(self.cards) - 1
            while last >= 0 and bare(last) and not any(i.kind in CARD_KINDS for i in self.gaps[last + 1]):
                before = self.gaps[last]
                if any(item.kind in ("submitted", "user", "upvotes") for item in before):
                    break  # its own card furniture stands before it
                keep[last] = False
                last -= 1
        if all(keep):
            return
        for number, card in enumerate(self.cards):
            if not keep[number]:
                shown = card.title if len(card.title) <= 40 else card.title[:37] + "..."
                self.parsed.report(card.line, f"page text, not a paper; skipped: {shown!r}", kind="junk")
                # Its furniture goes to the card before it.
                self.gaps[number].extend(self.gaps[number + 1])
                self.gaps[number + 1] = []
        self.gaps = [self.gaps[0]] + [gap for number, gap in enumerate(self.gaps[1:]) if keep[number]]
        self.cards = [card for number, card in enumerate(self.cards) if keep[number]]

    # furniture to cards ------------------------------------------------
    def _assign_furniture(self) -> None:
        """Give each card the furniture around it.

        Whether a kind stands before or after its card's title is learnt from
        the page: kinds seen before the first card lead a card, kinds after
        the last card close one. In between, a kind that leads, or one the
        card already has, starts the next card's furniture.
        """
        if not self.cards:
            return
        # Links are left out: a thumbnail's link and the title's name the same paper.
        meaningful = CARD_KINDS | {"user"}
        leading = {item.kind for item in self.gaps[0] if item.kind in meaningful}
        trailing = {item.kind for item in self.gaps[-1] if item.kind in meaningful}
        leads = leading - trailing
        self.cards[0].furniture.extend(self.gaps[0])
        for number, card in enumerate(self.cards):
            gap = self.gaps[number + 1]
            if number == len(self.cards) - 1:
                card.furniture.extend(gap)
                break
            have = {(item.kind, item.text, item.number) for item in card.furniture if item.kind in meaningful}
            kinds = {item.kind for item in card.furniture if item.kind in meaningful}
            split = len(gap)
            for position, item in enumerate(gap):
                if item.kind not in meaningful:
                    continue
                if item.kind in leads or (item.kind in kinds and (item.kind, item.text, item.number) not in have):
                    split = position
                    break
                kinds.add(item.kind)
                have.add((item.kind, item.text, item.number))
            card.furniture.extend(gap[:split])
            self.cards[number + 1].furniture.extend(gap[split:])

    def _meta(self, card: Card, reference: dt.date) -> PaperMeta:
        values: dict[str, object] = {}
        urls = list(card.urls)
        published: MonthDay | None = None
        for item in card.furniture:
            kind = item.kind
            if kind in ("submitted", "user") and item.text and "submitted_by" not in values:
                values["submitted_by"] = item.text
            elif kind == "upvotes" and item.number is not None and "upvotes" not in values:
                values["upvotes"] = item.number
            elif kind == "authors":
                values.setdefault("author_count", item.number)
                if item.text:
                    values.setdefault("organization", item.text)
            elif kind == "org":
                values.setdefault("organization", item.text)
            elif kind in ("published", "date") and item.date is not None:
                published = published or item.date
                if item.text:
                    values.setdefault("organization", item.text)
                if item.number is not None:
                    values.setdefault("comments", item.number)
            elif kind == "comments":
                values.setdefault("comments", item.number)
            elif kind == "arxiv" and item.text:
                values.setdefault("arxiv_id", item.text)
            elif kind == "link":
                urls.extend(item.text.split())
        for url in urls:
            if url.startswith("lynx:"):
                url = self.references.get(int(url[5:]), "")
            arxiv = _ARXIV_URL.search(url)
            if arxiv:
                values.setdefault("arxiv_id", arxiv[1])
            github = _GITHUB_URL.match(url)
            if github and not github[1].lower().startswith(("huggingface/", "features/", "login")):
                values.setdefault("github", url.split("#")[0].rstrip("/"))
        if published is not None:
            values["published"] = published.resolve(reference)
        if card.summary:
            values["summary"] = card.summary
        return PaperMeta(**values)  # type: ignore[arg-type]


def _better(first: Entry, second: Entry) -> Entry:
    """One entry from a card seen twice: the better text, every detail, the first place."""
    best = first
    if abstract_rank(second.abstract) > abstract_rank(first.abstract) or (
        abstract_rank(second.abstract) == abstract_rank(first.abstract) and len(second.abstract) > len(first.abstract)
    ):
        best = second
    return Entry(first.paper_id, first.title, best.abstract, first.line, first.meta.filled_from(second.meta))
