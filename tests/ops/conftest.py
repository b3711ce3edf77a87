"""Real servers for the probe and metrics tests: gunicorn with the production config file and a
Celery worker, both on a Redis database of their own. The session worker of tests/conftest.py
shares its broker database with every other test session on the machine, whose workers would
answer "is any worker there?"; and the messages these tests queue must reach no real worker.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
# The Redis database the probe tests' servers use as broker; nothing else on this machine does.
PROBE_REDIS_DB = 15


def redis_url(db):
    return urlunsplit(urlsplit(settings.REDIS_URL)._replace(path=f"/{db}"))


def http_get(url, headers=None):
    """(status, headers, body) of a GET, whatever the status; redirects are not followed."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        connection.request("GET", parts.path or "/", headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def http_json(url):
    status, _, body = http_get(url)
    return status, json.loads(body)


def wait_for_log(process, log, text, what, timeout=60):
    deadline = time.monotonic() + timeout
    while text not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{what} did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def test_database_url(django_db_setup):
    """The test database, for processes outside this one."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("The ops tests need PostgreSQL: set DATABASE_URL (make test does).")
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    return f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@contextmanager
def gunicorn(database_url, broker_url, log, workers, **environment):
    """gunicorn as the web image runs it (docker/gunicorn.conf.py), on a free local port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    multiproc_dir = log.parent / "prometheus"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.test_settings", DATABASE_URL=database_url,
               REDIS_URL=broker_url, LOG_FORMAT="json", WEB_CONCURRENCY=str(workers),
               PROMETHEUS_MULTIPROC_DIR=str(multiproc_dir))
    env.update(environment)
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "docker/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "config.wsgi"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if http_get(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            stop(server)
            pytest.fail(f"gunicorn did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)
    try:
        yield base
    finally:
        stop(server)


@pytest.fixture(scope="session")
def web_server_log(tmp_path_factory):
    return tmp_path_factory.mktemp("web") / "gunicorn.log"


@pytest.fixture(scope="session")
def web_server(test_database_url, web_server_log):
    """Base URL of a gunicorn with two workers, JSON logs and the probe broker."""
    with gunicorn(test_database_url, redis_url(PROBE_REDIS_DB), web_server_log, workers=2) as base:
        yield base


@pytest.fixture(scope="session")
def web_server_without_broker(test_database_url, tmp_path_factory):
    """Base URL of a gunicorn whose broker address has no server behind it."""
    log = tmp_path_factory.mktemp("web-no-broker") / "gunicorn.log"
    with gunicorn(test_database_url, "redis://127.0.0.1:1/0", log, workers=1) as base:
        yield base


@pytest.fixture
def probe_worker(test_database_url, tmp_path):
    """A Celery worker on the probe broker, stopped when the test ends."""
    log = tmp_path / "worker.log"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.test_settings", DATABASE_URL=test_database_url,
               REDIS_URL=redis_url(PROBE_REDIS_DB), PYTHONUNBUFFERED="1")
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--queues", "ops-probe",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    wait_for_log(worker, log, "ready.", "The Celery worker")
    yield worker
    stop(worker)
