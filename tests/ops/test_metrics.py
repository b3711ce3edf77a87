"""/metrics: run states and durations from the database, engine queue lengths from a real Redis,
request latency in-process and shared by gunicorn's workers, and the optional bearer token."""

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu import Connection
from prometheus_client.parser import text_string_to_metric_families

from accounts.models import Organization
from scheduling.models import ScheduleRun
from tests.accounts.factories import OrganizationFactory
from tests.ops.conftest import PROBE_REDIS_DB, http_get, redis_url
from tests.timetabling.factories import TermFactory

Status = ScheduleRun.Status


def samples(text):
    """{(sample name, frozenset of labels): value} of an exposition."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client, **headers):
    response = client.get("/metrics", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


def run(organization, status, seconds=None):
    started = timezone.now() - timedelta(hours=1)
    return ScheduleRun.objects.create(
        organization=organization, term=TermFactory(organization=organization), status=status, max_seconds=3600,
        problem={}, problem_sha256="0" * 64, queue="engine",
        started_at=started if seconds is not None else None,
        finished_at=started + timedelta(seconds=seconds) if seconds is not None and status not in ("queued", "running")
        else None,
    )


@pytest.mark.django_db
def test_runs_by_status_engine_failures_and_run_durations(client):
    organization = OrganizationFactory()
    run(organization, Status.QUEUED)
    run(organization, Status.RUNNING, seconds=0)
    run(organization, Status.SUCCEEDED, seconds=10)
    run(organization, Status.SUCCEEDED, seconds=100)
    run(organization, Status.FAILED, seconds=4000)
    run(organization, Status.FAILED, seconds=3)
    run(organization, Status.CANCELLED)

    metrics = scrape(client)

    def value(name, **labels):
        return metrics[(name, frozenset(labels.items()))]

    assert {status: value("timetabling_runs", status=status) for status in Status.values} == {
        **{status: 0 for status in Status.values},
        "queued": 1, "running": 1, "succeeded": 2, "failed": 2, "cancelled": 1,
    }
    assert value("timetabling_engine_failures") == 2
    # Only runs with a start and an end have a duration.
    histogram = "timetabling_run_duration_seconds"
    assert value(f"{histogram}_count", status="succeeded") == 2
    assert value(f"{histogram}_sum", status="succeeded") == 110
    assert value(f"{histogram}_bucket", status="succeeded", le="5.0") == 0
    assert value(f"{histogram}_bucket", status="succeeded", le="15.0") == 1
    assert value(f"{histogram}_bucket", status="succeeded", le="120.0") == 2
    assert value(f"{histogram}_bucket", status="failed", le="5.0") == 1
    assert value(f"{histogram}_bucket", status="failed", le="3600.0") == 1
    assert value(f"{histogram}_bucket", status="failed", le="+Inf") == 2
    assert (histogram + "_count", frozenset({("status", "cancelled")})) not in metrics


@pytest.mark.django_db
def test_request_latency_is_recorded_by_method_route_and_status(client):
    key = ("http_request_duration_seconds_count",
           frozenset({("method", "GET"), ("route", "admin/login/"), ("status", "200")}))
    before = scrape(client).get(key, 0)
    client.get("/admin/login/")
    client.get("/admin/login/")
    client.get("/no/such/page/")
    after = scrape(client)
    assert after[key] == before + 2
    assert ("http_request_duration_seconds_count",
            frozenset({("method", "GET"), ("route", "unmatched"), ("status", "404")})) in after


@pytest.mark.django_db
def test_metrics_token_when_set_is_required_as_a_bearer_token(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    refused = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrapé")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Bearer"
    scrape(client, HTTP_AUTHORIZATION="Bearer scrape-secret")


@pytest.fixture
def probe_queues():
    """Messages put into queues of the probe broker; the queues are emptied afterwards."""
    with Connection(redis_url(PROBE_REDIS_DB)) as connection:
        used = []

        def put(name, count):
            queue = connection.SimpleQueue(name)
            used.append(queue)
            for number in range(count):
                queue.put({"n": number})

        yield put
        for queue in used:
            queue.clear()
            queue.close()


@pytest.mark.django_db(transaction=True)
def test_engine_queue_lengths_come_from_the_broker_through_gunicorn(web_server, probe_queues):
    OrganizationFactory(plan=Organization.Plan.ENTERPRISE, dedicated_queue="engine.university-7")
    probe_queues("engine.priority", 3)
    probe_queues("engine.university-7", 2)

    status, _, body = http_get(f"{web_server}/metrics")

    assert status == 200
    lengths = {dict(labels)["queue"]: value for (name, labels), value in samples(body.decode()).items()
               if name == "timetabling_engine_queue_length"}
    assert lengths == {"engine": 0, "engine.priority": 3, "engine.university-7": 2}


@pytest.mark.django_db
def test_request_latency_is_counted_across_gunicorns_worker_processes(web_server):
    key = ("http_request_duration_seconds_count",
           frozenset({("method", "GET"), ("route", "admin/login/"), ("status", "200")}))
    before = samples(http_get(f"{web_server}/metrics")[2].decode()).get(key, 0)
    for _ in range(6):
        assert http_get(f"{web_server}/admin/login/")[0] == 200
    after = samples(http_get(f"{web_server}/metrics")[2].decode())
    assert after[key] == before + 6
