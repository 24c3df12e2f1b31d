from __future__ import annotations

import hashlib
import itertools
import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from brokers.sandbox import catalog, data
from brokers.sandbox.data import AccountProfile, Txn

ROOT = Path(__file__).resolve().parents[2]
TODAY = data.REFERENCE_DATE
DEFAULT_ACCOUNTS = [
    "160678007213500001",
    "160731060768600001",
    "160657695589800099",
    "100000000000000001",
    "100000000000000002",
    "100000000000000003",
]
LARGE_ACCOUNT = "160678007213599999"
EMPTY_ACCOUNT = "160678007213500077"
BEGINNING = date(2000, 1, 1)


def replay(txns: list[Txn]) -> tuple[Decimal, dict[str, Decimal]]:
    """An independent replay: cash and quantity per code, checking each row on the way."""
    cash = Decimal(0)
    held: dict[str, Decimal] = {}
    for txn in txns:
        cash += txn.change_amt
        assert cash >= 0, txn
        if txn.isin_code in ("", "CASH"):
            assert txn.trans_type in ("DEP", "WID", "ETC")
            assert txn.change_qty == 0 and txn.qty == 0
            continue
        before = held.get(txn.isin_code, Decimal(0))
        assert before + txn.change_qty == txn.qty, txn
        if txn.qty:
            held[txn.isin_code] = txn.qty
        else:
            held.pop(txn.isin_code, None)
    return cash, held


def held_in(snapshot: data.AccountSnapshot) -> dict[str, Decimal]:
    held = {h.isin: h.qty for h in snapshot.equities}
    held.update({h.fund_code: h.units for h in snapshot.funds})
    held.update({h.code: h.qty for h in snapshot.others})
    return held


def test_account_seed_is_a_stable_hash_of_the_number() -> None:
    expected = int.from_bytes(hashlib.sha256(b"160678007213500001").digest()[:8], "big")
    assert data.account_seed("160678007213500001") == expected
    assert data.account_seed("160678007213500001") != data.account_seed("160678007213500002")


def test_accounts_open_400_to_800_days_before_the_reference_date_on_a_business_day() -> None:
    for vt in [*DEFAULT_ACCOUNTS, LARGE_ACCOUNT, EMPTY_ACCOUNT]:
        opened = data.opening_date(vt)
        assert 400 - 3 <= (TODAY - opened).days <= 800
        assert opened.weekday() < 5


def fingerprint() -> str:
    """A digest of two personas' snapshots and histories and one watchlist."""
    digest = hashlib.sha256()
    for vt, profile in ((DEFAULT_ACCOUNTS[0], "default"), (LARGE_ACCOUNT, "large")):
        digest.update(repr(data.holdings_as_of(vt, profile, TODAY)).encode())
        digest.update(repr(data.transactions_between(vt, profile, BEGINNING, TODAY)).encode())
    digest.update(repr(data.watchlist(DEFAULT_ACCOUNTS[0])).encode())
    return digest.hexdigest()


def test_the_same_account_gives_the_same_data_in_another_process() -> None:
    # A fresh interpreter with another str-hash seed must produce byte-identical data: nothing
    # may depend on hash(), on set order, or on what was asked before.
    code = "from tests.sandbox.test_data import fingerprint; print(fingerprint())"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == fingerprint()


def test_a_price_does_not_depend_on_which_dates_were_asked_before() -> None:
    isin = "KR7005930003"
    days = [date(2025, 3, 4), date(2026, 1, 15), date(2024, 12, 2)]
    data.price_on.cache_clear()
    forwards = [data.price_on(isin, d) for d in days]
    data.price_on.cache_clear()
    backwards = [data.price_on(isin, d) for d in reversed(days)][::-1]
    assert forwards == backwards
    assert len(set(forwards)) > 1


def test_prices_sit_on_the_tick_grid_and_weekends_keep_fridays_close() -> None:
    friday = date(2026, 11, 20)
    for inst in catalog.HAND_WRITTEN_EQUITIES:
        price = data.price_on(inst.isin, friday)
        assert price == price.to_integral_value()
        assert price % data.tick_size(price, inst.asset_type) == 0
        assert inst.base_price / 4 < price < inst.base_price * 4
        assert data.price_on(inst.isin, friday + timedelta(days=1)) == price
        assert data.price_on(inst.isin, friday + timedelta(days=2)) == price
    nav = data.price_on(catalog.FUNDS[0].code, friday)
    assert nav == nav.quantize(Decimal("0.01"))


