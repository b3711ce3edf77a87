"""Validation of the problem document: each refusal of docs/problem-format.md, with its path."""
from __future__ import annotations

import copy
import json
import random

import pytest

from ga_runner.problem import (DEFAULT_WEIGHTS, ProblemInvalid, load_problem, normalize_problem,
                               validate_problem)


def small_problem() -> dict:
    """A valid document using every optional field."""
    return {
        "format": "timetable-problem/1",
        "name": "Small",
        "days": ["Sunday", "Monday"],
        "periods": [
            {"name": "1", "start": "10:15", "end": "11:05"},
            {"name": "2", "start": "11:05", "end": "11:55"},
            {"name": "3", "start": "11:55", "end": "12:45"},
        ],
        "lunch_break": [2],
        "weights": {"room_capacity": 1},
        "rooms": [
            {"id": "R1", "name": "Room 1", "capacity": 48, "type": "Lecture", "features": [],
             "unavailable": [[0, 0]]},
            {"id": "L1", "name": "Lab 1", "capacity": 24, "type": "Practical",
             "features": ["Chemistry Lab"], "unavailable": []},
        ],
        "instructors": [
            {"id": "I1", "name": "Ada", "email": "", "unavailable": [[1, 2]], "preferred_free": []},
        ],
        "groups": [
            {"id": "G", "name": "Cohort", "size": 48, "parent": None, "wants_lunch_break": True},
            {"id": "GA", "name": "GA", "size": 24, "parent": "G", "wants_lunch_break": True},
        ],
        "courses": [{"id": "C1", "name": "Chemistry"}],
        "classes": [
            {"id": "C1/lecture/G", "course": "C1", "kind": "lecture", "groups": ["G"],
             "periods_per_week": 2, "block_length": 1, "room_type": "Lecture",
             "room_features": [], "instructors": ["I1"], "min_working_days": 2, "students": 48,
             "unavailable": []},
            {"id": "C1/practical/GA", "course": "C1", "kind": "practical", "groups": ["GA"],
             "periods_per_week": 3, "block_length": 3, "room_type": "Practical",
             "room_features": ["Chemistry Lab"], "instructors": [], "min_working_days": 0,
             "students": 24, "unavailable": [[1, 0]]},
        ],
    }


def errors_of(doc) -> list:
    return [(e["path"], e["message"]) for e in validate_problem(doc)]


def only_error(doc) -> tuple:
    errors = errors_of(doc)
    assert len(errors) == 1, errors
    return errors[0]


def test_small_problem_is_valid():
    assert validate_problem(small_problem()) == []


@pytest.mark.parametrize("garbage", [None, 3, "text", [], [{"format": "timetable-problem/1"}]])
def test_non_object_documents_are_reported_not_raised(garbage):
    path, message = only_error(garbage)
    assert path == "" and message.startswith("must be an object, not ")


def test_garbage_everywhere_never_raises():
    doc = {"format": 1, "days": "x", "periods": [3, {"name": 4, "start": 1030}],
           "lunch_break": "noon", "weights": [1], "rooms": [None, {"id": ""}],
           "instructors": [{"id": 5, "unavailable": [[1]]}], "groups": [{"id": "g", "parent": 7}],
           "courses": {}, "classes": [{"id": "c", "groups": "g", "instructors": [None],
                                       "periods_per_week": "2", "block_length": 0}]}
    assert len(validate_problem(doc)) > 10


GARBAGE = [None, True, -1, 2.5, "", "x", [], [None], [[0, 0]], {}, {"id": []}, {1, 2}, object()]


def _mutations(doc, rng):
    """The document with one node (chosen at random) replaced by garbage."""
    doc = copy.deepcopy(doc)
    node, nodes = doc, []
    while isinstance(node, (dict, list)) and node:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = rng.choice(keys)
        nodes.append((node, key))
        node = node[key]
    parent, key = rng.choice(nodes)
    parent[key] = rng.choice(GARBAGE)
    return doc


