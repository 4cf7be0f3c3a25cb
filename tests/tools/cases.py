"""The export torture set: papers with the notes and titles people really
write, and the ones that break file formats. Shared by the unit tests of
every format and by the checks with the real tools (tests/tools).

Each note carries a marker word (`PRIVATE1`, ...) so a test can see whether a
citation style printed any of it. Items are built directly, with metadata,
so these tests do not depend on the dump parser.
"""

from __future__ import annotations

import datetime as dt

from reader.core.export import ExportItem
from reader.core.models import DumpAppearance, Paper, PaperMeta, UserState
from reader.core.text import paper_id

LISTED = dt.date(2026, 3, 14)
STARRED = dt.datetime(2026, 3, 20, 9, 30, tzinfo=dt.UTC)
ABSTRACT = (
    "We measure 50% less memory with {braces}, $O(n^2)$ cost, snake_case names, #hashtags, "
    "~approximations and C:\\paths. Café, 中文 and 😀 too."
)

MARKDOWN_BAIT = "\n".join(
    [
        "* not a list",
        "1. not a list",
        "a) not a list either",
        "> not a quote",
        "    indented four spaces",
        "```",
        "not a fence",
        "```",
        "[link](http://x.example) ![img](x.png) **bold** _it_ `code` $x^2$ H~2~O x^2^ @doe2020 |a|b|",
        "---",
        "===",
        ": not a definition",
        "::: not a div",
        "| not a line block",
        "<b>not bold</b> &amp; &copy; stay as typed",
        "[^1]: not a footnote",
        "PRIVATE7",
    ]
)

# (title, note, meta, dumps?) -- the note's marker is its PRIVATE word.
TORTURE: list[tuple[str, str, PaperMeta, bool]] = [
    (
        "Benchmarking and Dissecting the NVIDIA Hopper GPU Architecture",
        "Unbalanced } brace, then { and {{ two more opened. PRIVATE1",
        PaperMeta(
            authors=("Weile Luo", "Ruibo Fan", "José Müller", "Ludwig van Beethoven"),
            author_count=6,
            published=dt.date(2024, 2, 21),
            arxiv_id="2402.13499",
        ),
        True,
    ),
    (
        "vAttention: Dynamic Memory Management for Serving LLMs without PagedAttention",
        "\\end{document}\n% not a comment\n100% sure, 50 % maybe \\\\ \\par PRIVATE2",
        PaperMeta(authors=("Ramya Prabhu", "Ajay Nayak"), published=dt.date(2024, 5, 7)),
        True,
    ),
    (
        "R&D at 100% Scale: $x^2$ Costs, snake_case #1 ~ C:\\Temp\\ {Braces} and a Lone } Brace",
        "line one\nER  - \nTY  - JOUR\nAU  - Not An Author\nlast line PRIVATE3",
        PaperMeta(),
        True,
    ),
    (
        "CRNN: An End-to-End Trainable Neural Network for Image-based Sequence Recognition",
        "<!-- hides the rest\n<script>alert('x')</script>\n# heading\n\nsecond paragraph PRIVATE4",
        PaperMeta(
            authors=("Baoguang Shi", "Xiang Bai", "Cong Yao"), published=dt.date(2015, 7, 21), arxiv_id="1507.05717"
        ),
        True,
    ),
    (
        "Café Über Straße: Ünïcödé 中文 Titles 😀 and Ørsted's Łódź",
        '=HYPERLINK("http://evil.example","click") PRIVATE5',
        PaperMeta(authors=("Zoë Ørsted", "Łukasz Żółć", "李 华")),
        True,
    ),
    (
        "gpt-oss-120b & gpt-oss-20b Model Card",
        "Ünïcödé 中文 😀 café — “quotes”, ‘single’ -- dashes... PRIVATE6\n-1 and +1 and @me",
        PaperMeta(),
        True,
    ),
    (
        "Cache-Craft: Managing Chunk-Caches for Efficient Retrieval-Augmented Generation",
        MARKDOWN_BAIT,
        PaperMeta(),
        True,
    ),
    ("A Paper Whose Dump Was Removed {and 50% & #2}", "kept after its dump went PRIVATE8", PaperMeta(), False),
    ("Not Annotated: A Paper With No Note", "", PaperMeta(), True),
]
MARKERS = [f"PRIVATE{n}" for n in range(1, 9)]


def torture_items() -> list[ExportItem]:
    """The torture set as export items, starred a minute apart."""
    items = []
    for number, (title, note, meta, in_dump) in enumerate(TORTURE):
        pid = paper_id(title)
        dumps = (DumpAppearance(f"/dumps/{LISTED.isoformat()}.txt", LISTED),) if in_dump else ()
        paper = Paper(pid, title, ABSTRACT if in_dump else "", dumps, meta)
        state = UserState(
            pid,
            title,
            starred_at=STARRED + dt.timedelta(minutes=number),
            note=note,
            note_updated_at=STARRED if note else None,
        )
        items.append(ExportItem(paper, state))
    return items
