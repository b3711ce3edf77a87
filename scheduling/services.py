"""Writes of runs: submission, claiming, progress, results, cancellation, reaping."""

import hashlib
import io
import json
import os
import signal
import urllib.request
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from config.logging import run_logger
from ga_runner.problem import validate_problem
from scheduling.excel import timetable_workbook_bytes
from scheduling.models import RUN_OUTPUTS, ScheduledMeeting, ScheduleRun
from scheduling.webhooks import SIGNATURE_HEADER, webhook_body, webhook_signature, webhook_url_check
from timetabling.models import Term
from timetabling.selectors import term_problem_document

Status = ScheduleRun.Status


class RunRefused(Exception):
    """A submission that was not queued; ``messages`` says every reason, ``reason`` which kind:
    "invalid" (the engine would reject the term), "busy" (a run of the term is in progress),
    "plan_limit" (a parameter over the plan's limit), "quota" (the plan's runs a day used up)."""

    def __init__(self, messages, *, reason):
        super().__init__("; ".join(messages))
        self.messages = list(messages)
        self.reason = reason


def problem_bytes(document):
    """The exact bytes the engine reads."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def problem_sha256(document):
    """What identifies a problem: everything but its name (a renamed copy is the same problem)."""
    return hashlib.sha256(problem_bytes({k: v for k, v in document.items() if k != "name"})).hexdigest()


def run_submit(*, term, user, pop_size=None, generations=None, time_limit=None, seed=1, reuse=False,
               callback_url=""):
    """Check the term, record a run and queue it once the transaction commits.

    With ``reuse``, a finished successful run of the same problem, parameters and seed is
    returned instead of computing it again (``run.reused`` is then True).
    """
    from scheduling.tasks import run_schedule

    with transaction.atomic():
        # Serialises submissions of one term, so two clicks cannot both pass the checks below.
        term = Term.objects.select_for_update().select_related("organization").get(pk=term.pk)
        organization = term.organization
        document = term_problem_document(term=term)
        problems = [f"{error['path']}: {error['message']}" for error in validate_problem(document)]
        if problems:
            raise RunRefused(problems, reason="invalid")
        limits = settings.PLAN_LIMITS[organization.plan]
        over = []
        if generations is not None and generations > limits["max_generations"]:
            over.append(f"generations: the {organization.plan} plan allows at most {limits['max_generations']}, not {generations}.")
        if time_limit is not None and time_limit > limits["max_seconds"]:
            over.append(f"time_limit: the {organization.plan} plan allows at most {limits['max_seconds']} seconds, not {time_limit}.")
        if over:
            raise RunRefused(over, reason="plan_limit")
        if generations is None and time_limit is None:
            time_limit = min(settings.RUN_DEFAULT_TIME_LIMIT, limits["max_seconds"])
        sha256 = problem_sha256(document)
        if reuse:
            previous = ScheduleRun.objects.filter(
                organization=organization, status=Status.SUCCEEDED, problem_sha256=sha256, pop_size=pop_size,
                generations=generations, time_limit=time_limit, seed=seed,
            ).order_by("-finished_at").first()
            if previous:
                previous.reused = True
                return previous
        active = ScheduleRun.objects.filter(term=term).active().first()
        if active:
            raise RunRefused([f"{term.name} already has a run in progress (run {active.pk}, {active.status})."], reason="busy")
        if limits["runs_per_day"] is not None:
            since = timezone.now() - timedelta(days=1)
            used = ScheduleRun.objects.filter(organization=organization, created_at__gte=since).count()
            if used >= limits["runs_per_day"]:
                raise RunRefused([f"The {organization.plan} plan allows {limits['runs_per_day']} runs a day; "
                                  f"{used} were started in the last 24 hours."], reason="quota")
        run = ScheduleRun.objects.create(
            organization=organization, term=term, created_by=user, pop_size=pop_size, generations=generations,
            time_limit=time_limit, seed=seed, max_seconds=limits["max_seconds"], problem=document,
            problem_sha256=sha256, queue=organization.engine_queue, callback_url=callback_url,
        )
        run.reused = False
        run_logger(run).info("run submitted", extra={"term": term.name, "queue": run.queue})
        transaction.on_commit(lambda: run_enqueue(run=run, task=run_schedule))
    return run


def run_enqueue(*, run, task):
    # Celery's own limits are a backstop behind the supervisor's, which keeps the best-so-far.
    result = task.apply_async(args=[run.pk], queue=run.queue,
                              soft_time_limit=run.max_seconds + 60, time_limit=run.max_seconds + 120)
    ScheduleRun.objects.filter(pk=run.pk).update(celery_task_id=result.id, enqueued_at=timezone.now())


def run_claim(*, run_id, task_id, worker):
    """Move a queued run to running. Exactly one delivery of its messages wins."""
    now = timezone.now()
    return bool(
        ScheduleRun.objects.filter(pk=run_id, status=Status.QUEUED, cancel_requested=False).update(
            status=Status.RUNNING, started_at=now, heartbeat_at=now, celery_task_id=task_id, worker=worker,
            attempts=F("attempts") + 1, engine_pid=None, first_progress_at=None,
        )
    )


def run_cancel(*, run):
    """Cancel a run: a queued one at once, a running one cooperatively (the supervisor stops
    the engine and keeps its best timetable so far)."""
    with transaction.atomic():
        run = ScheduleRun.objects.select_for_update().get(pk=run.pk)
        if run.status == Status.QUEUED:
            run.status, run.finished_at, run.cancel_requested = Status.CANCELLED, timezone.now(), True
            run.save(update_fields=["status", "finished_at", "cancel_requested"])
            runs_announce_end([run.pk])
        elif run.status == Status.RUNNING:
            run.cancel_requested = True
            run.save(update_fields=["cancel_requested"])
    return run


def _owned(run_id, task_id):
    """The run, while the task that claimed it still holds it (recovery may have re-queued it)."""
    return ScheduleRun.objects.filter(pk=run_id, status=Status.RUNNING, celery_task_id=task_id)


def run_progress_record(*, run_id, task_id, pid=None, progress=None, line=None):
    """The supervisor's heartbeat, with the engine's latest progress line when there is one.
    Answers whether to stop: "cancel" when asked to, "lost" when the run is no longer this
    task's, None to go on."""
    now = timezone.now()
    fields = {"heartbeat_at": now}
    if pid is not None:
        fields["engine_pid"] = pid
    if line is not None:
        fields.update(generation=line.get("generation"), best_hard=line.get("hard"), best_soft=line.get("soft"),
                      progress=progress)
        _owned(run_id, task_id).filter(first_progress_at__isnull=True).update(first_progress_at=now)
    if not _owned(run_id, task_id).update(**fields):
        return "lost"
    return "cancel" if _owned(run_id, task_id).filter(cancel_requested=True).exists() else None


