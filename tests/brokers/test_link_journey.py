"""The link journey through our views, against the live sandbox (no mocks of either side)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from accounts.models import ActivityEvent, Identity
from brokers.errors import PlatformError
from brokers.models import Connection, LinkedAccount, PortalCheck
from brokers.services import connection_ensure_fresh

pytestmark = pytest.mark.django_db


def _identity_form(member) -> dict[str, str]:
    born = member.birth_date
    return {
        "korean_name": member.kor_name,
        "birth_date": f"{born[:4]}-{born[4:6]}-{born[6:]}",
        "phone": member.phone,
    }


def _verify(client, member) -> None:
    response = client.post("/me/identity/", _identity_form(member))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/link/"


def _step(client) -> str:
    response = client.get("/link/")
    assert response.status_code == 200
    return response.context["status"].step


def _start_connect(client) -> tuple[str, dict[str, list[str]]]:
    response = client.post("/link/connect/")
    assert response.status_code == 302
    url = response["Location"]
    return url, parse_qs(urlsplit(url).query)


def _consent(sandbox, url: str, member, *, allow: bool = True) -> str:
    """The portal's login and consent pages, answered as the member; our callback's path."""
    location = sandbox.login_and_consent(
        url, username=member.portal_id, password=member.password, allow=allow
    )
    parts = urlsplit(location)
    assert parts.path == "/link/callback/"
    return f"{parts.path}?{parts.query}"


def _connect(client, sandbox, member) -> None:
    url, _ = _start_connect(client)
    response = client.get(_consent(sandbox, url, member))
    assert response.status_code == 302
    assert response["Location"] == "/link/"


def test_a_user_goes_from_identity_to_two_connected_accounts(client, alice, on_sandbox):
    sandbox = on_sandbox
    client.force_login(alice)
    assert _step(client) == "verify_identity"

    member = sandbox.new_member(accounts=(("diamond", "default"), ("cyber", "default")))
    _verify(client, member)
    identity = Identity.objects.get(user=alice)
    assert identity.ci == member.ci
    assert identity.korean_name == member.kor_name

    response = client.get("/link/")
    status = response.context["status"]
    assert status.step == "connect"
    assert sorted(a.broker.short_name for a in status.accounts) == ["cyber", "diamond"]
    html = response.content.decode()
    for account in member.accounts:
        assert account["vt_acc_no"] not in html
        assert account["vt_acc_no"][-4:] in html

    url, query = _start_connect(client)
    assert url.startswith(sandbox.url + "/auth/oauth/v2/authorize?")
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 20
    assert query["state"][0] in client.session["jasan_oauth_pending"]

    response = client.get(_consent(sandbox, url, member))
    assert response["Location"] == "/link/"
    connection = Connection.objects.get(user=alice)
    assert connection.status == "active"
    assert connection.access_token and connection.refresh_token
    assert _step(client) == "connected"
    assert 'href="/home/" data-go-dashboard' in client.get("/link/").content.decode()
    assert client.session["jasan_oauth_pending"] == {}
    kinds = set(ActivityEvent.objects.filter(user=alice).values_list("kind", flat=True))
    assert {"identity_verified", "membership_checked", "accounts_appeared", "connected"} <= kinds


def test_a_non_member_is_sent_to_the_portal_sign_up_with_a_way_back(client, alice, on_sandbox):
    person = on_sandbox.personas["lee"]
    client.force_login(alice)
    client.post("/me/identity/", _identity_form(person))

    response = client.get("/link/")

    assert response.context["status"].step == "join_portal"
    signup = response.context["portal_signup_url"]
    assert signup.startswith(on_sandbox.url + "/portal/signup/?")
    assert parse_qs(urlsplit(signup).query)["return_url"] == [
        "http://testserver/link/?returned=portal"
    ]
    assert PortalCheck.objects.get(user=alice).is_member is False


def test_a_name_typo_offers_a_way_back_and_the_corrected_identity_is_checked_at_once(
    client, alice, on_sandbox
):
    member = on_sandbox.new_member(accounts=(("diamond", "default"),))
    typo = _identity_form(member)
    typo["korean_name"] = member.kor_name[:-1] + ("수" if member.kor_name[-1] != "수" else "영")
    client.force_login(alice)
    client.post("/me/identity/", typo)

    response = client.get("/link/")

    assert response.context["status"].step == "join_portal"
    assert 'href="/me/identity/" data-identity-again' in response.content.decode()

    # Corrected within the check's five minutes: no "check again" needed.
    _verify(client, member)
    assert _step(client) == "connect"


def test_checking_again_after_renewing_consent_no_longer_says_consent_needed(
    client, alice, on_sandbox
):
    member = on_sandbox.new_member(accounts=(("diamond", "default"),))
    client.force_login(alice)
    _verify(client, member)
    assert _step(client) == "connect"  # the platform was asked just now
    # A sync met the lapsed consent (which ended yesterday); the user has since renewed it at
    # the portal, which now reports a later end.
    LinkedAccount.objects.for_user(alice).update(
        sync_problem="consent_required",
        sync_problem_at=timezone.now(),
        consent_expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    assert 'data-sync-problem="consent_required"' in client.get("/link/").content.decode()

    client.post("/link/check/")

    account = LinkedAccount.objects.for_user(alice).get()
    assert account.sync_problem == "" and account.sync_problem_at is None
    assert 'data-sync-problem="consent_required"' not in client.get("/link/").content.decode()


def test_coming_back_from_the_portal_checks_again_without_a_click(client, alice, on_sandbox):
    member = on_sandbox.new_member(accounts=(("diamond", "default"),))
    client.force_login(alice)
    _verify(client, member)
    assert _step(client) == "connect"
    on_sandbox.expire_consent(member.accounts[0]["vt_acc_no"])
    assert _step(client) == "connect"  # the last check is a minute old: not asked again

    response = client.get("/link/?returned=portal")

    assert response.status_code == 302 and response["Location"] == "/link/"
    assert _step(client) == "link_accounts"


def test_a_member_without_links_is_told_to_link_at_the_portal(client, alice, on_sandbox):
    member = on_sandbox.new_member(accounts=(), linked=False)
    client.force_login(alice)
    _verify(client, member)

    assert _step(client) == "link_accounts"


def test_checks_are_cached_and_check_again_asks_the_platform(client, alice, on_sandbox):
    member = on_sandbox.new_member(accounts=(), linked=False)
    client.force_login(alice)
    _verify(client, member)
    assert _step(client) == "link_accounts"
    first = PortalCheck.objects.get(user=alice).checked_at

    assert _step(client) == "link_accounts"
    assert PortalCheck.objects.get(user=alice).checked_at == first

    client.post("/link/check/")
    assert PortalCheck.objects.get(user=alice).checked_at > first


def test_declining_consent_at_the_portal_stores_nothing(client, alice, on_sandbox):
    member = on_sandbox.new_member()
    client.force_login(alice)
    _verify(client, member)
    url, _ = _start_connect(client)

    response = client.get(_consent(on_sandbox, url, member, allow=False))

    assert response.status_code == 200
    assert "거절" in response.content.decode()
    assert not Connection.objects.filter(user=alice).exists()


def test_a_forged_state_is_rejected_and_stores_nothing(client, alice, on_sandbox):
    member = on_sandbox.new_member()
    client.force_login(alice)
    _verify(client, member)
    url, _ = _start_connect(client)
    callback = _consent(on_sandbox, url, member)
    forged = callback.replace("state=", "state=forged")

    response = client.get(forged)

    assert response.status_code == 400
    assert not Connection.objects.filter(user=alice).exists()


def test_a_reused_callback_is_rejected(client, alice, on_sandbox):
    member = on_sandbox.new_member()
    client.force_login(alice)
    _verify(client, member)
    url, _ = _start_connect(client)
    callback = _consent(on_sandbox, url, member)
    assert client.get(callback).status_code == 302
    tokens_before = Connection.objects.get(user=alice).access_token

    response = client.get(callback)

    assert response.status_code == 400
    assert Connection.objects.get(user=alice).access_token == tokens_before


def test_a_replayed_code_under_a_fresh_state_is_refused_by_the_platform(client, alice, on_sandbox):
    member = on_sandbox.new_member()
    client.force_login(alice)
    _verify(client, member)
    url, _ = _start_connect(client)
    first = _consent(on_sandbox, url, member)
    assert client.get(first).status_code == 302
    Connection.objects.filter(user=alice).delete()
    _, fresh = _start_connect(client)
    code = parse_qs(urlsplit(first).query)["code"][0]

    response = client.get(f"/link/callback/?code={code}&state={fresh['state'][0]}")

    assert response.status_code == 400
    assert not Connection.objects.filter(user=alice).exists()


def test_a_callback_reaching_another_signed_in_user_is_rejected(client, alice, charlie, on_sandbox):
    from django.test import Client

    member = on_sandbox.new_member()
    client.force_login(alice)
    _verify(client, member)
    url, _ = _start_connect(client)
    callback = _consent(on_sandbox, url, member)
    other = Client()
    other.force_login(charlie)

    response = other.get(callback)

    assert response.status_code == 400
    assert not Connection.objects.exists()
    # Alice's own flow is untouched by the stranger's attempt.
    assert client.get(callback).status_code == 302
    assert Connection.objects.get(user=alice).status == "active"


def test_an_unusable_token_shows_reconnect_keeps_the_accounts_and_reconnecting_restores(
    client, alice, on_sandbox
):
    member = on_sandbox.new_member(accounts=(("diamond", "default"),))
    client.force_login(alice)
    _verify(client, member)
    _connect(client, on_sandbox, member)
    connection = Connection.objects.get(user=alice)
    accounts_before = list(LinkedAccount.objects.for_user(alice).values_list("id", flat=True))
    # The grant ends upstream: the access token expires and the refresh token is revoked.
    on_sandbox.expire_token(connection.access_token)
    on_sandbox.revoke(connection.refresh_token, "refresh_token")
    Connection.objects.filter(pk=connection.pk).update(access_expires_at=timezone.now())

    with pytest.raises(PlatformError):
        connection_ensure_fresh(connection=Connection.objects.get(pk=connection.pk))

    assert Connection.objects.get(pk=connection.pk).status == "reconnect_needed"
    assert _step(client) == "reconnect"
    assert list(LinkedAccount.objects.for_user(alice).values_list("id", flat=True)) == (
        accounts_before
    )

    _connect(client, on_sandbox, member)
    assert Connection.objects.get(pk=connection.pk).status == "active"
    assert _step(client) == "connected"
    assert ActivityEvent.objects.filter(user=alice, kind="reconnected").count() == 1


@pytest.mark.parametrize("data", ["keep", "delete"])
def test_disconnect_revokes_at_the_sandbox_and_deletes_the_tokens(client, alice, on_sandbox, data):
    member = on_sandbox.new_member(accounts=(("diamond", "default"),))
    client.force_login(alice)
    _verify(client, member)
    _connect(client, on_sandbox, member)
    access = Connection.objects.get(user=alice).access_token
    vt_acc_no = member.accounts[0]["vt_acc_no"]

    response = client.post("/link/disconnect/", {"data": data})

    assert response.status_code == 302
    connection = Connection.objects.get(user=alice)
    assert connection.access_token is None and connection.refresh_token is None
    assert connection.status == "revoked"
    answer = on_sandbox.account_search(
        "diamond",
        "balance",
        on_sandbox.envelope("balance", vt_acc_no=vt_acc_no, ci=member.ci),
        token=access,
    )
    assert answer.status_code == 401
    assert LinkedAccount.objects.for_user(alice).exists() is (data == "keep")
    event = ActivityEvent.objects.get(user=alice, kind="disconnected")
    assert event.detail == {"data": "deleted" if data == "delete" else "kept"}


def test_the_link_pages_need_sign_in_and_post(client, alice):
    assert client.get("/link/")["Location"].startswith("/accounts/login/")
    client.force_login(alice)
    assert client.get("/link/connect/").status_code == 405
    assert client.get("/link/disconnect/").status_code == 302  # nothing to disconnect


def test_disconnect_asks_for_confirmation_first_and_the_question_changes_nothing(
    client, alice, on_sandbox
):
    member = on_sandbox.new_member(accounts=(("diamond", "default"),))
    client.force_login(alice)
    _verify(client, member)
    _connect(client, on_sandbox, member)
    link_page = client.get("/link/").content.decode()
    assert 'href="/link/disconnect/"' in link_page
    assert 'action="/link/disconnect/"' not in link_page

    response = client.get("/link/disconnect/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-disconnect-confirm" in html and 'name="data"' in html
    assert Connection.objects.get(user=alice).status == "active"


def test_a_state_older_than_ten_minutes_is_refused(client, alice, on_sandbox):
    import time_machine

    member = on_sandbox.new_member()
    client.force_login(alice)
    _verify(client, member)
    url, _ = _start_connect(client)
    callback = _consent(on_sandbox, url, member)

    with time_machine.travel(dt.timedelta(minutes=11)):
        response = client.get(callback)

    assert response.status_code == 400
    assert not Connection.objects.filter(user=alice).exists()


def test_a_second_user_verifying_an_identity_already_held_is_refused_and_sees_nothing(
    client, alice, bob, on_sandbox
):
    member = on_sandbox.new_member()
    client.force_login(alice)
    _verify(client, member)
    _connect(client, on_sandbox, member)
    alices = LinkedAccount.objects.filter(user=alice)
    alices_accounts = set(alices.values_list("vt_acc_no_last4", flat=True))
    assert alices_accounts

    client.force_login(bob)
    response = client.post("/me/identity/", _identity_form(member))

    assert response.status_code == 200
    html = response.content.decode()
    assert "이미 다른 자산 계정에서 본인확인" in html
    assert alice.email not in html
    assert not Identity.objects.filter(user=bob).exists()
    assert Identity.objects.get(user=alice).ci == member.ci
    link = client.get("/link/")
    assert link.context["status"].step == "verify_identity"
    assert not LinkedAccount.objects.filter(user=bob).exists()
    for last4 in alices_accounts:
        assert last4 not in link.content.decode()
    assert not PortalCheck.objects.filter(user=bob).exists()
