"""One thread for the user's writes: stars, notes and seen marks.

A write may wait (up to the store's busy timeout) for another process that
holds the store's write lock. On a thread of its own it holds up neither the
screen nor the reads (readers of a WAL database do not wait for a writer),
and the writes stay in the order they were made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from ..core.errors import PapersError

if TYPE_CHECKING:
    from ..core.library import Library

T = TypeVar("T")

_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="papers-write")


def finish_writes(timeout: float = 30.0) -> None:
    """Wait until the writes already asked for are done (they run in order):
    the app's visit is ended after them, never before the one that began it."""
    _WRITER.submit(lambda: None).result(timeout)


async def in_writer(write: Callable[[], T]) -> T:
    """Run `write` on the writer thread; await it from an async worker (a
    cancelled worker stops waiting, but a write once started completes)."""
    return await asyncio.wrap_future(_WRITER.submit(write))


async def mark_seen_in_writer(library: Library, paper_id: str) -> PapersError | None:
    """Mark a paper seen on the writer thread; the error if it could not be."""
    try:
        await in_writer(lambda: library.mark_seen(library.paper(paper_id)))
    except PapersError as error:
        return error
    return None
