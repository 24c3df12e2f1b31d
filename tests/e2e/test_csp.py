"""The browser enforces the CSP, and the `page` fixture notices when it does."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import CSP_VIOLATION

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_injected_inline_script_is_blocked_and_reported_on_the_console(browser, live_server):
    context = browser.new_context(locale="ko-KR")
    try:
        tab = context.new_page()
        messages: list[str] = []
        tab.on("console", lambda message: messages.append(message.text))
        tab.goto(live_server.url + "/")

        try:
            tab.add_script_tag(content="window.injected = true;")
        except Exception as exc:  # Playwright may itself report the refusal
            messages.append(str(exc))
        tab.evaluate("() => new Promise(resolve => setTimeout(resolve, 200))")

        assert tab.evaluate("() => window.injected === undefined")
        assert any(CSP_VIOLATION in text for text in messages), messages
    finally:
        context.close()


def test_the_language_switch_works_without_an_inline_handler(page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ko"

    page.select_option("#language", "en")

    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert "All your investment accounts, in one place" in page.content()
