from django.conf import settings
from django.db import models

from accounts.models import Organization
from timetabling.models import Term


class RunQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(organization=organization)

    def active(self):
        return self.filter(status__in=ScheduleRun.ACTIVE_STATUSES)


# A run's downloadable outputs: the format clients ask for, the field holding it, its content type.
RUN_OUTPUTS = {
    "json": ("schedule_file", "application/json"),
    "xlsx": ("workbook_file", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "png": ("calendar_file", "image/png"),
    "convergence": ("convergence_file", "image/png"),
    "zip": ("archive_file", "application/zip"),
}


def run_output_path(run, filename):
    return f"runs/{run.organization_id}/{run.pk}/{filename}"


class ScheduleRun(models.Model):
    """One generation of a term's timetable: its parameters, progress and results."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        TIMED_OUT = "timed_out", "Timed out"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="runs")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    cancel_requested = models.BooleanField(default=False)

    pop_size = models.PositiveIntegerField(null=True, blank=True, help_text="Blank: the engine's default.")
    generations = models.PositiveIntegerField(null=True, blank=True, help_text="Blank: until the time limit.")
    time_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds the engine may search.")
    seed = models.PositiveIntegerField(default=1)
    max_seconds = models.PositiveIntegerField(help_text="Wall-clock limit from the plan; past it the run times out.")

    problem = models.JSONField(help_text="The problem document as it was when the run was submitted.")
    problem_sha256 = models.CharField(max_length=64, help_text="Identifies the problem, whatever its name.")

    progress = models.FloatField(default=0)
    generation = models.PositiveIntegerField(null=True, blank=True)
    best_hard = models.IntegerField(null=True, blank=True)
    best_soft = models.IntegerField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    first_progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    celery_task_id = models.CharField(max_length=255, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True, help_text="The Celery worker that claimed the run last.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker started the run.")
    expired_at = models.DateTimeField(null=True, blank=True, help_text="When the retention task deleted the outputs.")
    queue = models.CharField(max_length=100, help_text="The Celery queue the run was sent to.")
    callback_url = models.URLField(max_length=500, blank=True, help_text="Told of the run's end (webhook).")
    engine_pid = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    engine_status = models.CharField(max_length=20, blank=True, help_text="finished, stopped or time_limit.")
    cost = models.JSONField(default=dict, blank=True)
    violations = models.JSONField(default=list, blank=True)
    unsatisfiable = models.JSONField(default=list, blank=True)
    hard_floor = models.IntegerField(
        null=True, blank=True, help_text="Hard violations the engine proved every timetable of the term has."
    )

    schedule_file = models.FileField(upload_to=run_output_path, blank=True)
    calendar_file = models.FileField(upload_to=run_output_path, blank=True)
    convergence_file = models.FileField(upload_to=run_output_path, blank=True)
    workbook_file = models.FileField(upload_to=run_output_path, blank=True)
    archive_file = models.FileField(upload_to=run_output_path, blank=True)

    objects = RunQuerySet.as_manager()
    organization_path = "organization"

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The database itself refuses a second active run of one term.
            models.UniqueConstraint(
                fields=["term"], condition=models.Q(status__in=["queued", "running"]), name="one_active_run_per_term"
            )
        ]

    def __str__(self):
        return f"Run {self.pk} of {self.term}"

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    @property
    def has_result(self):
        return bool(self.schedule_file)


class ScheduledMeeting(models.Model):
    """One placed meeting of a class in a run's timetable (a row of schedule.json)."""

    run = models.ForeignKey(ScheduleRun, on_delete=models.CASCADE, related_name="meetings")
    class_id = models.CharField(max_length=300)
    meeting = models.PositiveSmallIntegerField()
    course = models.CharField(max_length=100)
    course_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20)
    groups = models.JSONField(default=list)
    instructor = models.CharField(max_length=100, blank=True)
    room = models.CharField(max_length=100)
    day = models.PositiveSmallIntegerField()
    period = models.PositiveSmallIntegerField()
    length = models.PositiveSmallIntegerField()

    organization_path = "run__organization"

    class Meta:
        ordering = ["run", "day", "period", "course"]
