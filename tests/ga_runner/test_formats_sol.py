"""ITC-2007 solution lines from a result."""
from __future__ import annotations

import pytest

from ga_runner.formats import FormatError
from ga_runner.formats.sol import result_to_sol


def assignment(klass, day, period, room, length=1, meeting=0):
    return {"class": klass, "course": klass, "kind": "lecture", "groups": [], "meeting": meeting,
            "day": day, "period": period, "length": length, "room": room, "instructor": "t1"}


def test_one_line_per_occupied_period():
    result = {"format": "timetable-result/1", "hard": 0, "soft": 0,
              "assignments": [assignment("c2", 1, 3, "B"), assignment("c1", 0, 0, "A", meeting=1),
                              assignment("c1", 4, 2, "A", length=2)]}
    assert result_to_sol(result) == "c1 A 0 0\nc1 A 4 2\nc1 A 4 3\nc2 B 1 3\n"


def test_empty_result_gives_no_lines():
    assert result_to_sol({"format": "timetable-result/1", "assignments": []}) == ""


def test_not_a_result():
    with pytest.raises(FormatError) as raised:
        result_to_sol({"format": "timetable-problem/1"})
    assert str(raised.value) == "format: expected 'timetable-result/1', got 'timetable-problem/1'"


def test_incomplete_assignment():
    result = {"format": "timetable-result/1",
              "assignments": [assignment("c1", 0, 0, "A"), {"class": "c2", "day": 0}]}
    with pytest.raises(FormatError) as raised:
        result_to_sol(result)
    assert raised.value.errors == [{"path": "assignments[1]", "message": "missing period, length, room"}]
