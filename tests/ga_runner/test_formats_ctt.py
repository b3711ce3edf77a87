"""ITC-2007 .ctt conversion: every benchmark instance, round trips, bad files."""
from __future__ import annotations

from pathlib import Path

import pytest

from ga_runner.formats import FormatError
from ga_runner.formats.ctt import ITC_WEIGHTS, ctt_to_problem, problem_to_ctt
from ga_runner.problem import normalize_problem, validate_problem


def bench_dir() -> Path:
    """../shared/bench beside the repository (CI clones the repo next to shared/)."""
    return Path(__file__).resolve().parents[3] / "shared" / "bench"


INSTANCES = sorted((bench_dir() / "itc2007").glob("*.ctt"))


def header_counts(text: str) -> dict:
    """The header numbers, read independently of the converter."""
    counts = {}
    for line in text.splitlines():
        if line.strip() == "COURSES:":
            break
        key, _, value = line.partition(":")
        if line.strip() and key != "Name":
            counts[key.strip()] = int(value)
    return counts


def course_lines(text: str) -> list:
    lines = text.splitlines()
    start = lines.index("COURSES:") + 1
    return [line.split() for line in lines[start:start + header_counts(text)["Courses"]]]


def test_the_benchmark_instances_are_there():
    assert [path.name for path in INSTANCES] == [f"comp0{i}.ctt" for i in range(1, 8)] + ["toy.ctt"]


@pytest.mark.parametrize("path", INSTANCES, ids=lambda p: p.stem)
def test_instance_converts_to_a_valid_document_with_the_header_counts(path):
    text = path.read_text()
    doc = ctt_to_problem(text, name=path.stem)
    assert validate_problem(doc) == []
    assert normalize_problem(doc) == doc  # every field already written out
    counts = header_counts(text)
    assert doc["name"] == path.stem
    assert len(doc["courses"]) == len(doc["classes"]) == counts["Courses"]
    assert sum(k["periods_per_week"] for k in doc["classes"]) == sum(int(c[2]) for c in course_lines(text))
    assert len(doc["rooms"]) == counts["Rooms"]
    assert len(doc["days"]) == counts["Days"]
    assert len(doc["periods"]) == counts["Periods_per_day"]
    assert len(doc["groups"]) == counts["Curricula"]
    assert sum(len(k["unavailable"]) for k in doc["classes"]) == counts["Constraints"]
    assert len(doc["instructors"]) == len({c[1] for c in course_lines(text)})
    assert doc["weights"] == ITC_WEIGHTS


@pytest.mark.parametrize("path", INSTANCES, ids=lambda p: p.stem)
def test_round_trip(path):
    doc = ctt_to_problem(path.read_text())
    assert ctt_to_problem(problem_to_ctt(doc)) == doc


def test_toy_instance_in_detail():
    doc = ctt_to_problem((bench_dir() / "itc2007" / "toy.ctt").read_text())
    assert doc["name"] == "ToyExample"
    assert doc["days"] == ["Day 1", "Day 2", "Day 3", "Day 4", "Day 5"]
    assert doc["periods"][0] == {"name": "1", "start": None, "end": None}
    assert doc["rooms"] == [
        {"id": "A", "name": "A", "capacity": 32, "type": None, "features": [], "unavailable": []},
        {"id": "B", "name": "B", "capacity": 50, "type": None, "features": [], "unavailable": []},
    ]
    assert [i["id"] for i in doc["instructors"]] == ["Ocra", "Indaco", "Rosa", "Scarlatti"]
    # a curriculum is as large as its largest course
    assert [(g["id"], g["size"], g["parent"]) for g in doc["groups"]] == [("Cur1", 42, None),
                                                                          ("Cur2", 40, None)]
    assert doc["classes"][2] == {
        "id": "TecCos", "course": "TecCos", "kind": "lecture", "groups": ["Cur1", "Cur2"],
        "periods_per_week": 5, "block_length": 1, "room_type": None, "room_features": [],
        "instructors": ["Rosa"], "min_working_days": 4, "students": 40,
        "unavailable": [[2, 0], [2, 1], [3, 2], [3, 3]],
    }
    assert doc["lunch_break"] == []


GOOD = """Name: Tiny
Courses: 2
Rooms: 1
Days: 2
Periods_per_day: 2
Curricula: 1
Constraints: 1

COURSES:
c1 t1 2 1 10
c2 t1 1 1 5

ROOMS:
r1 20

CURRICULA:
q1 2 c1 c2

UNAVAILABILITY_CONSTRAINTS:
c1 1 1

END.
"""


