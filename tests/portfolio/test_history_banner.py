"""The dashboard's banner while `make run` builds the demo history in the background: it shows
how far the build is, asks for itself again while it runs, and reloads the page when done."""

from __future__ import annotations

import re

import pytest

from portfolio.demo_progress import history_progress_set

pytestmark = pytest.mark.django_db


def banner(html: str) -> str | None:
    match = re.search(r'<div class="notice history-progress".*?</div>', html, flags=re.S)
    return match.group(0) if match else None


def test_no_banner_when_no_history_is_being_built(client, alice):
    client.force_login(alice)

    assert banner(client.get("/home/").content.decode()) is None


def test_the_dashboard_shows_the_percentage_built_and_polls_for_more(client, alice):
    history_progress_set(alice.pk, "building", done=311, total=840)
    client.force_login(alice)

    shown = banner(client.get("/home/").content.decode())

    assert shown is not None
    assert "내역을 만드는 중: 37 %" in shown
    assert 'hx-get="/sync/history/"' in shown
    assert 'hx-trigger="every 2s"' in shown
    assert '<progress max="100" value="37">' in shown


def test_the_polled_fragment_follows_the_build_and_reloads_the_page_when_it_is_done(client, alice):
    client.force_login(alice)
    history_progress_set(alice.pk, "linking")

    linking = client.get("/sync/history/", HTTP_HX_REQUEST="true")
    history_progress_set(alice.pk, "building", done=420, total=840)
    halfway = client.get("/sync/history/", HTTP_HX_REQUEST="true")
    history_progress_set(alice.pk, "done", done=840, total=840)
    done = client.get("/sync/history/", HTTP_HX_REQUEST="true")

    assert "데모 계좌를 연결하고 있습니다" in linking.content.decode()
    assert "HX-Refresh" not in linking
    assert "50 %" in halfway.content.decode()
    assert "HX-Refresh" not in halfway
    assert done["HX-Refresh"] == "true"
    assert banner(done.content.decode()) is None


def test_one_users_build_is_not_shown_to_another(client, alice, bob):
    history_progress_set(alice.pk, "building", done=1, total=2)
    client.force_login(bob)

    assert banner(client.get("/home/").content.decode()) is None
    assert client.get("/sync/history/")["HX-Refresh"] == "true"
