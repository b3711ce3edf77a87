"""The timetabling data of one term.

Everything hangs off a Term, and a Term belongs to one organization: that is how every row
belongs to exactly one tenant. Slot lists (unavailable, preferred free) are stored as sorted
``[day, period]`` pairs, 0-based, exactly as in the problem document.
"""

from django.core.exceptions import ValidationError
from django.db import models

from accounts.models import Organization
from ga_runner.problem import DEFAULT_WEIGHTS


class TermQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(organization=organization)


class TermDataQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(term__organization=organization)


class Term(models.Model):
    """The unit that gets a timetable, e.g. "Autumn 2026"."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=200)
    day_names = models.JSONField(
        default=list, help_text="Teaching days in order, e.g. Sunday to Friday."
    )
    weights = models.JSONField(
        default=dict, blank=True,
        help_text="Soft-constraint weights that differ from the defaults, e.g. {\"idle_gaps\": 3}.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TermQuerySet.as_manager()
    organization_path = "organization"

    class Meta:
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="term_unique_name_per_organization")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not isinstance(self.day_names, list) or not self.day_names:
            raise ValidationError({"day_names": "A term needs at least one teaching day."})
        names = [str(name).strip() for name in self.day_names]
        if any(not name for name in names):
            raise ValidationError({"day_names": "Day names cannot be empty."})
        if len(set(names)) != len(names):
            raise ValidationError({"day_names": "Day names must be distinct."})
        self.day_names = names
        if not isinstance(self.weights, dict):
            raise ValidationError({"weights": "Weights are an object of constraint names to whole numbers."})
        for key, value in self.weights.items():
            if key not in DEFAULT_WEIGHTS:
                raise ValidationError({"weights": f"Unknown constraint {key!r}; known: {', '.join(DEFAULT_WEIGHTS)}."})
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValidationError({"weights": f"The weight of {key} must be a whole number ≥ 0, not {value!r}."})

    @property
    def day_count(self):
        return len(self.day_names)

    def period_count(self):
        return self.periods.count()


class Period(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="periods")
    index = models.PositiveSmallIntegerField(help_text="Position in the day, from 0.")
    name = models.CharField(max_length=50)
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    is_lunch_break = models.BooleanField(
        default=False, help_text="Part of the lunch window that groups wanting a break keep free."
    )

    objects = TermDataQuerySet.as_manager()
    organization_path = "term__organization"

    class Meta:
        ordering = ["term", "index"]
        constraints = [models.UniqueConstraint(fields=["term", "index"], name="period_unique_index_per_term")]

    def __str__(self):
        if self.start and self.end:
            return f"{self.name} ({self.start:%H:%M}–{self.end:%H:%M})"
        return self.name

    def clean(self):
        if (self.start is None) != (self.end is None):
            raise ValidationError("Give both the start and the end time of a period, or neither.")
        if self.start and self.end and self.start >= self.end:
            raise ValidationError({"end": f"The period must end after it starts ({self.start:%H:%M})."})


def validate_slots(slots, *, term, field):
    """Refuse a slot list that is not ``[[day, period], …]`` inside the term's week."""
    if not isinstance(slots, list):
        raise ValidationError({field: "Expected a list of [day, period] pairs."})
    days, periods = term.day_count, term.period_count()
    for slot in slots:
        if (
            not isinstance(slot, (list, tuple))
            or len(slot) != 2
            or not all(isinstance(value, int) and not isinstance(value, bool) for value in slot)
        ):
            raise ValidationError({field: f"{slot!r} is not a [day, period] pair."})
        day, period = slot
        if not (0 <= day < days and 0 <= period < periods):
            raise ValidationError(
                {field: f"Slot [{day}, {period}] is outside the week of {days} days × {periods} periods."}
            )


def normalize_slots(slots):
    return sorted({(int(day), int(period)) for day, period in slots})


class SlotsMixin:
    """Models with slot-list fields: validated against the term's week, stored sorted."""

    slot_fields = ()

    def clean_slots(self):
        for field in self.slot_fields:
            slots = getattr(self, field)
            validate_slots(slots, term=self.term, field=field)
            setattr(self, field, [list(slot) for slot in normalize_slots(slots)])


class RoomFeature(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="room_features")
    name = models.CharField(max_length=200)

    objects = TermDataQuerySet.as_manager()
    organization_path = "term__organization"

    class Meta:
        ordering = ["term", "name"]
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="room_feature_unique_per_term")]

    def __str__(self):
        return self.name


class Room(SlotsMixin, models.Model):
    slot_fields = ("unavailable",)

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="rooms")
    code = models.CharField(max_length=100, help_text="The room's identifier, e.g. A104.")
    name = models.CharField(max_length=200, blank=True)
    capacity = models.IntegerField()
    room_type = models.CharField(max_length=100, blank=True, help_text="e.g. Lecture, Practical.")
    features = models.ManyToManyField(RoomFeature, blank=True, related_name="rooms")
    unavailable = models.JSONField(default=list, blank=True)

    objects = TermDataQuerySet.as_manager()
    organization_path = "term__organization"

    class Meta:
        ordering = ["term", "code"]
        constraints = [models.UniqueConstraint(fields=["term", "code"], name="room_unique_code_per_term")]

    def __str__(self):
        return f"{self.code} {self.name}".strip() if self.name and self.name != self.code else self.code

    def clean(self):
        if self.capacity is not None and self.capacity < 0:
            raise ValidationError({"capacity": f"Capacity must be 0 or more, not {self.capacity}."})
        if self.term_id:
            self.clean_slots()


