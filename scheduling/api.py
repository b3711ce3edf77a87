"""Runs over HTTP: submit (stored term or inline data), follow, download, cancel."""

import json
import time
from datetime import datetime
from typing import Literal, Optional

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import HttpUrl, PositiveInt, model_validator

from accounts.permissions import require_editor
from config.fields import Id
from scheduling import selectors, services
from scheduling.models import RUN_OUTPUTS, ScheduleRun
from scheduling.webhooks import WebhookURLRefused, webhook_url_check
from timetabling import selectors as term_selectors
from timetabling.models import Term
from timetabling.schemas import TermProblem
from timetabling.services import term_create_from_data

router = Router(tags=["schedules"])



class RunConfig(Schema):
    pop_size: Optional[PositiveInt] = Field(None, le=10000)
    generations: Optional[PositiveInt] = None
    time_limit: Optional[PositiveInt] = Field(None, description="Seconds the engine may search.")
    seed: int = Field(1, ge=0, le=2**31 - 1)


class ScheduleIn(Schema):
    """Either ``term_id`` (stored data) or ``problem`` (a whole term inline), with ``config``."""

    term_id: Optional[Id] = None
    problem: Optional[TermProblem] = None
    config: RunConfig = RunConfig()
    callback_url: Optional[HttpUrl] = None
    fresh: bool = Field(False, description="Compute again even if an identical run already succeeded.")

    @model_validator(mode="after")
    def one_source(self):
        if (self.term_id is None) == (self.problem is None):
            raise ValueError("give either term_id or problem, not both or neither")
        return self


class ScheduleAccepted(Schema):
    job_id: int
    status: str
    estimated_time: int = Field(description="Seconds, estimated from the problem size and the config.")
    reused: bool


class RunStatusOut(Schema):
    status: str
    progress: float
    generation: Optional[int]
    hard: Optional[int]
    soft: Optional[int]
    started_at: Optional[datetime]
    finished_at: Optional[datetime]
    error: str


class RunOut(Schema):
    id: int
    term_id: int
    status: str
    progress: float
    pop_size: Optional[int]
    generations: Optional[int]
    time_limit: Optional[int]
    seed: int
    problem_sha256: str
    created_at: datetime
    started_at: Optional[datetime]
    finished_at: Optional[datetime]
    hard: Optional[int]
    soft: Optional[int]
    error: str


class RunDetailOut(RunOut):
    cost: dict
    violations: list
    unsatisfiable: list
    hard_floor: Optional[int]
    assignments: list
    downloads: list[str]


class RunFilter(Schema):
    status: Optional[Literal["queued", "running", "succeeded", "failed", "cancelled", "timed_out"]] = None
    term_id: Optional[Id] = None


def run_out(run):
    return {
        "id": run.pk, "term_id": run.term_id, "status": run.status, "progress": run.progress, "pop_size": run.pop_size,
        "generations": run.generations, "time_limit": run.time_limit, "seed": run.seed,
        "problem_sha256": run.problem_sha256, "created_at": run.created_at, "started_at": run.started_at,
        "finished_at": run.finished_at, "hard": run.best_hard, "soft": run.best_soft, "error": run.error,
    }


