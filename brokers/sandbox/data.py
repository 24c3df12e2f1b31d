"""Deterministic mock accounts for the sandbox's virtual brokers.

An account is a history of events from its opening date onwards, generated day by day from a
seed derived from its virtual account number (and the persona, ``AccountProfile``). Holdings on
any date are obtained by replaying that history, so the transaction list and the balance always
agree: replaying every ``Txn`` up to ``D`` reproduces exactly the quantities and the cash of
``holdings_as_of(…, D)``.

Nothing here reads a clock, a database or the network; every value depends only on the
arguments. No ``random`` module is used: all "random" choices are slices of a keyed BLAKE2b hash,
so they are identical across Python versions, processes and machines.

Public API
----------
``account_seed(vt_acc_no) -> int``
    Stable 64-bit seed of an account (SHA-256 of the number).
``opening_date(vt_acc_no) -> date``
    The account's first business day: 400–800 days before ``REFERENCE_DATE`` (2026-11-21).
``price_on(code, day) -> Decimal``
    Closing price of an equity (whole won, on the KRX tick grid) or NAV per 1,000 units of a
    fund (two decimals) on ``day``; weekends take the previous Friday's price.
``holdings_as_of(vt_acc_no, profile, as_of) -> AccountSnapshot``
    Cash, equities, funds, other products and a consistent summary at the end of ``as_of``.
``transactions_between(vt_acc_no, profile, from_date, to_date) -> list[Txn]``
    Every transaction dated within the inclusive range, in date order (and, within a day, in
    the order they happened).
``watchlist(vt_acc_no) -> list[WatchGroup]``
    The account's interest-symbol groups.
``portfolio_ratios(snapshot) -> PortfolioRatios``
    Cash share of the account and per-item weights within each product family, for the
    portfolio API, which gives ratios instead of amounts.

Personas (``AccountProfile``)
-----------------------------
``default``
    10–25 equities (hand-written instruments only), one domestic and one overseas fund, a
    government or public bond with a face value of 1–3 billion won (so amounts ≥ 1e9 always
    exist), sometimes a CP/CD/ELS/DLS/RP, and cash. Trades on 7–18 % of business days.
``large``
    At least 505 distinct equities at every date after the first week (520 bought over the
    first four business days; between 505 and 560 afterwards), two funds, a bond and a
    short-term bond.
``empty``
    Cash only: deposits, withdrawals and interest.

Every persona has, on the first business day at least 20 days after opening, two identical
``DEP`` rows (same date, type, code and amounts): the platform has no transaction id, and both
rows are real deposits.

Transaction conventions: ``ASK`` is a buy (``changeAmt`` < 0, ``changeQty`` > 0), ``BID`` a sell
or redemption (``changeAmt`` > 0, ``changeQty`` < 0), ``qty`` is the quantity held after the row.
Cash moves made by the holder (``DEP``, ``WID``) carry ``isinCode`` ``"CASH"``; cash moves made
by the broker (``ETC``: interest on cash, dividends, fees) carry ``""``. Fund rows carry the fund
code and count units; other-product rows carry the product's sandbox code and count face value.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from enum import StrEnum

from brokers.sandbox import catalog
from brokers.sandbox.catalog import ETF, KOSPI, Fund, Instrument, OtherProduct

REFERENCE_DATE = date(2026, 11, 21)
CASH_CODE = "CASH"

BUY = "ASK"  # the platform's word for a buy
SELL = "BID"  # the platform's word for a sell
DEPOSIT = "DEP"
WITHDRAWAL = "WID"
OTHER = "ETC"

ZERO = Decimal(0)
_ONE = Decimal(1)
_CENT = Decimal("0.01")
_MILLION = 1_000_000
_BILLION = 1_000_000_000

# Every computation runs in this context so a caller's global decimal settings cannot change a
# single digit of the mock data.
_CTX = Context(prec=28, rounding=ROUND_HALF_EVEN)


class AccountProfile(StrEnum):
    DEFAULT = "default"
    LARGE = "large"
    EMPTY = "empty"
    # The default account bought partly on margin: a loan (loanCredit) and an unpaid
    # purchase (receivable) that the broker's total does not subtract.
    MARGIN = "margin"


# --- Records ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Txn:
    """One row of the transaction history, with the platform's field meanings."""

    trans_date: date
    trans_type: str  # ASK buy, BID sell, DEP deposit, WID withdrawal, ETC other
    isin_code: str  # "" or "CASH" for cash moves, else the instrument's code
    change_amt: Decimal  # signed change of cash
    change_qty: Decimal  # signed change of quantity (0 for cash moves)
    qty: Decimal  # quantity held after the row (0 for cash moves)


