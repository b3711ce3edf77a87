"""`timetable-result/1` -> an ITC-2007 solution file, checkable by the competition's validator.

One line per occupied period: `course_id room_id day period` (0-based), as described in
../shared/bench/itc2007/README.md. For a problem converted from a .ctt file the class ids are
the course ids, so the lines name the competition's courses.
"""
from __future__ import annotations

from typing import List

from ga_runner import RESULT_FORMAT
from ga_runner.formats import FormatError

_FIELDS = ("class", "day", "period", "length", "room")


def result_to_sol(result: dict) -> str:
    """The solution lines, sorted by course, day and period; raises FormatError on a result
    that is not `timetable-result/1` or whose assignments lack what a line needs."""
    if not isinstance(result, dict) or result.get("format") != RESULT_FORMAT:
        found = result.get("format") if isinstance(result, dict) else type(result).__name__
        raise FormatError([{"path": "format", "message": f"expected {RESULT_FORMAT!r}, got {found!r}"}])
    assignments = result.get("assignments")
    if not isinstance(assignments, list):
        raise FormatError([{"path": "assignments", "message": "missing or not a list"}])
    errors: List[dict] = []
    lines = []
    for index, item in enumerate(assignments):
        missing = [key for key in _FIELDS if not isinstance(item, dict) or key not in item]
        if missing:
            errors.append({"path": f"assignments[{index}]", "message": f"missing {', '.join(missing)}"})
            continue
        for period in range(item["period"], item["period"] + item["length"]):
            lines.append((item["class"], item["day"], period, item["room"]))
    if errors:
        raise FormatError(errors)
    return "".join(f"{course} {room} {day} {period}\n" for course, day, period, room in sorted(lines))
