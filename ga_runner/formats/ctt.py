"""ITC-2007 track 3 `.ctt` files <-> problem documents.

The format is described in ../shared/bench/itc2007/README.md. Mapping (ids kept exactly, so
that solutions map back): each course becomes one course and one class (kind "lecture",
single-period meetings, its teacher as the fixed instructor, the curricula containing it as its
groups); curricula become groups without parents, sized as the largest of their courses (the
format has no curriculum size; only class `students` count for room capacity); rooms have no
type and no features; days are "Day 1"..., periods "1"... without clock times; weights are
ITC-2007's (1/5/2/1) and 0 for the three constraints the competition does not have.
"""
from __future__ import annotations

import json
from typing import Dict, List, Optional, Tuple

from ga_runner import PROBLEM_FORMAT
from ga_runner.formats import FormatError
from ga_runner.problem import ProblemInvalid, normalize_problem, validate_problem

ITC_WEIGHTS = {
    "room_capacity": 1,
    "min_working_days": 5,
    "isolated_lectures": 2,
    "room_stability": 1,
    "idle_gaps": 0,
    "lunch_break": 0,
    "preferred_free": 0,
}

_HEADER_KEYS = ("Name", "Courses", "Rooms", "Days", "Periods_per_day", "Curricula", "Constraints")
_SECTIONS = ("COURSES:", "ROOMS:", "CURRICULA:", "UNAVAILABILITY_CONSTRAINTS:")
# Which header line counts the lines of which section.
_SECTION_COUNTS = {"COURSES:": "Courses", "ROOMS:": "Rooms", "CURRICULA:": "Curricula",
                   "UNAVAILABILITY_CONSTRAINTS:": "Constraints"}

Line = Tuple[int, List[str]]  # (line number, whitespace-separated fields)


