"""Probes: /healthz (the process answers), /readyz (database, broker and a worker answer), and
/metrics (config/metrics.py)."""

import logging

from django.db import connection
from django.http import JsonResponse

from config.celery import app as celery_app
from config.metrics import broker_connection, metrics_view

logger = logging.getLogger(__name__)

# Seconds the workers have to answer a ping: short, since a load balancer waits on /readyz.
PING_TIMEOUT = 1.0


def healthz(request):
    """The process is up; touches nothing else, so a database outage does not restart it."""
    return JsonResponse({"status": "ok"})


def database_check():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def readyz(request):
    """200 when the database, the broker and at least one worker answer; 503 naming what did not."""
    checks = {}
    try:
        database_check()
        checks["database"] = "ok"
    except Exception as error:
        logger.warning("Readiness: the database did not answer", exc_info=True)
        checks["database"] = f"failed: {type(error).__name__}"
    try:
        with broker_connection() as broker:
            checks["broker"] = "ok"
            replies = celery_app.control.ping(timeout=PING_TIMEOUT, connection=broker)
    except Exception as error:
        logger.warning("Readiness: the broker failed", exc_info=True)
        if "broker" in checks:
            checks["workers"] = f"failed: {type(error).__name__} while pinging them"
        else:
            checks["broker"] = f"failed: {type(error).__name__}"
            checks["workers"] = "failed: not asked, the broker is unreachable"
    else:
        checks["workers"] = (f"ok: {len(replies)} answered" if replies
                             else f"failed: no worker answered a ping within {PING_TIMEOUT:g} s")
    failed = [name for name, result in checks.items() if not result.startswith("ok")]
    return JsonResponse({"status": "unavailable" if failed else "ready", "failed": failed, "checks": checks},
                        status=503 if failed else 200)


PROBES = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}


class ProbeMiddleware:
    """Answers the probes before host validation and the HTTPS redirect: orchestrators and
    Prometheus call the container's own address over plain HTTP, with a Host header that is not
    one of the site's public names. First in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        return probe(request) if probe else self.get_response(request)
