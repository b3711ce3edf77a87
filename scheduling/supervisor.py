"""Runs the engine as a subprocess in its own environment and watches it.

The engine gets its own process group, so that stopping it stops everything it started.
Progress lines are read as they come; the run row is updated about once a second (which is
also the heartbeat). A cancel request or the run's wall-clock limit sends SIGTERM — the engine
then writes its best timetable so far — and SIGKILL after a grace period.
"""

import json
import os
import select
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.conf import settings

from config.logging import run_logger
from scheduling import services
from scheduling.models import ScheduleRun

Status = ScheduleRun.Status
STDERR_TAIL_LINES = 20
LOST = "lost"  # recovery gave the run to another attempt: stop, keep nothing


@dataclass
class EngineOutcome:
    returncode: int
    stop_reason: str | None  # "cancelled", "timed_out", "lost" or None
    result_line: dict | None = None
    error_line: dict | None = None
    stderr_tail: str = ""


def engine_command(run, problem_path, output_dir):
    command = [settings.GA_PYTHON, "-m", "ga_runner", "solve", str(problem_path), "--out", str(output_dir),
               "--seed", str(run.seed)]
    for option, value in (("--pop-size", run.pop_size), ("--generations", run.generations),
                          ("--time-limit", run.time_limit)):
        if value is not None:
            command += [option, str(value)]
    return command


def _progress_percent(run, line, elapsed):
    ratios = []
    if run.generations and line.get("generation") is not None:
        ratios.append(line["generation"] / run.generations)
    if run.time_limit:
        ratios.append(elapsed / run.time_limit)
    return round(min(99.0, 100 * max(ratios)), 1) if ratios else 0.0


def _stop(process, sig):
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def supervise(run, workdir):
    """Run the engine for ``run`` in ``workdir`` until it exits; say how it ended."""
    log = run_logger(run)
    problem_path, output_dir = workdir / "problem.json", workdir / "out"
    problem_path.write_bytes(services.problem_bytes(run.problem))
    with open(workdir / "stderr.log", "w+b") as stderr:
        process = subprocess.Popen(
            engine_command(run, problem_path, output_dir), stdout=subprocess.PIPE, stderr=stderr,
            cwd=settings.BASE_DIR, start_new_session=True,
        )
        started = time.monotonic()
        deadline = started + run.max_seconds
        stop_reason, stop_sent_at, last_update, latest, pending = None, None, 0.0, None, b""
        result_line = error_line = None
        log.info("engine started", extra={"pid": process.pid, "command": process.args})
        services.run_progress_record(run_id=run.pk, task_id=run.celery_task_id, pid=process.pid)
        while True:
            readable, _, _ = select.select([process.stdout], [], [], 0.25)
            if readable:
                chunk = os.read(process.stdout.fileno(), 65536)
                if not chunk:
                    break
                pending += chunk
                *complete, pending = pending.split(b"\n")
                for raw in complete:
                    try:
                        line = json.loads(raw)
                    except ValueError:
                        continue
                    if line.get("event") == "progress":
                        latest = line
                    elif line.get("event") == "result":
                        result_line = line
                    elif line.get("event") == "error" and error_line is None:
                        error_line = line
            now = time.monotonic()
            if now - last_update >= 1.0:
                last_update = now
                verdict = services.run_progress_record(
                    run_id=run.pk, task_id=run.celery_task_id, line=latest,
                    progress=_progress_percent(run, latest or {}, now - started))
                latest = None
                if stop_reason is None and verdict == "cancel":
                    stop_reason = Status.CANCELLED
                if stop_reason is None and verdict == "lost":
                    stop_reason = LOST
                if stop_reason is None and now > deadline:
                    stop_reason = Status.TIMED_OUT
                if stop_reason and stop_sent_at is None:
                    stop_sent_at = now
                    log.info("stopping the engine", extra={"reason": stop_reason})
                    _stop(process, signal.SIGTERM)
            if stop_sent_at is not None and now - stop_sent_at > settings.ENGINE_STOP_GRACE:
                _stop(process, signal.SIGKILL)
        returncode = process.wait()
        log.info("engine exited", extra={"returncode": returncode, "seconds": round(time.monotonic() - started, 2)})
        _stop(process, signal.SIGKILL)  # anything the engine left behind in its group
        stderr.seek(0)
        tail = b"\n".join(stderr.read().splitlines()[-STDERR_TAIL_LINES:]).decode("utf-8", "replace")
    return EngineOutcome(
        returncode=returncode, stop_reason=stop_reason, stderr_tail=tail, result_line=result_line,
        error_line=error_line,
    )


def run_execute(run_id):
    """Solve a claimed run and end it: succeeded, cancelled or timed out (keeping the best
    timetable so far when the engine wrote one), or failed with the reason."""
    run = ScheduleRun.objects.select_related("organization").get(pk=run_id)
    fail = partial(services.run_fail, run_id=run.pk, task_id=run.celery_task_id)
    with tempfile.TemporaryDirectory(prefix=f"run-{run.pk}-") as tmp:
        workdir = Path(tmp)
        try:
            outcome = supervise(run, workdir)
        except OSError as exc:
            fail(error=f"The engine could not be started ({settings.GA_PYTHON}): {exc}")
            return
        if outcome.stop_reason == LOST:
            return
        if outcome.error_line:
            errors = outcome.error_line.get("errors", [])
            fail(error="The engine refused the problem:\n" + "\n".join(
                f"{e.get('path', '')}: {e.get('message', '')}" for e in errors))
            return
        has_result = outcome.result_line is not None and (workdir / "out" / "schedule.json").exists()
        if has_result and outcome.returncode == 0:
            status = outcome.stop_reason or Status.SUCCEEDED
            note = {Status.CANCELLED: "Cancelled; the best timetable found so far is kept.",
                    Status.TIMED_OUT: f"Stopped at the {run.max_seconds} s limit; the best timetable found so far is kept."}
            services.run_store_result(run_id=run.pk, task_id=run.celery_task_id, status=status, output_dir=workdir / "out",
                                      error=note.get(status, ""))
            return
        if outcome.stop_reason == Status.CANCELLED:
            reason = "Cancelled before the engine produced a timetable."
        elif outcome.stop_reason == Status.TIMED_OUT:
            reason = f"Stopped at the {run.max_seconds} s limit before the engine produced a timetable."
        elif outcome.returncode < 0:
            reason = f"The engine was killed by signal {signal.Signals(-outcome.returncode).name}."
        else:
            reason = f"The engine exited with code {outcome.returncode}."
        if outcome.stderr_tail:
            reason += "\n" + outcome.stderr_tail
        fail(status=outcome.stop_reason or Status.FAILED, error=reason)
