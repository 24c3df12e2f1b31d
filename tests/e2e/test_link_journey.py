"""A new user's whole link journey in Chromium: our pages and the sandbox portal, as a person."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from django.db import connection as db

from accounts.models import Identity
from brokers.models import Connection, LinkedAccount

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-journey-password-5"


@pytest.fixture
def app_on_sandbox(settings, on_sandbox, live_server, broker_registry):
    sandbox = on_sandbox
    settings.OPENPLATFORM_REDIRECT_URI = live_server.url + "/link/callback/"
    sandbox.register(
        redirect_uris=[settings.OPENPLATFORM_REDIRECT_URI], return_urls=[live_server.url + "/"]
    )
    return sandbox


def test_a_new_user_links_diamond_and_cyber_and_connects(
    page, live_server, app_on_sandbox, mailoutbox, output_dir
):
    sandbox = app_on_sandbox
    shots = output_dir / "e2e" / "link-journey"
    shots.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        page.screenshot(path=shots / f"{name}.png", full_page=True)

    # A unique person for this run: the sandbox derives a CI from the triple.
    phone = f"0109{os.getpid() % 10_000_000:07d}"
    name, born = "정하늘", ("1993", "04", "12")

    # 1. Sign up, verify the e-mail, sign in.
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("input[name=email]", "haneul@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/accounts/confirm-email/")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    page.goto(link)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/home/")  # confirming in the same browser signs in
    shot("01-signed-in")

    # 2. The link page asks for identity verification first.
    page.goto(live_server.url + "/link/")
    assert page.locator("[data-step]").get_attribute("data-step") == "verify_identity"
    shot("02-verify-identity-first")
    page.get_by_role("link", name="본인확인").last.click()
    page.fill("input[name=korean_name]", name)
    page.fill("input[name=birth_date]", "-".join(born))
    page.fill("input[name=phone]", phone)
    shot("03-identity-form")
    page.locator("button[name=verify]").click()
    page.wait_for_url("**/link/")

    # 3. Not a member of the portal: the page explains and points to its sign-up.
    assert page.locator("[data-step]").get_attribute("data-step") == "join_portal"
    assert page.get_by_text("아직 포털 회원이 아니시네요").is_visible()
    shot("04-not-a-portal-member")
    page.locator("[data-portal=signup]").click()
    page.wait_for_url(f"{sandbox.url}/portal/signup/**")

    # 4. At the sandbox portal: sign up, issue accounts at diamond and cyber, link them to Jasan.
    page.fill("input[name=kor_name]", name)
    page.fill("input[name=birth_date]", "".join(born))
    page.fill("input[name=phone]", phone)
    page.fill("input[name=username]", f"haneul{os.getpid()}")
    page.fill("input[name=password]", "portal-pass-1234")
    page.fill("input[name=password2]", "portal-pass-1234")
    shot("05-portal-sign-up")
    # Each form post is awaited to its answer before moving on, or the next navigation could
    # abort it mid-flight.
    with page.expect_navigation():
        page.locator("button[name=signup]").click()
    for broker in ("diamond", "cyber"):
        page.goto(sandbox.url + "/portal/accounts/issue/")
        page.select_option("select[name=broker]", broker)
        with page.expect_navigation():
            page.locator("button[name=issue]").click()
    assert page.locator("[data-testid=accounts] tbody tr").count() == 2
    shot("06-portal-accounts-issued")
    page.goto(sandbox.url + "/portal/link/")
    page.select_option("select[name=service]", sandbox.client_id)
    for box in page.locator("input[name=accounts]").all():
        box.check()
    page.check("input[name=agree]")
    shot("07-portal-link-to-jasan")
    with page.expect_navigation():
        page.locator("button[name=link]").click()
    shot("08-portal-linked")

    # 5. Back at Jasan: check again and see both accounts.
    page.locator("[data-testid=return-link]").click()
    page.wait_for_url(live_server.url + "/link/")
    with page.expect_navigation():
        page.locator("button[name=check]").first.click()
    assert page.locator("[data-step]").get_attribute("data-step") == "connect"
    rows = page.locator("[data-linked-accounts] tbody tr")
    assert sorted(rows.nth(i).get_attribute("data-account") for i in range(rows.count())) == [
        "cyber",
        "diamond",
    ]
    shot("09-accounts-found")

    # 6. Connect: portal login and consent, then back to a connected page.
    page.locator("button[name=connect]").click()
    page.wait_for_url(f"{sandbox.url}/auth/oauth/v2/authorize**")
    if page.locator("input[name=password]").count():
        page.fill("input[name=username]", f"haneul{os.getpid()}")
        page.fill("input[name=password]", "portal-pass-1234")
        page.locator("button[name=login]").click()
    shot("10-portal-consent")
    page.locator("button[name=allow]").click()
    page.wait_for_url(live_server.url + "/link/")
    assert page.locator("[data-step]").get_attribute("data-step") == "connected"
    assert page.locator("[data-linked-accounts] tbody tr").count() == 2
    assert page.get_by_text("연결되었습니다").is_visible()
    assert page.locator("[data-go-dashboard]").is_visible()  # a way on to the dashboard
    shot("11-connected")

    connection = Connection.objects.get(user__email="haneul@example.com")
    assert connection.status == "active"
    assert connection.access_token

    # 7. At rest, the database holds none of it in plaintext.
    identity = Identity.objects.get(user=connection.user)
    secrets = {
        "access token": connection.access_token,
        "refresh token": connection.refresh_token,
        "CI": identity.ci,
        "Korean name": identity.korean_name,
        **{
            f"account {a.vt_acc_no_last4}": a.vt_acc_no
            for a in LinkedAccount.objects.for_user(connection.user)
        },
    }
    assert identity.korean_name == name
    dump = _pg_dump()
    assert len(dump) > 10_000
    assert [label for label, value in secrets.items() if value and value in dump] == []


def _pg_dump() -> str:
    """The whole app database as `pg_dump` writes it (schema and data, plain SQL)."""
    settings = db.settings_dict
    args = ["pg_dump", "--no-owner", "--dbname", settings["NAME"]]
    if settings.get("HOST"):
        args += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    return subprocess.run(
        args, check=True, capture_output=True, env=env, timeout=120
    ).stdout.decode("utf-8")
