"""Runs through the API with a real worker: token → submit → follow → download; webhooks;
reuse of identical runs; plan quotas and the rate limit."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import BytesIO

import pytest
from openpyxl import load_workbook

from accounts.models import Organization
from scheduling.models import ScheduleRun
from scheduling.webhooks import SIGNATURE_HEADER
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def inline_problem(name="Inline"):
    """A small faculty week, course-centric as API clients send it."""
    return {
        "name": name, "day_names": ["Mon", "Tue", "Wed"], "periods": [{"name": str(i)} for i in range(1, 5)],
        "rooms": [{"code": "A", "capacity": 60, "room_type": "Lecture"}, {"code": "LAB", "capacity": 30, "room_type": "Lab",
                                                                          "features": ["Computers"]}],
        "instructors": [{"code": "T1", "name": "Ada"}, {"code": "T2", "name": "Alan", "unavailable": [[0, 0]]}],
        "courses": [
            {"code": "MATH", "components": [{"kind": "lecture", "periods_per_week": 3, "fixed_instructor": "T1",
                                             "min_working_days": 3}]},
            {"code": "PROG", "components": [
                {"kind": "lecture", "periods_per_week": 2, "qualified_instructors": ["T1", "T2"]},
                {"kind": "practical", "periods_per_week": 2, "block_length": 2, "grouping": "per_subgroup",
                 "room_type": "Lab", "room_features": ["Computers"], "fixed_instructor": "T2"}]},
        ],
        "groups": [{"code": "Y1", "size": 50, "courses": ["MATH", "PROG"]},
                   {"code": "Y1A", "size": 25, "parent": "Y1"}, {"code": "Y1B", "size": 25, "parent": "Y1"}],
    }


def token(client, user):
    response = client.post("/api/v1/auth/token", {"username": user.username, "password": "correct-horse"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['access']}"}


def wait_final(client, headers, job_id, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/api/v1/schedules/{job_id}/status", **headers).json()
        if status["status"] not in ("queued", "running"):
            return status
        time.sleep(0.3)
    pytest.fail(f"run {job_id} did not end in {timeout} s: {status}")


@pytest.fixture
def planner():
    user = UserFactory()
    Organization.objects.filter(pk=user.organization_id).update(plan=Organization.Plan.PRO)
    return user


@pytest.fixture
def webhook_receiver():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            # The first delivery fails, as a receiver that is briefly down would: it must be retried.
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(503 if len(received) == 1 else 204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


@pytest.mark.usefixtures("celery_worker_process", "shared_media")
def test_token_submit_poll_download_and_webhook(client, planner, settings, webhook_receiver):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    url, received = webhook_receiver
    headers = token(client, planner)
    response = client.post("/api/v1/schedules", {"problem": inline_problem(), "config": {"time_limit": 2, "seed": 7},
                                                 "callback_url": url}, content_type="application/json", **headers)
    assert response.status_code == 202, response.content
    accepted = response.json()
    assert accepted["status"] == "queued" and accepted["estimated_time"] >= 2 and not accepted["reused"]

    status = wait_final(client, headers, accepted["job_id"])
    assert status["status"] == "succeeded", status
    assert status["hard"] == 0

    schedule = client.get(f"/api/v1/schedules/{accepted['job_id']}/download?format=json", **headers)
    assert schedule["Content-Type"] == "application/json"
    assignments = json.loads(schedule.getvalue())["assignments"]
    assert len(assignments) == 3 + 2 + 2  # MATH 3, PROG lecture 2, one lab block per subgroup
    workbook = client.get(f"/api/v1/schedules/{accepted['job_id']}/download?format=xlsx", **headers)
    assert "Assignments" in load_workbook(BytesIO(workbook.getvalue())).sheetnames

    detail = client.get(f"/api/v1/schedules/{accepted['job_id']}", **headers).json()
    assert len(detail["assignments"]) == len(assignments) and "xlsx" in detail["downloads"]

    events = client.get(f"/api/v1/schedules/{accepted['job_id']}/events", **headers)
    assert events["Content-Type"] == "text/event-stream"
    assert '"status": "succeeded"' in b"".join(events.streaming_content).decode()

    deadline = time.monotonic() + 30
    while len(received) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(received) == 2, f"expected a failed delivery and its retry, got {len(received)}"
    assert received[0][1] == received[1][1]
    sent_headers, body = received[1]
    secret = Organization.objects.get(pk=planner.organization_id).webhook_secret
    assert sent_headers[SIGNATURE_HEADER] == "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert json.loads(body)["run"] == {**json.loads(body)["run"], "id": accepted["job_id"], "status": "succeeded"}

    # The same problem, parameters and seed again: answered by the finished run, nothing new stored.
    terms_before = client.get("/api/v1/terms", **headers).json()["count"]
    again = client.post("/api/v1/schedules", {"problem": inline_problem(), "config": {"time_limit": 2, "seed": 7}},
                        content_type="application/json", **headers)
    assert again.status_code == 200 and again.json()["job_id"] == accepted["job_id"] and again.json()["reused"]
    assert client.get("/api/v1/terms", **headers).json()["count"] == terms_before
    fresh = client.post("/api/v1/schedules", {"problem": inline_problem(), "config": {"time_limit": 2, "seed": 7},
                                              "fresh": True}, content_type="application/json", **headers)
    assert fresh.status_code == 202 and fresh.json()["job_id"] != accepted["job_id"]
    wait_final(client, headers, fresh.json()["job_id"])


def test_private_callback_urls_are_refused(client, planner):
    response = client.post("/api/v1/schedules", {"problem": inline_problem(), "callback_url": "http://127.0.0.1:9/x"},
                           content_type="application/json", **token(client, planner))
    assert response.status_code == 422 and "private or loopback" in response.json()["detail"]
    assert not ScheduleRun.objects.exists()


def test_free_plan_limits_are_named(client, settings):
    user = UserFactory()  # free plan
    headers = token(client, user)
    too_many = client.post("/api/v1/schedules", {"problem": inline_problem(), "config": {"generations": 500}},
                           content_type="application/json", **headers)
    assert too_many.status_code == 403
    assert too_many.json()["detail"] == "generations: the free plan allows at most 100, not 500."
    for n in range(5):
        assert client.post("/api/v1/schedules", {"problem": inline_problem(f"P{n}"), "config": {"generations": 1}},
                           content_type="application/json", **headers).status_code == 202
    sixth = client.post("/api/v1/schedules", {"problem": inline_problem("P6"), "config": {"generations": 1}},
                        content_type="application/json", **headers)
    assert sixth.status_code == 429 and "allows 5 runs a day" in sixth.json()["detail"]
    assert sixth["Retry-After"]


def test_rate_limit_answers_429_with_retry_after(client, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    from django.core.cache import cache

    cache.clear()
    headers = token(client, UserFactory())
    answers = [client.get("/api/v1/terms", **headers) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
    assert answers[-1].json()["detail"] == "Too many requests: at most 3 a minute."
