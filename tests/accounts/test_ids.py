"""Ids from requests: ASCII digits within the bigint range, in parameters and in URLs."""

from __future__ import annotations

import pytest
from django.http import Http404

from accounts.ids import BIGINT_MAX, id_or_404, parse_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("0042", 42),
        (str(BIGINT_MAX), BIGINT_MAX),
        (str(BIGINT_MAX + 1), None),
        ("0", None),
        ("", None),
        ("²", None),
        ("٣", None),
        ("１２", None),
        ("1.0", None),
        ("-3", None),
        ("+3", None),
        (" 3", None),
        ("3\n", None),
        ("1_000", None),
        (None, None),
        (7, None),
    ],
)
def test_only_ascii_digits_in_the_bigint_range_are_ids(value, expected):
    assert parse_id(value) == expected


def test_what_is_not_an_id_is_a_404():
    assert id_or_404("12") == 12
    with pytest.raises(Http404):
        id_or_404("²")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/holdings/%C2%B2/",
        "/dashboard/holdings/99999999999999999999/",
        "/dashboard/transactions/%D9%A3/",
        "/dashboard/accounts/0/",
        "/support/users/%C2%B2/",
    ],
)
def test_a_url_with_something_else_than_an_id_is_not_found(client, alice, path):
    client.force_login(alice)

    assert client.get(path).status_code == 404
