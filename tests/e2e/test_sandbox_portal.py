"""The sandbox's fintech portal, walked in Chromium as a person would: sign up, issue virtual
accounts at two brokers, link them to Jasan and find the way back to Jasan. The link-journey
test of the app walks the same pages, by the same labels."""

from __future__ import annotations

import re
import secrets

import pytest
from django.conf import settings

from brokers.sandbox.identity import ci_for

pytestmark = pytest.mark.e2e

# The sandbox accepts return URLs on the origin it was registered with, which follows WEB_PORT.
RETURN_URL = f"http://127.0.0.1:{settings.WEB_PORT}/link/"


def test_a_person_signs_up_issues_two_accounts_and_links_them_to_jasan(page, sandbox, output_dir):
    shots = output_dir / "e2e"
    shots.mkdir(exist_ok=True)
    serial = secrets.randbelow(10**8)
    phone, portal_id = f"010{serial:08d}", f"e2e{serial:08d}"

    page.goto(f"{sandbox.url}/portal/?service={sandbox.client_id}&return_url={RETURN_URL}")
    page.get_by_role("link", name="회원가입").click()
    page.get_by_label("이름").fill("한가람")
    page.get_by_label("생년월일").fill("19920412")
    page.get_by_label("휴대폰 번호").fill(phone)
    page.get_by_label("아이디").fill(portal_id)
    page.get_by_label("비밀번호", exact=True).fill("e2e-password-1")
    page.get_by_label("비밀번호 확인").fill("e2e-password-1")
    page.get_by_role("button", name="가입하기").click()
    page.wait_for_url("**/portal/")

    for broker in ("diamond", "cyber"):
        page.get_by_role("link", name="가상계좌 발급", exact=True).click()
        page.get_by_label("증권사").select_option(broker)
        page.get_by_role("button", name="발급하기").click()
        page.wait_for_url("**/portal/")
    page.screenshot(path=shots / "sandbox-portal-1-accounts.png", full_page=True)

    page.get_by_role("link", name="서비스 연결", exact=True).click()
    assert page.get_by_label("서비스").input_value() == sandbox.client_id
    page.get_by_role("checkbox", name=re.compile("다이아몬드증권")).check()
    page.get_by_role("checkbox", name=re.compile("사이버증권")).check()
    page.get_by_label("동의합니다").check()
    page.get_by_role("button", name="동의하고 연결하기").click()
    page.wait_for_url("**/portal/consents/")
    page.screenshot(path=shots / "sandbox-portal-2-linked.png", full_page=True)

    back = page.get_by_role("link", name="자산 (Jasan) 서비스로 돌아가기")
    assert back.get_attribute("href") == RETURN_URL
    linked = sandbox.member_search("consent", ci=ci_for("한가람", "19920412", phone)).json()
    assert [item["comId"] for item in linked["vtAccList"]] == [" 99001", " 99002"]