@transaction.atomic
def run_fail(*, run_id, task_id, status=Status.FAILED, error):
    if _owned(run_id, task_id).update(status=status, error=error, finished_at=timezone.now()):
        run_logger(ScheduleRun.objects.select_related("organization").get(pk=run_id)).warning(
            "run ended without a timetable", extra={"status": status, "error": error})
        runs_announce_end([run_id])


@transaction.atomic
def run_store_result(*, run_id, task_id, status, output_dir, error=""):
    """Keep the engine's outputs and the result rows, and end the run with ``status``."""
    run = _owned(run_id, task_id).select_for_update().first()
    if run is None:
        return None
    result = json.loads((output_dir / "schedule.json").read_text(encoding="utf-8"))
    courses = {course["id"]: course.get("name", "") for course in run.problem["courses"]}

    files = {
        "schedule_file": ("schedule.json", (output_dir / "schedule.json").read_bytes()),
        "workbook_file": ("timetable.xlsx", timetable_workbook_bytes(run.problem, result)),
    }
    for field, name in (("calendar_file", "calendar.png"), ("convergence_file", "convergence.png")):
        if (output_dir / name).exists():
            files[field] = (name, (output_dir / name).read_bytes())
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in files.values():
            bundle.writestr(name, content)
    files["archive_file"] = (f"run-{run.pk}.zip", archive.getvalue())
    for field, (name, content) in files.items():
        getattr(run, field).save(name, ContentFile(content), save=False)

    ScheduledMeeting.objects.bulk_create(
        ScheduledMeeting(
            run=run, class_id=item["class"], meeting=item["meeting"], course=item["course"],
            course_name=courses.get(item["course"], ""), kind=item["kind"], groups=item["groups"],
            instructor=item.get("instructor") or "", room=item["room"], day=item["day"], period=item["period"],
            length=item["length"],
        )
        for item in result["assignments"]
    )
    run.status = status
    run.error = error
    run.engine_status = result["status"]
    run.best_hard, run.best_soft = result["hard"], result["soft"]
    run.cost, run.violations, run.unsatisfiable = result["cost"], result["violations"], result.get("unsatisfiable", [])
    run.hard_floor = result["hard_floor"]
    run.progress = 100 if status == Status.SUCCEEDED else run.progress
    run.finished_at = timezone.now()
    run.save()
    run_logger(run).info("run ended", extra={"status": status, "hard": run.best_hard, "soft": run.best_soft,
                                             "assignments": len(result["assignments"])})
    runs_announce_end([run.pk])
    return run


