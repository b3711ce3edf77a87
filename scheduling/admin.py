import json

from django.contrib import admin, messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from accounts.admin_scoping import OrganizationScopingMixin, organization_filter
from scheduling import selectors, services
from scheduling.grids import timetable_grids
from scheduling.models import RUN_OUTPUTS, ScheduleRun
from timetabling.models import Term



def submit_from_admin(request, term):
    """Start a run of ``term`` for the admin user; refusals become messages on the page."""
    try:
        run = services.run_submit(term=term, user=request.user)
    except services.RunRefused as refused:
        for message in refused.messages:
            messages.error(request, f"{term.name}: {message}")
        return None
    messages.success(request, f"Generating the timetable of {term.name} (run {run.pk}).")
    return run


@admin.register(ScheduleRun)
class ScheduleRunAdmin(OrganizationScopingMixin, admin.ModelAdmin):
    list_display = ["id", "term", "status", "progress_bar", "best_hard", "best_soft", "created_by", "created_at"]
    list_filter = ["status", "term"]
    search_fields = ["term__name"]
    change_form_template = "admin/scheduling/schedulerun/change_form.html"
    fields = ["term", "status", "created_by", "pop_size", "generations", "time_limit", "seed", "max_seconds",
              "created_at", "started_at", "finished_at", "engine_status", "problem_sha256", "celery_task_id"]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        # Nothing on a run is edited by hand; the page is read-only with its own buttons.
        return False

    @admin.display(description="progress")
    def progress_bar(self, run):
        return format_html('<progress max="100" value="{}"></progress> {}%', run.progress, round(run.progress))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("generate/<int:term_id>/", view(require_POST(self.generate_view)), name="scheduling_schedulerun_generate"),
            path("<int:run_id>/status.json", view(self.status_view), name="scheduling_schedulerun_status"),
            path("<int:run_id>/cancel/", view(require_POST(self.cancel_view)), name="scheduling_schedulerun_cancel"),
            path("<int:run_id>/download/<str:kind>/", view(self.download_view), name="scheduling_schedulerun_download"),
        ] + super().get_urls()

    def _run(self, request, run_id):
        try:
            return self.get_queryset(request).get(pk=run_id)
        except ScheduleRun.DoesNotExist:
            raise Http404("No such run.")

    def generate_view(self, request, term_id):
        term = Term.objects.filter(**organization_filter(request.user, Term), pk=term_id).first()
        if term is None:
            raise Http404("No such term.")
        if not request.user.can_edit:
            messages.error(request, "Viewers cannot generate timetables.")
            return redirect("admin:timetabling_term_change", term.pk)
        run = submit_from_admin(request, term)
        if run is None:
            return redirect("admin:timetabling_term_change", term.pk)
        return redirect("admin:scheduling_schedulerun_change", run.pk)

    def status_view(self, request, run_id):
        return JsonResponse(selectors.run_status(run=self._run(request, run_id)))

    def cancel_view(self, request, run_id):
        run = self._run(request, run_id)
        if not request.user.can_edit:
            messages.error(request, "Viewers cannot cancel runs.")
        elif run.is_active:
            services.run_cancel(run=run)
            messages.info(request, f"Run {run.pk} is being cancelled; the best timetable so far will be kept.")
        return redirect("admin:scheduling_schedulerun_change", run.pk)

    def download_view(self, request, run_id, kind):
        run = self._run(request, run_id)
        if kind not in RUN_OUTPUTS:
            raise Http404(f"Unknown download {kind!r}; one of {', '.join(RUN_OUTPUTS)}.")
        field, content_type = RUN_OUTPUTS[kind]
        stored = getattr(run, field)
        if not stored:
            raise Http404("This run has no such file (yet).")
        return FileResponse(stored.open("rb"), content_type=content_type, as_attachment=kind != "convergence",
                            filename=stored.name.rsplit("/", 1)[-1])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        extra_context = dict(extra_context or {})
        if run is not None:
            extra_context.update(
                run=run,
                status_url=reverse("admin:scheduling_schedulerun_status", args=[run.pk]),
                cancel_url=reverse("admin:scheduling_schedulerun_cancel", args=[run.pk]),
                downloads={kind: reverse("admin:scheduling_schedulerun_download", args=[run.pk, kind])
                           for kind, (field, _) in RUN_OUTPUTS.items() if getattr(run, field)},
                can_cancel=run.is_active and request.user.can_edit,
                grids=self._grids(run),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _grids(self, run):
        if not run.schedule_file:
            return None
        with run.schedule_file.open("rb") as handle:
            return timetable_grids(run.problem, json.load(handle))
