"""The apply services: what a balance, a portfolio, transactions and watchlists leave stored."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from brokers import records
from portfolio.models import (
    AssetClass,
    DailyValuation,
    Holding,
    HoldingPeriod,
    HoldingsSnapshot,
    Instrument,
    Transaction,
    WatchGroup,
)
from portfolio.services import holdings as holding_services
from portfolio.services.holdings import account_balance_apply, account_ratios_apply
from portfolio.services.transactions import account_transactions_replace
from portfolio.services.watchlists import account_watchlist_replace
from tests.portfolio.factories import (
    LinkedAccountFactory,
    bond,
    equities,
    equity,
    fund,
    portfolio,
    star_account,
    summary,
)
from tests.portfolio.factories import transaction as txn

pytestmark = pytest.mark.django_db

D = Decimal
MON = datetime.date(2026, 3, 2)
TUE = datetime.date(2026, 3, 3)
WED = datetime.date(2026, 3, 4)
THU = datetime.date(2026, 3, 5)
SAMSUNG = "KR7005930003"
HYNIX = "KR7000660001"


@pytest.fixture
def account(alice):
    return LinkedAccountFactory(user=alice)


def apply(account, as_of, holdings=(), *, funds=(), others=(), **summary_values):
    return account_balance_apply(
        account=account,
        as_of=as_of,
        summary=summary(**summary_values),
        equities=list(holdings),
        funds=list(funds),
        others=list(others),
    )


def stored(account) -> dict[str, list[tuple]]:
    """Every row the services write for an account, ids included."""
    return {
        "holdings": list(
            Holding.objects.filter(account=account)
            .order_by("id")
            .values_list(
                "id",
                "instrument__key",
                "trade_type",
                "as_of",
                "quantity",
                "purchase_value",
                "current_value",
                "profit_loss",
                "return_rate",
                "weight",
            )
        ),
        "history": list(
            HoldingPeriod.objects.filter(account=account)
            .order_by("id")
            .values_list("id", "instrument__key", "quantity", "valid_from", "valid_to")
        ),
        "valuations": list(
            DailyValuation.objects.filter(account=account)
            .order_by("date")
            .values_list("date", "cash", "total_value", "inflow", "outflow", "is_derived")
        ),
        "transactions": list(
            Transaction.objects.filter(account=account)
            .order_by("date", "ordinal")
            .values_list("id", "date", "ordinal", "type", "isin", "change_amount")
        ),
        "instruments": list(Instrument.objects.order_by("id").values_list("id", "key", "name")),
        "snapshot": list(
            HoldingsSnapshot.objects.filter(account=account).values_list("as_of", "source")
        ),
    }


# --- balance -----------------------------------------------------------------------------------


def test_a_balance_is_stored_with_the_brokers_summary_as_the_truth_for_totals(account) -> None:
    apply(
        account,
        MON,
        [equity(SAMSUNG, "10", purchase="700000", value="750000")],
        funds=[fund("K55101BB1234")],
        others=[bond()],
        cash="2000000",
        d1="1900000",
        d2="1800000",
        # The lists add up to far less than the summary's securities value (they may be paged,
        # truncated or filtered): the summary is kept, nothing is re-derived from the lists.
        securities="50000000000",
        purchase="49000000000",
        total="50002000000",
    )
    valuation = DailyValuation.objects.get(account=account, date=MON)
    assert (valuation.cash, valuation.cash_d1, valuation.cash_d2) == (
        D("2000000"),
        D("1900000"),
        D("1800000"),
    )
    assert valuation.securities_value == D("50000000000")
    assert valuation.purchase_value == D("49000000000")
    assert valuation.profit_loss == D("1000000000")
    # Cash is counted once: the summary's total, not total + cash.
    assert valuation.total_value == D("50002000000")
    assert valuation.is_derived is False

    holdings = {h.instrument.key: h for h in Holding.objects.filter(account=account)}
    assert set(holdings) == {SAMSUNG, "K55101BB1234", "ETC:BOND:국고채 03125-3006"}
    samsung = holdings[SAMSUNG]
    assert (samsung.trade_type, samsung.quantity, samsung.purchase_value) == (
        "NRM",
        D("10"),
        D("700000"),
    )
    assert (samsung.current_value, samsung.profit_loss, samsung.return_rate) == (
        D("750000"),
        D("50000"),
        D("7.14"),
    )
    # Fund figures are stored as given, even though 480,000 − 500,000 is not −15,000.
    fund_holding = holdings["K55101BB1234"]
    assert (fund_holding.quantity, fund_holding.current_value, fund_holding.profit_loss) == (
        None,
        D("480000"),
        D("-15000"),
    )
    # A face value in scientific notation is an exact quantity.
    assert holdings["ETC:BOND:국고채 03125-3006"].quantity == D("10000000000")
    assert HoldingsSnapshot.objects.get(account=account).source == "balance"


def test_instruments_get_their_asset_class_from_the_platforms_codes(account) -> None:
    apply(
        account,
        MON,
        [
            equity("KR7000000001", asset_type="KSP"),
            equity("KR7000000002", asset_type="KDQ"),
            equity("KR7000000003", asset_type="ETF"),
            equity("KR7000000004", asset_type="ELW"),
            equity("KR7000000005", asset_type="NEW"),
        ],
        funds=[fund("K55101BB1234")],
        others=[
            bond("국고채"),
            records.OtherHolding("ELS", "스텝다운 ELS", None, D("1"), "NRM", D(1), D(1), D(0)),
            records.OtherHolding("RP", "약정식 RP", None, D("1"), "NRM", D(1), D(1), D(0)),
            records.OtherHolding("STB", "단기채", None, D("1"), "NRM", D(1), D(1), D(0)),
        ],
    )
    classes = dict(Instrument.objects.values_list("key", "asset_class"))
    assert classes == {
        "KR7000000001": AssetClass.KOSPI,
        "KR7000000002": AssetClass.KOSDAQ,
        "KR7000000003": AssetClass.ETF,
        "KR7000000004": AssetClass.OTHER_EQUITY,
        "KR7000000005": AssetClass.OTHER_EQUITY,
        "K55101BB1234": AssetClass.FUND,
        "ETC:BOND:국고채": AssetClass.BOND,
        "ETC:ELS:스텝다운 ELS": AssetClass.ELS_DLS,
        "ETC:RP:약정식 RP": AssetClass.OTHER,
        "ETC:STB:단기채": AssetClass.BOND,
    }


def test_an_instrument_learns_its_name_when_one_arrives_and_keeps_it(account, bob) -> None:
    apply(account, MON, [equity(SAMSUNG)])
    assert Instrument.objects.get(key=SAMSUNG).name == ""
    # Another account's broker sends the name: every holder sees it.
    apply(LinkedAccountFactory(user=bob), MON, [equity(SAMSUNG, name="삼성전자")])
    assert Instrument.objects.get(key=SAMSUNG).name == "삼성전자"
    # A later answer without a name does not erase it.
    apply(account, TUE, [equity(SAMSUNG)])
    assert Instrument.objects.get(key=SAMSUNG).name == "삼성전자"
    assert Instrument.objects.count() == 1


def test_applying_the_same_balance_twice_changes_nothing(account) -> None:
    holdings = [equity(SAMSUNG, "10"), equity(HYNIX, "5")]
    apply(account, MON, holdings, funds=[fund("K55101BB1234")], others=[bond()])
    before = stored(account)
    result = apply(account, MON, holdings, funds=[fund("K55101BB1234")], others=[bond()])
    assert stored(account) == before
    assert (result.opened, result.closed) == (0, 0)


def test_a_holding_keeps_its_id_while_it_is_held(account) -> None:
    apply(account, MON, [equity(SAMSUNG, "10"), equity(HYNIX, "5")])
    samsung_id = Holding.objects.get(instrument__key=SAMSUNG).pk
    apply(account, TUE, [equity(SAMSUNG, "12")])
    assert list(Holding.objects.values_list("pk", "quantity", "as_of")) == [
        (samsung_id, D("12"), TUE)
    ]


def test_same_line_twice_is_two_lots_of_one_position(account) -> None:
    lot = equity(SAMSUNG, "10", purchase="100000", value="110000")
    apply(account, MON, [lot, lot])
    holding = Holding.objects.get()
    assert (holding.quantity, holding.purchase_value, holding.current_value) == (
        D("20"),
        D("200000"),
        D("220000"),
    )
    assert holding.return_rate == D("10")


def test_a_position_in_cash_and_on_credit_is_two_holdings(account) -> None:
    apply(account, MON, [equity(SAMSUNG, "10"), equity(SAMSUNG, "3", trade_type="CRD")])
    assert sorted(Holding.objects.values_list("trade_type", "quantity")) == [
        ("CRD", D("3")),
        ("NRM", D("10")),
    ]


def test_without_a_summary_the_figures_are_derived_from_the_lists_and_marked(account) -> None:
    account_balance_apply(
        account=account,
        as_of=MON,
        summary=None,
        equities=[
            equity(SAMSUNG, purchase="100", value="150"),
            equity(HYNIX, purchase="50", value="40"),
        ],
        funds=[],
        others=[],
    )
    valuation = DailyValuation.objects.get()
    # Cash is in no list, so it stays unknown rather than zero.
    assert valuation.cash is None
    assert (valuation.securities_value, valuation.purchase_value) == (D("190"), D("150"))
    assert (valuation.profit_loss, valuation.total_value, valuation.is_derived) == (
        D("40"),
        D("190"),
        True,
    )


def test_an_answer_with_no_summary_and_no_holding_is_refused(account) -> None:
    # It cannot be told from a glitch, and taking it would close every position.
    apply(account, MON, [equity(SAMSUNG, "10")])
    before = stored(account)
    with pytest.raises(ValueError, match="no summary and no holding"):
        account_balance_apply(
            account=account, as_of=TUE, summary=None, equities=[], funds=[], others=[]
        )
    assert stored(account) == before


def test_a_balance_older_than_the_current_holdings_writes_only_its_valuation(account) -> None:
    apply(account, TUE, [equity(SAMSUNG, "10")], cash="500")
    result = apply(account, MON, [equity(HYNIX, "1")], cash="400")
    assert result.stale is True
    assert list(Holding.objects.values_list("instrument__key", "as_of")) == [(SAMSUNG, TUE)]
    assert list(HoldingPeriod.objects.values_list("instrument__key", "valid_from")) == [
        (SAMSUNG, TUE)
    ]
    assert list(DailyValuation.objects.values_list("date", "cash")) == [
        (MON, D("400")),
        (TUE, D("500")),
    ]


def test_a_failure_inside_the_sync_leaves_the_previous_data_whole(account, monkeypatch) -> None:
    apply(account, MON, [equity(SAMSUNG, "10")], cash="1000")
    account_transactions_replace(
        account=account, start=MON, end=MON, transactions=[txn(MON, "DEP", "1000")]
    )
    before = stored(account)

    def fail(*args, **kwargs):
        raise RuntimeError("injected after holdings and history were written")

    # The valuation is the last write of the apply: holdings, instruments and history have
    # already been changed when it fails.
    monkeypatch.setattr(holding_services, "valuation_save", fail)
    with pytest.raises(RuntimeError, match="injected"), transaction.atomic():
        account_transactions_replace(
            account=account, start=MON, end=TUE, transactions=[txn(TUE, "WID", "-300")]
        )
        apply(account, TUE, [equity(HYNIX, "7", name="SK하이닉스")], cash="700")
    assert stored(account) == before


# --- ratios ------------------------------------------------------------------------------------


def test_a_ratio_only_account_stores_weights_and_no_amount(alice) -> None:
    account = star_account(alice)
    result = account_ratios_apply(account=account, as_of=MON, portfolio=portfolio())
    assert result.opened == 3
    rows = {
        h.instrument.key: (h.weight, h.current_value, h.quantity, h.is_ratio_only)
        for h in Holding.objects.filter(account=account).select_related("instrument")
    }
    assert rows == {
        SAMSUNG: (D("60"), None, None, True),
        HYNIX: (D("40"), None, None, True),
        "K55101BB1234": (D("100"), None, None, True),
    }
    snapshot = HoldingsSnapshot.objects.get(account=account)
    assert (snapshot.source, snapshot.cash_weight, snapshot.is_ratio_only) == (
        "portfolio",
        D("12.5"),
        True,
    )
    # No amount is invented: such an account has no valuation rows.
    assert not DailyValuation.objects.filter(account=account).exists()


def test_a_ratio_only_account_records_what_it_held_over_time(alice) -> None:
    account = star_account(alice)
    account_ratios_apply(account=account, as_of=MON, portfolio=portfolio())
    # Weights move with prices every day: that alone opens no history.
    moved = portfolio(weights={SAMSUNG: "55", HYNIX: "45"})
    idle = account_ratios_apply(account=account, as_of=TUE, portfolio=moved)
    assert (idle.opened, idle.closed) == (0, 0)
    sold = portfolio(weights={SAMSUNG: "100"})
    result = account_ratios_apply(account=account, as_of=WED, portfolio=sold)
    assert (result.opened, result.closed) == (0, 1)
    assert HoldingPeriod.objects.filter(account=account).count() == 3


# --- transactions ------------------------------------------------------------------------------


def test_identical_same_day_transactions_stay_two_rows(account) -> None:
    deposit = txn(MON, "DEP", "1000000")
    account_transactions_replace(
        account=account, start=MON, end=MON, transactions=[deposit, deposit]
    )
    assert list(Transaction.objects.values_list("date", "ordinal", "type", "change_amount")) == [
        (MON, 0, "DEP", D("1000000")),
        (MON, 1, "DEP", D("1000000")),
    ]


def test_replacing_a_window_twice_changes_nothing(account) -> None:
    rows = [
        txn(MON, "DEP", "1000000", isin=None),
        txn(MON, "ASK", "-700000", isin=SAMSUNG, qty="10", after="10"),
        txn(TUE, "BID", "350000", isin=SAMSUNG, qty="-5", after="5"),
        txn(TUE, "ETC", "120"),
    ]
    first = account_transactions_replace(account=account, start=MON, end=WED, transactions=rows)
    before = stored(account)
    again = account_transactions_replace(account=account, start=MON, end=WED, transactions=rows)
    assert (first.inserted, again.inserted, again.deleted, again.unchanged) == (4, 0, 0, 4)
    assert stored(account) == before


def test_a_resynced_window_takes_late_corrections_and_leaves_other_days_alone(account) -> None:
    account_transactions_replace(
        account=account,
        start=MON,
        end=TUE,
        transactions=[txn(MON, "DEP", "100"), txn(TUE, "DEP", "200"), txn(TUE, "WID", "-50")],
    )
    # The overlap window re-reads Tuesday onwards: the withdrawal was reversed upstream and a
    # Wednesday row arrived. Monday is outside the window and stays.
    corrected = [txn(TUE, "DEP", "200"), txn(WED, "ETC", "7")]
    result = account_transactions_replace(
        account=account, start=TUE, end=WED, transactions=corrected
    )
    assert (result.inserted, result.deleted, result.unchanged) == (1, 1, 1)
    assert list(Transaction.objects.values_list("date", "ordinal", "type", "change_amount")) == [
        (MON, 0, "DEP", D("100")),
        (TUE, 0, "DEP", D("200")),
        (WED, 0, "ETC", D("7")),
    ]


def test_a_row_outside_the_window_is_refused_and_nothing_is_written(account) -> None:
    with pytest.raises(ValueError, match="outside the window"):
        account_transactions_replace(
            account=account,
            start=TUE,
            end=WED,
            transactions=[txn(TUE, "DEP", "1"), txn(MON, "DEP", "2")],
        )
    assert not Transaction.objects.exists()


def test_deposits_and_withdrawals_become_the_valuations_flows(account) -> None:
    for day in (MON, TUE, THU):
        apply(account, day, cash="1000")
    account_transactions_replace(
        account=account,
        start=MON,
        end=THU,
        transactions=[
            txn(TUE, "DEP", "300"),
            txn(TUE, "DEP", "300"),
            txn(TUE, "WID", "-100"),
            txn(TUE, "ASK", "-500", isin=SAMSUNG, qty="1", after="1"),  # a buy is not a flow
            txn(TUE, "ETC", "9"),  # interest is income, not a flow
            # Wednesday has no valuation: its deposit is counted on Thursday, not lost.
            txn(WED, "DEP", "40"),
            txn(THU, "WID", "-5"),
        ],
    )
    assert list(DailyValuation.objects.values_list("date", "inflow", "outflow")) == [
        (MON, D("0"), D("0")),
        (TUE, D("600"), D("100")),
        (THU, D("40"), D("5")),
    ]


def test_a_valuation_applied_after_its_transactions_picks_up_their_flows(account) -> None:
    apply(account, MON, cash="1000")
    account_transactions_replace(
        account=account,
        start=MON,
        end=WED,
        transactions=[txn(TUE, "DEP", "10"), txn(WED, "DEP", "20")],
    )
    apply(account, WED, cash="1030")
    assert DailyValuation.objects.get(date=WED).inflow == D("30")
    # A late valuation for Tuesday splits the sub-period: Tuesday's flow moves to it.
    apply(account, TUE, cash="1010")
    assert list(DailyValuation.objects.values_list("date", "inflow")) == [
        (MON, D("0")),
        (TUE, D("10")),
        (WED, D("20")),
    ]


# --- watchlists and scoping --------------------------------------------------------------------


def test_a_watchlist_is_replaced_whole_in_the_brokers_order(account) -> None:
    groups = [
        records.WatchGroup(name="반도체", modified=MON, isins=(SAMSUNG, HYNIX)),
        records.WatchGroup(name=None, modified=None, isins=()),
    ]
    account_watchlist_replace(account=account, groups=groups)
    account_watchlist_replace(account=account, groups=groups)
    assert list(WatchGroup.objects.values_list("position", "name", "modified", "isins")) == [
        (0, "반도체", MON, [SAMSUNG, HYNIX]),
        (1, "", None, []),
    ]
    account_watchlist_replace(account=account, groups=[])
    assert not WatchGroup.objects.exists()


def test_charlie_sees_none_of_alices_rows(alice, charlie) -> None:
    account = LinkedAccountFactory(user=alice)
    apply(account, MON, equities(3), cash="1000")
    account_ratios_apply(account=star_account(alice), as_of=MON, portfolio=portfolio())
    account_transactions_replace(
        account=account, start=MON, end=MON, transactions=[txn(MON, "DEP", "1")]
    )
    account_watchlist_replace(
        account=account, groups=[records.WatchGroup(name="a", modified=None, isins=(SAMSUNG,))]
    )
    scoped = [Holding, HoldingPeriod, HoldingsSnapshot, DailyValuation, Transaction, WatchGroup]
    for model in scoped:
        assert model.objects.for_user(alice).exists(), model.__name__
        assert not model.objects.for_user(charlie).exists(), model.__name__
