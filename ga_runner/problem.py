"""The problem document `timetable-problem/1`: validation, defaults, loading.

docs/problem-format.md is the contract. Plain Python (3.9+), no third-party imports: the back
office reuses this module.

`validate_problem` reports every problem with its JSON path and never raises, whatever it is
given. `normalize_problem` validates and returns a copy with every optional field filled in, so
that readers never need to know the defaults; `load_problem` does the same for a file.
"""
from __future__ import annotations

import copy
import json
import re
from typing import Any, Callable, Dict, List, Optional

from ga_runner import PROBLEM_FORMAT

DEFAULT_WEIGHTS = {
    "room_capacity": 1,
    "min_working_days": 5,
    "isolated_lectures": 2,
    "room_stability": 1,
    "idle_gaps": 1,
    "lunch_break": 1,
    "preferred_free": 1,
}

# Constraint names as they appear in a result's `cost` (docs/problem-format.md, "How a timetable
# is scored"); the soft ones are exactly the weight names.
HARD_CONSTRAINTS = (
    "conflicts",
    "class_overlaps",
    "room_occupancy",
    "availability",
    "room_suitability",
    "no_instructor",
)
SOFT_CONSTRAINTS = tuple(DEFAULT_WEIGHTS)

_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")

Error = Dict[str, str]


class ProblemInvalid(Exception):
    """A problem document that cannot be used; `.errors` lists every problem found."""

    def __init__(self, errors: List[Error]):
        self.errors = errors
        super().__init__("\n".join(format_error(error) for error in errors))


def format_error(error: Error) -> str:
    return f"{error['path'] or 'document'}: {error['message']}"


def _quote(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=repr)
    except ValueError:  # a circular structure: not something JSON can hold anyway
        return repr(value)


