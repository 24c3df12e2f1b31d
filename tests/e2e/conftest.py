"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

# Playwright's sync API keeps an event loop in the test thread; Django's async-safety guard
# would otherwise refuse the ORM calls the tests make between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        pytest.fail("Debian's chromium is not installed (apt-get install -y chromium fonts-nanum)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


# What Chromium writes to the console when the Content-Security-Policy blocks something (an
# inline script or handler, an injected style, eval, a foreign source).
CSP_VIOLATION = "Content Security Policy"


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh browser tab. Any CSP violation it reports on its console fails the test."""
    context = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    violations: list[str] = []

    def watch(tab: object) -> None:
        tab.on(  # type: ignore[attr-defined]
            "console",
            lambda message: (
                violations.append(f"{tab.url}: {message.text}")  # type: ignore[attr-defined]
                if CSP_VIOLATION in message.text
                else None
            ),
        )

    context.on("page", watch)
    tab = context.new_page()
    yield tab
    context.close()
    if violations:
        pytest.fail("CSP violations in the browser console:\n" + "\n".join(violations))


# The two widths the dashboard is tried at: a desktop's and a phone's.
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(WIDTHS))
def width(request, page) -> str:
    """Runs a test once at a desktop's width and once at a phone's; the value names which."""
    page.set_viewport_size(WIDTHS[request.param])
    return request.param


def sign_in(page, live_server, email: str) -> None:
    """Sign in through the login form as a user made by `UserFactory` (its password)."""
    from tests.factories import PASSWORD

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/home/")
