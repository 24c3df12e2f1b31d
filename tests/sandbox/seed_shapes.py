"""The seed's example payloads (portfolio, balance, transaction and interest APIs), which the
sandbox's rendered answers are compared with for key names and nesting.

There is one verbatim copy of them, `tests/brokers/payloads/`, whose own test checks it
against `seeds/000_7e29b89efef9fd7b.txt`; this module names the ones the sandbox tests use.
"""

from __future__ import annotations

from tests.brokers.payloads.balance import BALANCE_REQUEST, BALANCE_RESPONSE
from tests.brokers.payloads.interest import INTEREST_REQUEST, INTEREST_RESPONSE
from tests.brokers.payloads.portfolio import PORTFOLIO_REQUEST, PORTFOLIO_RESPONSE
from tests.brokers.payloads.transactions import TRANSACTION_REQUEST, TRANSACTION_RESPONSE

__all__ = [
    "BALANCE_REQUEST",
    "BALANCE_RESPONSE",
    "INTEREST_REQUEST",
    "INTEREST_RESPONSE",
    "PORTFOLIO_REQUEST",
    "PORTFOLIO_RESPONSE",
    "TRANSACTION_REQUEST",
    "TRANSACTION_RESPONSE",
]
