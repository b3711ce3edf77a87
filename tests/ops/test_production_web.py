"""The web as the image runs it: production settings, static files collected beforehand, gunicorn
with docker/gunicorn.conf.py, behind a proxy that terminates TLS."""

import os
import secrets
import subprocess
import sys

import pytest

from tests.ops.conftest import PROBE_REDIS_DB, ROOT, gunicorn, http_get, redis_url

HOST = "timetable.example.edu"
BEHIND_TLS_PROXY = {"Host": HOST, "X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def production_web(test_database_url, tmp_path_factory):
    directory = tmp_path_factory.mktemp("production-web")
    environment = dict(DJANGO_SETTINGS_MODULE="config.production_settings", DEBUG="0",
                       SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS=HOST, STATIC_ROOT=str(directory / "static"),
                       SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT,
                   env=dict(os.environ, **environment), check=True, capture_output=True)
    with gunicorn(test_database_url, redis_url(PROBE_REDIS_DB), directory / "gunicorn.log", workers=1,
                  **environment) as base:
        yield base


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(production_web):
    status, headers, _ = http_get(f"{production_web}/admin/login/", {"Host": HOST})
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/admin/login/"


@pytest.mark.django_db
def test_https_through_the_proxy_gets_hsts_and_secure_cookies(production_web):
    status, headers, _ = http_get(f"{production_web}/admin/login/", BEHIND_TLS_PROXY)
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "; Secure" in headers["Set-Cookie"]


@pytest.mark.django_db
def test_static_files_are_served_with_hashed_names_cached_for_good(production_web):
    _, _, page = http_get(f"{production_web}/admin/login/", BEHIND_TLS_PROXY)
    stylesheet = next(part.split('"')[0] for part in page.decode().split('href="') if part.startswith("/static/admin/css/base."))
    status, headers, _ = http_get(f"{production_web}{stylesheet}", {**BEHIND_TLS_PROXY, "Accept-Encoding": "gzip"})
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    assert headers["Content-Encoding"] == "gzip"


@pytest.mark.django_db
def test_probes_answer_plain_http_at_the_containers_own_address(production_web):
    assert http_get(f"{production_web}/healthz", {"Host": "172.18.0.5:8000"})[0] == 200
    assert http_get(f"{production_web}/metrics", {"Host": "172.18.0.5:8000"})[0] == 200
