"""Typed records of what we take from the open platform, in our own terms.

The platform's JSON is turned into these once, at the edge (`brokers.openplatform.parsing`), so
nothing further in can meet a float, a `"null"` string, a stray space or a scientific-notation
amount. Money, quantities, weights and rates are `Decimal`; days are `datetime.date`; a value
the platform did not give is `None`. Records are frozen and hold tuples, so they can be shared,
compared and cached safely.

Code-like fields (asset and trade types, transaction types) are kept as the platform sends
them, stripped and upper-cased, and are not restricted to the documented values: a broker
adding a product family must not break a sync. The documented values are listed below for
callers that want to branch on them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

# Documented values, for reference and for callers' choices; parsing does not enforce them.
EQUITY_ASSET_TYPES = ("KSP", "KDQ", "ETF", "FUT", "OPT", "ELW", "ETC")
OTHER_ASSET_TYPES = ("BOND", "CD", "CP", "DLS", "ELS", "STB", "RP", "CRP", "RRP", "WRT")
TRADE_TYPES = ("NRM", "CRD", "LOAN", "SUM")  # cash, credit, loan, unclassified sum (no loans)
TRANSACTION_TYPES = ("BID", "ASK", "DEP", "WID", "ETC")  # sell, buy, transfer in/out, other


@dataclass(frozen=True, slots=True)
class LinkedAccount:
    """A virtual account the user linked to our service (consent/search `vtAccList[]`)."""

    broker_code: str  # comId: five digits, e.g. "00002"; the platform sends " 00002"
    vt_acc_no: str  # vtAccNo: the virtual account number, up to 30 characters
    alias: str | None  # vtAccAlias: the user's name for the account, if any
    # serviceTermsExpireDate (newer documents): the last day of this service's consent; the
    # item's own, else the answer's top-level one. None where the platform does not say.
    terms_expire: datetime.date | None = None
    # endpoint (newer examples, in no field table): the broker's account-API base. Recorded for
    # diagnosis only: calls go to the configured gateway, never to an address an answer names.
    endpoint: str | None = None


@dataclass(frozen=True, slots=True)
class Membership:
    """register/search: whether the person is a portal member, and until when their
    platform-wide consent to provide financial data runs (commonTermsExpireDate, newer
    documents; None where not sent)."""

    is_member: bool
    terms_expire: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class PageInfo:
    """Where an answer sits in a paged result (`queryResult`, or `queryRequest`)."""

    total_count: int | None  # totalCnt: items for the whole query
    count: int | None  # count: items in this answer
    next_page: str | None  # page: key for the next call; None when there is no more


@dataclass(frozen=True, slots=True)
class BalanceSummary:
    """The broker's own account totals (`balanceList.balance.summary`): the truth for totals."""

    cash_balance: Decimal | None  # cashBalance
    d1: Decimal | None  # d1: cash at D+1
    d2: Decimal | None  # d2: cash at D+2
    substitute: Decimal | None  # substitute: 대용금, securities' collateral value
    receivable: Decimal | None  # receivable: 미수/미납금, unsettled amounts owed
    subs_margin: Decimal | None  # subsMargin: 대용증거금
    loan_credit: Decimal | None  # loanCredit: 대출/신용금
    val_at_trade: Decimal | None  # valAtTrade: purchase value of the securities
    value_at_cur: Decimal | None  # valueAtCur: current valuation of the securities
    pro_loss: Decimal | None  # proLoss: unrealised profit or loss of the securities
    total_acc_val: Decimal | None  # totalAccVal: total account valuation
    cash_av_withdraw: Decimal | None  # cashAvWithdraw: cash available to withdraw


@dataclass(frozen=True, slots=True)
class EquityHolding:
    """One line of `equityList[]` in a balance answer."""

    asset_type: str | None  # assetType: KSP, KDQ, ETF, FUT, OPT, ELW, ETC
    product_type: str | None  # productType: the broker's own product class (2 chars)
    isin: str  # isinCode
    name: str | None  # productName
    qty: Decimal | None  # qty: shares or contracts held
    trade_type: str | None  # tradeType: NRM, CRD, LOAN, SUM
    val_at_trade: Decimal | None  # valAtTrade: purchase value
    val_at_cur: Decimal | None  # valAtCur: current valuation
    pro_loss: Decimal | None  # proLoss: unrealised profit or loss
    earning_rate: Decimal | None  # earningRate: return in percent


