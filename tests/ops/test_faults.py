"""Fault tests against real processes: a Redis server of their own (so that it can be restarted
empty), gunicorn, Celery workers and beat, the real engine, and the test database.

Each test prints its measured figures (run with -s to see them) and appends them to
var/fault-figures.jsonl for the record.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from accounts.models import Organization
from scheduling.models import ScheduledMeeting, ScheduleRun
from tests.accounts.factories import UserFactory
from tests.ops.conftest import ROOT, gunicorn, stop, wait_for_log

pytestmark = pytest.mark.django_db(transaction=True)
Status = ScheduleRun.Status
FIGURES = ROOT / "var" / "fault-figures.jsonl"
# Short enough for tests, long enough that a healthy worker never looks dead.
RECOVERY_ENV = {"RUN_HEARTBEAT_TIMEOUT": "8", "RUN_RESEND_AFTER": "2", "RUN_RECOVERY_INTERVAL": "2",
                "ENGINE_STOP_GRACE": "2"}


def record(test, **figures):
    print(f"\n{test}: {figures}")
    FIGURES.parent.mkdir(exist_ok=True)
    with FIGURES.open("a") as out:
        out.write(json.dumps({"test": test, "at": time.strftime("%Y-%m-%dT%H:%M:%S"), **figures}) + "\n")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server that keeps nothing on disk: a restart comes back empty."""

    def __init__(self, directory):
        self.directory, self.port, self.process = directory, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("redis-server did not start")
                time.sleep(0.1)

    def restart_empty(self):
        self.process.kill()
        self.process.wait()
        self.start()


class Stack:
    """The processes of one deployment, all on the same Redis and the test database."""

    def __init__(self, database_url, media_root, redis, logs):
        self.redis, self.logs = redis, logs
        self.env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.test_settings", DATABASE_URL=database_url,
                        REDIS_URL=redis.url, MEDIA_ROOT=str(media_root), PYTHONUNBUFFERED="1", **RECOVERY_ENV)
        self.processes = []

    def worker(self, name):
        log = self.logs / f"{name}-{time.monotonic_ns()}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "-n", f"{name}@%h", "-Q",
                 "engine.priority,engine,celery", "--concurrency", "1", "--loglevel", "INFO",
                 "--without-gossip", "--without-mingle"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_log(process, log, "ready.", f"worker {name}")
        self.processes.append(process)
        return process

    def beat(self):
        log = self.logs / "beat.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
                 "--schedule", str(self.logs / "beat-schedule")],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    @contextmanager
    def web(self, name="web"):
        with gunicorn(self.env["DATABASE_URL"], self.redis.url, self.logs / f"{name}.log", workers=2,
                      **RECOVERY_ENV, MEDIA_ROOT=self.env["MEDIA_ROOT"]) as base:
            yield base

    def close(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def stack(test_database_url, tmp_path):
    redis = RedisServer(tmp_path)
    redis.start()
    media = tmp_path / "media"
    media.mkdir()
    deployment = Stack(test_database_url, media, redis, tmp_path)
    yield deployment
    deployment.close()
    redis.process.kill()


@pytest.fixture
def planner():
    user = UserFactory()
    Organization.objects.filter(pk=user.organization_id).update(plan=Organization.Plan.PRO)
    return user


def api(base, method, path, token=None, body=None):
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, f"/api/v1{path}", body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, json.loads(data) if data else None


def login(base, user):
    status, body = api(base, "POST", "/auth/token", body={"username": user.username, "password": "correct-horse"})
    assert status == 200, body
    return body["access"]


def problem(name, classes=4):
    return {
        "name": name, "day_names": ["Mon", "Tue", "Wed", "Thu", "Fri"], "periods": [{"name": str(i)} for i in range(1, 7)],
        "rooms": [{"code": "A", "capacity": 60}, {"code": "B", "capacity": 40}],
        "instructors": [{"code": f"T{i}"} for i in range(classes)],
        "courses": [{"code": f"C{i}", "components": [{"periods_per_week": 3, "fixed_instructor": f"T{i}",
                                                       "min_working_days": 3}]} for i in range(classes)],
        "groups": [{"code": "G", "size": 30, "courses": [f"C{i}" for i in range(classes)]}],
    }


def submit(base, token, name, seed=1, time_limit=1):
    status, body = api(base, "POST", "/schedules", token,
                       {"problem": problem(name), "config": {"time_limit": time_limit, "seed": seed}})
    assert status == 202, body
    return body["job_id"]


def wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"{what} did not happen within {timeout} s")


def final(ids):
    return ScheduleRun.objects.filter(pk__in=ids).exclude(status__in=ScheduleRun.ACTIVE_STATUSES).count() == len(ids)


def process_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return not stat.read().split(") ")[1].startswith("Z")
    except FileNotFoundError:
        return False


