"""Transactions in windows: no longer than the broker's maximum, split when refused, paged.

The platform's answers are scripted exactly (tests/brokers/scripted.py); the same behaviour
against the live sandbox is in test_client_sandbox.py.
"""

from __future__ import annotations

import datetime

import pytest

from brokers.errors import PlatformError
from tests.brokers.paged_answers import (
    OK,
    error_answer,
    query_of,
)
from tests.brokers.scripted import Answer

pytestmark = pytest.mark.django_db


def _rows_between(start: str, end: str) -> list[dict]:
    """One deposit on each window's first and last day, and two identical ones in between."""
    return [
        {"transDate": start, "transType": "DEP", "isinCode": "CASH", "changeAmt": 100},
        {"transDate": start, "transType": "DEP", "isinCode": "CASH", "changeAmt": 100},
        {"transDate": end, "transType": "WID", "isinCode": "CASH", "changeAmt": -5},
    ]


def _transaction_page(rows: list[dict], *, total: int, next_page: str = "null") -> Answer:
    return Answer(
        200,
        {
            "transactionHistoryResponseBody": {
                "queryParams": {},
                "queryResult": {"count": len(rows), "page": next_page, "totalCnt": total},
            },
            "transList": {"transaction": rows},
            "resp": OK,
        },
    )


def test_transactions_are_asked_in_windows_no_longer_than_the_brokers_maximum(
    scripted, scripted_client, link
):
    connection, _, cyber = link  # cyber: at most 90 days
    scripted.script = lambda request: _transaction_page(
        _rows_between(query_of(request)["fromDate"], query_of(request)["toDate"]), total=3
    )

    rows = scripted_client.transactions(
        connection, cyber, datetime.date(2026, 1, 1), datetime.date(2026, 7, 19)
    )

    windows = [(query_of(r)["fromDate"], query_of(r)["toDate"]) for r in scripted.requests]
    assert windows == [
        ("20260101", "20260331"),
        ("20260401", "20260629"),
        ("20260630", "20260719"),
    ]
    assert {query_of(r)["page"] for r in scripted.requests} == {""}
    # Nothing is deduplicated: the two equal deposits of each window are two transactions.
    assert len(rows) == 9
    assert rows[0] == rows[1]
    assert rows[0].date == datetime.date(2026, 1, 1)
    assert rows[-1].date == datetime.date(2026, 7, 19)


def test_a_window_refused_with_6006_is_split_to_the_days_the_error_names(
    scripted, scripted_client, link
):
    connection, diamond, _ = link  # diamond: no known maximum

    def script(request):
        query = query_of(request)
        start = datetime.datetime.strptime(query["fromDate"], "%Y%m%d")
        end = datetime.datetime.strptime(query["toDate"], "%Y%m%d")
        if (end - start).days + 1 > 30:
            return error_answer(6006, "date range exceeded (max 30 days)")
        return _transaction_page(_rows_between(query["fromDate"], query["toDate"]), total=3)

    scripted.script = script

    rows = scripted_client.transactions(
        connection, diamond, datetime.date(2026, 3, 1), datetime.date(2026, 4, 29)
    )

    windows = [(query_of(r)["fromDate"], query_of(r)["toDate"]) for r in scripted.requests]
    # One refused call, then windows of 30 days straight away for the rest of the range.
    assert windows == [
        ("20260301", "20260429"),
        ("20260301", "20260330"),
        ("20260331", "20260429"),
    ]
    assert len(rows) == 6


def test_a_6006_without_a_limit_halves_the_window_until_it_is_accepted(
    scripted, scripted_client, link
):
    connection, diamond, _ = link

    def script(request):
        query = query_of(request)
        start = datetime.datetime.strptime(query["fromDate"], "%Y%m%d")
        end = datetime.datetime.strptime(query["toDate"], "%Y%m%d")
        if (end - start).days + 1 > 20:
            return error_answer(6006, "date range exceeded.")
        return _transaction_page([], total=0)

    scripted.script = script

    scripted_client.transactions(
        connection, diamond, datetime.date(2026, 1, 1), datetime.date(2026, 2, 19)
    )

    windows = [(query_of(r)["fromDate"], query_of(r)["toDate"]) for r in scripted.requests]
    assert windows == [
        ("20260101", "20260219"),  # 50 days: refused
        ("20260101", "20260125"),  # 25: refused
        ("20260101", "20260112"),  # 12 days from here on
        ("20260113", "20260124"),
        ("20260125", "20260205"),
        ("20260206", "20260217"),
        ("20260218", "20260219"),
    ]


def test_transactions_follow_pages_within_a_window(scripted, scripted_client, link):
    connection, diamond, _ = link

    def script(request):
        if query_of(request)["page"] == "":
            return _transaction_page(_rows_between("20260105", "20260106"), total=4, next_page="2")
        return _transaction_page(_rows_between("20260107", "20260107")[:1], total=4)

    scripted.script = script

    rows = scripted_client.transactions(
        connection, diamond, datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)
    )

    assert [query_of(r)["page"] for r in scripted.requests] == ["", "2"]
    assert [row.date.day for row in rows] == [5, 5, 6, 7]


def test_a_window_of_one_day_still_refused_is_raised(scripted, scripted_client, link):
    connection, diamond, _ = link
    scripted.script = lambda request: error_answer(6006, "date range exceeded.")

    with pytest.raises(PlatformError) as failed:
        scripted_client.transactions(
            connection, diamond, datetime.date(2026, 1, 1), datetime.date(2026, 1, 4)
        )

    assert failed.value.code == 6006
    assert len(scripted.requests) == 3  # 4 days, 2 days, 1 day: all refused


def test_a_window_ending_before_it_starts_is_a_caller_error(scripted_client, link):
    connection, diamond, _ = link

    with pytest.raises(ValueError):
        scripted_client.transactions(
            connection, diamond, datetime.date(2026, 1, 2), datetime.date(2026, 1, 1)
        )
