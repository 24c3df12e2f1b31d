"""The balance and portfolio services: an account's holdings, in amounts or in weights."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from brokers.errors import ParseError
from brokers.openplatform.parsing.answer import parse_resp_code
from brokers.openplatform.parsing.values import (
    answer_root,
    code_text,
    date_value,
    decimal_value,
    field,
    item_list,
    page_info,
    required_string,
    string_value,
    sub_block,
)
from brokers.records import (
    BalancePage,
    BalanceSummary,
    EquityHolding,
    FundHolding,
    OtherHolding,
    PortfolioEquity,
    PortfolioFund,
    PortfolioOther,
    PortfolioPage,
)


def parse_balance(d: Mapping[str, Any]) -> BalancePage:
    """One answer of account/balance/search."""
    root = answer_root(d)
    parse_resp_code(root)
    body = sub_block(root, "balanceResponseBody", "balanceResponseBody")
    balance_list = sub_block(root, "balanceList", "balanceList")
    balance = sub_block(balance_list, "balanceList.balance", "balance")
    base = "balanceList.balance"
    return BalancePage(
        summary=_balance_summary(sub_block(balance, f"{base}.summary", "summary")),
        equities=tuple(
            _equity_holding(item, path) for path, item in item_list(balance, f"{base}.equityList")
        ),
        funds=tuple(
            _fund_holding(item, path) for path, item in item_list(balance, f"{base}.fundList")
        ),
        others=tuple(
            _other_holding(item, path) for path, item in item_list(balance, f"{base}.etcList")
        ),
        page=page_info(body, "balanceResponseBody"),
    )


def parse_portfolio(d: Mapping[str, Any]) -> PortfolioPage:
    """One answer of account/portfolio/search (weights instead of amounts)."""
    root = answer_root(d)
    parse_resp_code(root)
    body = sub_block(root, "portfolioResponseBody", "portfolioResponseBody")
    portfolio_list = sub_block(root, "portfolioList", "portfolioList")
    portfolio = sub_block(portfolio_list, "portfolioList.portfolio", "portfolio")
    base = "portfolioList.portfolio"
    cash = sub_block(portfolio, f"{base}.cash", "cash")
    return PortfolioPage(
        cash_amt=decimal_value(field(cash, "amt"), f"{base}.cash.amt"),
        equities=tuple(
            _portfolio_equity(item, path)
            for path, item in item_list(portfolio, f"{base}.equityList")
        ),
        funds=tuple(
            _portfolio_fund(item, path) for path, item in item_list(portfolio, f"{base}.fundList")
        ),
        others=tuple(
            _portfolio_other(item, path) for path, item in item_list(portfolio, f"{base}.etcList")
        ),
        page=page_info(body, "portfolioResponseBody"),
    )


def _balance_summary(block: Mapping[str, Any] | None) -> BalanceSummary | None:
    if block is None:
        return None
    base = "balanceList.balance.summary"

    def amount(*names: str) -> Decimal | None:
        return decimal_value(field(block, *names), f"{base}.{names[0]}")

    summary = BalanceSummary(
        cash_balance=amount("cashBalance"),
        d1=amount("d1"),
        d2=amount("d2"),
        substitute=amount("substitute"),
        receivable=amount("receivable"),
        subs_margin=amount("subsMargin"),
        loan_credit=amount("loanCredit"),
        val_at_trade=amount("valAtTrade"),
        # Documented as valueAtCur; the spelling of the lists is accepted as a fallback.
        value_at_cur=amount("valueAtCur", "valAtCur"),
        pro_loss=amount("proLoss"),
        total_acc_val=amount("totalAccVal"),
        cash_av_withdraw=amount("cashAvWithdraw"),
    )
    if all(getattr(summary, name) is None for name in BalanceSummary.__slots__):
        return None
    return summary


def _equity_holding(item: Mapping[str, Any], path: str) -> EquityHolding:
    return EquityHolding(
        asset_type=code_text(item.get("assetType"), f"{path}.assetType"),
        product_type=string_value(item.get("productType"), f"{path}.productType"),
        isin=required_string(item.get("isinCode"), f"{path}.isinCode"),
        name=string_value(item.get("productName"), f"{path}.productName"),
        qty=decimal_value(item.get("qty"), f"{path}.qty"),
        trade_type=code_text(item.get("tradeType"), f"{path}.tradeType"),
        val_at_trade=decimal_value(item.get("valAtTrade"), f"{path}.valAtTrade"),
        val_at_cur=decimal_value(field(item, "valAtCur", "valueAtCur"), f"{path}.valAtCur"),
        pro_loss=decimal_value(item.get("proLoss"), f"{path}.proLoss"),
        earning_rate=decimal_value(item.get("earningRate"), f"{path}.earningRate"),
    )


def _fund_holding(item: Mapping[str, Any], path: str) -> FundHolding:
    return FundHolding(
        fund_type=string_value(item.get("fundType"), f"{path}.fundType"),
        fund_code=required_string(item.get("fundCode"), f"{path}.fundCode"),
        fund_name=string_value(item.get("fundName"), f"{path}.fundName"),
        val_at_trade=decimal_value(item.get("valAtTrade"), f"{path}.valAtTrade"),
        val_at_cur=decimal_value(field(item, "valAtCur", "valueAtCur"), f"{path}.valAtCur"),
        pro_loss=decimal_value(item.get("proLoss"), f"{path}.proLoss"),
        first_date_buy=date_value(item.get("firstDateBuy"), f"{path}.firstDateBuy"),
        last_date_buy=date_value(item.get("lastDateBuy"), f"{path}.lastDateBuy"),
        maturity=date_value(item.get("maturity"), f"{path}.maturity"),
        earning_rate=decimal_value(item.get("earningRate"), f"{path}.earningRate"),
    )


def _other_identity(item: Mapping[str, Any], path: str) -> tuple[str | None, str | None]:
    """An other-product line's name and ISIN; at least one of them must be there."""
    name = string_value(item.get("assetName"), f"{path}.assetName")
    isin = string_value(item.get("isinCode"), f"{path}.isinCode")
    if name is None and isin is None:
        raise ParseError("other asset has neither a name nor an ISIN", path=path)
    return name, isin


