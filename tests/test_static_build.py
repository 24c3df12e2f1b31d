"""A production build serves pages: `collectstatic` succeeds under production settings (every
file the assets reference is vendored), and pages render with the manifest storage it writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.portfolio.dashboard_data import seed
from tests.test_settings import PRODUCTION_ENV, ROOT, _run

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
# What `DEBUG=false python manage.py collectstatic --noinput` runs, into a scratch folder.
COLLECT = (
    "import sys, django; django.setup(); from django.conf import settings; "
    "settings.STATIC_ROOT = sys.argv[1]; "
    "from django.core.management import execute_from_command_line; "
    "execute_from_command_line(['manage.py', 'collectstatic', '--noinput'])"
)


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("staticfiles")
    result = _run(PRODUCTION_ENV, "-c", COLLECT, str(root))

    assert result.returncode == 0, result.stderr[-2000:]
    return root


def test_collectstatic_succeeds_under_production_settings_and_writes_a_manifest(collected):
    manifest = (collected / "staticfiles.json").read_text()

    assert '"css/app.css"' in manifest
    assert '"vendor/chartjs-4.6.1/chart.umd.min.js"' in manifest
    assert list(collected.glob("css/app.*.css.gz"))  # compressed too


def test_vendored_scripts_name_no_file_that_is_not_vendored():
    for script in (ROOT / "static" / "vendor").rglob("*.js"):
        for name in re.findall(r"sourceMappingURL=(\S+)", script.read_text(encoding="utf-8")):
            assert (script.parent / name).exists(), f"{script.name} names {name}"


@pytest.fixture
def manifest_storage(settings, collected):
    settings.STATIC_ROOT = collected
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    return collected


@pytest.mark.django_db
def test_the_dashboard_renders_with_the_manifest_storage_and_its_assets_are_served(
    client, alice, manifest_storage
):
    seed(alice, days=30, holdings=3, accounts=1)
    client.force_login(alice)

    response = client.get("/home/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
    assert any(re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", asset) for asset in assets), assets
    assert any(asset.startswith("vendor/chartjs-4.6.1/chart.umd.min.") for asset in assets)
    for asset in assets:
        assert (manifest_storage / asset).is_file(), asset
        assert client.get("/static/" + asset).status_code == 200, asset


@pytest.mark.django_db
def test_signed_out_pages_render_with_the_manifest_storage(client, manifest_storage):
    for path in ("/", "/accounts/login/", "/accounts/signup/"):
        response = client.get(path)

        assert response.status_code == 200, path
        assert re.search(r'href="/static/css/app\.[0-9a-f]{12}\.css"', response.content.decode())
