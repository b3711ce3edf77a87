"""The four-file JSON format (Course.json, Groups.json, Instructors.json, Rooms.json) -> problem.

The format is described in ../shared/bench/campus/README.md; how it is read (hours into periods
and blocks, availability windows, qualifications, ids) is documented in docs/four-files.md.
Every problem in the files is reported with its path, e.g. `Groups.json[3].courses[2]`.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ga_runner import PROBLEM_FORMAT
from ga_runner.formats import FormatError
from ga_runner.problem import DEFAULT_WEIGHTS, json_type_name, validate_problem

FILE_NAMES = ("Course.json", "Groups.json", "Instructors.json", "Rooms.json")

DEFAULT_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
# The institute's eight 50-minute teaching periods.
DEFAULT_PERIODS = [
    {"name": str(number), "start": start, "end": end}
    for number, (start, end) in enumerate(
        [("10:15", "11:05"), ("11:05", "11:55"), ("11:55", "12:45"), ("12:45", "13:35"),
         ("13:35", "14:25"), ("14:25", "15:15"), ("15:15", "16:05"), ("16:05", "16:55")], start=1)
]
# 12:45-14:25, the middle of the teaching day: a group that wants a break keeps one of the two free.
DEFAULT_LUNCH_BREAK = [3, 4]

LECTURE_ROOM_TYPE = "Lecture"
PRACTICAL_ROOM_TYPE = "Practical"
# The longest practical meeting: 4 periods (3 h 20 min), half the teaching day.
LONGEST_PRACTICAL_BLOCK = 4
# Practical hours with a half (1.5 h a week) are read as a 3-period block every other week.
ALTERNATE_WEEK_BLOCK = 3

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


class _Errors:
    def __init__(self) -> None:
        self.items: List[dict] = []

    def add(self, path: str, message: str) -> None:
        self.items.append({"path": path, "message": message})


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Record:
    """Typed access to one JSON object of a file, reporting problems under its path."""

    def __init__(self, obj: Any, path: str, errors: _Errors):
        self.obj = obj if isinstance(obj, dict) else {}
        self.path = path
        self.errors = errors
        self.is_object = isinstance(obj, dict)
        self.ok = self.is_object  # becomes False at the first problem
        if not self.is_object:
            errors.add(path, f"must be an object, not {json_type_name(obj)}")

    def get(self, key: str, required: bool, check, expected: str, default: Any = None) -> Any:
        if key not in self.obj:
            if required and self.is_object:
                self.errors.add(f"{self.path}.{key}", "missing")
                self.ok = False
            return default
        value = self.obj[key]
        if not check(value):
            self.errors.add(f"{self.path}.{key}", f"must be {expected}, not {json.dumps(value)}")
            self.ok = False
            return default
        return value

    def text(self, key: str, required: bool = True, default: str = "") -> str:
        return self.get(key, required, lambda v: isinstance(v, str) and (v or not required),
                        "a non-empty string" if required else "a string", default)

    def count(self, key: str, required: bool = True) -> int:
        value = self.get(key, required, lambda v: _number(v) and v >= 0 and v == int(v),
                         "a whole number 0 or more", 0)
        return int(value)


def _minutes(text: Any) -> Optional[int]:
    match = _TIME.match(text) if isinstance(text, str) else None
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


def _read_availability(value: Any, path: str, errors: _Errors) -> Tuple[Optional[Dict[str, list]], int]:
    """Windows by lower-case weekday as (start, end) minutes, and how many were read.

    None means always available (the key is missing, null or empty).
    """
    if not value:
        return None, 0
    if not isinstance(value, dict):
        errors.add(path, f"must be an object of weekday -> windows, not {json_type_name(value)}")
        return None, 0
    windows: Dict[str, list] = {}
    read = 0
    for day, day_windows in value.items():
        day_path = f"{path}.{day}"
        if day.lower() not in _WEEKDAYS:
            errors.add(day_path, f"unknown weekday {json.dumps(day)}")
            continue
        if not isinstance(day_windows, list):
            errors.add(day_path, f"must be a list of windows, not {json_type_name(day_windows)}")
            continue
        for index, window in enumerate(day_windows):
            window_path = f"{day_path}[{index}]"
            record = _Record(window, window_path, errors)
            if not record.ok:
                continue
            start, end = _minutes(window.get("start")), _minutes(window.get("end"))
            for key, minutes in (("start", start), ("end", end)):
                if minutes is None:
                    errors.add(f"{window_path}.{key}", f'must be a time "HH:MM", not '
                                                       f"{json.dumps(window.get(key))}")
            if start is not None and end is not None:
                if start >= end:
                    errors.add(window_path, f"starts at {window['start']}, not before its end {window['end']}")
                else:
                    windows.setdefault(day.lower(), []).append((start, end))
                    read += 1
    return windows, read


def _unavailable_slots(windows: Optional[Dict[str, list]], days: List[str], periods: List[dict]) -> List[list]:
    """Slots not wholly inside the union of the day's windows; a day without windows is unavailable."""
    if windows is None:
        return []
    slots = []
    for day_index, day in enumerate(days):
        day_windows = sorted(windows.get(day.lower(), []))
        for period_index, period in enumerate(periods):
            start, end = _minutes(period["start"]), _minutes(period["end"])
            covered_until = start
            for window_start, window_end in day_windows:
                if window_start <= covered_until < window_end:
                    covered_until = window_end
            if covered_until < end:
                slots.append([day_index, period_index])
    return slots


