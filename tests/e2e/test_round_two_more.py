"""More of the dashboard's second round in a browser, at a desktop's and a phone's width: a
name typo has a way back, and the corrected identity is checked at once; the chart starts the
year on its first trading day; holdings combine across accounts; codes read as words; once
connected, the link page leads on to the dashboard."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import ActivityEvent
from tests.e2e.conftest import sign_in
from tests.factories import UserFactory
from tests.portfolio.dashboard_data import seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def verify(page, live_server, *, name: str, born: str, phone: str) -> None:
    page.goto(live_server.url + "/me/identity/")
    page.fill("input[name=korean_name]", name)
    page.fill("input[name=birth_date]", f"{born[:4]}-{born[4:6]}-{born[6:]}")
    page.fill("input[name=phone]", phone)
    page.locator("button[name=verify]").click()
    page.wait_for_url("**/link/")


def test_a_name_typo_offers_a_way_back_and_the_corrected_name_is_checked_at_once(
    page, live_server, on_sandbox, width, output_dir
) -> None:
    member = on_sandbox.new_member(accounts=(("diamond", "default"),))
    user = UserFactory()
    sign_in(page, live_server, user.email)
    typo = member.kor_name[:-1] + ("수" if member.kor_name[-1] != "수" else "영")

    verify(page, live_server, name=typo, born=member.birth_date, phone=member.phone)
    assert page.locator("[data-step]").get_attribute("data-step") == "join_portal"
    page.screenshot(path=output_dir / f"round-two-typo-{width}.png", full_page=True)
    page.locator("[data-identity-again]").click()
    page.wait_for_url("**/me/identity/")

    verify(page, live_server, name=member.kor_name, born=member.birth_date, phone=member.phone)
    assert page.locator("[data-step]").get_attribute("data-step") == "connect"


def test_this_years_chart_starts_on_its_first_trading_day(page, live_server, width) -> None:
    user = UserFactory()
    seed(user, days=400, accounts=2, star=False)
    sign_in(page, live_server, user.email)

    page.goto(live_server.url + "/home/?range=YTD")
    page.wait_for_selector("#networth-chart[data-chart-ready=true]")
    first = page.evaluate(
        "() => Chart.getChart(document.getElementById('networth-chart')).data.labels[0]"
    )

    year = timezone.localdate().year
    assert datetime.date.fromisoformat(first).year == year
    assert datetime.date.fromisoformat(first) <= datetime.date(year, 1, 10)


def test_holdings_combine_across_accounts_and_codes_read_as_korean_words(
    page, live_server, width
) -> None:
    user = UserFactory()
    seed(user, days=60, accounts=2, star=False)
    ActivityEvent.objects.create(
        user=user, kind=ActivityEvent.Kind.MEMBERSHIP_CHECKED, detail={"result": "non-member"}
    )
    sign_in(page, live_server, user.email)

    page.goto(live_server.url + "/dashboard/holdings/")
    page.locator(".tabs a[href='/dashboard/holdings/by-instrument/']").click()
    page.wait_for_url("**/by-instrument/")
    rows = page.locator("tr[data-instrument]")
    assert rows.count() > 0
    # Each instrument once, however many accounts hold it.
    keys = rows.evaluate_all("rows => rows.map(r => r.dataset.instrument)")
    assert len(keys) == len(set(keys))

    page.goto(live_server.url + "/me/activity/")
    text = page.locator("[data-events]").inner_text()
    assert "포털 회원 아님" in text and "non-member" not in text


def test_coming_back_from_the_portal_shows_the_new_step_without_a_click(
    page, live_server, on_sandbox, width
) -> None:
    member = on_sandbox.new_member(accounts=(("diamond", "default"),))
    user = UserFactory()
    sign_in(page, live_server, user.email)
    verify(page, live_server, name=member.kor_name, born=member.birth_date, phone=member.phone)
    assert page.locator("[data-step]").get_attribute("data-step") == "connect"
    # At the portal, the person removes the link; the portal's way back carries the flag.
    on_sandbox.expire_consent(member.accounts[0]["vt_acc_no"])

    page.goto(live_server.url + "/link/?returned=portal")

    page.wait_for_url(live_server.url + "/link/")
    assert page.locator("[data-step]").get_attribute("data-step") == "link_accounts"


def test_confirming_the_email_signs_in_without_a_second_password(
    page, live_server, mailoutbox, width
) -> None:
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("input[name=email]", f"confirm-{width}@example.com")
    page.fill("input[name=password1]", "a-long-browser-password-8")
    page.fill("input[name=password2]", "a-long-browser-password-8")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/accounts/confirm-email/")
    body = mailoutbox[-1].body
    # The link stands on a line of its own: copying the line gives the link whole.
    line = next(line for line in body.splitlines() if "/accounts/confirm-email/" in line)
    assert line.strip().startswith("http") and line.strip().endswith("/")

    page.goto(line.strip())
    page.locator("form button[type=submit]").last.click()

    page.wait_for_url("**/home/")
    assert page.locator("h1").inner_text() == "내 자산"


def test_once_connected_the_link_page_leads_on_to_the_dashboard(
    page, live_server, on_sandbox, settings, width, output_dir
) -> None:
    settings.OPENPLATFORM_REDIRECT_URI = live_server.url + "/link/callback/"
    on_sandbox.register(
        redirect_uris=[settings.OPENPLATFORM_REDIRECT_URI], return_urls=[live_server.url + "/"]
    )
    member = on_sandbox.new_member(accounts=(("diamond", "default"),))
    user = UserFactory()
    sign_in(page, live_server, user.email)
    verify(page, live_server, name=member.kor_name, born=member.birth_date, phone=member.phone)
    assert page.locator("[data-step]").get_attribute("data-step") == "connect"

    # The platform's sign-in and consent (OAuth), and back.
    page.locator("button[name=connect]").click()
    page.wait_for_url(f"{on_sandbox.url}/auth/oauth/v2/authorize**")
    if page.locator("input[name=password]").count():
        page.fill("input[name=username]", member.portal_id)
        page.fill("input[name=password]", member.password)
        page.locator("button[name=login]").click()
    page.locator("button[name=allow]").click()
    page.wait_for_url(live_server.url + "/link/")
    assert page.locator("[data-step]").get_attribute("data-step") == "connected"
    page.screenshot(path=output_dir / f"round-two-connected-{width}.png", full_page=True)

    go = page.locator("[data-go-dashboard]")
    assert go.is_visible()
    assert go.inner_text().strip() == "내 자산 보러 가기"
    box = go.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    # Whole on the screen, at a phone's width too: nothing to scroll sideways for.
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    go.click()
    page.wait_for_url("**/home/")
    assert page.locator("h1").inner_text() == "내 자산"