def json_type_name(value: Any) -> str:
    """How a JSON value is named in error messages: 'a string', 'null', 'an object'…"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Field specifications: name -> (required, check, default). A check returns an error message
# or None; the default is used by normalize_problem when an optional field is absent.
_MISSING = object()


def _string(value: Any) -> Optional[str]:
    return None if isinstance(value, str) else f"must be a string, not {json_type_name(value)}"


def _id(value: Any) -> Optional[str]:
    if not isinstance(value, str):
        return f"must be a non-empty string, not {json_type_name(value)}"
    return None if value else "must be a non-empty string"


def _optional_string(value: Any) -> Optional[str]:
    return None if value is None else _string(value)


def _boolean(value: Any) -> Optional[str]:
    return None if isinstance(value, bool) else f"must be true or false, not {json_type_name(value)}"


def _count(value: Any) -> Optional[str]:
    if not _is_int(value):
        return f"must be a whole number, not {json_type_name(value)}"
    return None if value >= 0 else f"must be 0 or more, not {value}"


def _positive(value: Any) -> Optional[str]:
    if not _is_int(value):
        return f"must be a whole number, not {json_type_name(value)}"
    return None if value >= 1 else f"must be 1 or more, not {value}"


def _time(value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) or not _TIME.match(value):
        return f'must be a time "HH:MM" (00:00 to 23:59) or null, not {_quote(value)}'
    return None


def _list(value: Any) -> Optional[str]:
    return None if isinstance(value, list) else f"must be a list, not {json_type_name(value)}"


_ROOM_FIELDS = {
    "id": (True, _id, None),
    "name": (False, _string, _MISSING),  # defaults to the id
    "capacity": (True, _count, None),
    "type": (False, _optional_string, None),
    "features": (False, _list, []),
    "unavailable": (False, _list, []),
}
_INSTRUCTOR_FIELDS = {
    "id": (True, _id, None),
    "name": (False, _string, _MISSING),
    "email": (False, _string, ""),
    "unavailable": (False, _list, []),
    "preferred_free": (False, _list, []),
}
_GROUP_FIELDS = {
    "id": (True, _id, None),
    "name": (False, _string, _MISSING),
    "size": (True, _count, None),
    "parent": (False, _optional_string, None),
    "wants_lunch_break": (False, _boolean, False),
}
_COURSE_FIELDS = {
    "id": (True, _id, None),
    "name": (False, _string, _MISSING),
}
_CLASS_FIELDS = {
    "id": (True, _id, None),
    "course": (True, _id, None),
    "kind": (True, _string, None),
    "groups": (True, _list, None),
    "periods_per_week": (True, _positive, None),
    "block_length": (False, _positive, 1),
    "room_type": (False, _optional_string, None),
    "room_features": (False, _list, []),
    "instructors": (True, _list, None),
    "min_working_days": (False, _count, 0),
    "students": (False, _count, _MISSING),  # defaults to the sum of its groups' sizes
    "unavailable": (False, _list, []),
}
_PERIOD_FIELDS = {
    "name": (True, _string, None),
    "start": (False, _time, None),
    "end": (False, _time, None),
}
_TOP_FIELDS = {
    "format": (True, None, None),
    "name": (False, _string, ""),
    "days": (True, _list, None),
    "periods": (True, _list, None),
    "lunch_break": (False, _list, []),
    "weights": (False, None, None),
    "rooms": (True, _list, None),
    "instructors": (True, _list, None),
    "groups": (True, _list, None),
    "courses": (True, _list, None),
    "classes": (True, _list, None),
}


class _Validator:
    def __init__(self) -> None:
        self.errors: List[Error] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append({"path": path, "message": message})

    def fields(self, obj: Any, path: str, spec: dict) -> bool:
        """Check an object's keys and field types; False when it is not an object at all."""
        if not isinstance(obj, dict):
            self.error(path, f"must be an object, not {json_type_name(obj)}")
            return False
        for key in obj:
            if key not in spec:
                self.error(f"{path}.{key}" if path else key, f"unknown field {_quote(key)}")
        for key, (required, check, _default) in spec.items():
            field_path = f"{path}.{key}" if path else key
            if key not in obj:
                if required:
                    self.error(field_path, "missing")
            elif check is not None:
                message = check(obj[key])
                if message:
                    self.error(field_path, message)
        return True

    def field(self, obj: dict, key: str, check: Callable[[Any], Optional[str]]) -> Any:
        """The value of a field that passed its check, or None."""
        value = obj.get(key)
        if key in obj and check(value) is None:
            return value
        return None

    def entity_list(self, items: list, name: str, spec: dict) -> Dict[str, int]:
        """Check each object of a top-level list; return id -> index of the valid ids."""
        ids: Dict[str, int] = {}
        for index, item in enumerate(items):
            path = f"{name}[{index}]"
            if not self.fields(item, path, spec):
                continue
            item_id = self.field(item, "id", _id)
            if item_id is None:
                continue
            if item_id in ids:
                self.error(f"{path}.id", f"duplicate id {_quote(item_id)} (also {name}[{ids[item_id]}])")
            else:
                ids[item_id] = index
        return ids

    def strings(self, obj: dict, key: str, path: str) -> List[str]:
        values = self.field(obj, key, _list) or []
        good = []
        for index, value in enumerate(values):
            if isinstance(value, str):
                good.append(value)
            else:
                self.error(f"{path}.{key}[{index}]", f"must be a string, not {json_type_name(value)}")
        return good

    def references(self, obj: dict, key: str, path: str, known: Dict[str, int], what: str) -> List[str]:
        found = []
        seen = set()
        for index, value in enumerate(self.field(obj, key, _list) or []):
            item_path = f"{path}.{key}[{index}]"
            if not isinstance(value, str) or not value:
                self.error(item_path, f"must be a {what} id, not {_quote(value)}")
            elif value not in known:
                self.error(item_path, f"unknown {what} {_quote(value)}")
            elif value in seen:
                self.error(item_path, f"{what} {_quote(value)} listed twice")
            else:
                seen.add(value)
                found.append(value)
        return found

    def slots(self, obj: dict, key: str, path: str, days: Optional[int], periods: Optional[int]) -> None:
        for index, slot in enumerate(self.field(obj, key, _list) or []):
            slot_path = f"{path}.{key}[{index}]"
            if not (isinstance(slot, list) and len(slot) == 2 and all(_is_int(x) for x in slot)):
                self.error(slot_path, f"must be a [day, period] pair of whole numbers, not {_quote(slot)}")
            elif days is not None and periods is not None and not (0 <= slot[0] < days and 0 <= slot[1] < periods):
                self.error(slot_path, f"slot {_quote(slot)} is outside the week "
                                      f"({days} days x {periods} periods, 0-based)")


