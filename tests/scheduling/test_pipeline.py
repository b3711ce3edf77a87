"""The run pipeline end to end: real PostgreSQL, Redis, Celery worker and engine subprocess."""

import json
import os
import signal
import time
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Organization
from scheduling import services
from scheduling.models import ScheduledMeeting, ScheduleRun
from scheduling.tasks import run_schedule
from tests.accounts.factories import UserFactory
from timetabling.demo import demo_problem_document
from timetabling.services import term_import_problem

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker_process", "shared_media")]
Status = ScheduleRun.Status


def small_problem():
    """A few classes of the demo faculty: solved in a second or two."""
    document = demo_problem_document()
    document["classes"] = [c for c in document["classes"] if c["course"].startswith(("CS1", "MA"))]
    used = {c["course"] for c in document["classes"]}
    document["courses"] = [c for c in document["courses"] if c["id"] in used]
    return document


def make_term(user, document=None):
    return term_import_problem(organization=user.organization, document=document or small_problem())


def wait_for(run, condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if condition(run):
            return run
        time.sleep(0.2)
    pytest.fail(f"run {run.pk} still {run.status} after {timeout} s: {run.error}")


def ended(run):
    return not run.is_active


def process_is_gone(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1].startswith("Z")
    except FileNotFoundError:
        return True


@pytest.fixture
def planner():
    user = UserFactory()
    Organization.objects.filter(pk=user.organization_id).update(plan=Organization.Plan.PRO)
    user.organization.refresh_from_db()
    return user


def test_submit_succeeds_with_rows_downloads_and_workbook(client, planner, settings):
    settings.RUN_DEFAULT_TIME_LIMIT = 3
    term = make_term(planner)
    client.force_login(planner)
    response = client.post(reverse("admin:scheduling_schedulerun_generate", args=[term.pk]))
    run = ScheduleRun.objects.get(term=term)
    assert response.url == reverse("admin:scheduling_schedulerun_change", args=[run.pk])
    run = wait_for(run, ended, timeout=120)
    assert run.status == Status.SUCCEEDED, run.error
    assert run.first_progress_at is not None and run.best_hard == 0 and run.hard_floor == 0

    schedule = json.loads(client.get(reverse("admin:scheduling_schedulerun_download", args=[run.pk, "json"])).getvalue())
    rows = {(m.class_id, m.meeting, m.room, m.day, m.period, m.length, m.instructor) for m in run.meetings.all()}
    assert rows == {(a["class"], a["meeting"], a["room"], a["day"], a["period"], a["length"], a["instructor"])
                    for a in schedule["assignments"]}
    assert len(rows) == sum(c["periods_per_week"] // c["block_length"] for c in run.problem["classes"])

    types = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "json": "application/json",
             "png": "image/png", "convergence": "image/png", "zip": "application/zip"}
    bodies = {}
    for kind, content_type in types.items():
        download = client.get(reverse("admin:scheduling_schedulerun_download", args=[run.pk, kind]))
        assert (download.status_code, download["Content-Type"]) == (200, content_type)
        bodies[kind] = download.getvalue()
    assert bodies["png"].startswith(b"\x89PNG") and bodies["zip"].startswith(b"PK")
    workbook = load_workbook(BytesIO(bodies["xlsx"]))
    assert {"Assignments", "Quality"} <= set(workbook.sheetnames)
    assert any(name.startswith("G ") for name in workbook.sheetnames)
    assert any(name.startswith("I ") for name in workbook.sheetnames)
    assert any(name.startswith("R ") for name in workbook.sheetnames)

    page = client.get(reverse("admin:scheduling_schedulerun_change", args=[run.pk])).content.decode()
    assert "Excel timetable" in page and "CS101" in page


def test_cancel_keeps_best_so_far_and_leaves_no_engine(planner):
    term = make_term(planner, demo_problem_document())
    run = services.run_submit(term=term, user=planner, time_limit=120)
    run = wait_for(run, lambda r: r.first_progress_at is not None and r.engine_pid)
    pid = run.engine_pid
    asked = time.monotonic()
    services.run_cancel(run=run)
    run = wait_for(run, ended, timeout=30)
    assert run.status == Status.CANCELLED, run.error
    assert time.monotonic() - asked < 10
    assert run.schedule_file and run.meetings.exists() and run.engine_status == "stopped"
    assert process_is_gone(pid)


def test_run_over_its_wall_clock_limit_times_out(settings, planner):
    settings.PLAN_LIMITS = dict(settings.PLAN_LIMITS, pro=dict(settings.PLAN_LIMITS["pro"], max_generations=10**6, max_seconds=3))
    term = make_term(planner, demo_problem_document())
    run = services.run_submit(term=term, user=planner, generations=1000000)
    run = wait_for(run, ended, timeout=60)
    assert run.status == Status.TIMED_OUT, run.error
    assert "3 s limit" in run.error
    assert process_is_gone(run.engine_pid)


def test_engine_killed_mid_run_fails_with_a_clear_message(planner):
    term = make_term(planner, demo_problem_document())
    run = services.run_submit(term=term, user=planner, time_limit=120)
    run = wait_for(run, lambda r: r.first_progress_at is not None and r.engine_pid)
    os.kill(run.engine_pid, signal.SIGKILL)
    run = wait_for(run, ended, timeout=30)
    assert run.status == Status.FAILED
    assert "killed by signal SIGKILL" in run.error


def test_message_delivered_twice_runs_the_engine_once(planner):
    term = make_term(planner)
    run = services.run_submit(term=term, user=planner, time_limit=3)
    duplicate = run_schedule.apply_async(args=[run.pk], queue="engine")
    assert duplicate.get(timeout=120) in {"done", "not claimed"}
    run = wait_for(run, ended, timeout=120)
    first = run_schedule.AsyncResult(run.celery_task_id).get(timeout=30)
    assert sorted([first, duplicate.get(timeout=5)]) == ["done", "not claimed"]
    assert run.status == Status.SUCCEEDED
    assert ScheduledMeeting.objects.filter(run=run).count() == len({(m.class_id, m.meeting) for m in run.meetings.all()})
