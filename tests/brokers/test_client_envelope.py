"""The request bodies: partner, common header, device info and the per-service query blocks."""

from __future__ import annotations

import datetime
import re

import pytest

from brokers.openplatform import envelope

CI = "S1V7HGXBV1EPGBJastZf4fQV+eOpOc1pfizByV6UIEEJHM/PF9QKu+PU2OThEog7QmVKSZNibNGg+/k0XB/9jQ=="


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("123.45.6.7", "123045006007"),
        ("1.2.3.4", "001002003004"),
        ("255.255.255.255", "255255255255"),
        (" 10.0.0.1 ", "010000000001"),
        ("::ffff:192.168.0.9", "192168000009"),
    ],
)
def test_an_ipv4_address_becomes_twelve_zero_padded_digits(address, expected):
    assert envelope.device_ip(address) == expected


@pytest.mark.parametrize("address", ["2001:db8::1", "not an address", "1.2.3", "256.1.1.1"])
def test_an_address_without_a_twelve_digit_form_is_refused(address):
    with pytest.raises(ValueError):
        envelope.device_ip(address)


def test_dev_info_carries_the_users_ip_when_they_triggered_the_call():
    info = envelope.dev_info("123.45.6.7", server_ip="10.0.0.1", com_id="F9999", srv_id="999")

    assert info["ipAddr"] == "123045006007"
    assert re.fullmatch(r"[0-9A-F]{12}", info["macAddr"])


def test_dev_info_falls_back_to_the_installation_for_background_and_ipv6_calls():
    background = envelope.dev_info(None, server_ip="10.0.0.1", com_id="F9999", srv_id="999")
    ipv6 = envelope.dev_info("2001:db8::1", server_ip="10.0.0.1", com_id="F9999", srv_id="999")

    assert background == ipv6
    assert background["ipAddr"] == "010000000001"


def test_the_installation_mac_is_stable_and_differs_between_services():
    first = envelope.installation_mac("F9999", "999")

    assert first == envelope.installation_mac("F9999", "999")
    assert first != envelope.installation_mac("F9999", "998")
    assert re.fullmatch(r"[0-9A-F]{12}", first)


def test_request_ids_are_fresh_and_fit_the_twenty_character_field():
    ids = {envelope.new_request_id() for _ in range(200)}

    assert len(ids) == 200
    assert all(len(request_id) <= 20 and request_id.isalnum() for request_id in ids)


def test_the_member_request_has_the_documented_shape_with_empty_strings_for_no_value():
    body = envelope.member_request(
        partner_block=envelope.partner("F9999", "999"),
        ci=CI,
        korean_name=None,
        request_id="J0000000000000000001",
    )

    assert body == {
        "partner": {"comId": "F9999", "srvId": "999"},
        "commonHeader": {"reqIdPlatform": "", "reqIdConsumer": "J0000000000000000001", "ci": CI},
        "body": {"korName": ""},
    }


def test_the_balance_request_matches_the_seed_example():
    name, body = envelope.balance_body("ALL", 0, envelope.FIRST_PAGE)
    request = envelope.account_request(
        partner_block=envelope.partner("F9999", "999"),
        ci=CI,
        request_id="ID00002",
        device={"ipAddr": "123451234500", "macAddr": "7054D27EE247"},
        vt_acc_no="160678007213500001",
        body_name=name,
        body=body,
    )

    # The seed's "Request Body Example" of balance/search, apart from the CI's stray space.
    assert request == {
        "partner": {"comId": "F9999", "srvId": "999"},
        "commonHeader": {"reqIdPlatform": "", "reqIdConsumer": "ID00002", "ci": CI},
        "devInfo": {"ipAddr": "123451234500", "macAddr": "7054D27EE247"},
        "accInfo": {"vtAccNo": "160678007213500001"},
        "balanceRequestBody": {"queryType": {"assetType": "ALL", "count": 0, "page": "null"}},
    }


def test_the_portfolio_query_asks_for_ratios():
    name, body = envelope.portfolio_body("EQTY", 20, "abc")

    assert name == "portfolioRequestBody"
    assert body == {
        "queryType": {"assetType": "EQTY", "rspType": "RAT", "count": 20, "page": "abc"}
    }


def test_the_transaction_query_names_the_window_in_yyyymmdd_and_asks_for_everything():
    name, body = envelope.transaction_body(
        datetime.date(2016, 1, 1), datetime.date(2016, 7, 20), 30, ""
    )

    assert name == "transactionHistoryRequestBody"
    assert body == {
        "queryParams": {
            "fromDate": "20160101",
            "toDate": "20160720",
            "isinCode": "",
            "side": "",
            "count": 30,
            "page": "",
        }
    }


def test_the_interest_query_is_sent_empty():
    assert envelope.interest_body() == (
        "interestSymbolListRequestBody",
        {"queryType": {"assetType": "", "rspType": "", "count": 0, "page": ""}},
    )
