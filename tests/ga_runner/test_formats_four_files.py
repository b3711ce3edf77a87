"""Four-file conversion: the real campus counted against the raw files, the readings of
docs/four-files.md on small inputs, and bad files reported by path."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from ga_runner.formats import FormatError
from ga_runner.formats.four_files import (DEFAULT_PERIODS, four_files_summary, four_files_to_problem,
                                          read_four_files, read_four_files_dir)
from ga_runner.problem import normalize_problem, validate_problem


def bench_dir() -> Path:
    """../shared/bench beside the repository (CI clones the repo next to shared/)."""
    return Path(__file__).resolve().parents[3] / "shared" / "bench"


CAMPUS = bench_dir() / "campus"


def raw_campus():
    return [json.loads((CAMPUS / name).read_text())
            for name in ("Course.json", "Groups.json", "Instructors.json", "Rooms.json")]


# --- the real campus --------------------------------------------------------------------------

def test_campus_converts_to_a_valid_document():
    doc = read_four_files_dir(CAMPUS)
    assert validate_problem(doc) == []
    assert normalize_problem(doc) == doc
    assert doc["name"] == "campus"
    assert doc["days"] == ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    assert [(p["start"], p["end"]) for p in doc["periods"]][::7] == [("10:15", "11:05"), ("16:05", "16:55")]
    assert doc["lunch_break"] == [3, 4]


def test_campus_counts_match_the_raw_files():
    courses, groups, instructors, rooms = raw_campus()
    course = {c["CourseCode"]: c for c in courses}
    attended = {code for g in groups for code in g["courses"]}

    # What each course is expected to make per group, counted without the converter's helpers.
    lectures = practicals = periods = 0
    for g in groups:
        n_sub = len(g["subgroups"])
        for code in g["courses"]:
            c = course[code]
            lectures += (c["L"] > 0) + (c["T"] > 0)
            periods += c["L"] + c["T"]
            p = c["P"]
            if 0 < p < 2:                      # one alternate-week block of 2P periods
                practicals += 1
                periods += int(2 * p)
            elif p >= 2 and p == int(p):       # weekly, each subgroup
                practicals += n_sub
                periods += int(p) * n_sub
            elif p >= 2:                       # weekly whole part - 1.5, plus a 3-period block
                practicals += n_sub + 1
                periods += int(p - 1.5) * n_sub + 3
    theory = {(q["coursecode"]) for i in instructors for q in i["courses"] if q["coursetype"] == "Theory"}
    practical = {(q["coursecode"]) for i in instructors for q in i["courses"] if q["coursetype"] == "Practical"}
    used = sum(1 for i in instructors for q in i["courses"]
               if q["coursecode"] in attended
               and (course[q["coursecode"]]["L"] + course[q["coursecode"]]["T"] > 0
                    if q["coursetype"] == "Theory" else course[q["coursecode"]]["P"] > 0))

    summary = four_files_summary(courses, groups, instructors, rooms)
    assert summary == {
        "course_records": 444,
        "attended_courses": len(attended),
        "attended_courses_without_classes": sum(
            1 for code in attended if course[code]["L"] + course[code]["T"] + course[code]["P"] == 0),
        "groups": 37,
        "subgroups": sum(len(g["subgroups"]) for g in groups),
        "instructors": 181,
        "qualifications": sum(len(i["courses"]) for i in instructors),
        "qualifications_used": used,
        "availability_windows": sum(len(ws) for i in instructors for ws in i["availability"].values()),
        "rooms": 67,
        "classes": lectures + practicals,
        "classes_by_kind": {"lecture": lectures, "practical": practicals},
        "unstaffed_classes": 0,
    }
    # The README's numbers.
    assert (summary["attended_courses"], summary["subgroups"]) == (146, 74)
    assert all(code in theory for code in attended if course[code]["L"])
    assert all(code in practical for code in attended if course[code]["P"])

    doc = four_files_to_problem(courses, groups, instructors, rooms, name="campus")
    assert sum(k["periods_per_week"] for k in doc["classes"]) == periods
    assert len(doc["groups"]) == 37 + 74
    assert len(doc["courses"]) == 146
    assert len(doc["instructors"]) == 181 and len(doc["rooms"]) == 67


def test_campus_availability_windows_become_unavailable_periods():
    doc = read_four_files_dir(CAMPUS)
    i2 = next(i for i in doc["instructors"] if i["id"] == "I2")
    # I2 teaches Tuesday and Thursday 14:25-16:55 (periods 6-8) and all Wednesday; not listed:
    # Sunday, Monday, Friday.
    free = {(2, p) for p in (5, 6, 7)} | {(3, p) for p in range(8)} | {(4, p) for p in (5, 6, 7)}
    assert {tuple(s) for s in i2["unavailable"]} == {(d, p) for d in range(6) for p in range(8)} - free


# --- readings on small inputs -----------------------------------------------------------------

def course(code, L=0, T=0, P=0.0, features=""):
    return {"Semester": 1, "Dept": "X", "CourseCode": code, "CourseTitle": f"Title of {code}",
            "Credits": 3, "L": L, "T": T, "P": P, "PracticalRoomFeatures": features}


def small_files():
    courses = [course("C1", L=3, T=1, P=1.5, features="Chem Lab"), course("C2", P=3.0),
               course("C3", L=2), course("UNUSED", L=90)]
    groups = [{"group_id": "G1", "name": "Group one", "student_count": 48, "courses": ["C1", "C2"],
               "prefers_break": True,
               "subgroups": [{"id": "G1A", "student_count": 24}, {"id": "G1B", "student_count": 24}]},
              {"group_id": "G2", "name": "Group two", "student_count": 30, "courses": ["C3", "C2"],
               "prefers_break": False, "subgroups": []}]
    instructors = [{"id": "T1", "name": "Theo", "courses": [{"coursecode": "C1", "coursetype": "Theory"}],
                    "availability": {}},
                   {"id": "T2", "name": "Pra", "courses": [{"coursecode": "C1", "coursetype": "Practical"},
                                                           {"coursecode": "C2", "coursetype": "Practical"}],
                    "availability": {"Sunday": [{"start": "08:00", "end": "19:00"}],
                                     "Monday": [{"start": "10:15", "end": "11:30"},
                                                {"start": "11:30", "end": "12:45"}],
                                     "Tuesday": [{"start": "10:30", "end": "16:55"}]}}]
    rooms = [{"room_id": "R1", "name": "Lecture room", "capacity": 48, "type": "Lecture", "features": []},
             {"room_id": "L1", "name": "Lab", "capacity": 24, "type": "Practical",
              "features": ["Chem Lab", "Other"],
              "availability": {"Friday": [{"start": "10:15", "end": "16:55"}]}}]
    return courses, groups, instructors, rooms


def convert(courses, groups, instructors, rooms, **week):
    return four_files_to_problem(courses, groups, instructors, rooms, name="small", **week)


def classes_by_id(doc):
    return {k["id"]: k for k in doc["classes"]}


def test_small_files_classes():
    doc = convert(*small_files())
    assert validate_problem(doc) == []
    assert list(classes_by_id(doc)) == [
        "C1/lecture/G1", "C1/tutorial/G1", "C1/practical/G1/alternate-weeks",
        "C2/practical/G1A", "C2/practical/G1B",
        "C3/lecture/G2", "C2/practical/G2",
    ]
    k = classes_by_id(doc)
    assert k["C1/lecture/G1"] == {
        "id": "C1/lecture/G1", "course": "C1", "kind": "lecture", "groups": ["G1"],
        "periods_per_week": 3, "block_length": 1, "room_type": "Lecture", "room_features": [],
        "instructors": ["T1"], "min_working_days": 3, "students": 48, "unavailable": []}
    assert k["C1/tutorial/G1"]["periods_per_week"] == 1 and k["C1/tutorial/G1"]["instructors"] == ["T1"]
    # 1.5 h: a 3-period block, one subgroup at a time, so it blocks the whole group weekly
    assert k["C1/practical/G1/alternate-weeks"] == {
        "id": "C1/practical/G1/alternate-weeks", "course": "C1", "kind": "practical",
        "groups": ["G1"], "periods_per_week": 3, "block_length": 3, "room_type": "Practical",
        "room_features": ["Chem Lab"], "instructors": ["T2"], "min_working_days": 1, "students": 24,
        "unavailable": []}
    assert k["C2/practical/G1A"]["groups"] == ["G1A"] and k["C2/practical/G1A"]["block_length"] == 3
    # a group without subgroups takes its practicals whole
    assert k["C2/practical/G2"]["groups"] == ["G2"] and k["C2/practical/G2"]["students"] == 30
    # C3's lecture has no qualified instructor: kept, unstaffed
    assert k["C3/lecture/G2"]["instructors"] == []
    assert [c["id"] for c in doc["courses"]] == ["C1", "C2", "C3"]
    assert doc["courses"][0]["name"] == "Title of C1"


def test_small_files_groups_and_lunch():
    doc = convert(*small_files())
    assert doc["groups"] == [
        {"id": "G1", "name": "Group one", "size": 48, "parent": None, "wants_lunch_break": True},
        {"id": "G1A", "name": "G1A", "size": 24, "parent": "G1", "wants_lunch_break": True},
        {"id": "G1B", "name": "G1B", "size": 24, "parent": "G1", "wants_lunch_break": True},
        {"id": "G2", "name": "Group two", "size": 30, "parent": None, "wants_lunch_break": False},
    ]


def test_small_files_summary():
    assert four_files_summary(*small_files()) == {
        "course_records": 4, "attended_courses": 3, "attended_courses_without_classes": 0,
        "groups": 2, "subgroups": 2, "instructors": 2, "qualifications": 3,
        "qualifications_used": 3, "availability_windows": 5, "rooms": 2, "classes": 7,
        "classes_by_kind": {"lecture": 2, "tutorial": 1, "practical": 4}, "unstaffed_classes": 1,
    }


def test_availability_windows():
    doc = convert(*small_files())
    t1, t2 = doc["instructors"]
    assert t1["unavailable"] == []  # empty availability: always available
    unavailable = {tuple(s) for s in t2["unavailable"]}
    # Sunday 08:00-19:00: every period. Monday 10:15-11:30 + 11:30-12:45 together cover periods
    # 1-3 (10:15-12:45). Tuesday from 10:30 cuts period 1 (10:15-11:05): unavailable.
    # Wednesday to Friday not listed: unavailable.
    expected_free = ({(0, p) for p in range(8)} | {(1, 0), (1, 1), (1, 2)}
                     | {(2, p) for p in range(1, 8)})
    assert unavailable == {(d, p) for d in range(6) for p in range(8)} - expected_free
    lab = doc["rooms"][1]
    assert {tuple(s) for s in lab["unavailable"]} == {(d, p) for d in range(5) for p in range(8)}


@pytest.mark.parametrize("hours, expected", [
    (0.5, [("C/practical/G/alternate-weeks", 1, 1)]),
    (1.0, [("C/practical/G/alternate-weeks", 2, 2)]),
    (1.5, [("C/practical/G/alternate-weeks", 3, 3)]),
    (2.0, [("C/practical/GA", 2, 2), ("C/practical/GB", 2, 2)]),
    (5.5, [("C/practical/GA", 4, 4), ("C/practical/GB", 4, 4), ("C/practical/G/alternate-weeks", 3, 3)]),
    (6.0, [("C/practical/GA", 6, 3), ("C/practical/GB", 6, 3)]),
    (10.0, [("C/practical/GA", 10, 2), ("C/practical/GB", 10, 2)]),
    (12.0, [("C/practical/GA", 12, 4), ("C/practical/GB", 12, 4)]),
    (30.0, [("C/practical/GA", 30, 3), ("C/practical/GB", 30, 3)]),
])
def test_practical_hours_become_blocks(hours, expected):
    groups = [{"group_id": "G", "student_count": 48, "courses": ["C"], "subgroups": ["GA", "GB"]}]
    rooms = [{"room_id": "L", "capacity": 24, "type": "Practical", "features": []}]
    doc = convert([course("C", P=hours)], groups, [], rooms)
    assert [(k["id"], k["periods_per_week"], k["block_length"]) for k in doc["classes"]] == expected
    for k in doc["classes"]:
        assert k["min_working_days"] == min(k["periods_per_week"] // k["block_length"], 6)


def test_older_plain_subgroups_share_the_group_evenly():
    groups = [{"group_id": "G", "student_count": 49, "courses": ["C"], "subgroups": ["GA", "GB", "GC"]}]
    rooms = [{"room_id": "L", "capacity": 24, "type": "Practical", "features": []}]
    doc = convert([course("C", P=2.0)], groups, [], rooms)
    assert [(g["id"], g["size"]) for g in doc["groups"]] == [("G", 49), ("GA", 17), ("GB", 16), ("GC", 16)]


def test_older_plain_qualification_codes():
    courses = [course("C", L=2, P=3.0)]
    groups = [{"group_id": "G", "student_count": 20, "courses": ["C"]}]
    instructors = [{"id": "A", "courses": ["C"]}, {"id": "B", "courses": ["C-PR"]}]
    rooms = [{"room_id": "R", "capacity": 20, "type": "Lecture"},
             {"room_id": "L", "capacity": 20, "type": "Practical"}]
    k = classes_by_id(convert(courses, groups, instructors, rooms))
    assert k["C/lecture/G"]["instructors"] == ["A"]
    assert k["C/practical/G"]["instructors"] == ["B"]


def test_custom_week():
    periods = [{"name": "a", "start": "08:00", "end": "09:00"}, {"name": "b", "start": "09:00", "end": "10:00"}]
    doc = convert(*small_files()[:1], [], [], [], days=["Monday"], periods=periods)
    assert doc["days"] == ["Monday"] and doc["periods"] == periods and doc["lunch_break"] == []


# --- bad files --------------------------------------------------------------------------------

def errors_of(*files, **week):
    with pytest.raises(FormatError) as raised:
        convert(*files, **week)
    return [(e["path"], e["message"]) for e in raised.value.errors]


def test_files_must_be_lists():
    courses, groups, instructors, rooms = small_files()
    assert errors_of({"CourseCode": "C1"}, groups, None, rooms) == [
        ("Course.json", "must be a list, not an object"), ("Instructors.json", "must be a list, not null")]


def test_missing_keys_and_wrong_types():
    courses, groups, instructors, rooms = small_files()
    del courses[1]["P"]
    courses[2]["L"] = "two"
    groups[0]["student_count"] = -1
    del instructors[0]["id"]
    rooms[0]["features"] = "Chem Lab"
    rooms.append("L2")
    assert errors_of(courses, groups, instructors, rooms) == [
        ("Course.json[1].P", "missing"),
        ("Course.json[2].L", 'must be a whole number 0 or more, not "two"'),
        ("Rooms.json[0].features", 'must be a list of strings, not "Chem Lab"'),
        ("Rooms.json[2]", "must be an object, not a string"),
        ("Groups.json[0].student_count", "must be a whole number 0 or more, not -1"),
        ("Instructors.json[0].id", "missing"),
    ]


def test_unknown_course_code_in_a_group():
    courses, groups, instructors, rooms = small_files()
    groups[1]["courses"] = ["C3", "C9", "C3"]
    assert errors_of(courses, groups, instructors, rooms) == [
        ("Groups.json[1].courses[1]", 'unknown course code "C9"'),
        ("Groups.json[1].courses[2]", "course C3 listed twice"),
    ]


def test_bad_qualifications():
    courses, groups, instructors, rooms = small_files()
    instructors[0]["courses"] = [{"coursecode": "C1", "coursetype": "Lab"},
                                 {"coursecode": "C7", "coursetype": "Theory"}, "C8-PR", 5]
    assert errors_of(courses, groups, instructors, rooms) == [
        ("Instructors.json[0].courses[0].coursetype", 'unknown coursetype "Lab"; expected "Theory" or "Practical"'),
        ("Instructors.json[0].courses[1].coursecode", 'unknown course code "C7"'),
        ("Instructors.json[0].courses[2]", 'unknown course code "C8-PR"'),
        ("Instructors.json[0].courses[3]", "must be an object, not a number"),
    ]


def test_bad_times_and_days():
    courses, groups, instructors, rooms = small_files()
    instructors[1]["availability"] = {
        "Sunday": [{"start": "8:00", "end": "25:00"}],
        "Someday": [{"start": "10:15", "end": "11:05"}],
        "Monday": [{"start": "12:00", "end": "11:00"}, {"start": "10:15"}],
        "Tuesday": "all day",
    }
    path = "Instructors.json[1].availability"
    assert errors_of(courses, groups, instructors, rooms) == [
        (f"{path}.Sunday[0].end", 'must be a time "HH:MM", not "25:00"'),
        (f"{path}.Someday", 'unknown weekday "Someday"'),
        (f"{path}.Monday[0]", "starts at 12:00, not before its end 11:00"),
        (f"{path}.Monday[1].end", 'must be a time "HH:MM", not null'),
        (f"{path}.Tuesday", "must be a list of windows, not a string"),
    ]


def test_practical_hours_must_be_halves_and_fit_the_week():
    courses, groups, instructors, rooms = small_files()
    courses[0]["P"] = 1.3
    courses[1]["P"] = 50.0
    assert errors_of(courses, groups, instructors, rooms) == [
        ("Course.json[0].P", "must be a number of hours 0 or more in halves (1.5), not 1.3"),
        ("Course.json[1].P", "50.0 hours need 25 meetings of 2 period(s) a week; the week has room for 24"),
    ]


def test_features_no_room_offers():
    courses, groups, instructors, rooms = small_files()
    courses[1]["PracticalRoomFeatures"] = "Chem Lab, Physics Lab"
    assert errors_of(courses, groups, instructors, rooms) == [
        ("Course.json[1].PracticalRoomFeatures", "no room of type 'Practical' has all of Chem Lab, Physics Lab")]


def test_duplicate_ids():
    courses, groups, instructors, rooms = small_files()
    courses.append(course("C2"))
    groups[1]["group_id"] = "G1A"
    rooms.append(copy.deepcopy(rooms[0]))
    assert errors_of(courses, groups, instructors, rooms) == [
        ("Course.json[4].CourseCode", "course C2 is already defined at Course.json[1]"),
        ("Rooms.json[2].room_id", "room R1 is already defined at Rooms.json[0]"),
        ("Groups.json[1].group_id", "group id G1A is already used at Groups.json[0].subgroups[0].id"),
    ]


def test_windows_need_period_times_and_weekdays():
    courses, groups, instructors, rooms = small_files()
    periods = [{"name": "1", "start": None, "end": None}]
    errors = errors_of(courses, groups, instructors, rooms, periods=periods, days=["Day 1", "monday"])
    assert errors[-2:] == [
        ("periods[0]", "needs start and end times to read availability windows"),
        ("days[0]", '"Day 1" is not a weekday name, needed to read availability windows'),
    ]


def test_format_error_str_names_paths():
    courses, groups, instructors, rooms = small_files()
    groups[0]["courses"][0] = "NOPE"
    with pytest.raises(FormatError) as raised:
        convert(courses, groups, instructors, rooms)
    assert str(raised.value) == 'Groups.json[0].courses[0]: unknown course code "NOPE"'


# --- reading a folder -------------------------------------------------------------------------

def write_folder(folder: Path, files) -> None:
    folder.mkdir()
    for name, content in zip(("Course.json", "Groups.json", "Instructors.json", "Rooms.json"), files):
        (folder / name).write_text(json.dumps(content))


def test_read_four_files_dir(tmp_path):
    write_folder(tmp_path / "spring", small_files())
    doc = read_four_files_dir(tmp_path / "spring")
    assert doc["name"] == "spring" and len(doc["classes"]) == 7
    assert read_four_files_dir(tmp_path / "spring", name="Spring 2027")["name"] == "Spring 2027"
    assert read_four_files(tmp_path / "spring")[0][0]["CourseCode"] == "C1"
    assert doc["periods"] == DEFAULT_PERIODS


def test_read_four_files_dir_missing_and_bad_json(tmp_path):
    write_folder(tmp_path / "x", small_files())
    (tmp_path / "x" / "Rooms.json").unlink()
    (tmp_path / "x" / "Groups.json").write_text('[{"group_id": "G1",}]')
    with pytest.raises(FormatError) as raised:
        read_four_files_dir(tmp_path / "x")
    assert raised.value.errors == [
        {"path": "Groups.json", "message": "not valid JSON: Expecting property name enclosed in double "
                                           "quotes at line 1, column 20"},
        {"path": "Rooms.json", "message": f"missing from {tmp_path / 'x'}"},
    ]