def test_random_garbage_is_reported_never_raised():
    rng = random.Random(3)
    for _ in range(2000):
        doc = small_problem()
        for _ in range(rng.randint(1, 3)):
            doc = _mutations(doc, rng)
        assert isinstance(validate_problem(doc), list)


def test_wrong_format_string():
    doc = small_problem()
    doc["format"] = "timetable-problem/2"
    assert only_error(doc) == ("format", 'must be "timetable-problem/1", not "timetable-problem/2"')


def test_unknown_top_level_and_nested_keys():
    doc = small_problem()
    doc["colour"] = "blue"
    doc["rooms"][1]["colour"] = "red"
    assert errors_of(doc) == [("colour", 'unknown field "colour"'),
                              ("rooms[1].colour", 'unknown field "colour"')]


@pytest.mark.parametrize("path", ["format", "days", "periods", "rooms", "instructors", "groups",
                                  "courses", "classes"])
def test_missing_top_level_field(path):
    doc = small_problem()
    del doc[path]
    if path in ("rooms", "groups", "courses", "instructors"):
        # the references into the missing list are reported too; the first error is the missing field
        assert errors_of(doc)[0] == (path, "missing")
    else:
        assert only_error(doc) == (path, "missing")


def test_missing_and_mistyped_fields_name_their_paths():
    doc = small_problem()
    del doc["classes"][1]["kind"]
    doc["groups"][0]["size"] = "48"
    doc["instructors"][0]["email"] = None
    doc["groups"][1]["wants_lunch_break"] = "yes"
    doc["classes"][0]["periods_per_week"] = 0
    assert set(errors_of(doc)) == {
        ("classes[1].kind", "missing"),
        ("groups[0].size", "must be a whole number, not a string"),
        ("instructors[0].email", "must be a string, not null"),
        ("groups[1].wants_lunch_break", "must be true or false, not a string"),
        ("classes[0].periods_per_week", "must be 1 or more, not 0"),
    }


def test_booleans_are_not_numbers():
    doc = small_problem()
    doc["rooms"][0]["capacity"] = True
    assert only_error(doc) == ("rooms[0].capacity", "must be a whole number, not a boolean")


def test_duplicate_ids():
    doc = small_problem()
    doc["rooms"].append(dict(doc["rooms"][0]))
    assert only_error(doc) == ("rooms[2].id", 'duplicate id "R1" (also rooms[0])')


def test_empty_id():
    doc = small_problem()
    doc["courses"].append({"id": ""})
    assert only_error(doc) == ("courses[1].id", "must be a non-empty string")


def test_dangling_ids():
    doc = small_problem()
    doc["classes"][0]["instructors"] = ["I1", "T9"]
    doc["classes"][0]["groups"] = ["G", "H"]
    doc["classes"][0]["course"] = "C2"
    doc["groups"][1]["parent"] = "X"
    assert set(errors_of(doc)) == {
        ("classes[0].instructors[1]", 'unknown instructor "T9"'),
        ("classes[0].groups[1]", 'unknown group "H"'),
        ("classes[0].course", 'unknown course "C2"'),
        ("groups[1].parent", 'unknown group "X"'),
    }


def test_reference_listed_twice():
    doc = small_problem()
    doc["classes"][0]["groups"] = ["G", "G"]
    assert only_error(doc) == ("classes[0].groups[1]", 'group "G" listed twice')


@pytest.mark.parametrize("field, index", [("rooms", 0), ("instructors", 0), ("classes", 1)])
def test_slots_outside_the_week(field, index):
    doc = small_problem()
    doc[field][index]["unavailable"] = [[0, 1], [2, 0], [0, 3], [-1, 0]]
    assert errors_of(doc) == [
        (f"{field}[{index}].unavailable[{i}]", f"slot {json.dumps(slot)} is outside the week "
                                               "(2 days x 3 periods, 0-based)")
        for i, slot in ((1, [2, 0]), (2, [0, 3]), (3, [-1, 0]))]