@dataclass(frozen=True, slots=True)
class EquityHolding:
    asset_type: str  # KSP, KDQ, ETF
    product_type: str  # the platform's 종목구분; the sandbox's brokers leave it blank
    isin: str
    name: str
    qty: Decimal  # shares
    trade_type: str  # NRM (cash) for default accounts, SUM (unclassified) for large ones
    price: Decimal  # closing price on the snapshot date
    val_at_trade: Decimal  # purchase cost of the shares still held (average cost, fees included)
    val_at_cur: Decimal  # qty × price
    pro_loss: Decimal
    earning_rate: Decimal  # percent, two decimals


@dataclass(frozen=True, slots=True)
class FundHolding:
    fund_type: str  # 02 domestic, 12 overseas
    fund_code: str
    fund_name: str  # cut at 30 cp949 bytes, as the platform sends it
    units: Decimal
    nav: Decimal  # per 1,000 units
    val_at_trade: Decimal
    val_at_cur: Decimal
    pro_loss: Decimal
    first_date_buy: date
    last_date_buy: date
    buy_count: int  # purchases since the holding was opened
    maturity: date | None
    earning_rate: Decimal


@dataclass(frozen=True, slots=True)
class OtherHolding:
    asset_type: str  # BOND, STB, CP, CD, ELS, DLS, CRP, RRP
    code: str  # sandbox-internal; the platform does not send it
    name: str
    qty: Decimal  # face value or principal in won
    trade_type: str
    val_at_trade: Decimal
    val_at_cur: Decimal
    pro_loss: Decimal
    earning_rate: Decimal
    first_date_buy: date


@dataclass(frozen=True, slots=True)
class Summary:
    cash_balance: Decimal
    d1: Decimal
    d2: Decimal
    substitute: Decimal  # collateral value of the equities (70 % of their valuation)
    receivable: Decimal
    subs_margin: Decimal
    loan_credit: Decimal
    val_at_trade: Decimal  # purchase cost of all securities
    value_at_cur: Decimal  # valuation of all securities
    pro_loss: Decimal
    total_acc_val: Decimal  # cash + securities
    cash_av_withdraw: Decimal


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    vt_acc_no: str
    profile: AccountProfile
    as_of: date
    opened: date
    summary: Summary
    equities: tuple[EquityHolding, ...]
    funds: tuple[FundHolding, ...]
    others: tuple[OtherHolding, ...]

    @property
    def cash(self) -> Decimal:
        return self.summary.cash_balance


@dataclass(frozen=True, slots=True)
class WatchGroup:
    group_name: str
    modify_date: date | None
    isin_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Weighted:
    """A holding with its weight (percent, two decimals) within its product family."""

    holding: EquityHolding | FundHolding | OtherHolding
    weight: Decimal


@dataclass(frozen=True, slots=True)
class PortfolioRatios:
    cash_ratio: Decimal  # cash as a percentage of the total account value
    equities: tuple[Weighted, ...]
    funds: tuple[Weighted, ...]
    others: tuple[Weighted, ...]


# --- Seeds and calendar -------------------------------------------------------------------


def _h(*parts: object) -> int:
    """A 64-bit hash of the parts; the sandbox's only source of "randomness"."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def account_seed(vt_acc_no: str) -> int:
    return int.from_bytes(hashlib.sha256(vt_acc_no.encode()).digest()[:8], "big")


def is_business_day(day: date) -> bool:
    # Korean public holidays are ignored: weekends are enough to make idle days realistic.
    return day.weekday() < 5


def market_day(day: date) -> date:
    """The last business day on or before ``day``."""
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def next_business_day(day: date) -> date:
    """The first business day on or after ``day``."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def opening_date(vt_acc_no: str) -> date:
    days_before = 400 + account_seed(vt_acc_no) % 401
    return next_business_day(REFERENCE_DATE - timedelta(days=days_before))


# --- Prices -------------------------------------------------------------------------------

