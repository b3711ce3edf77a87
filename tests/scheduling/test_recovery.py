"""Recovery decisions for runs a dead worker left behind (the fault tests run the real thing)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from scheduling.models import ScheduleRun
from scheduling.services import runs_recover
from tests.accounts.factories import OrganizationFactory
from tests.timetabling.factories import TermFactory

pytestmark = pytest.mark.django_db
Status = ScheduleRun.Status


def running_run(*, attempts, heartbeat_age, worker="w1@host", cancel_requested=False):
    organization = OrganizationFactory()
    return ScheduleRun.objects.create(
        organization=organization, term=TermFactory(organization=organization), status=Status.RUNNING,
        max_seconds=60, problem={}, problem_sha256="0" * 64, queue="engine", attempts=attempts, worker=worker,
        cancel_requested=cancel_requested, heartbeat_at=timezone.now() - timedelta(seconds=heartbeat_age),
        best_hard=3, best_soft=40, progress=55)


def test_a_silent_run_is_queued_again_once_then_failed_with_the_reason(settings):
    settings.RUN_HEARTBEAT_TIMEOUT, settings.RUN_MAX_ATTEMPTS = 60, 2
    first_try = running_run(attempts=1, heartbeat_age=61)
    second_try = running_run(attempts=2, heartbeat_age=61)
    healthy = running_run(attempts=1, heartbeat_age=5)

    outcome = runs_recover()
    assert (outcome["requeued"], outcome["failed"]) == ([first_try.pk], [second_try.pk])
    first_try.refresh_from_db()
    second_try.refresh_from_db()
    healthy.refresh_from_db()
    assert (first_try.status, first_try.progress, first_try.best_hard) == (Status.QUEUED, 0, None)
    assert second_try.status == Status.FAILED and second_try.finished_at is not None
    assert second_try.error == "Its worker (w1@host) stopped responding during attempt 2 of 2; not retried again."
    assert healthy.status == Status.RUNNING


def test_a_restarting_worker_takes_back_its_runs_at_once():
    mine = running_run(attempts=1, heartbeat_age=1, worker="w1@host")
    other = running_run(attempts=1, heartbeat_age=1, worker="w2@host")
    assert runs_recover(restarted_worker="w1@host")["requeued"] == [mine.pk]
    other.refresh_from_db()
    assert other.status == Status.RUNNING


def test_a_run_being_cancelled_ends_cancelled_instead_of_running_again(settings):
    settings.RUN_HEARTBEAT_TIMEOUT = 60
    run = running_run(attempts=1, heartbeat_age=61, cancel_requested=True)
    runs_recover()
    run.refresh_from_db()
    assert run.status == Status.CANCELLED and "worker stopped" in run.error