def test_worker_killed_mid_run_is_recovered_on_restart(stack, planner):
    with stack.web() as base:
        token = login(base, planner)
        worker = stack.worker("w1")
        run_id = submit(base, token, "Killed", time_limit=8)
        wait(lambda: ScheduleRun.objects.filter(pk=run_id, status=Status.RUNNING, first_progress_at__isnull=False)
             .exclude(engine_pid=None).exists(), 60, "the run starting")
        orphan = ScheduleRun.objects.get(pk=run_id).engine_pid
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        killed_at = time.monotonic()

        stack.worker("w1")  # the same worker, restarted
        wait(lambda: ScheduleRun.objects.get(pk=run_id).attempts == 2, 60, "the run being taken up again")
        taken_up = time.monotonic() - killed_at
        wait(lambda: final([run_id]), 90, "the run ending")
        run = ScheduleRun.objects.get(pk=run_id)
        assert run.status == Status.SUCCEEDED, run.error
        assert not process_alive(orphan), "the dead worker's engine was left running"
        assert ScheduleRun.objects.filter(status=Status.RUNNING).count() == 0
        record("kill -9 worker mid-run, restart it", runs=1, completed=1, lost=0, duplicated=0, attempts=run.attempts,
               seconds_from_kill_to_run_taken_up=round(taken_up, 1),
               seconds_from_kill_to_run_finished=round(time.monotonic() - killed_at, 1))


def test_worker_that_never_comes_back_is_detected_by_heartbeat(stack, planner):
    with stack.web() as base:
        token = login(base, planner)
        first = stack.worker("w1")
        run_id = submit(base, token, "Abandoned", time_limit=8)
        wait(lambda: ScheduleRun.objects.filter(pk=run_id, status=Status.RUNNING).exclude(engine_pid=None).exists(),
             60, "the run starting")
        os.killpg(first.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        stack.worker("w2")  # another worker, another name: only the heartbeat tells
        stack.beat()
        wait(lambda: final([run_id]), 120, "the run ending")
        run = ScheduleRun.objects.get(pk=run_id)
        assert (run.status, run.attempts) == (Status.SUCCEEDED, 2), run.error
        assert run.worker.startswith("w2@")
        record("kill -9 worker mid-run, another worker takes over", runs=1, completed=1, lost=0, duplicated=0,
               heartbeat_timeout_s=int(RECOVERY_ENV["RUN_HEARTBEAT_TIMEOUT"]),
               seconds_from_kill_to_run_finished=round(time.monotonic() - killed_at, 1))


def test_redis_restarted_empty_while_runs_are_queued(stack, planner):
    with stack.web() as base:
        token = login(base, planner)
        ids = [submit(base, token, f"Queued {n}", seed=n) for n in range(5)]
        assert ScheduleRun.objects.filter(pk__in=ids, status=Status.QUEUED).count() == 5
        stack.redis.restart_empty()
        restarted_at = time.monotonic()
        stack.worker("w1")
        stack.beat()
        wait(lambda: final(ids), 120, "every queued run ending")
        runs = ScheduleRun.objects.filter(pk__in=ids)
        assert {run.status for run in runs} == {Status.SUCCEEDED}
        assert {run.attempts for run in runs} == {1}
        record("Redis restarted empty with 5 runs queued", runs=5, completed=5, lost=0, duplicated=0,
               seconds_from_restart_to_all_finished=round(time.monotonic() - restarted_at, 1),
               run_seconds=[round((run.finished_at - run.started_at).total_seconds(), 1) for run in runs],
               waits=[round((run.started_at - run.enqueued_at).total_seconds(), 1) for run in runs])


def test_web_restarted_during_runs_loses_nothing(stack, planner):
    stack.worker("w1")
    with ExitStack() as first_web:
        base = first_web.enter_context(stack.web("web-1"))
        token = login(base, planner)
        ids = [submit(base, token, f"Web {n}", seed=n, time_limit=2) for n in range(3)]
    # The first web server is gone (stopped mid-way through the runs); a new one takes over.
    with stack.web("web-2") as base:
        # A seed of its own: "Web 1" (seed 1, same classes) may already have succeeded, and an
        # identical request would then be answered with that run (200, reused).
        ids.append(submit(base, token, "Web after restart", seed=3, time_limit=2))
        wait(lambda: final(ids), 120, "every run ending")
        statuses = [api(base, "GET", f"/schedules/{run_id}/status", token)[1]["status"] for run_id in ids]
    assert statuses == ["succeeded"] * 4
    record("web restarted during runs", runs=4, completed=statuses.count("succeeded"), lost=0, duplicated=0)


def test_fifty_runs_two_workers_each_runs_once(stack, planner):
    with stack.web() as base:
        token = login(base, planner)
        stack.worker("w1")
        stack.worker("w2")
        started = time.monotonic()
        ids = [submit(base, token, f"Batch {n}", seed=n) for n in range(50)]
        wait(lambda: final(ids), 400, "all 50 runs ending")
        elapsed = time.monotonic() - started
    runs = list(ScheduleRun.objects.filter(pk__in=ids))
    completed = sum(run.status == Status.SUCCEEDED for run in runs)
    duplicated = sum(run.attempts != 1 for run in runs)
    workers = {run.worker.split("@")[0] for run in runs}
    meetings = {run.pk: ScheduledMeeting.objects.filter(run=run).count() for run in runs}
    record("50 runs submitted at once, two workers", runs=50, completed=completed, lost=50 - len(runs),
           duplicated=duplicated, workers_used=sorted(workers), seconds=round(elapsed, 1))
    assert (len(runs), completed, duplicated) == (50, 50, 0)
    assert workers == {"w1", "w2"}
    assert set(meetings.values()) == {12}  # 4 courses × 3 meetings, stored once per run
