from io import BytesIO

import pytest
from openpyxl import load_workbook

from scheduling.excel import timetable_workbook_bytes
from tests.scheduling.results import LAB_A, small_problem, small_result

SHEETS = ["Quality", "Assignments", "G BAM2AB", "G BAM2A", "G BAM2B", "I Rosa", "I Ahmed", "R A104", "R L1"]


def workbook(problem=None, result=None):
    data = timetable_workbook_bytes(problem or small_problem(), result or small_result())
    return load_workbook(BytesIO(data))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def trimmed(row):
    while row and row[-1] is None:
        row = row[:-1]
    return row


@pytest.fixture(scope="module")
def book():
    return workbook()


def test_sheets_in_order(book):
    assert book.sheetnames == SHEETS


def test_assignments_are_one_row_per_meeting_with_a_filter(book):
    sheet = book["Assignments"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J5"
    header, *body = rows(sheet)
    assert header == ["Course", "Course name", "Kind", "Groups", "Instructor", "Room", "Day", "Period",
                      "Start", "Length"]
    problem, result = small_problem(), small_result()
    names = {i["id"]: i["name"] for i in problem["instructors"]}
    expected = [[a["course"], {"ENME 151": "Engineering Drawing", "PHYS 101": "Physics"}[a["course"]],
                 a["kind"], "; ".join(a["groups"]), names[a["instructor"]], a["room"],
                 problem["days"][a["day"]], problem["periods"][a["period"]]["name"],
                 problem["periods"][a["period"]]["start"], a["length"]] for a in result["assignments"]]
    assert body == expected


def test_quality_lists_the_score_every_constraint_and_every_violation(book):
    sheet_rows = [trimmed(row) for row in rows(book["Quality"])]
    assert sheet_rows[:5] == [["Timetable", "Autumn 2026"], ["Status", "finished"], ["Hard", 3],
                              ["Hard, proven unavoidable", 0], ["Soft", 2]]
    result = small_result()
    weights = small_problem()["weights"]
    for name, cost in result["cost"]["hard"].items():
        assert [name, "hard", cost] in sheet_rows
    for name, cost in result["cost"]["soft"].items():
        assert [name, "soft", cost, weights[name]] in sheet_rows
    header = ["Constraint", "Type", "Cost", "Message", "Course", "Class", "Groups", "Instructor", "Room",
              "Day", "Period"]
    start = sheet_rows.index(header) + 1
    listed = sheet_rows[start:start + len(result["violations"])]
    assert [row[:4] for row in listed] == [[v["constraint"], "hard" if v["hard"] else "soft", v["cost"],
                                            v["message"]] for v in result["violations"]]
    assert listed[1] == ["conflicts", "hard", 1, result["violations"][1]["message"], "ENME 151",
                         result["violations"][1]["class"], "BAM2B", "Rosa", None, "Monday", "3"]
    assert "Unsatisfiable requirements" not in [row[0] for row in sheet_rows if row]


def test_quality_lists_unsatisfiable_requirements_and_weights_default():
    problem, result = small_problem(), small_result()
    del problem["weights"]["min_working_days"]
    result["unsatisfiable"] = [{"class": LAB_A, "requirement": "instructor",
                                "reason": "the only qualified instructor I2 is never available"}]
    result["hard_floor"] = 1
    sheet_rows = [trimmed(row) for row in rows(workbook(problem, result)["Quality"])]
    assert ["Hard, proven unavoidable", 1] in sheet_rows
    assert ["min_working_days", "soft", 0, 5] in sheet_rows
    title = sheet_rows.index(["Unsatisfiable requirements"])
    assert sheet_rows[title + 2] == ["instructor", None, None,
                                     "the only qualified instructor I2 is never available", "PHYS 101", LAB_A]


def test_grid_sheets_show_course_room_instructor_with_frozen_headers(book):
    sheet = book["G BAM2AB"]
    assert sheet.freeze_panes == "B2"
    assert rows(sheet)[0] == ["BAM2AB · Automobile Engineering Semester 2", "Monday", "Tuesday"]
    assert sheet["A2"].value == "1 (08:00–09:00)"
    assert sheet["C2"].value == "ENME 151 lecture / A104 / Rosa"
    assert sheet["B3"].value == "[BAM2A] PHYS 101 practical / L1 / Ahmed\n[BAM2B] PHYS 101 practical / A104 / Rosa"
    assert sheet["B3"].alignment.wrap_text
    assert sheet["B4"].value.startswith("CLASH\nENME 151 lecture / A104 / Rosa\n")
    assert sheet["B4"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["B3"].fill.fill_type is None
    assert sheet.column_dimensions["B"].width >= 30
    assert book["R L1"]["B4"].value == "PHYS 101 practical / L1 / Ahmed / BAM2A (cont.)"
    assert all(book[name].freeze_panes == "B2" for name in SHEETS[2:])


def test_formula_like_text_is_escaped_and_control_characters_dropped():
    problem, result = small_problem(), small_result()
    problem["name"] = "=HYPERLINK(\"http://x\")"
    problem["courses"][0]["name"] = "+Drawing\x07"
    problem["instructors"][1]["name"] = "@Ahmed"
    result["violations"][0]["message"] = "-1 seats"
    book = workbook(problem, result)
    quality = rows(book["Quality"])
    assert quality[0][1] == "'=HYPERLINK(\"http://x\")"
    assert "'-1 seats" in [row[3] for row in quality]
    assignments = rows(book["Assignments"])
    assert assignments[1][1] == "'+Drawing"
    assert assignments[3][4] == "'@Ahmed"
    assert "I @Ahmed" in book.sheetnames
    assert book["I @Ahmed"]["A1"].value == "'@Ahmed"


def test_sheet_names_are_valid_and_unique_when_truncated_or_alike():
    problem = small_problem()
    long_name = "Professor Maria-Theresa Alexandrovna"
    problem["instructors"][0]["name"] = long_name
    problem["instructors"][1]["name"] = long_name + " Jr."
    problem["instructors"].append({"id": "I3", "name": "ROSA", "email": "", "unavailable": [], "preferred_free": []})
    problem["instructors"].append({"id": "I4", "name": "rosa", "email": "", "unavailable": [], "preferred_free": []})
    problem["rooms"][1]["id"] = "Lab [1]: A/B*?\\"
    result = small_result()
    for assignment in result["assignments"]:
        if assignment["room"] == "L1":
            assignment["room"] = problem["rooms"][1]["id"]
    names = workbook(problem, result).sheetnames
    truncated = ("I " + long_name)[:31]
    assert names[5:9] == [truncated, truncated[:27] + " (2)", "I ROSA", "I rosa (2)"]
    assert names[-1] == "R Lab _1__ A_B___"
    assert all(len(name) <= 31 for name in names)
    assert len({name.casefold() for name in names}) == len(names)