def ctt_to_problem(text: str, name: Optional[str] = None) -> dict:
    """Convert the text of a .ctt file into a valid problem document.

    `name` names the document (default: the file's `Name:`). Raises FormatError listing every
    problem in the file with its line number.
    """
    errors: List[dict] = []

    def error(line: int, message: str) -> None:
        errors.append({"line": line, "message": message})

    header, header_lines, sections, section_lines = _split(text, error)
    numbers: Dict[str, int] = {}
    for key in _HEADER_KEYS[1:]:
        if key in header:
            value = _number(header[key], f"{key}:", header_lines[key], error)
            if value is not None:
                numbers[key] = value
    for key in ("Days", "Periods_per_day"):
        if numbers.get(key) == 0:
            error(header_lines[key], f"{key}: must be 1 or more")
            del numbers[key]
    for section, key in _SECTION_COUNTS.items():
        if section in sections and key in numbers and len(sections[section]) != numbers[key]:
            error(header_lines[key], f"header says {key}: {numbers[key]} but {section} has "
                                     f"{len(sections[section])} line(s) (line {section_lines[section]})")
    n_days = numbers.get("Days")
    n_periods = numbers.get("Periods_per_day")

    courses: Dict[str, dict] = {}
    course_lines: Dict[str, int] = {}
    for line, fields in sections.get("COURSES:", []):
        if len(fields) != 5:
            error(line, f"a course line is `course_id teacher_id lectures min_working_days students`, "
                        f"got {len(fields)} field(s)")
            continue
        course_id, teacher = fields[0], fields[1]
        lectures = _number(fields[2], "lectures", line, error)
        min_days = _number(fields[3], "min_working_days", line, error)
        students = _number(fields[4], "students", line, error)
        if course_id in courses:
            error(line, f"course {course_id} already defined on line {course_lines[course_id]}")
            continue
        if lectures == 0:
            error(line, f"course {course_id} has 0 lectures")
        elif lectures is not None and n_days and n_periods and lectures > n_days * n_periods:
            error(line, f"course {course_id} has {lectures} lectures but the week has only "
                        f"{n_days * n_periods} periods")
        course_lines[course_id] = line
        courses[course_id] = {"teacher": teacher, "lectures": lectures, "min_days": min_days,
                              "students": students, "curricula": [], "unavailable": []}

    rooms: List[dict] = []
    room_lines: Dict[str, int] = {}
    for line, fields in sections.get("ROOMS:", []):
        if len(fields) != 2:
            error(line, f"a room line is `room_id capacity`, got {len(fields)} field(s)")
            continue
        capacity = _number(fields[1], "capacity", line, error)
        if fields[0] in room_lines:
            error(line, f"room {fields[0]} already defined on line {room_lines[fields[0]]}")
            continue
        room_lines[fields[0]] = line
        rooms.append({"id": fields[0], "name": fields[0], "capacity": capacity, "type": None,
                      "features": [], "unavailable": []})

    curricula: List[Tuple[str, List[str]]] = []
    curriculum_lines: Dict[str, int] = {}
    for line, fields in sections.get("CURRICULA:", []):
        if len(fields) < 2:
            error(line, "a curriculum line is `curriculum_id n course_1 ... course_n`")
            continue
        curriculum_id, members = fields[0], fields[2:]
        count = _number(fields[1], "the number of courses", line, error)
        if count is not None and count != len(members):
            error(line, f"curriculum {curriculum_id} says {count} course(s) but lists {len(members)}")
        if curriculum_id in curriculum_lines:
            error(line, f"curriculum {curriculum_id} already defined on line "
                        f"{curriculum_lines[curriculum_id]}")
            continue
        curriculum_lines[curriculum_id] = line
        listed = []
        for course_id in members:
            if course_id not in courses:
                error(line, f"curriculum {curriculum_id}: unknown course {course_id}")
            elif course_id in listed:
                error(line, f"curriculum {curriculum_id} lists course {course_id} twice")
            else:
                listed.append(course_id)
                courses[course_id]["curricula"].append(curriculum_id)
        curricula.append((curriculum_id, listed))

    for line, fields in sections.get("UNAVAILABILITY_CONSTRAINTS:", []):
        if len(fields) != 3:
            error(line, f"an unavailability line is `course_id day period`, got {len(fields)} field(s)")
            continue
        course_id = fields[0]
        day = _number(fields[1], "day", line, error)
        period = _number(fields[2], "period", line, error)
        if course_id not in courses:
            error(line, f"unknown course {course_id}")
            continue
        if day is not None and n_days is not None and day >= n_days:
            error(line, f"day {day} is out of range (Days: {n_days}, 0-based)")
        elif period is not None and n_periods is not None and period >= n_periods:
            error(line, f"period {period} is out of range (Periods_per_day: {n_periods}, 0-based)")
        elif day is not None and period is not None:
            courses[course_id]["unavailable"].append([day, period])

    if errors:
        raise FormatError(sorted(errors, key=lambda e: e["line"]))

    teachers: List[str] = []
    for course in courses.values():
        if course["teacher"] not in teachers:
            teachers.append(course["teacher"])
    doc = {
        "format": PROBLEM_FORMAT,
        "name": name if name is not None else header.get("Name", ""),
        "days": [f"Day {day + 1}" for day in range(n_days)],
        "periods": [{"name": str(period + 1), "start": None, "end": None}
                    for period in range(n_periods)],
        "lunch_break": [],
        "weights": dict(ITC_WEIGHTS),
        "rooms": rooms,
        "instructors": [{"id": t, "name": t, "email": "", "unavailable": [], "preferred_free": []}
                        for t in teachers],
        "groups": [{"id": curriculum_id, "name": curriculum_id,
                    "size": max((courses[c]["students"] for c in listed), default=0),
                    "parent": None, "wants_lunch_break": False}
                   for curriculum_id, listed in curricula],
        "courses": [{"id": course_id, "name": course_id} for course_id in courses],
        "classes": [{"id": course_id, "course": course_id, "kind": "lecture",
                     "groups": course["curricula"], "periods_per_week": course["lectures"],
                     "block_length": 1, "room_type": None, "room_features": [],
                     "instructors": [course["teacher"]], "min_working_days": course["min_days"],
                     "students": course["students"], "unavailable": course["unavailable"]}
                    for course_id, course in courses.items()],
    }
    problems = validate_problem(doc)
    if problems:  # the checks above should have caught everything; never hand out an invalid doc
        raise FormatError(problems)
    return doc


def _split(text: str, error) -> Tuple[Dict[str, str], Dict[str, int], Dict[str, List[Line]], Dict[str, int]]:
    """Header values and section lines, with the line numbers they came from."""
    header: Dict[str, str] = {}
    header_lines: Dict[str, int] = {}
    sections: Dict[str, List[Line]] = {}
    section_lines: Dict[str, int] = {}
    current: Optional[str] = None
    ended = False
    last_line = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        last_line = number
        line = raw.strip()
        if not line:
            continue
        if ended:
            error(number, f"unexpected text after END.: {line!r}")
        elif line == "END.":
            ended = True
        elif line in _SECTIONS:
            if line in sections:
                error(number, f"section {line} appears twice (first on line {section_lines[line]})")
            current = line
            sections[line] = []
            section_lines[line] = number
        elif current is not None:
            sections[current].append((number, line.split()))
        else:
            key, colon, value = line.partition(":")
            if not colon or key not in _HEADER_KEYS:
                error(number, f"expected a header line ({', '.join(k + ':' for k in _HEADER_KEYS)}) "
                              f"or a section, got {line!r}")
            elif key in header:
                error(number, f"header {key}: given twice")
            else:
                header[key] = value.strip()
                header_lines[key] = number
    for key in _HEADER_KEYS:
        if key not in header:
            error(min(section_lines.values(), default=last_line), f"missing header line {key}:")
    for section in _SECTIONS:
        if section not in sections:
            error(last_line, f"missing section {section}")
    if not ended:
        error(last_line, "missing END. at the end of the file")
    return header, header_lines, sections, section_lines


