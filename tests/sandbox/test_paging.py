from __future__ import annotations

import base64
import re

import pytest

from brokers.sandbox import paging
from brokers.sandbox.paging import InvalidPageKey

SECRET = b"sandbox-paging-test-secret"
SCOPE = paging.page_scope("160678007213500001", "balance", "EQTY", "20261121")


def walk(items: list[int], count: int, first: str | None = "null") -> list[list[int]]:
    pages: list[list[int]] = []
    key: str | None = first
    for _ in range(len(items) + 2):
        chunk, key = paging.page(items, count, key, SECRET, SCOPE)
        pages.append(chunk)
        if key is None:
            return pages
    raise AssertionError("paging did not end")


@pytest.mark.parametrize(("size", "count"), [(0, 5), (1, 5), (5, 5), (6, 5), (23, 7), (538, 20)])
def test_every_item_comes_back_exactly_once_across_pages(size: int, count: int) -> None:
    items = list(range(size))
    pages = walk(items, count)
    assert [x for chunk in pages for x in chunk] == items
    assert all(len(chunk) <= count for chunk in pages)
    assert len(pages) == max(1, -(-size // count))


@pytest.mark.parametrize("first", [None, "", "null", " null "])
def test_the_first_page_is_asked_for_with_null_empty_or_nothing(first: str | None) -> None:
    chunk, key = paging.page(list(range(10)), 4, first, SECRET, SCOPE)
    assert chunk == [0, 1, 2, 3]
    assert key is not None


def test_keys_are_opaque_short_and_url_safe() -> None:
    keys = [paging.make_key(SECRET, SCOPE, offset) for offset in range(0, 200, 20)]
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", key)
        assert len(key) <= 24  # the platform's page field is String(24)
    # Consecutive keys share no common prefix that would give the offset away.
    assert len({key[:4] for key in keys}) == len(keys)


def test_a_key_reads_back_as_its_offset_only_in_its_own_scope() -> None:
    key = paging.make_key(SECRET, SCOPE, 40)
    assert paging.read_key(SECRET, SCOPE, key) == 40
    other_account = paging.page_scope("160678007213500002", "balance", "EQTY", "20261121")
    other_asset = paging.page_scope("160678007213500001", "balance", "FUND", "20261121")
    other_day = paging.page_scope("160678007213500001", "balance", "EQTY", "20261120")
    for scope in (other_account, other_asset, other_day):
        with pytest.raises(InvalidPageKey):
            paging.read_key(SECRET, scope, key)
    with pytest.raises(InvalidPageKey):
        paging.read_key(b"another-secret", SCOPE, key)


def test_forged_and_garbled_keys_are_refused() -> None:
    key = paging.make_key(SECRET, SCOPE, 40)
    flipped = key[:5] + ("A" if key[5] != "A" else "B") + key[6:]
    forged = base64.urlsafe_b64encode(bytes(16)).rstrip(b"=").decode()
    for bad in (flipped, forged, key[:-2], key + "AA", "!!!!", "키값", "201603100000000961"):
        with pytest.raises(InvalidPageKey):
            paging.read_key(SECRET, SCOPE, bad)
        with pytest.raises(InvalidPageKey):
            paging.page(list(range(100)), 10, bad, SECRET, SCOPE)


def test_a_key_past_the_end_of_a_shrunken_listing_is_refused() -> None:
    key = paging.make_key(SECRET, SCOPE, 30)
    assert paging.page(list(range(40)), 10, key, SECRET, SCOPE) == (
        list(range(30, 40)),
        None,
    )
    with pytest.raises(InvalidPageKey):
        paging.page(list(range(20)), 10, key, SECRET, SCOPE)


def test_a_count_below_one_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        paging.page([1, 2], 0, None, SECRET, SCOPE)
    with pytest.raises(ValueError):
        paging.make_key(SECRET, SCOPE, -1)