def practical_plan(hours: float) -> Tuple[int, int]:
    """(weekly periods per subgroup, alternate-week block length or 0) for P practical hours.

    Under 2 hours (0.5, 1, 1.5): one block of 2*P periods every other week, the subgroups taking
    turns. From 2 hours: whole hours are weekly periods per subgroup; a half hour left over goes,
    with one whole hour, to the alternate-week 3-period block (5.5 = 4 periods weekly + a
    3-period block every other week). See docs/four-files.md.
    """
    if hours < 2:
        return 0, int(round(hours * 2))
    if hours == int(hours):
        return int(hours), 0
    return int(hours - 1.5), ALTERNATE_WEEK_BLOCK


def weekly_block_length(periods: int) -> int:
    """Equal meetings as long as possible, at most LONGEST_PRACTICAL_BLOCK periods."""
    return next(b for b in range(min(periods, LONGEST_PRACTICAL_BLOCK), 0, -1) if periods % b == 0)


def _convert(courses: Any, groups: Any, instructors: Any, rooms: Any, name: str,
             days: List[str], periods: List[dict], lunch_break: List[int]) -> Tuple[dict, dict]:
    errors = _Errors()
    for file_name, value in zip(FILE_NAMES, (courses, groups, instructors, rooms)):
        if not isinstance(value, list):
            errors.add(file_name, f"must be a list, not {json_type_name(value)}")
    if errors.items:
        raise FormatError(errors.items)

    # Course.json
    course_by_code: Dict[str, dict] = {}
    # Every code's record index, also of records with other problems, so references to them hold.
    known_codes: Dict[str, int] = {}
    for index, raw in enumerate(courses):
        record = _Record(raw, f"Course.json[{index}]", errors)
        code = record.text("CourseCode")
        title = record.text("CourseTitle", required=False)
        lecture_hours = record.count("L")
        tutorial_hours = record.count("T")
        practical_hours = record.get("P", True, lambda v: _number(v) and v >= 0 and v * 2 == int(v * 2),
                                     "a number of hours 0 or more in halves (1.5)", 0)
        features = record.text("PracticalRoomFeatures", required=False)
        if code in known_codes:
            errors.add(f"Course.json[{index}].CourseCode",
                       f"course {code} is already defined at Course.json[{known_codes[code]}]")
            continue
        if code:
            known_codes[code] = index
        if not record.ok:
            continue
        course_by_code[code] = {
            "index": index, "code": code, "title": title or code, "L": lecture_hours,
            "T": tutorial_hours, "P": practical_hours,
            "features": [f.strip() for f in features.split(",") if f.strip()],
        }

    # Rooms.json
    room_docs: List[dict] = []
    windows_read = 0
    room_ids: Dict[str, int] = {}
    room_windows = []
    for index, raw in enumerate(rooms):
        path = f"Rooms.json[{index}]"
        record = _Record(raw, path, errors)
        room_id = record.text("room_id")
        room_name = record.text("name", required=False)
        capacity = record.count("capacity")
        room_type = record.text("type")
        features = record.get("features", False, lambda v: isinstance(v, list) and all(isinstance(f, str) for f in v),
                              "a list of strings", [])
        windows, read = _read_availability(record.obj.get("availability"), f"{path}.availability", errors)
        windows_read += read
        if not record.ok:
            continue
        if room_id in room_ids:
            errors.add(f"{path}.room_id", f"room {room_id} is already defined at Rooms.json[{room_ids[room_id]}]")
            continue
        room_ids[room_id] = index
        room_windows.append(windows)
        room_docs.append({"id": room_id, "name": room_name or room_id, "capacity": capacity,
                          "type": room_type, "features": list(features), "unavailable": []})

    # Groups.json: each group and its subgroups, in file order.
    group_docs: List[dict] = []
    group_paths: Dict[str, str] = {}
    attending: List[Tuple[dict, List[dict], List[str]]] = []  # (group, subgroups, course codes)
    for index, raw in enumerate(groups):
        path = f"Groups.json[{index}]"
        record = _Record(raw, path, errors)
        group_id = record.text("group_id")
        size = record.count("student_count")
        wants_break = record.get("prefers_break", False, lambda v: isinstance(v, bool), "true or false", False)
        codes = record.get("courses", True, lambda v: isinstance(v, list), "a list of course codes", [])
        raw_subgroups = record.get("subgroups", False, lambda v: isinstance(v, list), "a list", [])
        group_name = record.text("name", required=False)
        attended = []
        for code_index, code in enumerate(codes):
            code_path = f"{path}.courses[{code_index}]"
            if not isinstance(code, str) or code not in known_codes:
                errors.add(code_path, f"unknown course code {json.dumps(code)}")
            elif code in attended:
                errors.add(code_path, f"course {code} listed twice")
            else:
                attended.append(code)
        subgroups = _read_subgroups(raw_subgroups, size, f"{path}.subgroups", errors)
        if not record.ok or subgroups is None:
            continue
        group = {"id": group_id, "name": group_name or group_id, "size": size, "parent": None,
                 "wants_lunch_break": wants_break}
        subgroup_docs = [{"id": sub_id, "name": sub_id, "size": sub_size, "parent": group_id,
                          "wants_lunch_break": wants_break} for sub_id, sub_size, _ in subgroups]
        duplicate = False
        for doc, doc_path in [(group, f"{path}.group_id")] + [(s, p) for s, (_, _, p) in zip(subgroup_docs, subgroups)]:
            if doc["id"] in group_paths:
                errors.add(doc_path, f"group id {doc['id']} is already used at {group_paths[doc['id']]}")
                duplicate = True
            else:
                group_paths[doc["id"]] = doc_path
        if duplicate:
            continue
        group_docs += [group] + subgroup_docs
        attending.append((group, subgroup_docs, attended))

    # Instructors.json
    instructor_docs: List[dict] = []
    instructor_windows = []
    qualified: Dict[Tuple[str, str], List[str]] = {}  # (course code, "Theory"|"Practical") -> ids
    qualification_entries = 0
    instructor_ids: Dict[str, int] = {}
    for index, raw in enumerate(instructors):
        path = f"Instructors.json[{index}]"
        record = _Record(raw, path, errors)
        instructor_id = record.text("id")
        instructor_name = record.text("name", required=False)
        entries = record.get("courses", True, lambda v: isinstance(v, list), "a list of qualifications", [])
        windows, read = _read_availability(record.obj.get("availability"), f"{path}.availability", errors)
        windows_read += read
        qualifications = []
        for entry_index, entry in enumerate(entries):
            qualification = _read_qualification(entry, f"{path}.courses[{entry_index}]", known_codes, errors)
            if qualification:
                qualifications.append(qualification)
        qualification_entries += len(entries)
        if not record.ok:
            continue
        if instructor_id in instructor_ids:
            errors.add(f"{path}.id", f"instructor {instructor_id} is already defined at "
                                     f"Instructors.json[{instructor_ids[instructor_id]}]")
            continue
        instructor_ids[instructor_id] = index
        for qualification in qualifications:
            eligible = qualified.setdefault(qualification, [])
            if instructor_id not in eligible:
                eligible.append(instructor_id)
        instructor_windows.append(windows)
        instructor_docs.append({"id": instructor_id, "name": instructor_name or instructor_id, "email": "",
                                "unavailable": [], "preferred_free": []})

    # The classes: what each group attends, checked against the week and the rooms.
    attended_codes: List[str] = []
    for _group, _subgroups, codes in attending:
        attended_codes += [code for code in codes if code not in attended_codes]
    week_periods = len(periods)
    for code in attended_codes:
        if code not in course_by_code:
            continue  # its record has problems, already reported
        course = course_by_code[code]
        path = f"Course.json[{course['index']}]"
        weekly, alternate_block = practical_plan(course["P"])
        for key, meetings, block in (("L", course["L"], 1), ("T", course["T"], 1),
                                     ("P", weekly // weekly_block_length(weekly) if weekly else 0,
                                      weekly_block_length(weekly) if weekly else 1)):
            room_for = len(days) * (week_periods // block)
            if meetings > room_for:
                errors.add(f"{path}.{key}", f"{course[key]} hours need {meetings} meetings of {block} "
                                            f"period(s) a week; the week has room for {room_for}")
        if alternate_block > week_periods:
            errors.add(f"{path}.P", f"an alternate-week block of {alternate_block} periods is longer than the day")
        if course["L"] + course["T"] and not any(r["type"] == LECTURE_ROOM_TYPE for r in room_docs):
            errors.add(f"{path}.L", f"no room of type {LECTURE_ROOM_TYPE!r} for its lectures")
        if course["P"] and not any(r["type"] == PRACTICAL_ROOM_TYPE and set(course["features"]) <= set(r["features"])
                                   for r in room_docs):
            errors.add(f"{path}.PracticalRoomFeatures",
                       f"no room of type {PRACTICAL_ROOM_TYPE!r} has all of {', '.join(course['features'])}"
                       if course["features"] else f"no room of type {PRACTICAL_ROOM_TYPE!r} for its practicals")

    # Windows are given by weekday and clock time: the week must say both.
    has_windows = any(windows is not None for windows in room_windows + instructor_windows)
    for index, period in enumerate(periods):
        if has_windows and (_minutes(period.get("start")) is None or _minutes(period.get("end")) is None):
            errors.add(f"periods[{index}]", "needs start and end times to read availability windows")
    for index, day in enumerate(days):
        if has_windows and day.lower() not in _WEEKDAYS:
            errors.add(f"days[{index}]", f"{json.dumps(day)} is not a weekday name, needed to read "
                                         "availability windows")
    if errors.items:
        raise FormatError(errors.items)

    for room, windows in zip(room_docs, room_windows):
        room["unavailable"] = _unavailable_slots(windows, days, periods)
    for instructor, windows in zip(instructor_docs, instructor_windows):
        instructor["unavailable"] = _unavailable_slots(windows, days, periods)

    class_docs: List[dict] = []
    used_qualifications = set()

    def add_class(code: str, kind: str, class_id: str, group: dict, per_week: int, block: int,
                  students: int, qualification: str) -> None:
        course = course_by_code[code]
        eligible = qualified.get((code, qualification), [])
        used_qualifications.update((instructor, code, qualification) for instructor in eligible)
        practical = kind == "practical"
        class_docs.append({
            "id": class_id, "course": code, "kind": kind, "groups": [group["id"]],
            "periods_per_week": per_week, "block_length": block,
            "room_type": PRACTICAL_ROOM_TYPE if practical else LECTURE_ROOM_TYPE,
            "room_features": list(course["features"]) if practical else [],
            "instructors": list(eligible),
            "min_working_days": min(per_week // block, len(days)),
            "students": students, "unavailable": [],
        })

    for group, subgroups, codes in attending:
        for code in codes:
            course = course_by_code[code]
            for kind, hours in (("lecture", course["L"]), ("tutorial", course["T"])):
                if hours:
                    add_class(code, kind, f"{code}/{kind}/{group['id']}", group, hours, 1, group["size"], "Theory")
            weekly, alternate_block = practical_plan(course["P"])
            # Without subgroups, the group takes its practicals as a whole.
            for subgroup in subgroups or [group]:
                if weekly:
                    add_class(code, "practical", f"{code}/practical/{subgroup['id']}", subgroup, weekly,
                              weekly_block_length(weekly), subgroup["size"], "Practical")
            if alternate_block:
                # One subgroup at a time, taking turns week by week.
                students = max((s["size"] for s in subgroups), default=group["size"])
                add_class(code, "practical", f"{code}/practical/{group['id']}/alternate-weeks", group,
                          alternate_block, alternate_block, students, "Practical")

    doc = {
        "format": PROBLEM_FORMAT,
        "name": name,
        "days": list(days),
        "periods": [dict(period) for period in periods],
        "lunch_break": list(lunch_break),
        "weights": dict(DEFAULT_WEIGHTS),
        "rooms": room_docs,
        "instructors": instructor_docs,
        "groups": group_docs,
        "courses": [{"id": code, "name": course_by_code[code]["title"]} for code in attended_codes],
        "classes": class_docs,
    }
    problems = validate_problem(doc)
    if problems:
        raise FormatError(problems)
    summary = {
        "course_records": len(courses),
        "attended_courses": len(attended_codes),
        "attended_courses_without_classes": sum(
            1 for code in attended_codes if not any(k["course"] == code for k in class_docs)),
        "groups": len(attending),
        "subgroups": sum(len(subgroups) for _, subgroups, _ in attending),
        "instructors": len(instructor_docs),
        "qualifications": qualification_entries,
        "qualifications_used": len(used_qualifications),
        "availability_windows": windows_read,
        "rooms": len(room_docs),
        "classes": len(class_docs),
        "classes_by_kind": dict(Counter(k["kind"] for k in class_docs)),
        "unstaffed_classes": sum(1 for k in class_docs if not k["instructors"]),
    }
    return doc, summary


def _read_subgroups(value: list, size: int, path: str, errors: _Errors) -> Optional[List[Tuple[str, int, str]]]:
    """(id, size, path) of each subgroup; plain ids (the older form) share the group evenly."""
    subgroups = []
    plain = [item for item in value if isinstance(item, str)]
    ok = True
    for index, item in enumerate(value):
        item_path = f"{path}[{index}]"
        if isinstance(item, str):
            if not item:
                errors.add(item_path, "must be a non-empty subgroup id")
                ok = False
                continue
            # Sizes as even as possible: the first ones take the remainder.
            position = plain.index(item)
            share = size // len(plain) + (1 if position < size % len(plain) else 0)
            subgroups.append((item, share, item_path))
        else:
            record = _Record(item, item_path, errors)
            sub_id = record.text("id")
            sub_size = record.count("student_count")
            if record.ok:
                subgroups.append((sub_id, sub_size, f"{item_path}.id"))
            else:
                ok = False
    return subgroups if ok else None


def _read_qualification(entry: Any, path: str, known_codes: Dict[str, int],
                        errors: _Errors) -> Optional[Tuple[str, str]]:
    """(course code, "Theory" | "Practical"), from {"coursecode", "coursetype"} or an older
    plain code, "-PR" marking a practical."""
    if isinstance(entry, str):
        if entry in known_codes:
            return entry, "Theory"
        if entry.endswith("-PR") and entry[:-3] in known_codes:
            return entry[:-3], "Practical"
        errors.add(path, f"unknown course code {json.dumps(entry)}")
        return None
    record = _Record(entry, path, errors)
    code = record.text("coursecode")
    course_type = record.text("coursetype")
    if not record.ok:
        return None
    if code not in known_codes:
        errors.add(f"{path}.coursecode", f"unknown course code {json.dumps(code)}")
        return None
    if course_type not in ("Theory", "Practical"):
        errors.add(f"{path}.coursetype", f'unknown coursetype {json.dumps(course_type)}; expected "Theory" or "Practical"')
        return None
    return code, course_type


def four_files_to_problem(courses: Any, groups: Any, instructors: Any, rooms: Any, *, name: str,
                          days: Optional[List[str]] = None, periods: Optional[List[dict]] = None,
                          lunch_break: Optional[List[int]] = None) -> dict:
    """A valid problem document from the four parsed files (lists of objects).

    The week defaults to the institute's: Sunday-Friday, eight 50-minute periods from 10:15,
    lunch window periods 4 and 5 (12:45-14:25). With custom `periods` the lunch window defaults
    to none. Weights are left to the defaults. Raises FormatError listing every problem with its
    path (`Groups.json[3].courses[2]`).
    """
    if lunch_break is None:
        lunch_break = DEFAULT_LUNCH_BREAK if periods is None else []
    doc, _summary = _convert(courses, groups, instructors, rooms, name, days or DEFAULT_DAYS,
                             periods or DEFAULT_PERIODS, lunch_break)
    return doc


def four_files_summary(courses: Any, groups: Any, instructors: Any, rooms: Any) -> dict:
    """Counts of what the conversion read and made (default week), for import reports and tests:
    course records, attended courses (and those with no hours, which make no class), groups,
    subgroups, instructors, qualification entries read and used (making an instructor eligible
    for some class), availability windows read, rooms, classes, classes by kind, unstaffed
    classes (no qualified instructor: kept with `instructors: []`)."""
    _doc, summary = _convert(courses, groups, instructors, rooms, "", DEFAULT_DAYS, DEFAULT_PERIODS,
                             DEFAULT_LUNCH_BREAK)
    return summary


def read_four_files(path) -> Tuple[Any, Any, Any, Any]:
    """The parsed contents of the four files in folder `path` (courses, groups, instructors, rooms)."""
    folder = Path(path)
    errors = []
    contents = []
    for file_name in FILE_NAMES:
        try:
            contents.append(json.loads((folder / file_name).read_text(encoding="utf-8")))
        except FileNotFoundError:
            errors.append({"path": file_name, "message": f"missing from {folder}"})
        except json.JSONDecodeError as error:
            errors.append({"path": file_name, "message": f"not valid JSON: {error.msg} at line "
                                                         f"{error.lineno}, column {error.colno}"})
        except (OSError, UnicodeDecodeError) as error:
            errors.append({"path": file_name, "message": f"cannot be read: {error}"})
    if errors:
        raise FormatError(errors)
    return tuple(contents)


def read_four_files_dir(path, *, name: Optional[str] = None) -> dict:
    """The problem document for the four files in folder `path`; named after the folder by default."""
    courses, groups, instructors, rooms = read_four_files(path)
    return four_files_to_problem(courses, groups, instructors, rooms,
                                 name=name if name is not None else Path(path).resolve().name)
