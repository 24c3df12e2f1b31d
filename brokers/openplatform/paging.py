"""Paging of one query: every page in order, each item once, whatever the page keys do.

Paging ends when the page key says so (`"null"`, `""` or missing). `totalCnt` and `count` are
not a contract (the seeds' own examples contradict their rows): where they disagree with the
rows (or paging restarted or stopped) they are recorded in the call context's notes for the
run's record, and they never decide anything. A key seen before, or a numeric key that goes
backwards, is a loop: that pass stops, and the query is asked once more from the first page; a
second loop stops for good and keeps the pages read (each item once), marked incomplete. A 6003
(invalid key) also restarts once. A hard cap of pages bounds everything else the same way.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Generic, TypeVar

from brokers.errors import INVALID_PAGE, PlatformError
from brokers.records import BalancePage, PortfolioPage, TransactionPage
from brokers.upstream import CallContext

# More pages than any real account needs (500 holdings in pages of 10 is 50 per type): a cap
# that only a misbehaving upstream reaches, so a sync cannot run forever.
MAX_PAGES = 200
# How paging of one query ended, as recorded in the notes.
END, LOOP, CAP = "end", "loop", "cap"

logger = logging.getLogger(__name__)

P = TypeVar("P", BalancePage, PortfolioPage, TransactionPage)


@dataclasses.dataclass
class Paged(Generic[P]):
    """Every page one query gave, and whether paging reached its end."""

    pages: list[P]
    complete: bool


def read_pages(
    fetch: Callable[[str], P],
    *,
    first: str,
    items: Callable[[P], int],
    label: str,
    context: CallContext,
) -> Paged[P]:
    """Every page of one query, in order, each item exactly once, as far as paging goes.

    Paging ends on the page key alone. A loop (a key seen before, or going backwards) or a
    6003 (invalid key) ends the pass, and the query is asked once more from the first page,
    discarding the first pass; a second 6003 is raised, a second loop keeps that pass's
    pages and says the result is incomplete. The hard cap of MAX_PAGES keeps what it read,
    incomplete, at once. What happened goes into `context.notes`, with the counts the
    platform announced (which are recorded, never checked).
    """
    restarts = 0
    while True:
        try:
            pages, ended = follow_pages(fetch, first)
        except PlatformError as exc:
            if exc.kind != INVALID_PAGE or restarts:
                raise
            logger.warning("%s: invalid page key; asking again from the first page", label)
            restarts += 1
            continue
        if ended != LOOP or restarts:
            break
        logger.warning("%s: the page keys looped; asking again from the first page", label)
        restarts += 1
    received = sum(items(page) for page in pages)
    total_count = pages[0].page.total_count
    # Recorded where something is worth a look (counts that disagree with the rows, a
    # restart, a loop, the cap): the tidy majority would only fill the run records.
    if ended != END or restarts or (total_count is not None and total_count != received):
        context.notes.append(
            {
                "query": label,
                "pages": len(pages),
                "items": received,
                "total_cnt": total_count,
                "count": [page.page.count for page in pages],
                "ended": ended,
                "restarts": restarts,
            }
        )
    if ended != END:
        logger.warning("%s: paging stopped (%s) after %s pages", label, ended, len(pages))
    return Paged(pages, complete=ended == END)


def follow_pages(fetch: Callable[[str], P], first: str) -> tuple[list[P], str]:
    """The pages from the first key on, and how it ended: END (no next key), LOOP (a key
    asked before, or a numeric key not after the previous one) or CAP (MAX_PAGES)."""
    pages: list[P] = []
    requested = {first}
    key = first
    while True:
        page = fetch(key)
        pages.append(page)
        next_key = page.page.next_page
        if next_key is None:
            return pages, END
        if next_key in requested or goes_back(key, next_key):
            return pages, LOOP
        if len(pages) >= MAX_PAGES:
            return pages, CAP
        requested.add(next_key)
        key = next_key


def goes_back(key: str, next_key: str) -> bool:
    """Whether a numeric page key goes back (or stays) from the key it follows: a loop.
    Opaque keys cannot be compared; only a repeat catches their loops."""
    if not (key.isdigit() and next_key.isdigit()):
        return False
    return int(next_key) <= int(key)