def _stop_orphan_engine(run):
    """The engine of a run whose worker died on this machine may still be running: stop it."""
    if run.engine_pid:
        try:
            os.killpg(run.engine_pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def runs_recover(*, restarted_worker=None):
    """Bring back runs a dead worker or a lost message left behind; returns what was done.

    A running run is abandoned when its heartbeat is older than RUN_HEARTBEAT_TIMEOUT, or at
    once when ``restarted_worker`` (a worker starting again under the same name) held it. It is
    queued again while it has attempts left, else failed with the reason. A queued run whose
    message is no longer in the broker is sent again. Duplicate messages are harmless: only one
    delivery claims a run.
    """
    from scheduling.broker import broker_task_ids
    from scheduling.tasks import run_schedule

    now = timezone.now()
    stale = Q(status=Status.RUNNING, heartbeat_at__lt=now - timedelta(seconds=settings.RUN_HEARTBEAT_TIMEOUT))
    if restarted_worker:
        stale |= Q(status=Status.RUNNING, worker=restarted_worker)
    requeued, failed = [], []
    with transaction.atomic():
        for run in ScheduleRun.objects.select_for_update(skip_locked=True, of=("self",)).select_related("organization").filter(stale):
            if restarted_worker and run.worker == restarted_worker:
                _stop_orphan_engine(run)
            if run.cancel_requested:
                run.status, run.error = Status.CANCELLED, "Cancelled; its worker stopped before it ended."
            elif run.attempts < settings.RUN_MAX_ATTEMPTS:
                run.status, run.error = Status.QUEUED, ""
                run.progress, run.generation, run.best_hard, run.best_soft = 0, None, None, None
                requeued.append(run)
            else:
                run.status = Status.FAILED
                run.error = (f"Its worker ({run.worker}) stopped responding during attempt {run.attempts} of "
                             f"{settings.RUN_MAX_ATTEMPTS}; not retried again.")
                failed.append(run.pk)
            if run.status != Status.QUEUED:
                run.finished_at = now
            run.save()
            run_logger(run).warning("run recovered from a stopped worker", extra={"status": run.status, "worker": run.worker})
        runs_announce_end(failed)
        transaction.on_commit(lambda: [run_enqueue(run=run, task=run_schedule) for run in requeued])

    waiting = ScheduleRun.objects.filter(status=Status.QUEUED, enqueued_at__lt=now - timedelta(seconds=settings.RUN_RESEND_AFTER))
    held = broker_task_ids() if waiting.exists() else set()
    resent = []
    if held is not None:
        for run in waiting.exclude(celery_task_id__in=held).select_related("organization"):
            run_logger(run).warning("run message lost by the broker: sent again")
            run_enqueue(run=run, task=run_schedule)
            resent.append(run.pk)
    return {"requeued": [run.pk for run in requeued], "failed": failed, "resent": resent}


def runs_expire_outputs():
    """Delete the output files of runs that ended more than RUN_RETENTION_DAYS ago."""
    cutoff = timezone.now() - timedelta(days=settings.RUN_RETENTION_DAYS)
    expired = []
    for run in ScheduleRun.objects.filter(finished_at__lt=cutoff, expired_at__isnull=True):
        for field, _ in RUN_OUTPUTS.values():
            getattr(run, field).delete(save=False)
        run.expired_at = timezone.now()
        run.save()
        expired.append(run.pk)
    return expired


def runs_announce_end(run_ids):
    """After the commit that ended these runs: queue the webhooks of those that asked for one."""
    from scheduling.tasks import webhook_deliver

    def send():
        for run_id in ScheduleRun.objects.filter(pk__in=run_ids).exclude(callback_url="").values_list("pk", flat=True):
            webhook_deliver.delay(run_id)

    transaction.on_commit(send)


class WebhookFailed(Exception):
    pass


def webhooks_send(*, run_id):
    run = ScheduleRun.objects.select_related("organization").get(pk=run_id)
    webhook_url_check(run.callback_url)
    body = webhook_body(run)
    request = urllib.request.Request(run.callback_url, data=body, method="POST", headers={
        "Content-Type": "application/json", SIGNATURE_HEADER: webhook_signature(run.organization.webhook_secret, body),
        "User-Agent": "timetabling-webhooks/1"})
    with urllib.request.urlopen(request, timeout=10) as response:
        if not 200 <= response.status < 300:
            raise WebhookFailed(f"{run.callback_url} answered {response.status}")
        return response.status
