import json

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from accounts.admin_scoping import OrganizationScopingMixin, organization_filter
from scheduling.admin import submit_from_admin
from timetabling import selectors, services, spreadsheets
from timetabling.forms import (
    ImportCttForm,
    ImportFourFilesForm,
    ImportProblemForm,
    ImportSpreadsheetForm,
    TermForm,
    TermScopedForm,
)
from timetabling.models import (
    Course,
    CourseComponent,
    Instructor,
    Period,
    Room,
    RoomFeature,
    StudentGroup,
    Term,
)


class ScopedAdmin(OrganizationScopingMixin, admin.ModelAdmin):
    pass


def _form_for_term(form, term):
    """The admin builds forms itself; this hands them the term whose week they edit."""
    return type(form.__name__, (form,), {"term_for_form": term})


class TermDataAdmin(ScopedAdmin):
    """Admin of rows that belong to a term: term chosen on add (``?term=ID``), grids after."""

    autocomplete_fields = ["term"]
    list_filter = ["term"]

    def _term(self, request, obj):
        if obj is not None:
            return obj.term
        term_id = request.POST.get("term") or request.GET.get("term")
        if not term_id or not str(term_id).isdigit():
            return None
        return Term.objects.filter(**organization_filter(request.user, Term), pk=term_id).first()

    def get_form(self, request, obj=None, **kwargs):
        return _form_for_term(super().get_form(request, obj, **kwargs), self._term(request, obj))

    def get_list_filter(self, request):
        return self.list_filter

    def lookup_allowed(self, lookup, value, request=None):
        return lookup.startswith("term") or super().lookup_allowed(lookup, value, request)


class RoomForm(TermScopedForm):
    slot_fields = ("unavailable",)
    term_scoped_fields = ("features",)


@admin.register(Room)
class RoomAdmin(TermDataAdmin):
    form = RoomForm
    list_display = ["code", "name", "capacity", "room_type", "term"]
    list_filter = ["term", "room_type", "features"]
    search_fields = ["code", "name", "room_type"]
    filter_horizontal = ["features"]


@admin.register(RoomFeature)
class RoomFeatureAdmin(TermDataAdmin):
    form = TermScopedForm
    list_display = ["name", "term"]
    search_fields = ["name"]


class InstructorForm(TermScopedForm):
    slot_fields = ("unavailable", "preferred_free")


class QualificationInline(OrganizationScopingMixin, admin.TabularInline):
    model = CourseComponent.qualified_instructors.through
    autocomplete_fields = ["coursecomponent"]
    extra = 0
    verbose_name = "qualification"
    verbose_name_plural = "qualified to teach"

    def get_queryset(self, request):
        # The through model has no organization path of its own: scope through the instructor.
        qs = super(OrganizationScopingMixin, self).get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(instructor__term__organization=request.user.organization_id)


@admin.register(Instructor)
class InstructorAdmin(TermDataAdmin):
    form = InstructorForm
    list_display = ["code", "name", "email", "term"]
    search_fields = ["code", "name", "email"]
    inlines = [QualificationInline]


class StudentGroupForm(TermScopedForm):
    term_scoped_fields = ("parent", "courses")


class SubgroupInline(OrganizationScopingMixin, admin.TabularInline):
    model = StudentGroup
    fk_name = "parent"
    fields = ["code", "name", "size", "wants_lunch_break"]
    extra = 0
    verbose_name_plural = "subgroups"


@admin.register(StudentGroup)
class StudentGroupAdmin(TermDataAdmin):
    form = StudentGroupForm
    list_display = ["code", "name", "size", "parent", "wants_lunch_break", "term"]
    list_filter = ["term", "wants_lunch_break"]
    search_fields = ["code", "name"]
    filter_horizontal = ["courses"]
    inlines = [SubgroupInline]

    def save_formset(self, request, form, formset, change):
        for subgroup in formset.save(commit=False):
            subgroup.term = form.instance.term
            subgroup.save()
        for subgroup in formset.deleted_objects:
            subgroup.delete()


class CourseComponentForm(TermScopedForm):
    slot_fields = ("unavailable",)
    term_scoped_fields = ("fixed_instructor", "qualified_instructors", "required_features")


