"""Content-Security-Policy: every page carries one, and it allows no inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.portfolio.dashboard_data import page_urls, seed

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _assert_strict(response, url: str) -> None:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no CSP on {url}"
    directives = _directives(header)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts == ["'self'"], (url, header)
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, (url, header)
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_every_page_of_a_signed_in_user_carries_a_csp_without_inline_script(client, alice):
    urls = page_urls(seed(alice, days=20, holdings=3, accounts=1))
    client.force_login(alice)
    urls |= {
        "link": reverse("link_status"),
        "activity": reverse("activity"),
        "identity": reverse("identity"),
        "security": reverse("mfa_index"),
        "progress": reverse("sync_progress"),
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        _assert_strict(response, url)


def test_public_pages_errors_and_staff_pages_carry_the_csp_too(client, alice, admin_user):
    for url in ("/", "/accounts/login/", "/accounts/signup/", "/healthz"):
        _assert_strict(client.get(url), url)
    _assert_strict(client.get("/dashboard/holdings/1/"), "a 404")
    client.force_login(alice)
    _assert_strict(client.get(reverse("support_console")), "a 403")
    client.force_login(admin_user)
    for url in ("/admin/", "/admin/accounts/user/", reverse("support_console")):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_strict(response, url)


def test_no_template_has_an_inline_script_or_event_handler():
    """The CSP would block them; the browser tests would fail on the violation. This names the
    file at once. Data blocks (`json_script`, type application/json) are not scripts."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    found = []
    for path in TEMPLATES.rglob("*.html"):
        if "sandbox" in path.parts:
            continue  # the sandbox is another system, served by its own process
        text = path.read_text()
        if inline_script.search(text) or handler.search(text) or "hx-on" in text:
            found.append(str(path.relative_to(TEMPLATES)))
    assert found == []
