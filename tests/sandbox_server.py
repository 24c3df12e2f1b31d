"""A live sandbox for tests: the real ``manage.py runsandbox`` process, on a database of its own.

Registered for the whole suite by ``pytest_plugins`` in ``tests/conftest.py``.

Fixtures
--------
``live_sandbox`` (session scope) → ``LiveSandbox``
    Creates a fresh PostgreSQL database ``jasan_sandbox_test_<pid>`` (databases left behind by
    runs that died are dropped first; each concurrent pytest run gets its own), starts
    ``manage.py runsandbox 127.0.0.1:<free port> --prepare`` as a subprocess — which migrates
    that database and seeds the default registration and the personas — waits until
    ``/healthz`` answers (about two seconds), and at the end of the session stops the process
    and drops the database. The server's log is ``test-output/sandbox-<pid>.log``.
``sandbox`` (function scope) → the same ``LiveSandbox`` after ``reset()``: no faults, and every
    service's daily budget fresh at the default limit. Tests use this one. Tests that change a
    persona's state (lock, revoke, expire) should make their own member with ``new_member``.

``LiveSandbox``
    ``url``: base URL, e.g. ``http://127.0.0.1:40123`` (no trailing slash); the gateway's paths
    hang off it (``/auth/oauth/v2/token``, ``/v1/diamond/account/balance/search``,
    ``/portal/``, ``/sandbox/identity/verify``).
    ``client_id``, ``client_secret``, ``api_key``, ``com_id``, ``srv_id``, ``redirect_uri``: the
    default registration (the app's OPENPLATFORM_* development values); ``redirect_uri`` is
    registered. ``settings_overrides()`` gives the app's OPENPLATFORM_* settings for this server.
    ``personas`` / ``persona_password``: ``brokers.sandbox.personas.PERSONAS`` and their password.

    Switches (HTTP calls to the server's control door, milliseconds each):
    ``reset()``, ``set_fault(kind, *, broker="", vt_acc_no="", api="", times=None,
    delay_ms=0) -> int``, ``faults() -> list[dict]``, ``clear_faults(*, broker=None,
    vt_acc_no=None) -> int``, ``set_budget(*, limit=None, remaining=None, client_id=None) ->
    dict`` (``{"limit", "remaining"}``), ``expire_token(token) -> bool``,
    ``expire_code(code) -> bool``,
    ``expire_consent(vt_acc_no, *, client_id=None) -> int``, ``register(*, redirect_uris=(),
    return_urls=(), client_id=None, **fields) -> dict`` (adds URIs to a registration; fields:
    ``issues_refresh_tokens``, ``access_token_seconds``), ``new_member(*, accounts=(("diamond",
    "default"),), linked=True) -> SandboxMember``, ``lock_member(portal_id)``,
    ``unlock_member(portal_id)``, ``restore_personas()``.

    OAuth, driving the portal's forms with ``requests`` like a browser would:
    ``authorize_url(*, state, redirect_uri=None, scope="account", code_challenge=None,
    code_challenge_method="S256", client_id=None) -> str``,
    ``login_and_consent(url, *, username, password=None, allow=True, http=None) -> str`` (the
    ``Location`` the sandbox redirects to: the callback with ``code``/``state`` or ``error``),
    ``exchange_code(code, *, redirect_uri=None, code_verifier=None) -> Response``,
    ``refresh(refresh_token) -> Response``, ``revoke(token, hint=None) -> Response``,
    ``tokens_for(username, password=None) -> dict`` (the whole code + PKCE flow: the token JSON).

    Platform APIs: ``envelope(service, *, vt_acc_no, ci, **query) -> dict`` (a request body in
    the seeds' shape), ``member_search(api, *, ci, kor_name="홍길동", api_key=None) ->
    Response``, ``account_search(broker, service, body, *, token, headers=None) -> Response``,
    ``transactions(broker, *, token, vt_acc_no, ci, from_date, to_date, **query) -> list``
    (every row of a window, pages followed).

``SandboxMember`` (from ``new_member``): ``portal_id``, ``password``, ``kor_name``,
``birth_date``, ``phone``, ``ci``, ``accounts`` (``[{"broker", "vt_acc_no", "com_id"}]``).

Module helpers: ``pkce_pair() -> (verifier, challenge)``, ``query_of(url) -> dict``,
``sandbox_today() -> date`` (the sandbox's today, in Seoul), ``forms_of(html)``,
``form_with(response, name)`` and ``submit(session, response, form, values)`` (post a portal form
as a browser would), ``postgres_url(database) -> str``.

Faults: 429, 3004, 3005, 3999, 3600, latency, malformed-json, drop-page, repeat-page,
consent-expired (``brokers/sandbox/faults.py``). Virtual brokers: diamond 99001, cyber 99002,
star 99003 (``brokers/sandbox/virtual.py``). Personas: ``brokers/sandbox/personas.py``.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit
from zoneinfo import ZoneInfo

import psycopg
import pytest
import requests
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DATABASE_PREFIX = "jasan_sandbox_test_"
STARTUP_SECONDS = 60


# --- Reading the portal's forms ------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name", "")
        if tag == "form":
            self.forms.append(Form(attributes.get("action", ""), attributes.get("method", "get")))
        elif not self.forms:
            return
        elif tag == "input" and name:
            if attributes.get("type") not in ("checkbox", "radio", "submit"):
                self.forms[-1].fields[name] = attributes.get("value", "")
        elif tag == "button" and name:
            self.forms[-1].buttons.append(name)
        elif tag == "select" and name:
            self._select = name
            self.forms[-1].fields[name] = ""
        elif tag == "option" and self._select:
            # A browser sends the selected option, else the first one.
            fields = self.forms[-1].fields
            if "selected" in attributes or not fields[self._select]:
                fields[self._select] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def submit(
    http: requests.Session, page: requests.Response, form: Form, values: dict[str, Any]
) -> requests.Response:
    """Post a form of ``page`` as a browser would (hidden fields included), without following
    the redirect that answers it."""
    target = urljoin(page.url, form.action) if form.action else page.url
    return http.post(target, data={**form.fields, **values}, allow_redirects=False, timeout=10)


def form_with(page: requests.Response, name: str) -> Form:
    """The form on ``page`` that has a field or button called ``name``."""
    for form in forms_of(page.text):
        if name in form.fields or name in form.buttons:
            return form
    raise AssertionError(f"no form with {name!r} on {page.url} (HTTP {page.status_code})")


def pkce_pair() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


def sandbox_today() -> date:
    """The sandbox's today: the date in Seoul, its time zone."""
    return datetime.now(ZoneInfo("Asia/Seoul")).date()


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