def test_prices_move_day_to_day_like_a_walk() -> None:
    isin = "KR7000660001"
    start = date(2025, 1, 6)
    closes = [data.price_on(isin, start + timedelta(days=n)) for n in range(0, 364)]
    moves = [abs(b / a - 1) for a, b in itertools.pairwise(closes) if a != b]
    assert len(moves) > 150  # most business days change the close
    assert max(moves) < Decimal("0.15")  # no absurd daily jumps
    assert max(closes) / min(closes) > Decimal("1.1")  # but a year does move the price


def test_different_accounts_get_different_holdings() -> None:
    snapshots = [data.holdings_as_of(vt, "default", TODAY) for vt in DEFAULT_ACCOUNTS]
    holdings = {tuple(sorted(held_in(s).items())) for s in snapshots}
    totals = {s.summary.total_acc_val for s in snapshots}
    assert len(holdings) == len(snapshots)
    assert len(totals) == len(snapshots)


@pytest.mark.parametrize("vt", DEFAULT_ACCOUNTS)
def test_replaying_transactions_reproduces_holdings_and_cash(vt: str) -> None:
    opened = data.opening_date(vt)
    days = [opened, opened + timedelta(days=1), opened + timedelta(days=45), TODAY]
    days += [opened + timedelta(days=n) for n in (97, 180, 365, 399)]
    for day in days:
        cash, held = replay(data.transactions_between(vt, "default", BEGINNING, day))
        snapshot = data.holdings_as_of(vt, "default", day)
        assert cash == snapshot.summary.cash_balance == snapshot.summary.d2
        assert held == held_in(snapshot), day


def test_replaying_the_large_persona_reproduces_its_500_plus_holdings() -> None:
    for day in (TODAY, TODAY - timedelta(days=123)):
        cash, held = replay(data.transactions_between(LARGE_ACCOUNT, "large", BEGINNING, day))
        snapshot = data.holdings_as_of(LARGE_ACCOUNT, "large", day)
        assert cash == snapshot.cash
        assert held == held_in(snapshot)
        assert len(snapshot.equities) >= 500


def test_the_large_persona_keeps_500_equities_after_its_first_week() -> None:
    opened = data.opening_date(LARGE_ACCOUNT)
    for offset in (10, 60, 200, 390):
        snapshot = data.holdings_as_of(LARGE_ACCOUNT, "large", opened + timedelta(days=offset))
        assert 500 <= len(snapshot.equities) <= 560
        assert {h.trade_type for h in snapshot.equities} == {"SUM"}


def test_the_empty_persona_holds_cash_only() -> None:
    snapshot = data.holdings_as_of(EMPTY_ACCOUNT, AccountProfile.EMPTY, TODAY)
    assert snapshot.equities == snapshot.funds == snapshot.others == ()
    assert snapshot.cash > 0
    assert snapshot.summary.total_acc_val == snapshot.cash
    txns = data.transactions_between(EMPTY_ACCOUNT, "empty", BEGINNING, TODAY)
    assert {t.trans_type for t in txns} <= {"DEP", "WID", "ETC"}
    assert replay(txns)[0] == snapshot.cash


@pytest.mark.parametrize("vt", DEFAULT_ACCOUNTS)
def test_the_default_persona_has_the_documented_mix(vt: str) -> None:
    snapshot = data.holdings_as_of(vt, "default", TODAY)
    assert 10 <= len(snapshot.equities) <= 25
    assert {f.fund_type for f in snapshot.funds} == {"02", "12"}
    overseas = [f for f in snapshot.funds if f.fund_type == "12"]
    assert len(overseas) == 1 and overseas[0].buy_count == 1
    bonds = [o for o in snapshot.others if o.asset_type == "BOND"]
    assert len(bonds) == 1 and bonds[0].qty in {Decimal(10**9 * k) for k in (1, 2, 3)}
    assert snapshot.summary.total_acc_val >= Decimal("1e9")
    assert {h.trade_type for h in snapshot.equities} == {"NRM"}


@pytest.mark.parametrize("vt", DEFAULT_ACCOUNTS[:3])
def test_the_summary_agrees_with_the_items(vt: str) -> None:
    s = data.holdings_as_of(vt, "default", TODAY)
    items = [*s.equities, *s.funds, *s.others]
    assert s.summary.val_at_trade == sum(h.val_at_trade for h in items)
    assert s.summary.value_at_cur == sum(h.val_at_cur for h in items)
    assert s.summary.pro_loss == s.summary.value_at_cur - s.summary.val_at_trade
    assert s.summary.total_acc_val == s.cash + s.summary.value_at_cur
    assert s.summary.cash_av_withdraw == s.cash
    for h in s.equities:
        assert h.val_at_cur == h.qty * h.price
        assert h.pro_loss == h.val_at_cur - h.val_at_trade
        expected_rate = (h.pro_loss * 100 / h.val_at_trade).quantize(Decimal("0.01"))
        assert abs(h.earning_rate - expected_rate) <= Decimal("0.01")
    for value in (s.summary.total_acc_val, *(h.val_at_cur for h in items)):
        assert value == value.to_integral_value()  # whole won


