"""Writes of timetabling data. Each service is one transaction: a bad file imports nothing."""

from collections import defaultdict
from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction

from ga_runner.formats import FormatError
from ga_runner.formats.ctt import ctt_to_problem
from ga_runner.formats.four_files import four_files_to_problem
from ga_runner.problem import DEFAULT_WEIGHTS, validate_problem
from timetabling.models import (
    ClassKind,
    Course,
    CourseComponent,
    Grouping,
    Instructor,
    Period,
    Room,
    RoomFeature,
    StudentGroup,
    Term,
)


class TermImportError(ValidationError):
    """A document that cannot become a term; ``messages`` lists every reason."""


def _format_error_messages(error):
    """A converter's errors as lines that name where each problem is."""
    return [
        f"line {e['line']}: {e['message']}" if "line" in e else f"{e.get('path', '')}: {e['message']}"
        for e in error.errors
    ]


def _time(text):
    return time.fromisoformat(text) if text else None


def _component_grouping(classes, groups_by_code):
    """How a (course, kind)'s classes are taught, and the groups that attend the course.

    The inverse of the export: one class for several groups is "together"; one class per
    subgroup covering every subgroup of its parents is "per subgroup" (the parents attend);
    otherwise one class per group.
    """
    if len(classes) == 1 and len(classes[0]["groups"]) != 1:
        return Grouping.TOGETHER, list(classes[0]["groups"])
    if any(len(item["groups"]) != 1 for item in classes):
        raise ValueError("mixes classes of one group with classes of several groups")
    codes = [item["groups"][0] for item in classes]
    parents = {groups_by_code[code]["parent"] for code in codes}
    if None not in parents and len(classes) > 1:
        children = defaultdict(set)
        for group in groups_by_code.values():
            children[group["parent"]].add(group["id"])
        if set(codes) == set().union(*(children[parent] for parent in parents)):
            return Grouping.PER_SUBGROUP, sorted(parents)
    return Grouping.PER_GROUP, codes


def _components_from_classes(document):
    """Group the document's classes into course components, or list why they cannot be."""
    groups_by_code = {group["id"]: group for group in document["groups"]}
    by_component = defaultdict(list)
    for item in document["classes"]:
        by_component[(item["course"], item["kind"])].append(item)

    shared_fields = ("periods_per_week", "block_length", "room_type", "room_features", "instructors",
                     "min_working_days", "unavailable")
    components, attendance, errors = [], defaultdict(set), []
    for (course, kind), classes in by_component.items():
        first = classes[0]
        differing = [f for f in shared_fields if any(item[f] != first[f] for item in classes[1:])]
        if differing:
            errors.append(f"classes of {course} {kind}: differ in {', '.join(differing)}; one course kind is taught one way.")
            continue
        if kind not in ClassKind.values:
            errors.append(f"classes of {course}: unknown kind {kind!r} (lecture, tutorial or practical).")
            continue
        try:
            grouping, attending = _component_grouping(classes, groups_by_code)
        except ValueError as exc:
            errors.append(f"classes of {course} {kind}: {exc}.")
            continue
        default_students = [sum(groups_by_code[g]["size"] for g in item["groups"]) for item in classes]
        students = [item["students"] for item in classes]
        expected = None
        if students != default_students:
            if len(set(students)) > 1:
                errors.append(f"classes of {course} {kind}: different head counts {students} that are not their groups' sizes.")
                continue
            expected = students[0]
        components.append(dict(first, grouping=grouping, expected_students=expected))
        attendance[course].add(tuple(sorted(attending)))

    for course, sets in attendance.items():
        if len(sets) > 1:
            errors.append(f"course {course}: its kinds are attended by different groups {sorted(sets)}.")
    return components, {course: next(iter(sets)) for course, sets in attendance.items()}, errors