def format_errors(text: str) -> list:
    with pytest.raises(FormatError) as raised:
        ctt_to_problem(text)
    return [(e["line"], e["message"]) for e in raised.value.errors]


def test_good_tiny_file():
    assert ctt_to_problem(GOOD)["classes"][0]["unavailable"] == [[1, 1]]


def test_header_count_does_not_match_section():
    text = GOOD.replace("Courses: 2", "Courses: 3").replace("Constraints: 1", "Constraints: 0")
    assert format_errors(text) == [
        (2, "header says Courses: 3 but COURSES: has 2 line(s) (line 9)"),
        (7, "header says Constraints: 0 but UNAVAILABILITY_CONSTRAINTS: has 1 line(s) (line 19)"),
    ]


def test_unknown_course_in_curriculum_and_unavailability():
    text = GOOD.replace("q1 2 c1 c2", "q1 2 c1 c9").replace("c1 1 1", "c8 1 1")
    assert format_errors(text) == [(17, "curriculum q1: unknown course c9"), (20, "unknown course c8")]


def test_bad_numbers():
    text = GOOD.replace("c1 t1 2 1 10", "c1 t1 two 1 -10").replace("r1 20", "r1 2.5")
    assert format_errors(text) == [
        (10, "lectures must be a whole number 0 or more, got 'two'"),
        (10, "students must be a whole number 0 or more, got '-10'"),
        (14, "capacity must be a whole number 0 or more, got '2.5'"),
    ]


def test_out_of_range_day_and_period():
    text = GOOD.replace("c1 1 1", "c1 2 0\nc2 0 2").replace("Constraints: 1", "Constraints: 2")
    assert format_errors(text) == [(20, "day 2 is out of range (Days: 2, 0-based)"),
                                   (21, "period 2 is out of range (Periods_per_day: 2, 0-based)")]


def test_missing_end():
    lines = GOOD.rstrip().splitlines()[:-1]
    assert format_errors("\n".join(lines)) == [(20, "missing END. at the end of the file")]


def test_curriculum_count_and_field_counts():
    text = GOOD.replace("q1 2 c1 c2", "q1 3 c1 c2").replace("c2 t1 1 1 5", "c2 t1 1 1")
    assert format_errors(text) == [
        (11, "a course line is `course_id teacher_id lectures min_working_days students`, got 4 field(s)"),
        (17, "curriculum q1 says 3 course(s) but lists 2"),
        (17, "curriculum q1: unknown course c2"),
    ]


def test_duplicates_missing_header_and_section():
    text = GOOD.replace("c2 t1 1 1 5", "c1 t1 1 1 5").replace("Rooms: 1\n", "").replace(
        "ROOMS:\nr1 20\n", "")
    errors = format_errors(text)
    assert (10, "course c1 already defined on line 9") in errors
    assert (8, "missing header line Rooms:") in errors
    assert (19, "missing section ROOMS:") in errors


def test_more_lectures_than_the_week():
    text = GOOD.replace("c1 t1 2 1 10", "c1 t1 5 1 10")
    assert format_errors(text) == [(10, "course c1 has 5 lectures but the week has only 4 periods")]


def test_format_error_str_lists_lines():
    with pytest.raises(FormatError) as raised:
        ctt_to_problem(GOOD.replace("r1 20", "r1 x"))
    assert str(raised.value) == "line 14: capacity must be a whole number 0 or more, got 'x'"


def test_problem_to_ctt_refuses_what_does_not_fit():
    doc = ctt_to_problem(GOOD)
    doc["classes"][0]["block_length"] = 2
    doc["classes"][1]["instructors"] = []
    doc["groups"].append({"id": "q1a", "size": 5, "parent": "q1"})
    doc["rooms"][0]["type"] = "Lab"
    with pytest.raises(FormatError) as raised:
        problem_to_ctt(doc)
    assert [(e["path"], e["message"]) for e in raised.value.errors] == [
        ("rooms[0]", "rooms have no type or features in .ctt"),
        ("groups[1].parent", "curricula have no parents in .ctt"),
        ("classes[0].block_length", "lectures are single periods in .ctt"),
        ("classes[1].instructors", "a course has exactly one teacher in .ctt"),
    ]


def test_problem_to_ctt_refuses_an_invalid_document():
    doc = ctt_to_problem(GOOD)
    doc["classes"][0]["groups"] = ["nobody"]
    with pytest.raises(FormatError) as raised:
        problem_to_ctt(doc)
    assert raised.value.errors == [{"path": "classes[0].groups[0]", "message": 'unknown group "nobody"'}]
