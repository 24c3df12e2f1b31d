"""Connecting a user of ours to a sandbox member from the command line, for the demo and the
benchmark: our real OAuth flow, with the portal's login and consent forms posted from here
instead of from a browser. Development only (the callers refuse unless the sandbox is enabled);
it speaks HTTP to the sandbox like a browser and imports nothing of it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from accounts.models import User
from brokers.clients import get_upstream
from brokers.errors import BUG, PlatformError
from brokers.models import Connection
from brokers.services import connection_connect
from brokers.upstream import Upstream

_CSRF_COOKIE = "sandbox_csrftoken"  # the sandbox's own cookie name (config/settings/sandbox.py)
_TIMEOUT = 10


def portal_connect(
    *, user: User, portal_id: str, password: str, upstream: Upstream | None = None
) -> Connection:
    """Authorize us as the portal member `portal_id` and store the grant for `user`.

    Raises `PlatformError` (`bug`) when the portal refuses the login or the consent.
    """
    upstream = upstream or get_upstream()
    authorization = upstream.authorization_url()
    with requests.Session() as browser:
        page = browser.get(authorization.url, timeout=_TIMEOUT)
        if 'name="username"' in page.text:
            answer = _post(browser, page, {"username": portal_id, "password": password})
            if answer.status_code != 302:
                raise PlatformError(BUG, f"portal login refused (HTTP {answer.status_code})")
            page = browser.get(urljoin(page.url, answer.headers["Location"]), timeout=_TIMEOUT)
        answer = _post(browser, page, {"allow": "1"})
    if answer.status_code != 302:
        raise PlatformError(BUG, f"the consent page answered HTTP {answer.status_code}")
    callback = parse_qs(urlsplit(answer.headers["Location"]).query)
    if callback.get("state") != [authorization.state] or "code" not in callback:
        raise PlatformError(BUG, "the authorization did not come back with a code")
    return connection_connect(
        user=user,
        code=callback["code"][0],
        code_verifier=authorization.code_verifier,
        upstream=upstream,
    )


def _post(
    browser: requests.Session, page: requests.Response, values: dict[str, str]
) -> requests.Response:
    # Both portal forms post back to the page's own URL, with Django's CSRF token.
    token = browser.cookies.get(_CSRF_COOKIE) or _hidden(page.text, "csrfmiddlewaretoken")
    return browser.post(
        page.url,
        data={"csrfmiddlewaretoken": token, **values},
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=_TIMEOUT,
    )


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else ""