@transaction.atomic
def term_import_problem(*, organization, document, name=None):
    """Create a term from a ``timetable-problem/1`` document (see docs/problem-format.md)."""
    problems = validate_problem(document)
    if problems:
        raise TermImportError([f"{p['path']}: {p['message']}" for p in problems])
    components, attendance, errors = _components_from_classes(document)
    if errors:
        raise TermImportError(errors)

    term_name = name or document.get("name") or "Imported term"
    if Term.objects.for_organization(organization).filter(name=term_name).exists():
        raise TermImportError([f"name: the organization already has a term called {term_name!r}."])
    weights = {k: v for k, v in document.get("weights", {}).items() if DEFAULT_WEIGHTS.get(k) != v}
    term = Term(organization=organization, name=term_name, day_names=list(document["days"]), weights=weights)
    term.full_clean()
    term.save()

    lunch = set(document.get("lunch_break", []))
    Period.objects.bulk_create(
        Period(term=term, index=index, name=p["name"], start=_time(p.get("start")), end=_time(p.get("end")),
               is_lunch_break=index in lunch)
        for index, p in enumerate(document["periods"])
    )
    feature_names = {f for room in document["rooms"] for f in room["features"]}
    feature_names |= {f for item in document["classes"] for f in item["room_features"]}
    features = {f.name: f for f in RoomFeature.objects.bulk_create(RoomFeature(term=term, name=n) for n in sorted(feature_names))}

    rooms = Room.objects.bulk_create(
        Room(term=term, code=r["id"], name=r.get("name") or "", capacity=r["capacity"], room_type=r.get("type") or "",
             unavailable=r.get("unavailable", []))
        for r in document["rooms"]
    )
    Room.features.through.objects.bulk_create(
        Room.features.through(room=room, roomfeature=features[name])
        for room, data in zip(rooms, document["rooms"]) for name in data["features"]
    )
    instructors = {
        i.code: i
        for i in Instructor.objects.bulk_create(
            Instructor(term=term, code=i["id"], name=i.get("name") or "", email=i.get("email") or "",
                       unavailable=i.get("unavailable", []), preferred_free=i.get("preferred_free", []))
            for i in document["instructors"]
        )
    }
    groups = {
        g.code: g
        for g in StudentGroup.objects.bulk_create(
            StudentGroup(term=term, code=g["id"], name=g.get("name") or "", size=g["size"],
                         wants_lunch_break=g.get("wants_lunch_break", False))
            for g in document["groups"]
        )
    }
    for data in document["groups"]:
        if data.get("parent"):
            groups[data["id"]].parent = groups[data["parent"]]
    StudentGroup.objects.bulk_update([g for g in groups.values() if g.parent_id], ["parent"])

    courses = {
        c.code: c
        for c in Course.objects.bulk_create(Course(term=term, code=c["id"], name=c.get("name") or "") for c in document["courses"])
    }
    StudentGroup.courses.through.objects.bulk_create(
        StudentGroup.courses.through(studentgroup=groups[code], course=courses[course])
        for course, codes in attendance.items() for code in codes
    )
    for data in components:
        fixed = instructors[data["instructors"][0]] if len(data["instructors"]) == 1 else None
        component = CourseComponent.objects.create(
            course=courses[data["course"]], kind=data["kind"], periods_per_week=data["periods_per_week"],
            block_length=data["block_length"], grouping=data["grouping"], room_type=data["room_type"] or "",
            fixed_instructor=fixed, min_working_days=data["min_working_days"],
            expected_students=data["expected_students"], unavailable=data["unavailable"],
        )
        component.required_features.set([features[name] for name in data["room_features"]])
        if fixed is None:
            component.qualified_instructors.set([instructors[code] for code in data["instructors"]])
    return term


def term_import_ctt(*, organization, text, name=None):
    """An ITC-2007 ``.ctt`` instance as a term: curricula become groups, teachers instructors."""
    try:
        document = ctt_to_problem(text, name=name)
    except FormatError as exc:
        raise TermImportError(_format_error_messages(exc)) from exc
    return term_import_problem(organization=organization, document=document, name=name)


def term_import_four_files(*, organization, courses, groups, instructors, rooms, name):
    """A term from the four-file JSON format (Course, Groups, Instructors, Rooms)."""
    try:
        document = four_files_to_problem(courses, groups, instructors, rooms, name=name)
    except FormatError as exc:
        raise TermImportError(_format_error_messages(exc)) from exc
    return term_import_problem(organization=organization, document=document, name=name)