# The walk is a sum of octaves of piecewise-linear value noise. The amplitude grows with the
# square root of the octave's span, so moves over n days scale like a random walk's (√n) up to
# about three years, beyond which prices revert instead of drifting to zero or infinity. Each
# octave needs only the two knots around the day, so a price costs a dozen hashes and never
# depends on which other dates were asked before.
_OCTAVES: tuple[tuple[int, Decimal], ...] = (
    (1, Decimal("0.012")),
    (4, Decimal("0.022")),
    (16, Decimal("0.042")),
    (64, Decimal("0.080")),
    (256, Decimal("0.150")),
    (1024, Decimal("0.280")),
)
_VOLATILITY = {
    catalog.KOSPI: Decimal("1.0"),
    catalog.KOSDAQ: Decimal("1.4"),
    catalog.ETF: Decimal("0.6"),
    "fund": Decimal("0.45"),
}
# KRX tick sizes for stocks (since 2023); ETFs trade in 5-won steps.
_TICKS: tuple[tuple[int, int], ...] = (
    (2_000, 1),
    (5_000, 5),
    (20_000, 10),
    (50_000, 50),
    (200_000, 100),
    (500_000, 500),
)


def tick_size(price: Decimal, asset_type: str) -> Decimal:
    if asset_type == ETF:
        return Decimal(5)
    for bound, tick in _TICKS:
        if price < bound:
            return Decimal(tick)
    return Decimal(1000)


@functools.lru_cache(maxsize=1 << 16)
def _knot(code: str, span: int, index: int) -> Decimal:
    return Decimal(_h("knot", code, span, index) % 20001 - 10000) / 10000


def _walk(code: str, ordinal: int) -> Decimal:
    offset = ZERO
    for span, amplitude in _OCTAVES:
        index, rest = divmod(ordinal, span)
        value = _knot(code, span, index)
        if rest:
            value += (_knot(code, span, index + 1) - value) * rest / span
        offset += amplitude * value
    return offset


@functools.lru_cache(maxsize=1 << 16)
def price_on(code: str, day: date) -> Decimal:
    """Closing price of an equity (whole won) or NAV of a fund (per 1,000 units) on ``day``."""
    ordinal = market_day(day).toordinal()
    with localcontext(_CTX):
        kind = catalog.kind_of(code)
        if kind == "equity":
            inst = catalog.equity(code)
            raw = inst.base_price * (_walk(code, ordinal) * _VOLATILITY[inst.asset_type]).exp()
            tick = tick_size(raw, inst.asset_type)
            return max((raw / tick).quantize(_ONE, ROUND_HALF_UP) * tick, tick)
        if kind == "fund":
            fnd = catalog.fund(code)
            raw = fnd.base_nav * (_walk(code, ordinal) * _VOLATILITY["fund"]).exp()
            return raw.quantize(_CENT, ROUND_HALF_UP)
    raise KeyError(f"no price for {code!r}")


def _other_value(product: OtherProduct, face: Decimal, cost: Decimal, days: int) -> Decimal:
    """Valuation of an other product ``days`` after purchase (accrual, whole won)."""
    if product.asset_type in ("CP", "CD") and product.term_days:
        # Discount paper accretes from its price towards face value at maturity.
        elapsed = min(days, product.term_days)
        value = cost + (face - cost) * elapsed / product.term_days
    else:
        value = cost * (1 + product.annual_rate * days / 365)
    return value.quantize(_ONE, ROUND_DOWN)


def _redemption_amount(product: OtherProduct, face: Decimal, cost: Decimal) -> Decimal:
    if product.asset_type in ("CP", "CD"):
        return face
    return _other_value(product, face, cost, product.term_days or 0)


# --- The event generator ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Persona:
    trade_bp: int  # chance of trading on a business day, in basis points
    equity_target: int  # equities bought during the ramp-up
    equity_min: int
    equity_max: int
    ramp_chunk: int  # ramp-up buys per business day
    buy_unit: int  # won per budget step of an equity buy
    trade_type: str


