"""/healthz and /readyz against real PostgreSQL, Redis, gunicorn and Celery worker processes."""

import pytest

from tests.ops.conftest import http_json

# The servers use the test database, which pytest-django creates only for tests marked django_db.
servers = pytest.mark.django_db


def test_healthz_answers_any_host_over_http_without_touching_the_database(client):
    # No django_db mark: a query would raise. The Host is no name of the site, as a container's
    # own address is not, and the request is plain HTTP.
    response = client.get("/healthz", HTTP_HOST="172.18.0.5:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@servers
def test_readyz_names_the_workers_when_none_answers(web_server):
    status, body = http_json(f"{web_server}/readyz")
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["failed"] == ["workers"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] == "ok"
    assert "no worker answered" in body["checks"]["workers"]


@servers
def test_readyz_is_ready_when_database_broker_and_a_worker_answer(web_server, probe_worker):
    status, body = http_json(f"{web_server}/readyz")
    assert status == 200, body
    assert body == {"status": "ready", "failed": [],
                    "checks": {"database": "ok", "broker": "ok", "workers": "ok: 1 answered"}}


@servers
def test_readyz_names_the_broker_when_it_is_unreachable(web_server_without_broker):
    status, body = http_json(f"{web_server_without_broker}/readyz")
    assert status == 503
    assert body["failed"] == ["broker", "workers"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("failed")
    assert body["checks"]["workers"] == "failed: not asked, the broker is unreachable"

