"""Shared fixtures: the benchmark data, and a real Celery worker (on real Redis and the test
database) running the real engine."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]

# CI clones the repository next to a copy of shared/, as on the developers' machines.
BENCH = ROOT.parent / "shared" / "bench"


@pytest.fixture
def bench():
    if not BENCH.is_dir():
        pytest.fail(f"The benchmark data is missing: expected it at {BENCH}")
    return BENCH


@pytest.fixture(scope="session")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def shared_media(settings, media_root):
    settings.MEDIA_ROOT = media_root
    return media_root


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, media_root, tmp_path_factory):
    """One worker process for the session, consuming the engine queue like production."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("The pipeline tests need PostgreSQL: set DATABASE_URL (make test does).")
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = dict(os.environ, DATABASE_URL=url, MEDIA_ROOT=str(media_root), DJANGO_SETTINGS_MODULE="config.test_settings",
               WEBHOOK_ALLOW_PRIVATE="1",
               PYTHONUNBUFFERED="1")
    subprocess.run([sys.executable, "-m", "celery", "-A", "config", "purge", "-f", "-Q", f"{settings.ENGINE_PRIORITY_QUEUE},{settings.ENGINE_QUEUE}"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", f"{settings.ENGINE_PRIORITY_QUEUE},{settings.ENGINE_QUEUE},celery",
             "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while b"ready." not in log.read_bytes():
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"The Celery worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    yield worker
    os.killpg(worker.pid, 15)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, 9)