class _Ledger:
    """The event history of one account, generated lazily up to the latest date asked for.

    Each day's events depend only on the state left by the previous days and on hashes of
    (account, persona, day), so extending the history never changes what was generated before.
    """

    def __init__(self, vt_acc_no: str, profile: AccountProfile) -> None:
        self.vt_acc_no = vt_acc_no
        self.profile = profile = AccountProfile(profile)
        self.opened = opening_date(vt_acc_no)
        self.txns: list[Txn] = []
        self._ordinals: list[int] = []
        self._lock = threading.Lock()
        self._next_day = self.opened

        self.cash = ZERO
        self.qty: dict[str, Decimal] = {}
        self.equities_held: set[str] = set()
        self.pending_buys: list[tuple[str, int]] = []
        self.redemptions: dict[date, list[tuple[str, Decimal, Decimal]]] = {}
        self.pair_day = next_business_day(self.opened + timedelta(days=20))
        self.interest_paid: set[tuple[int, int]] = set()
        self.dividend_years: set[int] = set()
        self.domestic_fund: str | None = None

        r = self._r("persona")
        if profile is AccountProfile.LARGE:
            self.persona = _Persona(3000, 520, 505, 560, 130, 500_000, "SUM")
            pool = catalog.EQUITIES
        else:
            target = 12 + r % 9
            self.persona = _Persona(700 + (r >> 8) % 1100, target, 10, 25, 8, _MILLION, "NRM")
            pool = catalog.HAND_WRITTEN_EQUITIES
        # Each account has its own order of preference over the instruments it may buy.
        self.universe: tuple[Instrument, ...] = tuple(
            sorted(pool, key=lambda inst: self._r("preference", inst.isin))
        )

    def _r(self, *parts: object) -> int:
        return _h(self.vt_acc_no, self.profile.value, *parts)

    # The lock makes lazy extension safe when a threaded server asks for two dates at once.
    def count_until(self, day: date) -> int:
        """Generate events through ``day`` and return how many are dated on or before it."""
        with self._lock:
            while self._next_day <= day:
                with localcontext(_CTX):
                    self._simulate(self._next_day)
                self._next_day += timedelta(days=1)
            return bisect.bisect_right(self._ordinals, day.toordinal())

    def count_before(self, day: date) -> int:
        self.count_until(day)
        return bisect.bisect_left(self._ordinals, day.toordinal())

    # --- emitting rows ---

    def _emit(self, day: date, trans_type: str, code: str, amt: Decimal, dqty: Decimal) -> None:
        if code in ("", CASH_CODE):
            after = ZERO
        else:
            after = self.qty.get(code, ZERO) + dqty
            if after < 0:
                raise RuntimeError(f"sandbox ledger sold more {code} than it held")
            if after:
                self.qty[code] = after
            else:
                del self.qty[code]
            if catalog.kind_of(code) == "equity":
                if after:
                    self.equities_held.add(code)
                else:
                    self.equities_held.discard(code)
        self.cash += amt
        if self.cash < 0:
            raise RuntimeError("sandbox ledger went overdrawn")
        self.txns.append(Txn(day, trans_type, code, amt, dqty, after))
        self._ordinals.append(day.toordinal())

    def _deposit(self, day: date, amount: int) -> None:
        self._emit(day, DEPOSIT, CASH_CODE, Decimal(amount), ZERO)

    def _ensure_cash(self, day: date, needed: Decimal) -> None:
        """Deposit the shortfall (rounded up to a million won) before a purchase."""
        if needed > self.cash:
            shortfall = int(needed - self.cash)
            self._deposit(day, -(-shortfall // _MILLION) * _MILLION)

    def _buy_equity(self, day: date, isin: str, budget: int) -> None:
        price = price_on(isin, day)
        qty = max(_ONE, (Decimal(budget) / price).to_integral_value(ROUND_DOWN))
        gross = qty * price
        total = gross + (gross * 15 / 100_000).to_integral_value(ROUND_DOWN)  # 0.015 % fee
        self._ensure_cash(day, total)
        self._emit(day, BUY, isin, -total, qty)

    def _sell_equity(self, day: date, isin: str, qty: Decimal) -> None:
        inst = catalog.equity(isin)
        gross = qty * price_on(isin, day)
        fee = (gross * 15 / 100_000).to_integral_value(ROUND_DOWN)
        # Securities transaction tax on shares (0.18 %); ETFs are exempt.
        tax = ZERO
        if inst.asset_type != ETF:
            tax = (gross * 18 / 10_000).to_integral_value(ROUND_DOWN)
        self._emit(day, SELL, isin, gross - fee - tax, -qty)

    def _buy_fund(self, day: date, fnd: Fund, amount: int) -> None:
        nav = price_on(fnd.code, day)
        units = (Decimal(amount) * 1000 / nav).to_integral_value(ROUND_DOWN)
        self._ensure_cash(day, Decimal(amount))
        self._emit(day, BUY, fnd.code, -Decimal(amount), units)

    def _buy_other(self, day: date, product: OtherProduct, face: int) -> None:
        face_d = Decimal(face)
        if product.asset_type in ("BOND", "STB"):
            price_bp = 9700 + self._r("bond-price", product.code) % 450
            cost = (face_d * price_bp / 10_000).to_integral_value(ROUND_DOWN)
        elif product.asset_type in ("CP", "CD"):
            discount = face_d * product.annual_rate * (product.term_days or 0) / 365
            cost = (face_d - discount).to_integral_value(ROUND_DOWN)
        else:
            cost = face_d
        self._ensure_cash(day, cost)
        self._emit(day, BUY, product.code, -cost, face_d)
        if product.term_days:
            due = next_business_day(day + timedelta(days=product.term_days))
            self.redemptions.setdefault(due, []).append((product.code, face_d, cost))

    # --- one day ---

    def _simulate(self, day: date) -> None:
        if day == self.opened:
            self._open(day)
            return
        if not is_business_day(day):
            return
        self._scheduled(day)
        if self.pending_buys:
            chunk = self.pending_buys[: self.persona.ramp_chunk]
            del self.pending_buys[: self.persona.ramp_chunk]
            for isin, budget in chunk:
                self._buy_equity(day, isin, budget)
            return
        ordinal = day.toordinal()
        if self._r("act", ordinal) % 10_000 >= self.persona.trade_bp:
            return
        actions = 2 if self._r("second", ordinal) % 100 < 25 else 1
        for step in range(actions):
            self._act(day, self._r("action", ordinal, step))

    def _open(self, day: date) -> None:
        if self.profile is AccountProfile.EMPTY:
            self._deposit(day, _MILLION * (1 + self._r("initial") % 50))
            return
        r = self._r("open")
        bond = catalog.HELD_BONDS[r % len(catalog.HELD_BONDS)]
        bond_face = _BILLION * (1 + (r >> 4) % 3)
        buys_now: list[tuple[str, int]] = []
        buy_unit = self.persona.buy_unit
        for n, inst in enumerate(self.universe[: self.persona.equity_target]):
            buys_now.append((inst.isin, buy_unit * (1 + self._r("initial-budget", n) % 8)))
        domestic = catalog.DOMESTIC_FUNDS[(r >> 8) % len(catalog.DOMESTIC_FUNDS)]
        overseas = catalog.OVERSEAS_FUNDS[(r >> 12) % len(catalog.OVERSEAS_FUNDS)]
        dom_amount = _MILLION * (5 + (r >> 16) % 26)
        ovs_amount = _MILLION * (3 + (r >> 20) % 18)
        # Other products bought on the opening day: (product, face value or principal).
        other_buys: list[tuple[OtherProduct, int]] = [(bond, bond_face)]
        if self.profile is AccountProfile.LARGE:
            stb = next(o for o in catalog.OTHERS if o.asset_type == "STB")
            other_buys.append((stb, 100 * _MILLION))
        else:
            if (r >> 28) % 2 == 0:
                short = catalog.SHORT_TERM_OTHERS[(r >> 30) % len(catalog.SHORT_TERM_OTHERS)]
                unit = 100 * _MILLION if short.asset_type == "CP" else 10 * _MILLION
                other_buys.append((short, unit * (1 + (r >> 34) % 5)))
            if (r >> 38) % 5 < 2:
                held = catalog.OPEN_OTHERS[(r >> 40) % len(catalog.OPEN_OTHERS)]
                other_buys.append((held, 10 * _MILLION * (2 + (r >> 44) % 9)))
        # One opening deposit covers the whole opening plan (bonds may cost up to 101.5 % of
        # face, equity buys overshoot their budget by at most a share and the fee).
        equity_budget = sum(budget for _, budget in buys_now) * 11 // 10
        others_budget = sum(face for _, face in other_buys) * 102 // 100
        reserve = _MILLION * (5 + (r >> 24) % 26)
        initial = others_budget + dom_amount + ovs_amount + equity_budget + reserve
        self._deposit(day, -(-initial // (10 * _MILLION)) * (10 * _MILLION))

        for product, face in other_buys:
            self._buy_other(day, product, face)
        self._buy_fund(day, domestic, dom_amount)
        self._buy_fund(day, overseas, ovs_amount)
        self.domestic_fund = domestic.code
        # The first equities are bought on the opening day, the rest over the next business
        # days, the way a new account is usually filled.
        first = min(len(buys_now), self.persona.ramp_chunk)
        for isin, budget in buys_now[:first]:
            self._buy_equity(day, isin, budget)
        self.pending_buys = buys_now[first:]

    def _scheduled(self, day: date) -> None:
        if day == self.pair_day:
            amount = 100_000 * (1 + self._r("pair") % 50)
            self._deposit(day, amount)
            self._deposit(day, amount)
        for code, face, cost in self.redemptions.pop(day, []):
            product = catalog.other(code)
            self._emit(day, SELL, code, _redemption_amount(product, face, cost), -face)
        quarter = (day.year, day.month)
        if day.month in (1, 4, 7, 10) and day.day <= 7 and quarter not in self.interest_paid:
            self.interest_paid.add(quarter)
            # Interest on idle cash (예탁금 이용료), 0.25 % a year, paid quarterly.
            interest = (self.cash * 25 / 40_000).to_integral_value(ROUND_DOWN)
            if interest > 0:
                self._emit(day, OTHER, "", interest, ZERO)
        if day.month == 4 and day.day >= 20 and day.year not in self.dividend_years:
            self.dividend_years.add(day.year)
            total = ZERO
            for isin in sorted(self.equities_held):
                if catalog.equity(isin).asset_type != KOSPI:
                    continue
                yield_bp = 50 + _h("dividend-yield", isin) % 250
                dividend = self.qty[isin] * price_on(isin, day) * yield_bp / 10_000
                total += dividend.to_integral_value(ROUND_DOWN)
            if total > 0:
                self._emit(day, OTHER, "", total, ZERO)

    def _act(self, day: date, r: int) -> None:
        if self.profile is AccountProfile.EMPTY:
            if r % 100 < 60 or self.cash < 200_000:
                self._deposit(day, 100_000 * (1 + (r >> 8) % 50))
            else:
                self._withdraw(day, r)
            return
        p = self.persona
        held = sorted(self.equities_held)
        k = r % 100
        if k < 22 and len(held) < p.equity_max:
            candidates = [i for i in self.universe if i.isin not in self.equities_held]
            if candidates:
                inst = candidates[(r >> 8) % min(len(candidates), 8)]
                self._buy_equity(day, inst.isin, p.buy_unit * (1 + (r >> 16) % 8))
                return
        if k < 42:
            isin = held[(r >> 8) % len(held)]
            self._buy_equity(day, isin, p.buy_unit * (1 + (r >> 16) % 5))
        elif k < 68:
            isin = held[(r >> 8) % len(held)]
            qty = self.qty[isin]
            sell_all = k >= 60 or qty == 1
            if sell_all and len(held) <= p.equity_min:
                sell_all = False
            if sell_all:
                self._sell_equity(day, isin, qty)
            elif qty > 1:
                part = (qty * (30 + (r >> 16) % 41) / 100).to_integral_value(ROUND_DOWN)
                self._sell_equity(day, isin, max(_ONE, part))
        elif k < 80:
            self._deposit(day, p.buy_unit * (1 + (r >> 8) % 20))
        elif k < 88:
            self._withdraw(day, r)
        elif k < 95 and self.domestic_fund:
            self._buy_fund(day, catalog.fund(self.domestic_fund), _MILLION * (1 + (r >> 8) % 5))
        else:
            fee = Decimal(100 * (1 + (r >> 8) % 30))
            if self.cash >= fee:
                self._emit(day, OTHER, "", -fee, ZERO)

    def _withdraw(self, day: date, r: int) -> None:
        if self.cash < 200_000:
            return
        share = 5 + (r >> 16) % 20
        amount = (self.cash * share / 100 / 10_000).to_integral_value(ROUND_DOWN) * 10_000
        if amount > 0:
            self._emit(day, WITHDRAWAL, CASH_CODE, -amount, ZERO)


# The unpaid purchase (미수금) of every margin account, in won.
MARGIN_RECEIVABLE = Decimal(1_250_000)


@functools.lru_cache(maxsize=512)
def _ledger(vt_acc_no: str, profile: AccountProfile) -> _Ledger:
    return _Ledger(vt_acc_no, profile)


# --- Public API ---------------------------------------------------------------------------


def transactions_between(
    vt_acc_no: str, profile: AccountProfile | str, from_date: date, to_date: date
) -> list[Txn]:
    """Transactions dated ``from_date``…``to_date`` (inclusive), in the order they happened."""
    if to_date < from_date:
        return []
    ledger = _ledger(vt_acc_no, AccountProfile(profile))
    end = ledger.count_until(to_date)
    start = ledger.count_before(from_date)
    return ledger.txns[start:end]


def holdings_as_of(vt_acc_no: str, profile: AccountProfile | str, as_of: date) -> AccountSnapshot:
    """The account at the end of ``as_of``: what replaying its transactions gives, valued."""
    return _holdings(vt_acc_no, AccountProfile(profile), as_of)


class _Position:
    __slots__ = ("buys", "cost", "first", "last", "qty")

    def __init__(self, first: date) -> None:
        self.qty = ZERO
        self.cost = ZERO
        self.first = first
        self.last = first
        self.buys = 0


def _rate(pro_loss: Decimal, cost: Decimal) -> Decimal:
    if not cost:
        return ZERO.quantize(_CENT)
    return (pro_loss * 100 / cost).quantize(_CENT, ROUND_HALF_UP)


@functools.lru_cache(maxsize=128)
def _holdings(vt_acc_no: str, profile: AccountProfile, as_of: date) -> AccountSnapshot:
    ledger = _ledger(vt_acc_no, profile)
    count = ledger.count_until(as_of)
    with localcontext(_CTX):
        cash = ZERO
        positions: dict[str, _Position] = {}
        for txn in ledger.txns[:count]:
            cash += txn.change_amt
            code = txn.isin_code
            if code in ("", CASH_CODE):
                continue
            pos = positions.get(code)
            if txn.trans_type == BUY:
                if pos is None:
                    pos = positions[code] = _Position(txn.trans_date)
                pos.cost -= txn.change_amt
                pos.last = txn.trans_date
                pos.buys += 1
            elif txn.trans_type == SELL and pos is not None and pos.qty:
                # Average-cost method: a sale removes its share of the purchase cost.
                sold = -txn.change_qty
                pos.cost -= (pos.cost * sold / pos.qty).quantize(_ONE, ROUND_HALF_UP)
            if pos is not None:
                pos.qty = txn.qty
                if not pos.qty:
                    del positions[code]
        return _value(ledger, as_of, cash, positions)


def _value(
    ledger: _Ledger, as_of: date, cash: Decimal, positions: dict[str, _Position]
) -> AccountSnapshot:
    trade_type = ledger.persona.trade_type
    equities: list[EquityHolding] = []
    funds: list[FundHolding] = []
    others: list[OtherHolding] = []
    for code in sorted(positions):
        pos = positions[code]
        kind = catalog.kind_of(code)
        if kind == "equity":
            inst = catalog.equity(code)
            price = price_on(code, as_of)
            cur = pos.qty * price
            equities.append(
                EquityHolding(
                    asset_type=inst.asset_type,
                    product_type="",
                    isin=code,
                    name=inst.name,
                    qty=pos.qty,
                    trade_type=trade_type,
                    price=price,
                    val_at_trade=pos.cost,
                    val_at_cur=cur,
                    pro_loss=cur - pos.cost,
                    earning_rate=_rate(cur - pos.cost, pos.cost),
                )
            )
        elif kind == "fund":
            fnd = catalog.fund(code)
            nav = price_on(code, as_of)
            cur = (pos.qty * nav / 1000).quantize(_ONE, ROUND_DOWN)
            funds.append(
                FundHolding(
                    fund_type=fnd.fund_type,
                    fund_code=code,
                    fund_name=fnd.name,
                    units=pos.qty,
                    nav=nav,
                    val_at_trade=pos.cost,
                    val_at_cur=cur,
                    pro_loss=cur - pos.cost,
                    first_date_buy=pos.first,
                    last_date_buy=pos.last,
                    buy_count=pos.buys,
                    maturity=fnd.maturity,
                    earning_rate=_rate(cur - pos.cost, pos.cost),
                )
            )
        else:
            product = catalog.other(code)
            cur = _other_value(product, pos.qty, pos.cost, (as_of - pos.first).days)
            others.append(
                OtherHolding(
                    asset_type=product.asset_type,
                    code=code,
                    name=product.name,
                    qty=pos.qty,
                    trade_type=trade_type,
                    val_at_trade=pos.cost,
                    val_at_cur=cur,
                    pro_loss=cur - pos.cost,
                    earning_rate=_rate(cur - pos.cost, pos.cost),
                    first_date_buy=pos.first,
                )
            )
    holdings: list[EquityHolding | FundHolding | OtherHolding] = [*equities, *funds, *others]
    at_trade = sum((h.val_at_trade for h in holdings), ZERO)
    at_cur = sum((h.val_at_cur for h in holdings), ZERO)
    equity_value = sum((h.val_at_cur for h in equities), ZERO)
    loan_credit = receivable = ZERO
    if ledger.profile is AccountProfile.MARGIN:
        loan_credit = (equity_value * 3 / 10 / 1000).quantize(_ONE, ROUND_DOWN) * 1000
        receivable = MARGIN_RECEIVABLE
    summary = Summary(
        cash_balance=cash,
        d1=cash - receivable,
        d2=cash - receivable,
        substitute=(equity_value * 7 / 10).quantize(_ONE, ROUND_DOWN),
        receivable=receivable,
        subs_margin=ZERO,
        loan_credit=loan_credit,
        val_at_trade=at_trade,
        value_at_cur=at_cur,
        pro_loss=at_cur - at_trade,
        total_acc_val=cash + at_cur,
        cash_av_withdraw=max(ZERO, cash - receivable),
    )
    return AccountSnapshot(
        vt_acc_no=ledger.vt_acc_no,
        profile=ledger.profile,
        as_of=as_of,
        opened=ledger.opened,
        summary=summary,
        equities=tuple(equities),
        funds=tuple(funds),
        others=tuple(others),
    )


def _weights(
    holdings: tuple[EquityHolding, ...] | tuple[FundHolding, ...] | tuple[OtherHolding, ...],
) -> tuple[Weighted, ...]:
    total = sum((h.val_at_cur for h in holdings), ZERO)
    return tuple(
        Weighted(h, (h.val_at_cur * 100 / total).quantize(_CENT, ROUND_HALF_UP) if total else ZERO)
        for h in holdings
    )


def portfolio_ratios(snapshot: AccountSnapshot) -> PortfolioRatios:
    """Ratios for the portfolio API: cash share of the account, weights within each family."""
    with localcontext(_CTX):
        total = snapshot.summary.total_acc_val
        cash_ratio = (snapshot.cash * 100 / total).quantize(_CENT, ROUND_HALF_UP) if total else ZERO
        return PortfolioRatios(
            cash_ratio=cash_ratio,
            equities=_weights(snapshot.equities),
            funds=_weights(snapshot.funds),
            others=_weights(snapshot.others),
        )


def watchlist(vt_acc_no: str) -> list[WatchGroup]:
    """The account's interest-symbol groups: stocks, ETFs and, for some accounts, dividends."""
    r = account_seed(vt_acc_no)
    opened = opening_date(vt_acc_no)

    def picks(asset_types: tuple[str, ...], count: int, salt: str) -> tuple[str, ...]:
        pool = [i for i in catalog.HAND_WRITTEN_EQUITIES if i.asset_type in asset_types]
        pool.sort(key=lambda inst: _h(vt_acc_no, salt, inst.isin))
        return tuple(inst.isin for inst in pool[:count])

    def edited(days: int) -> date:
        return min(opened + timedelta(days=days), REFERENCE_DATE)

    groups = [
        WatchGroup(
            "관심종목00",
            edited(r % 300),
            picks((catalog.KOSPI, catalog.KOSDAQ), 4 + (r >> 8) % 7, "stocks"),
        ),
        # The seed's ETF group has an empty modifyDate: this group is never stamped.
        WatchGroup("ETF", None, picks((catalog.ETF,), 3 + (r >> 12) % 4, "etf")),
    ]
    if (r >> 16) % 2:
        groups.append(WatchGroup("배당주", edited(30 + (r >> 20) % 300), picks((KOSPI,), 3, "div")))
    return groups