def _number(text: str, what: str, line: int, error) -> Optional[int]:
    if text.isdigit():
        return int(text)
    error(line, f"{what} must be a whole number 0 or more, got {text!r}")
    return None


def problem_to_ctt(doc: dict) -> str:
    """Write a problem document as a .ctt file.

    Only documents the format can express exactly are accepted: every class single-period with
    one fixed instructor, groups without parents, no room types or features, no room or
    instructor unavailability, ids without whitespace, one class per course. Clock times, names,
    weights and the soft preferences the competition does not have are not written.
    Raises FormatError naming each thing that does not fit.
    """
    try:
        doc = normalize_problem(doc)
    except ProblemInvalid as invalid:
        raise FormatError(invalid.errors)
    errors: List[dict] = []

    def misfit(path: str, message: str) -> None:
        errors.append({"path": path, "message": message})

    def check_id(path: str, value: str) -> None:
        if any(c.isspace() for c in value):
            misfit(path, f"id {json.dumps(value)} contains whitespace, which .ctt cannot hold")

    for index, room in enumerate(doc["rooms"]):
        check_id(f"rooms[{index}].id", room["id"])
        if room["type"] is not None or room["features"]:
            misfit(f"rooms[{index}]", "rooms have no type or features in .ctt")
        if room["unavailable"]:
            misfit(f"rooms[{index}].unavailable", "rooms are always available in .ctt")
    for index, instructor in enumerate(doc["instructors"]):
        check_id(f"instructors[{index}].id", instructor["id"])
        if instructor["unavailable"]:
            misfit(f"instructors[{index}].unavailable", "teachers are always available in .ctt")
    for index, group in enumerate(doc["groups"]):
        check_id(f"groups[{index}].id", group["id"])
        if group["parent"] is not None:
            misfit(f"groups[{index}].parent", "curricula have no parents in .ctt")
    class_of_course: Dict[str, str] = {}
    for index, klass in enumerate(doc["classes"]):
        path = f"classes[{index}]"
        check_id(f"{path}.id", klass["id"])
        if klass["course"] in class_of_course:
            misfit(f"{path}.course", f"course {json.dumps(klass['course'])} already has class "
                                     f"{json.dumps(class_of_course[klass['course']])}; .ctt has one per course")
        class_of_course[klass["course"]] = klass["id"]
        if klass["block_length"] != 1:
            misfit(f"{path}.block_length", "lectures are single periods in .ctt")
        if len(klass["instructors"]) != 1:
            misfit(f"{path}.instructors", "a course has exactly one teacher in .ctt")
        if klass["room_type"] is not None or klass["room_features"]:
            misfit(path, "courses have no room requirements in .ctt")
    if errors:
        raise FormatError(errors)

    classes_of_group: Dict[str, List[str]] = {group["id"]: [] for group in doc["groups"]}
    for klass in doc["classes"]:
        for group in klass["groups"]:
            classes_of_group[group].append(klass["id"])
    unavailable = [(klass["id"], day, period) for klass in doc["classes"]
                   for day, period in klass["unavailable"]]
    lines = [
        f"Name: {doc['name'] or 'unnamed'}",
        f"Courses: {len(doc['classes'])}",
        f"Rooms: {len(doc['rooms'])}",
        f"Days: {len(doc['days'])}",
        f"Periods_per_day: {len(doc['periods'])}",
        f"Curricula: {len(doc['groups'])}",
        f"Constraints: {len(unavailable)}",
        "",
        "COURSES:",
    ]
    lines += [f"{k['id']} {k['instructors'][0]} {k['periods_per_week']} {k['min_working_days']} "
              f"{k['students']}" for k in doc["classes"]]
    lines += ["", "ROOMS:"]
    lines += [f"{room['id']} {room['capacity']}" for room in doc["rooms"]]
    lines += ["", "CURRICULA:"]
    lines += [" ".join([group, str(len(members))] + members) for group, members in classes_of_group.items()]
    lines += ["", "UNAVAILABILITY_CONSTRAINTS:"]
    lines += [f"{course} {day} {period}" for course, day, period in unavailable]
    lines += ["", "END.", ""]
    return "\n".join(lines)
