"""Writes of timetabling data. Each service is one transaction: a bad file imports nothing."""

from collections import defaultdict
from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction

from config.fields import NUL_MESSAGE, nul_paths

from ga_runner.formats import FormatError
from ga_runner.formats.ctt import ctt_to_problem
from ga_runner.formats.four_files import four_files_to_problem
from ga_runner.problem import DEFAULT_WEIGHTS, ProblemInvalid, normalize_problem
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


def _json_path(location):
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in location).lstrip(".")


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
    hidden = nul_paths(document)
    if hidden:
        raise TermImportError([f"{_json_path(path) or 'document'}: {NUL_MESSAGE}" for path in hidden])
    try:
        document = normalize_problem(document)
    except ProblemInvalid as invalid:
        raise TermImportError([f"{p['path']}: {p['message']}" for p in invalid.errors])
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


class TermDataInvalid(Exception):
    """Data that cannot be saved; ``errors`` lists each problem as {"path", "message"}."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{e['path']}: {e['message']}" for e in errors))
        self.errors = errors


def _model_errors(exc, prefix):
    return [
        {"path": f"{prefix}.{field}" if field != "__all__" else prefix, "message": message}
        for field, messages in exc.message_dict.items() for message in messages
    ]


def _checked_save(obj, prefix, errors):
    try:
        obj.full_clean()
    except ValidationError as exc:
        errors.extend(_model_errors(exc, prefix))
        return False
    obj.save()
    return True


def _lookup(codes, known, prefix, what, errors):
    """The objects named by ``codes``; an unknown code is an error at its index."""
    found = []
    for index, code in enumerate(codes):
        if code in known:
            found.append(known[code])
        else:
            errors.append({"path": f"{prefix}[{index}]", "message": f"unknown {what} {code!r}"})
    return found


def _raise_if(errors):
    if errors:
        raise TermDataInvalid(errors)


def _periods_replace(term, periods, prefix, errors):
    term.periods.all().delete()
    for index, data in enumerate(periods):
        _checked_save(Period(term=term, index=index, **data), f"{prefix}[{index}]", errors)


@transaction.atomic
def term_create(*, organization, data, prefix="body"):
    errors = []
    if Term.objects.for_organization(organization).filter(name=data["name"]).exists():
        raise TermDataInvalid([{"path": f"{prefix}.name", "message": f"a term called {data['name']!r} already exists"}])
    term = Term(organization=organization, name=data["name"], day_names=data["day_names"], weights=data.get("weights") or {})
    if _checked_save(term, prefix, errors):
        _periods_replace(term, data["periods"], f"{prefix}.periods", errors)
    _raise_if(errors)
    return term


@transaction.atomic
def term_update(*, term, data, prefix="body"):
    """Replace a term's name, days, periods and weights; every slot of its data must still fit."""
    errors = []
    if Term.objects.for_organization(term.organization).filter(name=data["name"]).exclude(pk=term.pk).exists():
        raise TermDataInvalid([{"path": f"{prefix}.name", "message": f"a term called {data['name']!r} already exists"}])
    term.name, term.day_names, term.weights = data["name"], data["day_names"], data.get("weights") or {}
    if _checked_save(term, prefix, errors):
        _periods_replace(term, data["periods"], f"{prefix}.periods", errors)
    _raise_if(errors)
    for model, label in ((Room, "rooms"), (Instructor, "instructors")):
        for obj in model.objects.filter(term=term):
            _checked_save(obj, f"{label}[{obj.code}]", errors)
    for component in CourseComponent.objects.filter(course__term=term).select_related("course"):
        _checked_save(component, f"courses[{component.course.code}].{component.kind}", errors)
    _raise_if(errors)
    return term


def _features(term, names):
    return [RoomFeature.objects.get_or_create(term=term, name=name)[0] for name in names]


def _filled(instance, data, fields):
    """The instance with each of `fields` set from data."""
    for field in fields:
        setattr(instance, field, data[field])
    return instance


@transaction.atomic
def room_save(*, term, data, room=None, prefix="body"):
    errors = []
    room = _filled(room or Room(term=term), data, ("code", "name", "capacity", "room_type", "unavailable"))
    if _checked_save(room, prefix, errors):
        room.features.set(_features(term, data["features"]))
    _raise_if(errors)
    return room


@transaction.atomic
def instructor_save(*, term, data, instructor=None, prefix="body"):
    errors = []
    instructor = _filled(instructor or Instructor(term=term), data,
                         ("code", "name", "email", "unavailable", "preferred_free"))
    _checked_save(instructor, prefix, errors)
    _raise_if(errors)
    return instructor


