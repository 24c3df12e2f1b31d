"""Average cost (평균단가), realized P/L (실현손익) and the by-instrument view: the sums done by
hand for a made-up sequence, compared with the calculation and with what the pages show."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portfolio import realized
from portfolio.models import AssetClass, Family, Holding, Instrument, Transaction
from tests.portfolio.factories import LinkedAccountFactory

ISIN = "KR7005930003"
OTHER = "KR7000660001"
THIS_YEAR = timezone.localdate().year


def trade(day: int, kind: str, amount: str, qty: str | None, after: str | None) -> realized.Trade:
    return realized.Trade(
        account_id=1,
        isin=ISIN,
        date=datetime.date(THIS_YEAR, 1, day),
        type=kind,
        change_amount=Decimal(amount),
        change_quantity=None if qty is None else Decimal(qty),
        quantity_after=None if after is None else Decimal(after),
    )


# Done by hand: buy 10 for 100,000 and 10 for 120,000 → 20 at an average of 11,000. Sell 5 for
# 65,000: cost 5 × 11,000 = 55,000, realized +10,000, 15 left at 11,000. Sell 15 for 150,000:
# cost 165,000, realized −15,000, nothing left. Year: −5,000.
SEQUENCE = [
    trade(5, "ASK", "-100000", "10", "10"),
    trade(6, "ASK", "-120000", "10", "20"),
    trade(7, "BID", "65000", "5", "15"),
    trade(8, "BID", "150000", "15", "0"),
]


def test_the_moving_average_cost_and_the_realized_pl_match_the_sums_done_by_hand() -> None:
    ledger = realized.replay(SEQUENCE[:2])
    assert ledger.positions[(1, ISIN)].average_cost == Decimal(11000)

    ledger = realized.replay(SEQUENCE[:3])
    assert [r.profit for r in ledger.realizations] == [Decimal(10000)]
    assert ledger.realizations[0].average_cost == Decimal(11000)
    assert ledger.positions[(1, ISIN)].quantity == Decimal(15)
    assert ledger.positions[(1, ISIN)].average_cost == Decimal(11000)

    ledger = realized.replay(SEQUENCE)
    assert [r.profit for r in ledger.realizations] == [Decimal(10000), Decimal(-15000)]
    assert [r.cost for r in ledger.realizations] == [Decimal(55000), Decimal(165000)]
    assert ledger.positions[(1, ISIN)].quantity == 0
    assert ledger.positions[(1, ISIN)].average_cost is None
    assert realized.by_month(ledger.realizations) == {(THIS_YEAR, 1): Decimal(-5000)}
    assert ledger.unmatched_sells == []


def test_a_trade_without_change_qty_moves_the_difference_of_the_quantity_held() -> None:
    ledger = realized.replay(
        [trade(5, "ASK", "-100000", None, "10"), trade(6, "BID", "60000", None, "5")]
    )
    assert [r.quantity for r in ledger.realizations] == [Decimal(5)]
    assert [r.profit for r in ledger.realizations] == [Decimal(10000)]


def test_a_sell_of_shares_bought_before_our_history_is_counted_not_guessed() -> None:
    ledger = realized.replay([trade(5, "BID", "60000", "5", "0")])
    assert ledger.realizations == []
    assert ledger.unmatched_sells == [datetime.date(THIS_YEAR, 1, 5)]


def test_deposits_and_other_rows_change_no_position() -> None:
    ledger = realized.replay(
        [trade(5, "ASK", "-100000", "10", "10"), trade(6, "DEP", "500000", None, None)]
    )
    assert ledger.positions[(1, ISIN)].cost == Decimal(100000)


# --- pages ------------------------------------------------------------------------------------

WON = re.compile(r"[+-]?[\d,]+원")


def won(cell: str) -> Decimal:
    """A KRW figure as the Korean page prints it ("+10,000원") back into a number."""
    match = WON.search(cell)
    assert match, cell
    return Decimal(match.group(0).replace(",", "").replace("원", ""))


def cells(html: str, attribute: str) -> list[str]:
    return re.findall(rf"<td[^>]*{attribute}[^>]*>(.*?)</td>", html, flags=re.S)


def instrument(key: str, name: str) -> Instrument:
    return Instrument.objects.create(
        key=key,
        isin=key,
        name=name,
        family=Family.EQUITY,
        asset_class=AssetClass.KOSPI,
        updated_at=timezone.now(),
    )


@pytest.mark.django_db
def test_the_realized_page_shows_each_sell_and_the_years_total_as_computed_by_hand(
    client, alice, charlie
) -> None:
    account = LinkedAccountFactory(user=alice, alias="주식")
    instrument(ISIN, "삼성전자")
    for ordinal, item in enumerate(SEQUENCE):
        Transaction.objects.create(
            account=account,
            date=item.date,
            ordinal=ordinal,
            type=item.type,
            isin=item.isin,
            change_amount=item.change_amount,
            change_quantity=item.change_quantity,
            quantity_after=item.quantity_after,
        )
    client.force_login(alice)
    html = client.get(reverse("realized_pl"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    # Newest first: the −15,000 sell, then the +10,000 one.
    assert [won(cell) for cell in cells(html, "data-profit")] == [Decimal(-15000), Decimal(10000)]
    assert [won(cell) for cell in cells(html, "data-average-cost")] == [Decimal(11000)] * 2
    total = re.search(r"data-realized-total>(.*?)</strong>", html, flags=re.S)
    assert total and won(total.group(1)) == Decimal(-5000)
    assert "삼성전자" in html

    client.force_login(charlie)
    html = client.get(reverse("realized_pl")).content.decode()
    assert "data-sell" not in html


@pytest.mark.django_db
def test_a_year_that_is_not_ascii_digits_shows_this_year(client, alice) -> None:
    client.force_login(alice)
    response = client.get(reverse("realized_pl"), {"year": "²"})
    assert response.status_code == 200
    assert response.context["year"] == THIS_YEAR


@pytest.mark.django_db
def test_one_instrument_in_two_accounts_is_one_row_with_the_combined_average_cost(
    client, alice, charlie
) -> None:
    first = LinkedAccountFactory(user=alice)
    second = LinkedAccountFactory(user=alice)
    samsung = instrument(ISIN, "삼성전자")
    hynix = instrument(OTHER, "SK하이닉스")
    today = timezone.localdate()
    for account, held, cost, value in ((first, 10, 100000, 130000), (second, 30, 360000, 390000)):
        Holding.objects.create(
            account=account, instrument=samsung, as_of=today, quantity=Decimal(held),
            purchase_value=Decimal(cost), current_value=Decimal(value),
        )  # fmt: skip
    Holding.objects.create(
        account=first, instrument=hynix, as_of=today, quantity=Decimal(1),
        purchase_value=Decimal(200000), current_value=Decimal(180000),
    )  # fmt: skip
    client.force_login(alice)
    html = client.get(reverse("holdings_by_instrument"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    rows = re.findall(r'<tr data-instrument="([^"]+)">(.*?)</tr>', html, flags=re.S)
    assert [key for key, _ in rows] == [ISIN, OTHER]
    samsung_row = rows[0][1]
    # 40 shares for 460,000 → 11,500 a share; 520,000 now → +60,000.
    assert re.search(r"data-accounts>\s*2\s*<", samsung_row)
    assert won(cells(samsung_row, "data-average-cost")[0]) == Decimal(11500)
    assert won(cells(samsung_row, "data-value")[0]) == Decimal(520000)
    assert won(cells(samsung_row, "data-pl")[0]) == Decimal(60000)

    client.force_login(charlie)
    assert "data-instrument=" not in client.get(reverse("holdings_by_instrument")).content.decode()


@pytest.mark.django_db
def test_a_bond_without_a_brokers_pl_shows_the_difference_marked_as_computed(client, alice) -> None:
    account = LinkedAccountFactory(user=alice)
    bond = Instrument.objects.create(
        key="ETC:BOND:국고채", name="국고채 03750-2812", family=Family.OTHER,
        asset_class=AssetClass.BOND, updated_at=timezone.now(),
    )  # fmt: skip
    holding = Holding.objects.create(
        account=account, instrument=bond, as_of=timezone.localdate(), quantity=Decimal(10),
        purchase_value=Decimal(1000000), current_value=Decimal(1012000),
        return_rate=Decimal("1.2"),
    )  # fmt: skip
    client.force_login(alice)

    html = client.get(reverse("holdings"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    row = re.search(rf'<tr data-holding="{holding.pk}".*?</tr>', html, flags=re.S).group(0)
    assert "+12,000원" in row and 'class="computed"' in row
    assert "+1.20%" in row


@pytest.mark.django_db
def test_other_transactions_say_what_they_likely_are(client, alice) -> None:
    account = LinkedAccountFactory(user=alice)
    day = timezone.localdate()
    for ordinal, (isin, amount, qty) in enumerate(
        [("", "1520", None), (ISIN, "36100", None), ("", "-3300", None), (ISIN, "0", "5")]
    ):
        Transaction.objects.create(
            account=account, date=day, ordinal=ordinal, type="ETC", isin=isin,
            change_amount=Decimal(amount), change_quantity=None if qty is None else Decimal(qty),
        )  # fmt: skip
    client.force_login(alice)

    html = client.get(reverse("transactions"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    described = re.findall(r"data-other>(.*?)</span>", html)
    assert sorted(described) == sorted(
        ["이자 등 입금으로 보임", "배당·분배금으로 보임", "수수료·세금 등 출금으로 보임"]
    )