def estimated_seconds(run):
    """The engine stops at its time limit; with generations only, scale by the problem's size."""
    if run.time_limit:
        return min(run.time_limit, run.max_seconds) + 2
    meetings = sum(c["periods_per_week"] // c["block_length"] for c in run.problem["classes"])
    return min(run.max_seconds, 2 + round(run.generations * (run.pop_size or 50) * meetings / 200000))


def _run(request, run_id):
    try:
        return selectors.run_get(organization=request.auth.organization, run_id=run_id)
    except ScheduleRun.DoesNotExist:
        raise HttpError(404, "Not found.")


@router.post("", response={202: ScheduleAccepted, 200: ScheduleAccepted})
def schedule_submit(request, body: ScheduleIn):
    """Queue a run and answer at once. A run identical to one that already succeeded (same
    problem, parameters and seed) answers with that run (200, ``reused``) unless ``fresh``."""
    require_editor(request)
    organization = request.auth.organization
    callback_url = str(body.callback_url) if body.callback_url else ""
    if callback_url:
        try:
            webhook_url_check(callback_url)
        except WebhookURLRefused as refused:
            raise HttpError(422, str(refused))
    with transaction.atomic():
        if body.term_id is not None:
            try:
                term = term_selectors.term_get(organization=organization, term_id=body.term_id)
            except Term.DoesNotExist:
                raise HttpError(404, "Not found.")
        else:
            data = body.problem.dict()
            data["name"] = f"{data['name']} (API {datetime.now():%Y-%m-%d %H:%M:%S.%f})"
            term = term_create_from_data(organization=organization, data=data, prefix="body.problem")
        run = services.run_submit(term=term, user=request.auth, reuse=not body.fresh, callback_url=callback_url,
                                  **body.config.dict())
        if run.reused and body.problem is not None:
            transaction.set_rollback(True)  # the inline term was only needed to recognise the problem
    answer = {"job_id": run.pk, "status": run.status, "estimated_time": estimated_seconds(run), "reused": run.reused}
    return Status(200 if run.reused else 202, answer)


@router.get("", response=list[RunOut])
@paginate
def schedule_list(request, filters: Query[RunFilter]):
    runs = selectors.run_list(organization=request.auth.organization)
    if filters.status:
        runs = runs.filter(status=filters.status)
    if filters.term_id is not None:
        runs = runs.filter(term_id=filters.term_id)
    return [run_out(run) for run in runs]


@router.get("/{run_id}", response=RunDetailOut)
def schedule_detail(request, run_id: Id):
    run = _run(request, run_id)
    assignments = [
        {"class": m.class_id, "meeting": m.meeting, "course": m.course, "kind": m.kind, "groups": m.groups,
         "instructor": m.instructor or None, "room": m.room, "day": m.day, "period": m.period, "length": m.length}
        for m in run.meetings.all()
    ]
    return dict(run_out(run), cost=run.cost, violations=run.violations, unsatisfiable=run.unsatisfiable,
                hard_floor=run.hard_floor, assignments=assignments, downloads=[kind for kind, (field, _) in RUN_OUTPUTS.items() if getattr(run, field)])


@router.get("/{run_id}/status", response=RunStatusOut)
def schedule_status(request, run_id: Id):
    return selectors.run_status(run=_run(request, run_id))


@router.get("/{run_id}/download")
def schedule_download(request, run_id: Id, format: Literal["json", "xlsx", "png", "convergence", "zip"] = "json"):
    run = _run(request, run_id)
    field, content_type = RUN_OUTPUTS[format]
    stored = getattr(run, field)
    if not stored:
        raise HttpError(409, f"Run {run.pk} has no {format} output ({run.status}).")
    return FileResponse(stored.open("rb"), content_type=content_type, as_attachment=True,
                        filename=stored.name.rsplit("/", 1)[-1])


@router.post("/{run_id}/cancel", response=RunStatusOut)
def schedule_cancel(request, run_id: Id):
    """Cancel a queued run at once, a running one within seconds (keeping its best timetable)."""
    require_editor(request)
    run = services.run_cancel(run=_run(request, run_id))
    return selectors.run_status(run=run)


@router.get("/{run_id}/events")
def schedule_events(request, run_id: Id):
    """Server-sent events: a ``status`` event whenever the run's status or progress changes,
    ending with the final one. Checked once a second, for at most the run's time limit."""
    run = _run(request, run_id)

    def stream():
        deadline = time.monotonic() + run.max_seconds + settings.RUN_HEARTBEAT_TIMEOUT + 60
        sent = None
        while time.monotonic() < deadline:
            status = json.dumps(selectors.run_status(run=ScheduleRun.objects.get(pk=run.pk)))
            if status != sent:
                sent = status
                yield f"event: status\ndata: {status}\n\n"
            if json.loads(status)["status"] not in ScheduleRun.ACTIVE_STATUSES:
                return
            yield ": keep-alive\n\n"
            time.sleep(1)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