def test_rows_follow_the_platforms_sign_conventions_and_date_order() -> None:
    txns = data.transactions_between(DEFAULT_ACCOUNTS[0], "default", BEGINNING, TODAY)
    assert [t.trans_date for t in txns] == sorted(t.trans_date for t in txns)
    for t in txns:
        if t.trans_type == "ASK":
            assert t.change_amt < 0 < t.change_qty
        elif t.trans_type == "BID":
            assert t.change_qty < 0 < t.change_amt
        elif t.trans_type == "DEP":
            assert t.change_amt > 0 and t.isin_code == "CASH"
        elif t.trans_type == "WID":
            assert t.change_amt < 0 and t.isin_code == "CASH"
        else:
            assert t.trans_type == "ETC" and t.isin_code == ""
        assert t.trans_date.weekday() < 5
    types = Counter(t.trans_type for t in txns)
    assert all(types[kind] > 0 for kind in ("ASK", "BID", "DEP", "ETC"))


@pytest.mark.parametrize("profile", ["default", "large", "empty"])
def test_every_persona_has_two_identical_rows_on_one_day(profile: str) -> None:
    vt = {"default": DEFAULT_ACCOUNTS[1], "large": LARGE_ACCOUNT, "empty": EMPTY_ACCOUNT}[profile]
    txns = data.transactions_between(vt, profile, BEGINNING, TODAY)
    twins = [t for t, n in Counter(txns).items() if n >= 2]
    assert twins
    pair_day = data.next_business_day(data.opening_date(vt) + timedelta(days=20))
    assert any(t.trans_date == pair_day and t.trans_type == "DEP" for t in twins)


@pytest.mark.parametrize("vt", DEFAULT_ACCOUNTS)
def test_most_days_are_idle_for_a_default_account(vt: str) -> None:
    start = data.opening_date(vt) + timedelta(days=30)
    end = start + timedelta(days=364)
    active = {t.trans_date for t in data.transactions_between(vt, "default", start, end)}
    share = Decimal(len(active)) / 365
    assert Decimal("0.03") <= share <= Decimal("0.20"), share


def test_transactions_between_is_inclusive_and_empty_outside_the_accounts_life() -> None:
    vt = DEFAULT_ACCOUNTS[0]
    opened = data.opening_date(vt)
    assert data.transactions_between(vt, "default", BEGINNING, opened - timedelta(days=1)) == []
    first_day = data.transactions_between(vt, "default", opened, opened)
    assert first_day and all(t.trans_date == opened for t in first_day)
    assert first_day[0].trans_type == "DEP"
    assert data.transactions_between(vt, "default", TODAY, TODAY - timedelta(days=1)) == []
    before = data.holdings_as_of(vt, "default", opened - timedelta(days=1))
    assert before.cash == 0 and not before.equities and not before.funds


def test_history_extends_past_the_reference_date_without_changing_the_past() -> None:
    vt = "100000000000000999"
    early = data.transactions_between(vt, "default", BEGINNING, TODAY)
    later = data.transactions_between(vt, "default", BEGINNING, TODAY + timedelta(days=200))
    assert later[: len(early)] == early
    assert len(later) > len(early)


def test_the_watchlist_has_a_stock_group_and_an_undated_etf_group() -> None:
    groups = data.watchlist(DEFAULT_ACCOUNTS[0])
    assert groups == data.watchlist(DEFAULT_ACCOUNTS[0])
    by_name = {g.group_name: g for g in groups}
    assert by_name["관심종목00"].modify_date is not None
    assert by_name["관심종목00"].modify_date <= TODAY
    assert by_name["ETF"].modify_date is None
    assert all(catalog.equity(i).asset_type == "ETF" for i in by_name["ETF"].isin_codes)
    assert 4 <= len(by_name["관심종목00"].isin_codes) <= 10
    assert data.watchlist(DEFAULT_ACCOUNTS[1]) != groups


def test_portfolio_ratios_are_weights_within_each_family() -> None:
    snapshot = data.holdings_as_of(DEFAULT_ACCOUNTS[0], "default", TODAY)
    ratios = data.portfolio_ratios(snapshot)
    for family in (ratios.equities, ratios.funds, ratios.others):
        total = sum(w.weight for w in family)
        assert abs(total - 100) <= Decimal("0.01") * len(family)
    expected_cash = snapshot.cash * 100 / snapshot.summary.total_acc_val
    assert abs(ratios.cash_ratio - expected_cash) <= Decimal("0.005")
    biggest = max(ratios.equities, key=lambda w: w.weight)
    assert biggest.holding.val_at_cur == max(h.val_at_cur for h in snapshot.equities)
