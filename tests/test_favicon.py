"""Pages name an icon, and `/favicon.ico` answers in the app and in the sandbox, so that no
page leaves a 404 in the console."""

from __future__ import annotations

import requests


def test_pages_name_the_icon_and_the_old_address_leads_to_it(client):
    page = client.get("/").content.decode()
    old = client.get("/favicon.ico")

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert old.status_code == 301
    assert old["Location"] == "/static/favicon.svg"
    assert client.get(old["Location"]).status_code == 200


def test_the_sandbox_answers_for_its_icon(live_sandbox):
    answer = requests.get(live_sandbox.url + "/favicon.ico", timeout=10)

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "image/svg+xml"
    assert answer.text.startswith("<svg")