@dataclass(frozen=True, slots=True)
class FundHolding:
    """One line of `fundList[]` in a balance answer."""

    fund_type: str | None  # fundType: e.g. "02" domestic
    fund_code: str  # fundCode: the fund's standard code
    fund_name: str | None  # fundName: at most 15 characters, often cut mid-word
    val_at_trade: Decimal | None  # valAtTrade: purchase value
    val_at_cur: Decimal | None  # valAtCur: current valuation
    pro_loss: Decimal | None  # proLoss: unrealised profit or loss
    first_date_buy: datetime.date | None  # firstDateBuy
    last_date_buy: datetime.date | None  # lastDateBuy
    maturity: datetime.date | None  # maturity: None for "00000000" (no maturity)
    earning_rate: Decimal | None  # earningRate: return in percent


@dataclass(frozen=True, slots=True)
class OtherHolding:
    """One line of `etcList[]` in a balance answer (bonds, CP, DLS, ELS, RP, warrants...)."""

    asset_type: str | None  # assetType: BOND, CD, CP, DLS, ELS, STB, RP, CRP, RRP, WRT
    name: str | None  # assetName
    isin: str | None  # isinCode: documented as not yet supported, so usually absent
    qty: Decimal | None  # qty: often a face value (1.0E10) rather than a count
    trade_type: str | None  # tradeType: NRM, CRD, LOAN, SUM
    val_at_trade: Decimal | None  # valAtTrade: purchase value
    val_at_cur: Decimal | None  # valueAtCur here, not valAtCur as in the other lists
    earning_rate: Decimal | None  # earningRate: return in percent
    pro_loss: Decimal | None = None  # proLoss: not documented for etcList; kept if sent


@dataclass(frozen=True, slots=True)
class BalancePage:
    """One answer of balance/search."""

    summary: BalanceSummary | None  # None when the answer has no summary values at all
    equities: tuple[EquityHolding, ...]
    funds: tuple[FundHolding, ...]
    others: tuple[OtherHolding, ...]
    page: PageInfo


@dataclass(frozen=True, slots=True)
class PortfolioEquity:
    """One line of `portfolioList.portfolio.equityList[]`."""

    asset_type: str | None  # assetType
    isin: str  # isinCode
    weight: Decimal | None  # qty: weight within equities, or a quantity on some brokers
    earning_rate: Decimal | None  # earningRate: return in percent


@dataclass(frozen=True, slots=True)
class PortfolioFund:
    """One line of `portfolioList.portfolio.fundList[]`."""

    fund_code: str  # fundCode
    fund_name: str | None  # fundName
    weight: Decimal | None  # qty: weight within funds, or a quantity on some brokers
    earning_rate: Decimal | None  # earningRate: return in percent
    maturity: datetime.date | None  # maturity: None for "00000000"


@dataclass(frozen=True, slots=True)
class PortfolioOther:
    """One line of `portfolioList.portfolio.etcList[]`."""

    asset_type: str | None  # assetType
    name: str | None  # assetName
    isin: str | None  # isinCode: not documented here; kept if sent
    weight: Decimal | None  # qty: weight within other assets, or a quantity
    earning_rate: Decimal | None  # earningRate: return in percent


@dataclass(frozen=True, slots=True)
class PortfolioPage:
    """One answer of portfolio/search: ratios instead of amounts (as the broker computes them)."""

    cash_amt: Decimal | None  # cash.amt: the cash balance or its share, depending on rspType
    equities: tuple[PortfolioEquity, ...]
    funds: tuple[PortfolioFund, ...]
    others: tuple[PortfolioOther, ...]
    page: PageInfo


@dataclass(frozen=True, slots=True)
class Transaction:
    """One line of `transList.transaction[]`. The platform gives no id: equal rows are distinct."""

    date: datetime.date  # transDate
    type: str  # transType: BID sell, ASK buy, DEP transfer in, WID transfer out, ETC
    isin: str | None  # isinCode: None for cash moves ("" or "CASH")
    change_amt: Decimal | None  # changeAmt: signed change of cash
    change_qty: Decimal | None  # changeQty: signed change of quantity (0 for transfers)
    qty_after: Decimal | None  # qty: quantity held after the transaction


@dataclass(frozen=True, slots=True)
class TransactionPage:
    """One answer of transaction/search."""

    transactions: tuple[Transaction, ...]
    page: PageInfo
    from_date: datetime.date | None = None  # queryParams (or queryPrams).fromDate, echoed
    to_date: datetime.date | None = None  # queryParams (or queryPrams).toDate, echoed


@dataclass(frozen=True, slots=True)
class WatchGroup:
    """One watchlist group (`interestSymbolListResponseBody.groupList.group[]`)."""

    name: str | None  # groupName
    modified: datetime.date | None  # modifyDate: often ""
    isins: tuple[str, ...]  # isinCode[]: in the broker's order