def test_malformed_slot():
    doc = small_problem()
    doc["instructors"][0]["preferred_free"] = [[1, "2"]]
    assert only_error(doc) == ("instructors[0].preferred_free[0]",
                               'must be a [day, period] pair of whole numbers, not [1, "2"]')


def test_lunch_break_outside_the_day():
    doc = small_problem()
    doc["lunch_break"] = [1, 3]
    assert only_error(doc) == ("lunch_break[1]", "must be a period index from 0 to 2, not 3")


def test_parent_cycle():
    doc = small_problem()
    doc["groups"].append({"id": "GB", "size": 24, "parent": "GA"})
    doc["groups"][0]["parent"] = "GB"
    assert only_error(doc) == ("groups[0].parent", 'parent cycle: "G" -> "GB" -> "GA" -> "G"')


def test_group_that_is_its_own_parent():
    doc = small_problem()
    doc["groups"][1]["parent"] = "GA"
    assert only_error(doc) == ("groups[1].parent", 'parent cycle: "GA" -> "GA"')


def test_periods_per_week_not_a_multiple_of_block_length():
    doc = small_problem()
    doc["classes"][1]["periods_per_week"] = 4
    assert only_error(doc) == ("classes[1].periods_per_week", "4 is not a multiple of block_length 3")


def test_block_longer_than_a_day():
    doc = small_problem()
    doc["classes"][1]["block_length"] = 4
    doc["classes"][1]["periods_per_week"] = 4
    assert only_error(doc) == ("classes[1].block_length",
                               "a block of 4 periods is longer than a day (3 periods)")


def test_more_meetings_than_the_week_holds():
    doc = small_problem()
    doc["classes"][0]["periods_per_week"] = 7  # 2 days x 3 periods
    doc["classes"][1]["periods_per_week"] = 9  # 3-period blocks: one per day
    assert errors_of(doc) == [
        ("classes[0].periods_per_week", "7 meetings of 1 period(s) do not fit in the week (room for 6)"),
        ("classes[1].periods_per_week", "3 meetings of 3 period(s) do not fit in the week (room for 2)"),
    ]


def test_room_requirements_no_room_offers():
    doc = small_problem()
    doc["classes"][0]["room_type"] = "Studio"
    doc["classes"][1]["room_features"] = ["Chemistry Lab", "Physics Lab"]
    assert errors_of(doc) == [
        ("classes[0].room_type", 'no room of type "Studio" for "C1/lecture/G"'),
        ("classes[1].room_features",
         'no room of type "Practical" with "Chemistry Lab", "Physics Lab" for "C1/practical/GA"'),
    ]


def test_features_offered_only_by_a_room_of_another_type():
    doc = small_problem()
    doc["classes"][0]["room_features"] = ["Chemistry Lab"]  # only the Practical room has it
    assert only_error(doc)[0] == "classes[0].room_features"


@pytest.mark.parametrize("bad", ["9:15", "24:00", "12:60", "noon", 1015])
def test_bad_times(bad):
    doc = small_problem()
    doc["periods"][1]["end"] = bad
    assert only_error(doc) == ("periods[1].end",
                               f'must be a time "HH:MM" (00:00 to 23:59) or null, not {json.dumps(bad)}')


def test_period_ending_before_it_starts_and_overlapping_periods():
    doc = small_problem()
    doc["periods"][0] = {"name": "1", "start": "11:00", "end": "10:15"}
    doc["periods"][2]["start"] = "11:30"
    assert errors_of(doc) == [
        ("periods[0]", "starts at 11:00, not before its end 10:15"),
        ("periods[2].start", "11:30 is before the previous period ends (11:55)"),
    ]


def test_negative_sizes_and_capacities():
    doc = small_problem()
    doc["rooms"][0]["capacity"] = -1
    doc["groups"][1]["size"] = -24
    doc["classes"][0]["students"] = -2
    assert errors_of(doc) == [("rooms[0].capacity", "must be 0 or more, not -1"),
                              ("groups[1].size", "must be 0 or more, not -24"),
                              ("classes[0].students", "must be 0 or more, not -2")]