class Instructor(SlotsMixin, models.Model):
    slot_fields = ("unavailable", "preferred_free")

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="instructors")
    code = models.CharField(max_length=100)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    unavailable = models.JSONField(default=list, blank=True)
    preferred_free = models.JSONField(default=list, blank=True)

    objects = TermDataQuerySet.as_manager()
    organization_path = "term__organization"

    class Meta:
        ordering = ["term", "code"]
        constraints = [models.UniqueConstraint(fields=["term", "code"], name="instructor_unique_code_per_term")]

    def __str__(self):
        return self.name or self.code

    def clean(self):
        if self.term_id:
            self.clean_slots()


class Course(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="courses")
    code = models.CharField(max_length=100)
    name = models.CharField(max_length=200, blank=True)

    objects = TermDataQuerySet.as_manager()
    organization_path = "term__organization"

    class Meta:
        ordering = ["term", "code"]
        constraints = [models.UniqueConstraint(fields=["term", "code"], name="course_unique_code_per_term")]

    def __str__(self):
        return f"{self.code} {self.name}".strip() if self.name and self.name != self.code else self.code


class StudentGroup(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(max_length=100)
    name = models.CharField(max_length=200, blank=True)
    size = models.IntegerField(default=0)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="subgroups",
        help_text="The cohort this subgroup belongs to. A class of either blocks the other.",
    )
    wants_lunch_break = models.BooleanField(default=False)
    courses = models.ManyToManyField(
        Course, blank=True, related_name="groups", help_text="Courses attended; subgroups inherit them."
    )

    objects = TermDataQuerySet.as_manager()
    organization_path = "term__organization"

    class Meta:
        ordering = ["term", "code"]
        constraints = [models.UniqueConstraint(fields=["term", "code"], name="group_unique_code_per_term")]

    def __str__(self):
        return self.code

    def clean(self):
        if self.size is not None and self.size < 0:
            raise ValidationError({"size": f"Size must be 0 or more, not {self.size}."})
        if self.parent_id is None:
            return
        if self.parent.term_id != self.term_id:
            raise ValidationError({"parent": "The parent group must belong to the same term."})
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": f"{self.parent} is a subgroup of {self}: groups cannot form a cycle."})
            ancestor = ancestor.parent


class ClassKind(models.TextChoices):
    LECTURE = "lecture", "Lecture"
    TUTORIAL = "tutorial", "Tutorial"
    PRACTICAL = "practical", "Practical"


class Grouping(models.TextChoices):
    TOGETHER = "together", "All attending groups together"
    PER_GROUP = "per_group", "Each attending group separately"
    PER_SUBGROUP = "per_subgroup", "Each subgroup separately"


class CourseComponent(SlotsMixin, models.Model):
    """A kind of class of a course (its lectures, its practicals…) and how it is taught."""

    slot_fields = ("unavailable",)

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(max_length=20, choices=ClassKind.choices, default=ClassKind.LECTURE)
    periods_per_week = models.PositiveSmallIntegerField(default=1)
    block_length = models.PositiveSmallIntegerField(
        default=1, help_text="Consecutive periods of one meeting, e.g. 3 for a three-period lab."
    )
    grouping = models.CharField(max_length=20, choices=Grouping.choices, default=Grouping.TOGETHER)
    room_type = models.CharField(max_length=100, blank=True, help_text="Blank: any room.")
    required_features = models.ManyToManyField(RoomFeature, blank=True, related_name="components")
    fixed_instructor = models.ForeignKey(
        Instructor, null=True, blank=True, on_delete=models.SET_NULL, related_name="fixed_components",
        help_text="Leave blank to let the timetable choose among the qualified instructors.",
    )
    qualified_instructors = models.ManyToManyField(Instructor, blank=True, related_name="qualifications")
    min_working_days = models.PositiveSmallIntegerField(default=0)
    expected_students = models.PositiveIntegerField(
        null=True, blank=True, help_text="Blank: the size of the groups attending each class."
    )
    unavailable = models.JSONField(default=list, blank=True)

    organization_path = "course__term__organization"

    class Meta:
        ordering = ["course", "kind"]
        constraints = [models.UniqueConstraint(fields=["course", "kind"], name="component_unique_kind_per_course")]

    def __str__(self):
        return f"{self.course.code} {self.get_kind_display().lower()}"

    @property
    def term(self):
        return self.course.term

    @property
    def meetings(self):
        return self.periods_per_week // self.block_length if self.block_length else 0

    def clean(self):
        errors = {}
        term = self.course.term
        days, periods = term.day_count, term.period_count()
        if self.block_length < 1:
            errors["block_length"] = "A meeting lasts at least one period."
        elif self.block_length > periods:
            errors["block_length"] = f"A block of {self.block_length} periods is longer than the term's day of {periods} periods."
        if self.periods_per_week < 1:
            errors["periods_per_week"] = "A class meets at least one period a week."
        elif self.periods_per_week > days * periods:
            errors["periods_per_week"] = f"{self.periods_per_week} periods a week is more than the term's week of {days * periods} periods."
        elif self.block_length >= 1 and self.periods_per_week % self.block_length:
            errors["periods_per_week"] = f"{self.periods_per_week} periods a week cannot be split into blocks of {self.block_length}."
        if self.min_working_days > days:
            errors["min_working_days"] = f"{self.min_working_days} working days is more than the term's {days} days."
        if self.fixed_instructor_id and self.fixed_instructor.term_id != term.pk:
            errors["fixed_instructor"] = "The instructor must belong to the same term."
        if errors:
            raise ValidationError(errors)
        self.clean_slots()
