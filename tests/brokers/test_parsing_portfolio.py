"""The portfolio answer parses into exactly the weights, rates and cash it describes."""

from __future__ import annotations

from decimal import Decimal

from brokers.openplatform.parsing.answer import loads
from brokers.openplatform.parsing.holdings import parse_portfolio
from brokers.records import (
    PageInfo,
    PortfolioEquity,
    PortfolioFund,
    PortfolioOther,
)
from tests.brokers.payloads.portfolio import PORTFOLIO_RESPONSE

D = Decimal


# --- portfolio ----------------------------------------------------------------------------


def test_portfolio_seed_parses_weights_rates_and_cash():
    page = parse_portfolio(loads(PORTFOLIO_RESPONSE))
    assert page.cash_amt == D("6976542")
    assert page.page == PageInfo(total_count=157, count=157, next_page=None)
    assert page.equities[3] == PortfolioEquity(
        asset_type="KSP", isin="KR7000270009", weight=D("1"), earning_rate=D("-3.97")
    )
    assert [e.weight for e in page.equities] == [D(0), D(0), D(0), D(1), D(0)]
    assert page.funds[2] == PortfolioFund(
        fund_code="KRZ501130561",
        fund_name="미래에셋고배당포커스증권자1호(",
        weight=D("5"),
        earning_rate=D("-6.32"),
        maturity=None,
    )
    assert len(page.others) == 8
    assert page.others[3] == PortfolioOther(
        asset_type="DLS",
        name="우리투자증권(DLS)1120",
        isin=None,
        weight=D("14"),
        earning_rate=D("2.61"),
    )
    assert page.others[7].name == "루카스 20131227-89-15"


def test_portfolio_without_cash_block_has_no_cash_amount():
    d = loads(PORTFOLIO_RESPONSE)
    del d["portfolioList"]["portfolio"]["cash"]
    assert parse_portfolio(d).cash_amt is None
