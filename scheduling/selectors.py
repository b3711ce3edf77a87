"""Reads of runs, always scoped to an organization."""

from scheduling.models import ScheduleRun


def run_list(*, organization):
    return ScheduleRun.objects.for_organization(organization).select_related("term")


def run_get(*, organization, run_id):
    """The organization's run, or ScheduleRun.DoesNotExist exactly as if it did not exist."""
    return run_list(organization=organization).get(pk=run_id)


def run_status(*, run):
    return {
        "id": run.pk,
        "status": run.status,
        "progress": run.progress,
        "generation": run.generation,
        "hard": run.best_hard,
        "soft": run.best_soft,
        "cancel_requested": run.cancel_requested,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "error": run.error,
    }