def validate_problem(doc: Any) -> List[Error]:
    """Every problem in `doc` as {"path", "message"}; an empty list means it is valid."""
    v = _Validator()
    if not v.fields(doc, "", _TOP_FIELDS):
        return v.errors
    if "format" in doc and doc["format"] != PROBLEM_FORMAT:
        v.error("format", f"must be {_quote(PROBLEM_FORMAT)}, not {_quote(doc['format'])}")

    day_names = v.field(doc, "days", _list)
    if day_names is not None:
        if not day_names:
            v.error("days", "must list at least one day")
        for index, day in enumerate(day_names):
            if not isinstance(day, str) or not day:
                v.error(f"days[{index}]", f"must be a non-empty day name, not {_quote(day)}")
    # Unknown when `days` or `periods` is missing or empty: the checks against the week are skipped.
    n_days = len(day_names) if day_names else None

    periods = v.field(doc, "periods", _list)
    if periods is not None and not periods:
        v.error("periods", "must list at least one period")
    previous_end = None
    for index, period in enumerate(periods or []):
        path = f"periods[{index}]"
        if not v.fields(period, path, _PERIOD_FIELDS):
            continue
        start = v.field(period, "start", _time)
        end = v.field(period, "end", _time)
        if start and end and start >= end:
            v.error(path, f"starts at {start}, not before its end {end}")
        if start and previous_end and start < previous_end:
            v.error(f"{path}.start", f"{start} is before the previous period ends ({previous_end})")
        previous_end = end or None
    n_periods = len(periods) if periods else None

    for index, period in enumerate(v.field(doc, "lunch_break", _list) or []):
        if not _is_int(period) or (n_periods is not None and not 0 <= period < n_periods):
            v.error(f"lunch_break[{index}]", f"must be a period index from 0 to {(n_periods or 1) - 1}, "
                                             f"not {_quote(period)}")

    if "weights" in doc:
        weights = doc["weights"]
        if not isinstance(weights, dict):
            v.error("weights", f"must be an object, not {json_type_name(weights)}")
        else:
            for key, value in weights.items():
                if key not in DEFAULT_WEIGHTS:
                    v.error(f"weights.{key}", f"unknown weight {_quote(key)}; known: {', '.join(DEFAULT_WEIGHTS)}")
                else:
                    message = _count(value)
                    if message:
                        v.error(f"weights.{key}", message)

    rooms = v.field(doc, "rooms", _list) or []
    instructors = v.field(doc, "instructors", _list) or []
    groups = v.field(doc, "groups", _list) or []
    courses = v.field(doc, "courses", _list) or []
    classes = v.field(doc, "classes", _list) or []
    v.entity_list(rooms, "rooms", _ROOM_FIELDS)
    instructor_ids = v.entity_list(instructors, "instructors", _INSTRUCTOR_FIELDS)
    group_ids = v.entity_list(groups, "groups", _GROUP_FIELDS)
    course_ids = v.entity_list(courses, "courses", _COURSE_FIELDS)
    v.entity_list(classes, "classes", _CLASS_FIELDS)

    room_offers = []  # (type, features) of every room, for the room requirement check
    for index, room in enumerate(rooms):
        if isinstance(room, dict):
            path = f"rooms[{index}]"
            features = v.strings(room, "features", path)
            v.slots(room, "unavailable", path, n_days, n_periods)
            room_offers.append((v.field(room, "type", _optional_string), set(features)))

    for index, instructor in enumerate(instructors):
        if isinstance(instructor, dict):
            path = f"instructors[{index}]"
            v.slots(instructor, "unavailable", path, n_days, n_periods)
            v.slots(instructor, "preferred_free", path, n_days, n_periods)

    parents: Dict[str, str] = {}
    for index, group in enumerate(groups):
        if isinstance(group, dict):
            parent = v.field(group, "parent", _optional_string)
            if parent is None:
                continue
            if parent not in group_ids:
                v.error(f"groups[{index}].parent", f"unknown group {_quote(parent)}")
            elif isinstance(group.get("id"), str):
                parents[group["id"]] = parent
    _check_parent_cycles(v, parents, group_ids)

    for index, klass in enumerate(classes):
        if not isinstance(klass, dict):
            continue
        path = f"classes[{index}]"
        course = v.field(klass, "course", _id)
        if course is not None and course not in course_ids:
            v.error(f"{path}.course", f"unknown course {_quote(course)}")
        v.references(klass, "groups", path, group_ids, "group")
        v.references(klass, "instructors", path, instructor_ids, "instructor")
        v.slots(klass, "unavailable", path, n_days, n_periods)
        features = v.strings(klass, "room_features", path)

        per_week = v.field(klass, "periods_per_week", _positive)
        block = v.field(klass, "block_length", _positive) or 1
        if n_periods is not None and block > n_periods:
            v.error(f"{path}.block_length", f"a block of {block} periods is longer than a day "
                                            f"({n_periods} periods)")
        elif per_week is not None and per_week % block:
            v.error(f"{path}.periods_per_week", f"{per_week} is not a multiple of block_length {block}")
        elif per_week is not None and n_days is not None and n_periods is not None:
            # Meetings of one class never overlap: at most this many blocks fit in the week.
            room_for = n_days * (n_periods // block)
            if per_week // block > room_for:
                v.error(f"{path}.periods_per_week",
                        f"{per_week // block} meetings of {block} period(s) do not fit in the week "
                        f"(room for {room_for})")

        room_type = v.field(klass, "room_type", _optional_string)
        if "room_type" in klass and room_type is None and klass["room_type"] is not None:
            continue  # mistyped, already reported
        needed = set(features)
        if not any((room_type is None or offered_type == room_type) and needed <= offered
                   for offered_type, offered in room_offers):
            wanted = []
            if room_type is not None:
                wanted.append(f"of type {_quote(room_type)}")
            if needed:
                wanted.append("with " + ", ".join(_quote(f) for f in sorted(needed)))
            where = f"{path}.room_features" if needed else f"{path}.room_type"
            v.error(where, f"no room {' '.join(wanted) or 'at all'} for {_quote(klass.get('id'))}")
    return v.errors


def _check_parent_cycles(v: _Validator, parents: Dict[str, str], group_ids: Dict[str, int]) -> None:
    reported = set()
    for start in parents:
        chain = []
        group: Optional[str] = start
        while group is not None and group not in chain and group not in reported:
            chain.append(group)
            group = parents.get(group)
        if group is not None and group in chain:
            cycle = chain[chain.index(group):]
            reported.update(cycle)
            first = min(cycle, key=lambda g: group_ids[g])
            v.error(f"groups[{group_ids[first]}].parent",
                    "parent cycle: " + " -> ".join(_quote(g) for g in cycle + [cycle[0]]))
        reported.update(chain)


def normalize_problem(doc: Any) -> dict:
    """A validated copy of `doc` with every optional field filled in; raises ProblemInvalid."""
    errors = validate_problem(doc)
    if errors:
        raise ProblemInvalid(errors)
    filled = copy.deepcopy(doc)
    _fill(filled, _TOP_FIELDS)
    filled["weights"] = {**DEFAULT_WEIGHTS, **(doc.get("weights") or {})}
    for period in filled["periods"]:
        _fill(period, _PERIOD_FIELDS)
    for name, spec in (("rooms", _ROOM_FIELDS), ("instructors", _INSTRUCTOR_FIELDS),
                       ("groups", _GROUP_FIELDS), ("courses", _COURSE_FIELDS)):
        for item in filled[name]:
            _fill(item, spec)
            item.setdefault("name", item["id"])
    sizes = {group["id"]: group["size"] for group in filled["groups"]}
    for klass in filled["classes"]:
        _fill(klass, _CLASS_FIELDS)
        klass.setdefault("students", sum(sizes[g] for g in klass["groups"]))
    return filled


def _fill(obj: dict, spec: dict) -> None:
    for key, (required, _check, default) in spec.items():
        if not required and key not in obj and default is not _MISSING:
            obj[key] = copy.deepcopy(default)


def problem_from_json(text: str) -> dict:
    """Parse, validate and fill in a problem document given as JSON text."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProblemInvalid([{"path": "", "message": f"not valid JSON: {error.msg} "
                                                      f"at line {error.lineno}, column {error.colno}"}])
    return normalize_problem(doc)


def load_problem(path) -> dict:
    """Read, validate and fill in the problem document in the file at `path`."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as error:
        raise ProblemInvalid([{"path": "", "message": f"cannot read {path}: {error}"}])
    return problem_from_json(text)
