"""Reads of timetabling data, always scoped to an organization."""

from collections import defaultdict

from ga_runner import PROBLEM_FORMAT
from ga_runner.problem import DEFAULT_WEIGHTS, validate_problem
from timetabling.models import (
    Course,
    CourseComponent,
    Grouping,
    Instructor,
    Room,
    StudentGroup,
    Term,
)


def term_list(*, organization):
    return Term.objects.for_organization(organization)


def term_get(*, organization, term_id):
    """The organization's term, or Term.DoesNotExist exactly as if it did not exist."""
    return Term.objects.for_organization(organization).get(pk=term_id)


def _time(value):
    return value.strftime("%H:%M") if value else None


def _slots(slots):
    return [list(slot) for slot in slots]


def _class_groups(component, attending):
    """The group lists of the classes a component is taught as, one list per class."""
    if component.grouping == Grouping.TOGETHER:
        return [attending]
    if component.grouping == Grouping.PER_GROUP:
        return [[group] for group in attending]
    return [[sub] for group in attending for sub in (sorted(group.subgroups.all(), key=lambda g: g.code) or [group])]


def term_problem_document(*, term):
    """The term as a ``timetable-problem/1`` document, the engine's input."""
    periods = list(term.periods.order_by("index"))
    rooms = list(Room.objects.filter(term=term).prefetch_related("features").order_by("code"))
    instructors = list(Instructor.objects.filter(term=term).order_by("code"))
    groups = list(StudentGroup.objects.filter(term=term).select_related("parent").prefetch_related("subgroups").order_by("code"))
    courses = list(Course.objects.filter(term=term).prefetch_related("groups").order_by("code"))
    components = (
        CourseComponent.objects.filter(course__term=term)
        .select_related("course", "fixed_instructor")
        .prefetch_related("required_features", "qualified_instructors", "course__groups__subgroups")
        .order_by("course__code", "kind")
    )

    classes = []
    for component in components:
        attending = sorted(component.course.groups.all(), key=lambda g: g.code)
        if component.fixed_instructor:
            eligible = [component.fixed_instructor.code]
        else:
            eligible = sorted(instructor.code for instructor in component.qualified_instructors.all())
        for class_groups in _class_groups(component, attending):
            suffix = "+".join(group.code for group in class_groups) if component.grouping != Grouping.TOGETHER else ""
            class_id = "/".join(part for part in (component.course.code, component.kind, suffix) if part)
            students = component.expected_students
            if students is None:
                students = sum(group.size for group in class_groups)
            classes.append(
                {
                    "id": class_id,
                    "course": component.course.code,
                    "kind": component.kind,
                    "groups": [group.code for group in class_groups],
                    "periods_per_week": component.periods_per_week,
                    "block_length": component.block_length,
                    "room_type": component.room_type or None,
                    "room_features": sorted(feature.name for feature in component.required_features.all()),
                    "instructors": eligible,
                    "min_working_days": component.min_working_days,
                    "students": students,
                    "unavailable": _slots(component.unavailable),
                }
            )

    return {
        "format": PROBLEM_FORMAT,
        "name": term.name,
        "days": list(term.day_names),
        "periods": [{"name": p.name, "start": _time(p.start), "end": _time(p.end)} for p in periods],
        "lunch_break": [p.index for p in periods if p.is_lunch_break],
        "weights": dict(DEFAULT_WEIGHTS, **term.weights),
        "rooms": [
            {
                "id": room.code,
                "name": room.name,
                "capacity": room.capacity,
                "type": room.room_type or None,
                "features": sorted(feature.name for feature in room.features.all()),
                "unavailable": _slots(room.unavailable),
            }
            for room in rooms
        ],
        "instructors": [
            {
                "id": instructor.code,
                "name": instructor.name,
                "email": instructor.email,
                "unavailable": _slots(instructor.unavailable),
                "preferred_free": _slots(instructor.preferred_free),
            }
            for instructor in instructors
        ],
        "groups": [
            {
                "id": group.code,
                "name": group.name,
                "size": group.size,
                "parent": group.parent.code if group.parent else None,
                "wants_lunch_break": group.wants_lunch_break,
            }
            for group in groups
        ],
        "courses": [{"id": course.code, "name": course.name} for course in courses],
        "classes": classes,
    }


def term_warnings(*, term):
    """Problems that only show across objects, in words a planner can act on."""
    document = term_problem_document(term=term)
    warnings = [f"{error['path']}: {error['message']}" for error in validate_problem(document)]

    rooms_by_type = defaultdict(list)
    for room in document["rooms"]:
        rooms_by_type[room["type"]].append(room)
    instructors = {instructor["id"]: instructor for instructor in document["instructors"]}
    week = len(document["days"]) * len(document["periods"])
    busy_periods = defaultdict(int)

    for item in document["classes"]:
        if not item["instructors"]:
            warnings.append(f"{item['id']}: no qualified instructor.")
        elif all(len(instructors[code]["unavailable"]) >= week for code in item["instructors"]):
            warnings.append(f"{item['id']}: every qualified instructor is unavailable all week.")
        candidates = [room for room in document["rooms"] if item["room_type"] in (None, room["type"])]
        fitting = [room for room in candidates if set(item["room_features"]) <= set(room["features"])]
        if candidates and not fitting:
            warnings.append(
                f"{item['id']}: no {item['room_type'] or ''} room has {', '.join(item['room_features'])}.".replace("  ", " ")
            )
        elif fitting and max(room["capacity"] for room in fitting) < item["students"]:
            warnings.append(
                f"{item['id']}: {item['students']} students, but the largest suitable room seats "
                f"{max(room['capacity'] for room in fitting)}."
            )
        for group in item["groups"]:
            busy_periods[group] += item["periods_per_week"]

    for group, periods in sorted(busy_periods.items()):
        if periods > week:
            warnings.append(f"Group {group}: {periods} periods of classes a week, but the week has {week}.")
    return warnings