# --- The server ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SandboxMember:
    portal_id: str
    password: str
    kor_name: str
    birth_date: str
    phone: str
    ci: str
    accounts: list[dict[str, str]]  # {"broker", "vt_acc_no", "com_id"}


@dataclass
class LiveSandbox:
    url: str
    database_url: str
    control_token: str
    client_id: str
    client_secret: str
    api_key: str
    com_id: str
    srv_id: str
    redirect_uri: str
    http: requests.Session = field(default_factory=requests.Session)

    # --- Settings and personas ---------------------------------------------------------------

    @property
    def personas(self) -> dict[str, Any]:
        from brokers.sandbox.personas import PERSONAS

        return PERSONAS

    @property
    def persona_password(self) -> str:
        from brokers.sandbox.personas import PERSONA_PASSWORD

        return PERSONA_PASSWORD

    def settings_overrides(self) -> dict[str, str]:
        """The app's OPENPLATFORM_* settings that point it at this server."""
        return {
            "OPENPLATFORM_BASE_URL": self.url,
            "OPENPLATFORM_AUTHORIZE_URL": self.url + "/auth/oauth/v2/authorize",
            "OPENPLATFORM_TOKEN_URL": self.url + "/auth/oauth/v2/token",
            "OPENPLATFORM_REVOKE_URL": self.url + "/auth/oauth/v2/token/revoke",
            "OPENPLATFORM_PORTAL_URL": self.url + "/portal/",
            "OPENPLATFORM_REDIRECT_URI": self.redirect_uri,
            "OPENPLATFORM_CLIENT_ID": self.client_id,
            "OPENPLATFORM_CLIENT_SECRET": self.client_secret,
            "OPENPLATFORM_API_KEY": self.api_key,
            "OPENPLATFORM_COM_ID": self.com_id,
            "OPENPLATFORM_SRV_ID": self.srv_id,
        }

    # --- Switches ------------------------------------------------------------------------

    def control(self, action: str, **fields: Any) -> dict[str, Any]:
        response = self.http.post(
            f"{self.url}/sandbox/control/{action}",
            json=fields,
            headers={"X-Sandbox-Control": self.control_token},
            timeout=30,
        )
        if response.status_code != 200:
            raise AssertionError(
                f"sandbox control {action}: {response.status_code} {response.text}"
            )
        return response.json()

    def reset(self) -> None:
        self.control("reset")

    def set_fault(
        self,
        kind: str,
        *,
        broker: str = "",
        vt_acc_no: str = "",
        api: str = "",
        times: int | None = None,
        delay_ms: int = 0,
    ) -> int:
        return self.control(
            "fault",
            kind=kind,
            broker=broker,
            vt_acc_no=vt_acc_no,
            api=api,
            times=times,
            delay_ms=delay_ms,
        )["id"]

    def faults(self) -> list[dict[str, Any]]:
        return self.control("faults")["faults"]

    def clear_faults(self, *, broker: str | None = None, vt_acc_no: str | None = None) -> int:
        return self.control("faults/clear", broker=broker, vt_acc_no=vt_acc_no)["cleared"]

    def set_budget(
        self,
        *,
        limit: int | None = None,
        remaining: int | None = None,
        client_id: str | None = None,
    ) -> dict[str, int]:
        return self.control("budget", limit=limit, remaining=remaining, client_id=client_id)

    def expire_token(self, token: str) -> bool:
        return self.control("token/expire", token=token)["expired"]

    def expire_code(self, code: str) -> bool:
        return self.control("code/expire", code=code)["expired"]

    def expire_consent(self, vt_acc_no: str, *, client_id: str | None = None) -> int:
        return self.control("consent/expire", vt_acc_no=vt_acc_no, client_id=client_id)["expired"]

    def register(
        self,
        *,
        redirect_uris: Iterable[str] = (),
        return_urls: Iterable[str] = (),
        client_id: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        return self.control(
            "service",
            client_id=client_id,
            redirect_uris=list(redirect_uris),
            return_urls=list(return_urls),
            **fields,
        )

    def new_member(
        self,
        *,
        accounts: Iterable[tuple[str, str]] = (("diamond", "default"),),
        linked: bool = True,
    ) -> SandboxMember:
        """A fresh portal member of their own (unique name and phone), with accounts issued at
        the given (broker, profile) pairs and, when ``linked``, linked to the default service."""
        serial = secrets.randbelow(10**8)
        syllables = "가나다라마바사아자차카타파하"
        name = "테스트" + "".join(syllables[int(d)] for d in f"{serial % 10**4:04d}")
        fields = {
            "kor_name": name,
            "birth_date": "19880808",
            "phone": f"010{serial:08d}",
            "portal_id": f"test{serial:08d}",
            "password": "test-password-1",
        }
        answer = self.control(
            "member",
            **fields,
            accounts=[
                {
                    "broker": broker,
                    "profile": profile,
                    "alias": f"{broker} 테스트",
                    "linked": linked,
                }
                for broker, profile in accounts
            ],
        )
        return SandboxMember(
            portal_id=answer["portal_id"],
            password=fields["password"],
            kor_name=name,
            birth_date=fields["birth_date"],
            phone=fields["phone"],
            ci=answer["ci"],
            accounts=answer["accounts"],
        )

    def lock_member(self, portal_id: str) -> None:
        self.control("member/lock", portal_id=portal_id)

    def unlock_member(self, portal_id: str) -> None:
        self.control("member/unlock", portal_id=portal_id)

    def restore_personas(self) -> None:
        self.control("personas")

    # --- OAuth -------------------------------------------------------------------------------

    def authorize_url(
        self,
        *,
        state: str = "state-1",
        redirect_uri: str | None = None,
        scope: str = "account",
        code_challenge: str | None = None,
        code_challenge_method: str = "S256",
        client_id: str | None = None,
    ) -> str:
        params = {
            "response_type": "code",
            "client_id": client_id or self.client_id,
            "redirect_uri": redirect_uri or self.redirect_uri,
            "scope": scope,
            "state": state,
        }
        if code_challenge is not None:
            params.update(
                code_challenge=code_challenge, code_challenge_method=code_challenge_method
            )
        return f"{self.url}/auth/oauth/v2/authorize?{urlencode(params)}"

    def login_and_consent(
        self,
        url: str,
        *,
        username: str,
        password: str | None = None,
        allow: bool = True,
        http: requests.Session | None = None,
    ) -> str:
        """Walk the authorization pages (login form, consent form) and return where the sandbox
        sends the browser back to."""
        http = http or requests.Session()
        page = http.get(url, timeout=10)
        if any("username" in form.fields for form in forms_of(page.text)):
            answer = submit(
                http,
                page,
                form_with(page, "username"),
                {"username": username, "password": password or self.persona_password},
            )
            if answer.status_code != 302:
                raise AssertionError(f"portal login refused: {answer.status_code}")
            page = http.get(urljoin(page.url, answer.headers["Location"]), timeout=10)
        button = "allow" if allow else "deny"
        answer = submit(http, page, form_with(page, button), {button: "1"})
        if answer.status_code != 302:
            raise AssertionError(f"consent page answered {answer.status_code}: {answer.text[:300]}")
        return answer.headers["Location"]

    def exchange_code(
        self, code: str, *, redirect_uri: str | None = None, code_verifier: str | None = None
    ) -> requests.Response:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri or self.redirect_uri,
        }
        if code_verifier is not None:
            data["code_verifier"] = code_verifier
        return self._token_call("/auth/oauth/v2/token", data)

    def refresh(self, refresh_token: str) -> requests.Response:
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self._token_call("/auth/oauth/v2/token", data)

    def revoke(self, token: str, hint: str | None = None) -> requests.Response:
        data = {"token": token, **({"token_type_hint": hint} if hint else {})}
        return self._token_call("/auth/oauth/v2/token/revoke", data)

    def _token_call(self, path: str, data: dict[str, str]) -> requests.Response:
        return self.http.post(
            self.url + path, data=data, auth=(self.client_id, self.client_secret), timeout=10
        )

    def tokens_for(self, username: str, password: str | None = None) -> dict[str, Any]:
        """Authorize as a portal member (code + PKCE) and return the token answer."""
        verifier, challenge = pkce_pair()
        state = secrets.token_urlsafe(8)
        url = self.authorize_url(state=state, code_challenge=challenge)
        callback = query_of(self.login_and_consent(url, username=username, password=password))
        if callback.get("state") != state or "code" not in callback:
            raise AssertionError(f"authorization did not return a code: {callback}")
        answer = self.exchange_code(callback["code"], code_verifier=verifier)
        if answer.status_code != 200:
            raise AssertionError(f"token request failed: {answer.status_code} {answer.text}")
        return answer.json()

    # --- Platform APIs -----------------------------------------------------------------------

    def envelope(self, service: str, *, vt_acc_no: str, ci: str, **query: Any) -> dict[str, Any]:
        """A request body in the seeds' shape; ``query`` fills the service's query section."""
        body: dict[str, Any] = {
            "partner": {"comId": self.com_id, "srvId": self.srv_id},
            "commonHeader": {"reqIdPlatform": "", "reqIdConsumer": "TEST0001", "ci": ci},
            "devInfo": {"ipAddr": "127000000001", "macAddr": "7054D27EE247"},
            "accInfo": {"vtAccNo": vt_acc_no},
        }
        if service == "balance":
            defaults = {"assetType": "ALL", "count": 0, "page": "null"}
            body["balanceRequestBody"] = {"queryType": {**defaults, **query}}
        elif service == "portfolio":
            defaults = {"assetType": "ALL", "rspType": "RAT", "count": 0, "page": "null"}
            body["portfolioRequestBody"] = {"queryType": {**defaults, **query}}
        elif service == "transaction":
            defaults = {"isinCode": "", "side": "", "count": 0, "page": ""}
            body["transactionHistoryRequestBody"] = {"queryParams": {**defaults, **query}}
        elif service == "interest":
            defaults = {"assetType": "", "rspType": "", "count": 0, "page": ""}
            body["interestSymbolListRequestBody"] = {"queryType": {**defaults, **query}}
        else:
            raise ValueError(service)
        return body

    def transactions(
        self,
        broker: str,
        *,
        token: str,
        vt_acc_no: str,
        ci: str,
        from_date: date,
        to_date: date,
        **query: Any,
    ) -> list[dict[str, Any]]:
        """Every transaction row of a window, following the page keys to the end."""
        body = self.envelope(
            "transaction",
            vt_acc_no=vt_acc_no,
            ci=ci,
            fromDate=from_date.strftime("%Y%m%d"),
            toDate=to_date.strftime("%Y%m%d"),
            **query,
        )
        rows: list[dict[str, Any]] = []
        for _page in range(1000):
            answer = self.account_search(broker, "transaction", body, token=token)
            if answer.status_code != 200:
                raise AssertionError(f"transactions: {answer.status_code} {answer.text}")
            payload = answer.json()
            rows += payload.get("transList", {}).get("transaction", [])
            key = payload["transactionHistoryResponseBody"]["queryResult"]["page"]
            if key == "null":
                return rows
            body["transactionHistoryRequestBody"]["queryParams"]["page"] = key
        raise AssertionError("the page keys never ended")

    def member_search(
        self, api: str, *, ci: str, kor_name: str = "홍길동", api_key: str | None = None
    ) -> requests.Response:
        body = {
            "partner": {"comId": self.com_id, "srvId": self.srv_id},
            "commonHeader": {"reqIdPlatform": "", "reqIdConsumer": "TEST0001", "ci": ci},
            "body": {"korName": kor_name},
        }
        return self.http.post(
            f"{self.url}/v1/common/member/{api}/search",
            json=body,
            headers={"apikey": self.api_key if api_key is None else api_key},
            timeout=30,
        )

    def account_search(
        self,
        broker: str,
        service: str,
        body: dict[str, Any] | str | bytes,
        *,
        token: str,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """POST an account API; a str/bytes body is sent verbatim as JSON text."""
        all_headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        url = f"{self.url}/v1/{broker}/account/{service}/search"
        if isinstance(body, str | bytes):
            all_headers.setdefault("Content-Type", "application/json")
            payload = body.encode() if isinstance(body, str) else body
            return self.http.post(url, data=payload, headers=all_headers, timeout=60)
        return self.http.post(url, json=body, headers=all_headers, timeout=60)


# --- Process and database ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_url(database: str) -> str:
    """A PostgreSQL URL on the same server, user and socket as the app's test database."""
    from django.conf import settings

    default = settings.DATABASES["default"]
    host = default.get("HOST") or ""
    port = f":{default['PORT']}" if default.get("PORT") else ""
    auth = default.get("USER") or ""
    if auth and default.get("PASSWORD"):
        auth += f":{default['PASSWORD']}"
    return f"postgres://{auth + '@' if auth else ''}{host}{port}/{database}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _recreate_database(name: str) -> None:
    """Drop databases of dead runs and ``name`` itself, then create ``name`` empty."""
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [DATABASE_PREFIX + "%"]
        ).fetchall()
        for (existing,) in rows:
            suffix = existing.removeprefix(DATABASE_PREFIX)
            if existing == name or (suffix.isdigit() and not _pid_alive(int(suffix))):
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(existing)
                    )
                )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _drop_database(name: str) -> None:
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"the sandbox exited early (code {process.returncode}); see {log}")
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the sandbox did not answer within {STARTUP_SECONDS} s; see {log}")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def live_sandbox(output_dir: Path) -> Iterator[LiveSandbox]:
    from django.conf import settings

    from brokers.sandbox.personas import default_registration

    database = f"{DATABASE_PREFIX}{os.getpid()}"
    _recreate_database(database)
    port = _free_port()
    sandbox = LiveSandbox(
        url=f"http://127.0.0.1:{port}",
        database_url=postgres_url(database),
        control_token=secrets.token_urlsafe(24),
        **dataclasses.asdict(default_registration(settings)),
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.sandbox",
        "SANDBOX_ENABLED": "true",
        "SANDBOX_DATABASE_URL": sandbox.database_url,
        "SANDBOX_CONTROL_TOKEN": sandbox.control_token,
        "OPENPLATFORM_CLIENT_ID": sandbox.client_id,
        "OPENPLATFORM_CLIENT_SECRET": sandbox.client_secret,
        "OPENPLATFORM_API_KEY": sandbox.api_key,
        "OPENPLATFORM_COM_ID": sandbox.com_id,
        "OPENPLATFORM_SRV_ID": sandbox.srv_id,
        "OPENPLATFORM_REDIRECT_URI": sandbox.redirect_uri,
    }
    log_path = output_dir / f"sandbox-{os.getpid()}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runsandbox", f"127.0.0.1:{port}", "--prepare"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(sandbox.url, process, log_path)
            yield sandbox
        finally:
            sandbox.http.close()
            _stop(process)
            _drop_database(database)


@pytest.fixture
def sandbox(live_sandbox: LiveSandbox) -> LiveSandbox:
    """The live sandbox with no faults and fresh daily budgets."""
    live_sandbox.reset()
    return live_sandbox