def _other_holding(item: Mapping[str, Any], path: str) -> OtherHolding:
    name, isin = _other_identity(item, path)
    return OtherHolding(
        asset_type=code_text(item.get("assetType"), f"{path}.assetType"),
        name=name,
        isin=isin,
        qty=decimal_value(item.get("qty"), f"{path}.qty"),
        trade_type=code_text(item.get("tradeType"), f"{path}.tradeType"),
        val_at_trade=decimal_value(item.get("valAtTrade"), f"{path}.valAtTrade"),
        # The sample answer spells it valueAtCur in etcList (valAtCur elsewhere).
        val_at_cur=decimal_value(field(item, "valueAtCur", "valAtCur"), f"{path}.valueAtCur"),
        earning_rate=decimal_value(item.get("earningRate"), f"{path}.earningRate"),
        pro_loss=decimal_value(item.get("proLoss"), f"{path}.proLoss"),
    )


def _portfolio_equity(item: Mapping[str, Any], path: str) -> PortfolioEquity:
    return PortfolioEquity(
        asset_type=code_text(item.get("assetType"), f"{path}.assetType"),
        isin=required_string(item.get("isinCode"), f"{path}.isinCode"),
        weight=decimal_value(item.get("qty"), f"{path}.qty"),
        earning_rate=decimal_value(item.get("earningRate"), f"{path}.earningRate"),
    )


def _portfolio_fund(item: Mapping[str, Any], path: str) -> PortfolioFund:
    return PortfolioFund(
        fund_code=required_string(item.get("fundCode"), f"{path}.fundCode"),
        fund_name=string_value(item.get("fundName"), f"{path}.fundName"),
        weight=decimal_value(item.get("qty"), f"{path}.qty"),
        earning_rate=decimal_value(item.get("earningRate"), f"{path}.earningRate"),
        maturity=date_value(item.get("maturity"), f"{path}.maturity"),
    )


def _portfolio_other(item: Mapping[str, Any], path: str) -> PortfolioOther:
    name, isin = _other_identity(item, path)
    return PortfolioOther(
        asset_type=code_text(item.get("assetType"), f"{path}.assetType"),
        name=name,
        isin=isin,
        weight=decimal_value(item.get("qty"), f"{path}.qty"),
        earning_rate=decimal_value(item.get("earningRate"), f"{path}.earningRate"),
    )
