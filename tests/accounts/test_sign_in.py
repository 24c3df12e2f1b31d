"""Sign-up, e-mail verification, sign-in, sign-out and password reset through allauth."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from accounts.middleware import SESSION_STARTED_KEY
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-new-password-42"


def _link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"http://testserver(/accounts/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_landing_page_says_what_jasan_is_in_korean(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert "흩어진 투자 계좌를 한눈에" in html
    assert "회원가입" in html


def test_the_landing_page_switches_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "All your investment accounts, in one place" in html


def test_a_visitor_signs_up_verifies_the_email_and_signs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "dana@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dana@example.com"]

    # Unverified: signing in only leads back to the verification notice.
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "dana@example.com", "password": NEW_PASSWORD}
    )
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/home/").status_code == 302

    link = _link_in(mail.outbox[-1])
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302

    response = client.post(
        "/accounts/login/", {"login": "dana@example.com", "password": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/home/"
    assert "내 자산" in response.content.decode()
    assert "dana@example.com" in response.content.decode()


def test_confirming_the_email_in_the_browser_that_signed_up_signs_the_user_in(client):
    client.post(
        "/accounts/signup/",
        {"email": "erin@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert client.get("/home/").status_code == 302  # not signed in before confirming

    response = client.post(_link_in(mail.outbox[-1]), follow=True)

    assert response.status_code == 200
    assert response.context["user"].email == "erin@example.com"
    assert client.get("/home/").status_code == 200


def test_the_home_page_requires_sign_in(client):
    response = client.get("/home/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signed_in_pages_are_never_cached(client, alice):
    client.force_login(alice)

    response = client.get("/home/")

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_sign_out_ends_the_session(client, alice):
    client.force_login(alice)

    client.post("/accounts/logout/")

    assert client.get("/home/").status_code == 302


def test_password_reset_mails_a_link_that_sets_a_new_password(client, alice):
    client.post("/accounts/password/reset/", {"email": alice.email})
    assert len(mail.outbox) == 1
    link = _link_in(mail.outbox[0])

    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert client.login(email=alice.email, password=NEW_PASSWORD)


def test_six_bad_logins_are_throttled_and_the_throttle_lifts_by_itself(client, alice):
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": alice.email, "password": "wrong"})
        assert response.status_code == 200

    throttled = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert throttled.status_code in (200, 429)
    assert "_auth_user_id" not in client.session

    with time_machine.travel(dt.timedelta(minutes=6)):
        response = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
        assert response.status_code == 302
        assert "_auth_user_id" in client.session


def test_a_session_ends_after_its_absolute_limit_even_when_active(client, alice, settings):
    client.force_login(alice)
    assert client.get("/home/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] -= settings.SESSION_ABSOLUTE_SECONDS + 1
    session.save()

    response = client.get("/home/")

    assert response.status_code == 302


@pytest.mark.parametrize(
    "outside", ["https://evil.example/", "//evil.example/", "/\\evil.example", "http:evil.example"]
)
def test_an_outside_next_after_sign_in_is_ignored(client, alice, outside):
    response = client.post(
        "/accounts/login/?next=" + outside, {"login": alice.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/home/"
