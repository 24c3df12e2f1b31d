"""Property tests: the seed answers, mutated the ways the platform is known to vary.

Leaves (and whole blocks) are replaced by the platform's kinds of "no value", string-ified or
scientific-notation numbers, stray spaces, huge values, wrong types and noise. Whatever comes
in, the parsers either return records that hold only exact, finite Decimals, dates, stripped
strings, ints and None, or raise ParseError. Nothing else escapes, and no float ever appears.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brokers.errors import ParseError, PlatformError
from brokers.openplatform.parsing.answer import loads
from brokers.openplatform.parsing.holdings import parse_balance, parse_portfolio
from brokers.openplatform.parsing.interest import parse_interest
from brokers.openplatform.parsing.member import parse_consent_search, parse_register_search
from brokers.openplatform.parsing.transactions import parse_transactions
from tests.brokers.payloads.balance import BALANCE_RESPONSE
from tests.brokers.payloads.interest import INTEREST_RESPONSE
from tests.brokers.payloads.member import CONSENT_RESPONSE, REGISTER_MEMBER_RESPONSE
from tests.brokers.payloads.portfolio import PORTFOLIO_RESPONSE
from tests.brokers.payloads.transactions import TRANSACTION_RESPONSE

SEEDS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "balance": (BALANCE_RESPONSE, parse_balance),
    "portfolio": (PORTFOLIO_RESPONSE, parse_portfolio),
    "transactions": (TRANSACTION_RESPONSE, parse_transactions),
    "interest": (INTEREST_RESPONSE, parse_interest),
    "consent": (CONSENT_RESPONSE, parse_consent_search),
    "register": (REGISTER_MEMBER_RESPONSE, parse_register_search),
}

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Path = tuple[str | int, ...]


class Raw:
    """A bare JSON token written into the text as is (NaN, Infinity), for the text route."""

    def __init__(self, token: str) -> None:
        self.token = token


def all_paths(tree: Any, prefix: Path = ()) -> list[Path]:
    """Every node below the root: blocks, lists and leaves."""
    found: list[Path] = []
    children: list[tuple[str | int, Any]] = []
    if isinstance(tree, dict):
        children = list(tree.items())
    elif isinstance(tree, list):
        children = list(enumerate(tree))
    for key, child in children:
        path = (*prefix, key)
        found.append(path)
        found.extend(all_paths(child, path))
    return found


def leaf(tree: Any, path: Path) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def apply(tree: Any, mutations: list[tuple[Path, tuple[Any, ...]]]) -> Any:
    """A mutated deep copy. A mutation whose path vanished under an earlier one is skipped."""
    tree = copy.deepcopy(tree)
    for path, op in mutations:
        parent = tree
        try:
            for key in path[:-1]:
                parent = parent[key]
            if not isinstance(parent, dict | list):
                continue  # an earlier mutation replaced a block by a scalar
            old = parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        name = op[0]
        if name == "delete":
            del parent[path[-1]]
            continue
        if name == "set":
            new = op[1]
        elif name == "stringify":
            new = str(old) if is_number(old) else old
        elif name == "scientific":
            new = format(Decimal(old), "E") if is_number(old) else old
        elif name == "spaces":
            new = f"{op[1]}{old}{op[2]}" if is_number(old) or isinstance(old, str) else old
        else:
            raise AssertionError(name)
        parent[path[-1]] = new
    return tree


def to_json(value: Any) -> str:
    """JSON text that keeps Decimals exact (json.dumps cannot write them as numbers)."""
    if isinstance(value, Raw):
        return value.token
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def record_leaves(value: Any) -> list[Any]:
    """Every value inside parsed records: dataclasses and tuples are walked recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            leaf
            for field in dataclasses.fields(value)
            for leaf in record_leaves(getattr(value, field.name))
        ]
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in record_leaves(item)]
    assert not isinstance(value, list | dict | set), "records hold tuples, not mutable containers"
    return [value]


def assert_clean(result: Any) -> None:
    for value in record_leaves(result):
        assert not isinstance(value, float), "a float reached the records"
        if isinstance(value, Decimal):
            assert value.is_finite()
            assert value.as_tuple().exponent <= 0 or value == 0
        elif isinstance(value, str):
            assert value == value.strip() and value != ""
            assert value.lower() != "null"
        else:
            assert value is None or type(value) in (bool, int, datetime.date)


