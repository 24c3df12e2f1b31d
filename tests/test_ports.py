"""Other ports: with `WEB_PORT` and `SANDBOX_PORT` changed, every address of the stack follows
(OAuth redirect URI, the sandbox's return URLs, site and identity URLs), and a person sent to
the portal finds the way back to Jasan on its port."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests
from django.db import connection
from psycopg import sql

from tests.factories import PASSWORD, UserFactory
from tests.sandbox_server import _free_port, _stop, form_with, postgres_url, query_of, submit
from tests.test_settings import ROOT

STRIPPED = ("DJANGO", "JASAN", "OPENPLATFORM", "IDENTITY", "SANDBOX", "WEB_PORT", "DEBUG")


def stack_env(web_port: int, sandbox_port: int, **extra: str) -> dict[str, str]:
    """What `WEB_PORT=… SANDBOX_PORT=… make run` gives its processes, and nothing else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(STRIPPED)}
    env.pop("ALLOWED_HOSTS", None)
    return {
        **env,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "JASAN_EMBEDDED": "false",
        "WEB_PORT": str(web_port),
        "SANDBOX_PORT": str(sandbox_port),
        **extra,
    }


def test_every_local_address_follows_the_two_ports():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from brokers.sandbox.personas import default_return_urls; "
        "print(s.OPENPLATFORM_REDIRECT_URI, s.JASAN_SITE_URL, s.IDENTITY_SANDBOX_URL, "
        "s.OPENPLATFORM_PORTAL_URL, s.OPENPLATFORM_TOKEN_URL, *default_return_urls(s))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=stack_env(18000, 18001),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "http://127.0.0.1:18000/link/callback/",
        "http://127.0.0.1:18000",
        "http://127.0.0.1:18001/sandbox/identity/verify",
        "http://127.0.0.1:18001/portal/",
        "http://127.0.0.1:18001/auth/oauth/v2/token",
        "http://127.0.0.1:18000/",
        "http://localhost:18000/",
    ]


@pytest.fixture
def scratch_sandbox_database() -> Iterator[str]:
    name = f"jasan_sandbox_ports_{os.getpid()}"
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        conn.execute(statement)
    yield postgres_url(name)
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        conn.execute(statement)


def _serve(argv: list[str], env: dict[str, str], url: str, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    for _ in range(600):
        if process.poll() is not None:
            pytest.fail(f"{argv[2]} exited early; see {log}")
        try:
            requests.get(url, timeout=1)
            return process
        except requests.RequestException:
            time.sleep(0.1)
    _stop(process)
    pytest.fail(f"{argv[2]} did not answer; see {log}")


@pytest.mark.django_db(transaction=True)
def test_on_other_ports_the_portal_sends_a_signed_in_person_back_to_jasan_on_its_port(
    settings, scratch_sandbox_database, output_dir
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = UserFactory(email="ports@example.com")
    web_port = _free_port()
    sandbox_port = next(port for port in iter(_free_port, None) if port != web_port)
    web, portal = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{sandbox_port}"
    env = stack_env(
        web_port,
        sandbox_port,
        DATABASE_URL=postgres_url(connection.settings_dict["NAME"]),
        DATABASE_CONN_MAX_AGE="0",
        SANDBOX_DATABASE_URL=scratch_sandbox_database,
    )
    # The launcher's own commands: the sandbox prepared and served, the Procfile's web line.
    sandbox = _serve(
        [sys.executable, "manage.py", "runsandbox", "--prepare"],
        env,
        portal + "/healthz",
        output_dir / f"ports-sandbox-{os.getpid()}.log",
    )
    try:
        gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1"]
        app = _serve(
            [*gunicorn, "--bind", f"127.0.0.1:{web_port}"],
            env,
            web + "/accounts/login/",
            output_dir / f"ports-web-{os.getpid()}.log",
        )
        try:
            browser = requests.Session()
            login = browser.get(web + "/accounts/login/", timeout=10)
            signed_in = submit(
                browser,
                login,
                form_with(login, "password"),
                {"login": user.email, "password": PASSWORD},
            )
            assert signed_in.status_code == 302, signed_in.text[:500]

            link_page = browser.get(web + "/link/", timeout=30)
            assert link_page.status_code == 200
            to_portal = re.search(r'href="([^"]*/portal/\?[^"]*)"', link_page.text)
            assert to_portal, link_page.text[:2000]
            portal_url = to_portal.group(1).replace("&amp;", "&")
            assert portal_url.startswith(portal + "/portal/")
            assert query_of(portal_url)["return_url"] == web + "/link/?returned=portal"

            portal_page = browser.get(portal_url, timeout=30)
            back = re.search(r'href="([^"]+)" data-testid="return-link"', portal_page.text)
            assert back, portal_page.text[:2000]
            assert back.group(1) == web + "/link/?returned=portal"

            home_again = browser.get(back.group(1), timeout=30)
            assert home_again.status_code == 200
            assert home_again.url == web + "/link/"
        finally:
            _stop(app)
    finally:
        _stop(sandbox)