@transaction.atomic
def group_save(*, term, data, group=None, prefix="body"):
    errors = []
    group = _filled(group or StudentGroup(term=term), data, ("code", "name", "size", "wants_lunch_break"))
    group.parent = None
    if data.get("parent"):
        group.parent = StudentGroup.objects.filter(term=term, code=data["parent"]).first()
        if group.parent is None:
            errors.append({"path": f"{prefix}.parent", "message": f"unknown group {data['parent']!r}"})
    courses = _lookup(data["courses"], {c.code: c for c in Course.objects.filter(term=term)}, f"{prefix}.courses", "course", errors)
    if not errors and _checked_save(group, prefix, errors):
        group.courses.set(courses)
    _raise_if(errors)
    return group


@transaction.atomic
def course_save(*, term, data, course=None, prefix="body"):
    """A course with its kinds of class; saving replaces the kinds it had."""
    errors = []
    course = course or Course(term=term)
    course.code, course.name = data["code"], data["name"]
    if not _checked_save(course, prefix, errors):
        _raise_if(errors)
    course.components.all().delete()
    instructors = {i.code: i for i in Instructor.objects.filter(term=term)}
    seen_kinds = set()
    for index, item in enumerate(data["components"]):
        where = f"{prefix}.components[{index}]"
        if item["kind"] in seen_kinds:
            errors.append({"path": f"{where}.kind", "message": f"the course already has a {item['kind']} kind of class"})
            continue
        seen_kinds.add(item["kind"])
        fixed = None
        if item.get("fixed_instructor"):
            fixed = instructors.get(item["fixed_instructor"])
            if fixed is None:
                errors.append({"path": f"{where}.fixed_instructor", "message": f"unknown instructor {item['fixed_instructor']!r}"})
        qualified = _lookup(item["qualified_instructors"], instructors, f"{where}.qualified_instructors", "instructor", errors)
        component = CourseComponent(
            course=course, kind=item["kind"], periods_per_week=item["periods_per_week"], block_length=item["block_length"],
            grouping=item["grouping"], room_type=item["room_type"], fixed_instructor=fixed,
            min_working_days=item["min_working_days"], expected_students=item.get("expected_students"),
            unavailable=item["unavailable"],
        )
        if _checked_save(component, where, errors):
            component.qualified_instructors.set(qualified)
            component.required_features.set(_features(term, item["room_features"]))
    _raise_if(errors)
    return course


def _cross_reference_errors(data, prefix):
    """Every code in ``data`` that names nothing, found before anything is saved."""
    instructors = {item["code"] for item in data["instructors"]}
    courses = {item["code"] for item in data["courses"]}
    groups = {item["code"] for item in data["groups"]}
    errors = []

    def check(code, known, path, what):
        if code not in known:
            errors.append({"path": path, "message": f"unknown {what} {code!r}"})

    for i, course in enumerate(data["courses"]):
        for j, component in enumerate(course["components"]):
            where = f"{prefix}.courses[{i}].components[{j}]"
            if component.get("fixed_instructor"):
                check(component["fixed_instructor"], instructors, f"{where}.fixed_instructor", "instructor")
            for k, code in enumerate(component["qualified_instructors"]):
                check(code, instructors, f"{where}.qualified_instructors[{k}]", "instructor")
    for i, group in enumerate(data["groups"]):
        if group.get("parent"):
            check(group["parent"], groups, f"{prefix}.groups[{i}].parent", "group")
        for k, code in enumerate(group["courses"]):
            check(code, courses, f"{prefix}.groups[{i}].courses[{k}]", "course")
    return errors


@transaction.atomic
def term_create_from_data(*, organization, data, prefix="body"):
    """A whole term from API data: its week, rooms, instructors, courses and groups. Every
    cross-reference (a course naming an unknown instructor, a group an unknown course) is
    checked first, then each row's own limits; all problems are listed, nothing is kept."""
    _raise_if(_cross_reference_errors(data, prefix))
    term = term_create(organization=organization, data=data, prefix=prefix)
    errors = []
    savers = (("rooms", room_save), ("instructors", instructor_save), ("courses", course_save), ("groups", group_save))
    for key, saver in savers:
        items = data[key]
        if key == "groups":  # parents first, so that subgroups can name them
            order = sorted(range(len(items)), key=lambda i: items[i].get("parent") is not None)
        else:
            order = range(len(items))
        for index in order:
            try:
                with transaction.atomic():
                    saver(term=term, data=items[index], prefix=f"{prefix}.{key}[{index}]")
            except TermDataInvalid as invalid:
                errors.extend(invalid.errors)
    _raise_if(errors)
    return term