class CourseComponentInline(OrganizationScopingMixin, admin.StackedInline):
    model = CourseComponent
    form = CourseComponentForm
    extra = 0
    filter_horizontal = ["qualified_instructors", "required_features"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _form_for_term(formset.form, obj.term if obj else None)
        return formset


@admin.register(Course)
class CourseAdmin(TermDataAdmin):
    form = TermScopedForm
    list_display = ["code", "name", "kinds", "term"]
    search_fields = ["code", "name"]
    inlines = [CourseComponentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("components")

    @admin.display(description="kinds of class")
    def kinds(self, course):
        return ", ".join(f"{c.get_kind_display()} {c.periods_per_week}" for c in course.components.all())


@admin.register(CourseComponent)
class CourseComponentAdmin(ScopedAdmin):
    """Listed for search and autocomplete (qualifications); edited inline in its course."""

    form = CourseComponentForm
    list_display = ["__str__", "periods_per_week", "block_length", "grouping", "room_type"]
    list_filter = ["kind", "grouping", "course__term"]
    search_fields = ["course__code", "course__name", "kind"]
    filter_horizontal = ["qualified_instructors", "required_features"]

    def get_form(self, request, obj=None, **kwargs):
        return _form_for_term(super().get_form(request, obj, **kwargs), obj.term if obj else None)

    def has_add_permission(self, request, *args):
        return False


class PeriodInline(OrganizationScopingMixin, admin.TabularInline):
    model = Period
    fields = ["index", "name", "start", "end", "is_lunch_break"]
    extra = 0


@admin.register(Term)
class TermAdmin(ScopedAdmin):
    form = TermForm
    list_display = ["name", "organization", "days", "period_total", "updated_at"]
    search_fields = ["name"]
    inlines = [PeriodInline]
    readonly_fields = ["data_summary", "warnings"]
    actions = ["generate_timetables", "export_problem_documents"]

    def get_fields(self, request, obj=None):
        fields = ["name", "day_names", "weights"]
        return fields + ["data_summary", "warnings"] if obj else fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.organization = request.user.organization
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser and obj is None:
            form.base_fields["name"].help_text = "Superusers create terms for an organization by importing them."
        return form

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request) and request.user.organization_id is not None

    @admin.display(description="days")
    def days(self, term):
        return ", ".join(term.day_names)

    @admin.display(description="periods a day")
    def period_total(self, term):
        return term.periods.count()

    @admin.display(description="data")
    def data_summary(self, term):
        links = [
            (reverse(f"admin:timetabling_{model._meta.model_name}_changelist") + f"?term__id__exact={term.pk}",
             model.objects.filter(term=term).count(), model._meta.verbose_name_plural)
            for model in (Room, Instructor, StudentGroup, Course)
        ]
        return format_html_join(" · ", '<a href="{}">{} {}</a>', links)

    @admin.display(description="warnings")
    def warnings(self, term):
        found = selectors.term_warnings(term=term)
        if not found:
            return "None: the engine will accept this term."
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in found)))

    @admin.action(description="Generate timetables")
    def generate_timetables(self, request, queryset):
        if not request.user.can_edit:
            self.message_user(request, "Viewers cannot generate timetables.", messages.ERROR)
            return
        for term in queryset:
            submit_from_admin(request, term)

    @admin.action(description="Export the problem documents (JSON)")
    def export_problem_documents(self, request, queryset):
        documents = [selectors.term_problem_document(term=term) for term in queryset]
        body = documents[0] if len(documents) == 1 else documents
        response = HttpResponse(json.dumps(body, indent=1), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="problem.json"'
        return response

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/problem/", view(self.import_problem_view), name="timetabling_term_import_problem"),
            path("import/ctt/", view(self.import_ctt_view), name="timetabling_term_import_ctt"),
            path("import/four-files/", view(self.import_four_files_view), name="timetabling_term_import_four_files"),
            path("<int:term_id>/problem.json", view(self.problem_view), name="timetabling_term_problem"),
            path("<int:term_id>/data.xlsx", view(self.spreadsheet_view), name="timetabling_term_spreadsheet"),
            path("import/spreadsheet/", view(self.import_spreadsheet_view), name="timetabling_term_import_spreadsheet"),
        ] + super().get_urls()

    def _scoped_term(self, request, term_id):
        try:
            return selectors.term_get(organization=request.user.organization, term_id=term_id) \
                if not request.user.is_superuser else Term.objects.get(pk=term_id)
        except Term.DoesNotExist:
            raise Http404("No such term.")

    def problem_view(self, request, term_id):
        term = self._scoped_term(request, term_id)
        response = HttpResponse(json.dumps(selectors.term_problem_document(term=term), indent=1),
                                content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{term.name}.json"'
        return response

    def spreadsheet_view(self, request, term_id):
        term = self._scoped_term(request, term_id)
        response = HttpResponse(spreadsheets.term_workbook_bytes(term=term),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{term.name}.xlsx"'
        return response

    def _import_view(self, request, form_class, title, importer):
        if not self.has_add_permission(request):
            raise Http404("Only planners and owners of an organization import terms.")
        form = form_class(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                term = importer(form.cleaned_data)
            except services.TermImportError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"Imported {term.name}.")
                return redirect("admin:timetabling_term_change", term.pk)
        context = dict(self.admin_site.each_context(request), title=title, form=form, opts=self.model._meta)
        return TemplateResponse(request, "admin/timetabling/term/import.html", context)

    def import_problem_view(self, request):
        return self._import_view(request, ImportProblemForm, "Import a problem document", lambda data: services.term_import_problem(
            organization=request.user.organization, document=data["file"], name=data["name"] or None))

    def import_ctt_view(self, request):
        return self._import_view(request, ImportCttForm, "Import an ITC-2007 instance", lambda data: services.term_import_ctt(
            organization=request.user.organization, text=data["file"], name=data["name"] or None))

    def import_four_files_view(self, request):
        return self._import_view(request, ImportFourFilesForm, "Import four-file JSON data", lambda data: services.term_import_four_files(
            organization=request.user.organization, courses=data["courses"], groups=data["groups"],
            instructors=data["instructors"], rooms=data["rooms"], name=data["name"]))

    def import_spreadsheet_view(self, request):
        return self._import_view(request, ImportSpreadsheetForm, "Import a data spreadsheet", lambda data: spreadsheets.term_import_workbook(
            organization=request.user.organization, data=data["file"], name=data["name"] or None))
