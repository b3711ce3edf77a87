"""Prometheus metrics: run states and engine queues read at scrape time, HTTP request latency.

Run counts and durations come from the database and queue lengths from the broker when
Prometheus scrapes, so every web process reports the same figures and nothing is lost when a
process restarts. Request latency is recorded per process; under gunicorn
PROMETHEUS_MULTIPROC_DIR makes the processes share it (docker/gunicorn.conf.py).
"""

import hmac
import logging
import os
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, DurationField, F, Q, Sum
from django.http import HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.utils import floatToGoString

from accounts.models import Organization
from config.celery import app as celery_app
from scheduling.models import ScheduleRun

logger = logging.getLogger(__name__)

# Seconds to reach the broker before a probe or a scrape reports it down.
BROKER_TIMEOUT = 2.0
# Runs last from seconds (small terms) to an hour (the enterprise plan's limit).
RUN_DURATION_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

HTTP_REQUEST_DURATION = Histogram(
    "http_request_duration_seconds", "Time to answer an HTTP request, by method, URL route and status.",
    ["method", "route", "status"],
)


def engine_queue_names():
    """The queues the settings send engine work to: each plan's, and the engine task's route."""
    queues = {limits["queue"] for limits in settings.PLAN_LIMITS.values()}
    queues.add(settings.CELERY_TASK_ROUTES["scheduling.tasks.run_schedule"]["queue"])
    return queues


@contextmanager
def broker_connection():
    """A broker connection that fails within seconds instead of retrying."""
    with celery_app.connection_for_write(connect_timeout=BROKER_TIMEOUT) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT)
        yield connection


class RunCollector:
    """Runs by status, failed runs and finished runs' durations, counted in the database."""

    def collect(self):
        by_status = dict(ScheduleRun.objects.order_by().values_list("status").annotate(Count("pk")))
        runs = GaugeMetricFamily("timetabling_runs", "Runs in the database by status.", labels=["status"])
        for status in ScheduleRun.Status.values:
            runs.add_metric([status], by_status.get(status, 0))
        yield runs
        yield GaugeMetricFamily(
            "timetabling_engine_failures",
            "Runs that ended failed: the engine crashed or reported an error, or its worker died.",
            value=by_status.get(ScheduleRun.Status.FAILED, 0),
        )
        yield self.durations()

    def durations(self):
        histogram = HistogramMetricFamily(
            "timetabling_run_duration_seconds", "Wall-clock time of finished runs, from start to end.", labels=["status"])
        within = {
            bound: Count("pk", filter=Q(finished_at__lte=F("started_at") + timedelta(seconds=bound)))
            for bound in RUN_DURATION_BUCKETS
        }
        rows = (
            ScheduleRun.objects.filter(started_at__isnull=False, finished_at__isnull=False).order_by().values("status")
            .annotate(total=Count("pk"), seconds=Sum(F("finished_at") - F("started_at"), output_field=DurationField()),
                      **{f"within_{bound}": count for bound, count in within.items()})
        )
        for row in rows:
            buckets = [(floatToGoString(bound), row[f"within_{bound}"]) for bound in RUN_DURATION_BUCKETS]
            buckets.append(("+Inf", row["total"]))
            histogram.add_metric([row["status"]], buckets, row["seconds"].total_seconds())
        return histogram


class EngineQueueCollector:
    """Messages waiting in each engine queue (the plans' and the organizations' dedicated ones)."""

    def collect(self):
        waiting = GaugeMetricFamily(
            "timetabling_engine_queue_length", "Run messages waiting in the broker for a worker.", labels=["queue"])
        dedicated_queues = set(Organization.objects.exclude(dedicated_queue="").values_list("dedicated_queue", flat=True))
        try:
            with broker_connection() as connection:
                for queue in sorted(engine_queue_names() | dedicated_queues):
                    # A declare creates nothing on Redis; it answers the length summed over the
                    # queue's priority lists.
                    waiting.add_metric([queue], connection.default_channel.queue_declare(queue=queue).message_count)
        except Exception:
            logger.warning("Metrics: the broker did not answer, engine queue lengths left out", exc_info=True)
            return
        yield waiting


STATE_REGISTRY = CollectorRegistry()
STATE_REGISTRY.register(RunCollector())
STATE_REGISTRY.register(EngineQueueCollector())


def request_registry():
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def metrics_view(request):
    token = settings.METRICS_TOKEN
    if token and not hmac.compare_digest(request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()):
        return HttpResponse("A bearer token is required (METRICS_TOKEN).\n", status=401, content_type="text/plain",
                            headers={"WWW-Authenticate": "Bearer"})
    return HttpResponse(generate_latest(request_registry()) + generate_latest(STATE_REGISTRY),
                        content_type=CONTENT_TYPE_LATEST)


class RequestLatencyMiddleware:
    """Times each request; the label is the URL pattern, never the raw path, to bound the series."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        HTTP_REQUEST_DURATION.labels(
            method=request.method if request.method in HTTP_METHODS else "other",
            route=match.route if match else "unmatched",
            status=str(response.status_code),
        ).observe(time.perf_counter() - started)
        return response