def touches_resp(mutations: list[tuple[Path, tuple[Any, ...]]]) -> bool:
    return any(path[0] == "resp" for path, _ in mutations)


def parse_or_parse_error(parser: Callable[[Any], Any], build: Callable[[], Any], mutations) -> Any:
    """The parser's result, None on ParseError; anything else escaping fails the test.

    A mutated resp block may legitimately report a platform failure (respCode other than 200):
    that raises the mapped PlatformError, which is the contract, not a parsing failure.
    """
    try:
        return parser(build())
    except ParseError:
        return None
    except PlatformError:
        assert touches_resp(mutations), "a PlatformError came from outside the resp block"
        return None


NO_VALUES = [None, "null", "NULL", "Null", "", "   "]
HUGE = [
    Decimal("1E+30"),
    Decimal("-1E+30"),
    99999999999999999999,
    -99999999999999999999,
    10**40,
    "1E+30",
    "99999999999999999999",
    " 1E+400 ",
    Decimal("1E-30"),
]
WRONG = [
    "NaN",
    "Infinity",
    "-Infinity",
    "abc",
    "1,234",
    "0x10",
    True,
    False,
    [],
    {},
    ["x"],
    {"k": 1},
]

replacement_values = st.one_of(
    st.sampled_from(NO_VALUES),
    st.sampled_from(HUGE),
    st.sampled_from(WRONG),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.integers(),
    st.text(max_size=12),
    st.dates().map(lambda d: d.strftime("%Y%m%d")),
    st.sampled_from(["00000000", "20160231", "2016-01-26", "CASH", "member", "nonMember"]),
)
spaces = st.sampled_from(["", " ", "  ", "\t", "\u3000"])
operations = st.one_of(
    st.tuples(st.just("set"), replacement_values),
    st.just(("delete",)),
    st.just(("stringify",)),
    st.just(("scientific",)),
    st.tuples(st.just("spaces"), spaces, spaces),
)
text_operations = st.one_of(
    operations,
    st.tuples(st.just("set"), st.sampled_from([Raw("NaN"), Raw("Infinity"), Raw("-Infinity")])),
)


def mutations_of(tree: Any, ops: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(st.tuples(st.sampled_from(all_paths(tree)), ops), min_size=1, max_size=6)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mutated_seed_objects_give_clean_records_or_a_parse_error(name):
    raw, parser = SEEDS[name]
    seed = loads(raw)

    @FUZZ
    @given(mutations_of(seed, operations))
    def check(mutations):
        result = parse_or_parse_error(parser, lambda: apply(seed, mutations), mutations)
        assert_clean(result)

    check()


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mutated_seed_texts_give_clean_records_or_a_parse_error(name):
    raw, parser = SEEDS[name]
    seed = loads(raw)

    @FUZZ
    @given(mutations_of(seed, text_operations))
    def check(mutations):
        text = to_json(apply(seed, mutations))
        result = parse_or_parse_error(parser, lambda: loads(text.encode()), mutations)
        assert_clean(result)

    check()


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_equivalent_spellings_of_the_same_values_parse_to_the_same_records(name):
    # Numbers as strings or in scientific notation, and stray spaces around anything, are
    # only other ways of writing the same answer: the records must not change at all.
    raw, parser = SEEDS[name]
    seed = loads(raw)
    expected = parser(seed)
    rewrites = st.one_of(
        st.just(("stringify",)),
        st.just(("scientific",)),
        st.tuples(st.just("spaces"), spaces, spaces),
    )
    leaves = [p for p in all_paths(seed) if not isinstance(leaf(seed, p), dict | list)]

    @FUZZ
    @given(st.lists(st.tuples(st.sampled_from(leaves), rewrites), min_size=1, max_size=12))
    def check(mutations):
        assert parser(apply(seed, mutations)) == expected

    check()


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_loads_gives_an_object_or_a_parse_error_for_any_bytes(raw):
    try:
        result = loads(raw)
    except ParseError:
        return
    assert isinstance(result, dict)
