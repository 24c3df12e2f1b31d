from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-browser-password-7"


def test_a_visitor_signs_up_verifies_and_sees_the_korean_home_page(
    page, live_server, mailoutbox, output_dir
):
    shots = output_dir / "e2e"
    shots.mkdir(exist_ok=True)

    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "흩어진 투자 계좌를 한눈에"
    page.screenshot(path=shots / "sign-up-1-landing.png", full_page=True)

    page.get_by_role("link", name="시작하기").click()
    page.fill("input[name=email]", "eun@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.screenshot(path=shots / "sign-up-2-form.png", full_page=True)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/accounts/confirm-email/")

    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    page.screenshot(path=shots / "sign-up-3-confirm.png", full_page=True)
    page.locator("form button[type=submit]").last.click()
    # Confirmed in the browser that signed up: signed in, no second password entry.
    page.wait_for_url("**/home/")

    assert page.locator("h1").inner_text() == "내 자산"
    assert page.get_by_text("아직 연결된 계좌가 없습니다").is_visible()
    assert page.locator("html").get_attribute("lang") == "ko"
    page.screenshot(path=shots / "sign-up-4-home.png", full_page=True)
    assert (shots / "sign-up-4-home.png").stat().st_size > 5_000