def test_weights():
    doc = small_problem()
    doc["weights"] = {"room_capacity": -1, "beauty": 3}
    assert errors_of(doc) == [
        ("weights.room_capacity", "must be 0 or more, not -1"),
        ("weights.beauty", 'unknown weight "beauty"; known: ' + ", ".join(DEFAULT_WEIGHTS)),
    ]


def test_normalize_fills_defaults():
    doc = {
        "format": "timetable-problem/1",
        "days": ["Mon"],
        "periods": [{"name": "1"}, {"name": "2"}],
        "rooms": [{"id": "R", "capacity": 10}],
        "instructors": [{"id": "I"}],
        "groups": [{"id": "A", "size": 5}, {"id": "B", "size": 7}],
        "courses": [{"id": "C"}],
        "classes": [{"id": "K", "course": "C", "kind": "lecture", "groups": ["A", "B"],
                     "periods_per_week": 2, "instructors": ["I"]}],
    }
    original = copy.deepcopy(doc)
    filled = normalize_problem(doc)
    assert doc == original
    assert filled["name"] == "" and filled["lunch_break"] == []
    assert filled["weights"] == DEFAULT_WEIGHTS
    assert filled["periods"][0] == {"name": "1", "start": None, "end": None}
    assert filled["rooms"][0] == {"id": "R", "name": "R", "capacity": 10, "type": None,
                                  "features": [], "unavailable": []}
    assert filled["instructors"][0] == {"id": "I", "name": "I", "email": "", "unavailable": [],
                                        "preferred_free": []}
    assert filled["groups"][0] == {"id": "A", "name": "A", "size": 5, "parent": None,
                                   "wants_lunch_break": False}
    assert filled["courses"][0] == {"id": "C", "name": "C"}
    assert filled["classes"][0] == {"id": "K", "course": "C", "kind": "lecture", "groups": ["A", "B"],
                                    "periods_per_week": 2, "block_length": 1, "room_type": None,
                                    "room_features": [], "instructors": ["I"], "min_working_days": 0,
                                    "students": 12, "unavailable": []}
    assert normalize_problem(filled) == filled


def test_normalize_keeps_given_weights():
    assert normalize_problem(small_problem())["weights"] == DEFAULT_WEIGHTS
    doc = small_problem()
    doc["weights"] = {"idle_gaps": 0}
    assert normalize_problem(doc)["weights"] == {**DEFAULT_WEIGHTS, "idle_gaps": 0}


def test_load_problem(tmp_path):
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(small_problem()))
    assert load_problem(path)["classes"][1]["students"] == 24
    assert load_problem(str(path))["name"] == "Small"


def test_load_problem_bad_json_names_line_and_column(tmp_path):
    path = tmp_path / "problem.json"
    path.write_text('{\n  "format": "timetable-problem/1",\n  "days": [,]\n}')
    with pytest.raises(ProblemInvalid) as raised:
        load_problem(path)
    assert raised.value.errors == [{"path": "", "message": "not valid JSON: Expecting value at line 3, column 12"}]
    assert "line 3, column 12" in str(raised.value)


def test_load_problem_lists_every_error(tmp_path):
    doc = small_problem()
    doc["classes"][0]["instructors"] = ["T9"]
    doc["rooms"][0]["capacity"] = -5
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ProblemInvalid) as raised:
        load_problem(path)
    assert raised.value.errors == [
        {"path": "rooms[0].capacity", "message": "must be 0 or more, not -5"},
        {"path": "classes[0].instructors[0]", "message": 'unknown instructor "T9"'},
    ]
    assert str(raised.value) == ('rooms[0].capacity: must be 0 or more, not -5\n'
                                 'classes[0].instructors[0]: unknown instructor "T9"')


def test_load_problem_missing_file(tmp_path):
    with pytest.raises(ProblemInvalid) as raised:
        load_problem(tmp_path / "nope.json")
    assert "cannot read" in raised.value.errors[0]["message"]
