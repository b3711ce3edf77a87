from pathlib import Path

import pytest
from django.apps import apps
from django.template import Context, Engine
from django.template.loader import render_to_string

from scheduling.grids import timetable_grids
from tests.scheduling.results import LAB_A, LAB_B, LECTURE, small_problem, small_result

MONDAY, TUESDAY = 0, 1


@pytest.fixture
def grids():
    return timetable_grids(small_problem(), small_result())


def grid(grids, kind, item_id):
    (found,) = [g for g in grids[kind] if g["id"] == item_id]
    return found


def cell(grid, day, period):
    return grid["rows"][period]["cells"][day]


def shown(grid, day, period):
    """The cell's meetings as (class, continuation, via)."""
    return [(m["class"], m["continuation"], m["via"]) for m in cell(grid, day, period)["meetings"]]


def test_one_grid_per_item_with_a_row_per_period_and_a_cell_per_day(grids):
    assert [g["id"] for g in grids["groups"]] == ["BAM2AB", "BAM2A", "BAM2B"]
    assert [g["id"] for g in grids["instructors"]] == ["I1", "I2"]
    assert [g["id"] for g in grids["rooms"]] == ["A104", "L1"]
    cohort = grid(grids, "groups", "BAM2AB")
    assert cohort["title"] == "BAM2AB · Automobile Engineering Semester 2"
    assert grid(grids, "instructors", "I1")["title"] == "Rosa"
    assert grid(grids, "rooms", "L1")["title"] == "L1 · Physics Lab"
    assert cohort["days"] == ["Monday", "Tuesday"]
    assert [row["label"] for row in cohort["rows"]] == ["1 (08:00–09:00)", "2 (09:00–10:00)", "3 (10:00–11:00)"]
    assert all(len(row["cells"]) == 2 for kind in grids.values() for g in kind for row in g["rows"])


def test_period_label_is_the_name_alone_without_clock_times():
    problem = small_problem()
    for period in problem["periods"]:
        period["start"] = period["end"] = None
    labels = [row["label"] for row in timetable_grids(problem, small_result())["rooms"][0]["rows"]]
    assert labels == ["1", "2", "3"]


def test_a_subgroup_sees_its_own_lab_and_the_cohort_lecture(grids):
    lab_group = grid(grids, "groups", "BAM2A")
    assert shown(lab_group, TUESDAY, 0) == [(LECTURE, False, None)]
    assert shown(lab_group, MONDAY, 0) == []
    assert shown(lab_group, MONDAY, 1) == [(LAB_A, False, None)]
    assert shown(lab_group, MONDAY, 2) == [(LECTURE, False, None), (LAB_A, True, None)]
    assert LAB_B not in {m["class"] for row in lab_group["rows"] for c in row["cells"] for m in c["meetings"]}


def test_the_cohort_sees_its_subgroups_labs_marked_with_the_subgroup(grids):
    cohort = grid(grids, "groups", "BAM2AB")
    assert shown(cohort, TUESDAY, 0) == [(LECTURE, False, None)]
    assert shown(cohort, MONDAY, 1) == [(LAB_A, False, "BAM2A"), (LAB_B, False, "BAM2B")]
    assert shown(cohort, MONDAY, 2) == [(LECTURE, False, None), (LAB_A, True, "BAM2A"), (LAB_B, True, "BAM2B")]


def test_instructor_and_room_grids_hold_their_own_meetings(grids):
    ahmed = grid(grids, "instructors", "I2")
    assert shown(ahmed, MONDAY, 1) == [(LAB_A, False, None)]
    assert shown(ahmed, MONDAY, 2) == [(LAB_A, True, None)]
    assert sum(len(c["meetings"]) for row in ahmed["rows"] for c in row["cells"]) == 2
    rosa = grid(grids, "instructors", "I1")
    assert shown(rosa, TUESDAY, 0) == [(LECTURE, False, None)]
    assert shown(rosa, MONDAY, 1) == [(LAB_B, False, None)]
    lab_room = grid(grids, "rooms", "L1")
    assert [(d, p) for p, row in enumerate(lab_room["rows"]) for d, c in enumerate(row["cells"])
            if c["meetings"]] == [(MONDAY, 1), (MONDAY, 2)]


def test_a_meeting_carries_what_a_cell_shows(grids):
    (lecture,) = cell(grid(grids, "rooms", "A104"), TUESDAY, 0)["meetings"]
    assert lecture == {
        "class": LECTURE, "course": "ENME 151", "course_name": "Engineering Drawing", "kind": "lecture",
        "room": "A104", "instructor": "I1", "instructor_name": "Rosa", "groups": ["BAM2AB"],
        "via": None, "continuation": False,
    }


def test_clashes_keep_every_meeting_and_are_flagged(grids):
    assert len(cell(grid(grids, "groups", "BAM2AB"), MONDAY, 2)["meetings"]) == 3
    for kind, item_id in [("groups", "BAM2AB"), ("groups", "BAM2A"), ("groups", "BAM2B"),
                          ("instructors", "I1"), ("rooms", "A104")]:
        assert cell(grid(grids, kind, item_id), MONDAY, 2)["clash"], (kind, item_id)
    flagged = [(kind, g["id"], d, p) for kind, gs in grids.items() for g in gs
               for p, row in enumerate(g["rows"]) for d, c in enumerate(row["cells"]) if c["clash"]]
    assert len(flagged) == 5


def test_parallel_labs_of_different_subgroups_are_not_a_clash_for_the_cohort(grids):
    parallel = cell(grid(grids, "groups", "BAM2AB"), MONDAY, 1)
    assert len(parallel["meetings"]) == 2 and not parallel["clash"]


def test_a_meeting_without_an_instructor_is_in_group_and_room_grids_only():
    result = small_result()
    result["assignments"][0]["instructor"] = None
    grids = timetable_grids(small_problem(), result)
    (lecture,) = cell(grid(grids, "groups", "BAM2A"), TUESDAY, 0)["meetings"]
    assert lecture["instructor"] is None and lecture["instructor_name"] is None
    assert cell(grid(grids, "rooms", "A104"), TUESDAY, 0)["meetings"]
    assert not cell(grid(grids, "instructors", "I1"), TUESDAY, 0)["meetings"]


TEMPLATES = Path(__file__).resolve().parents[2] / "scheduling" / "templates"


def render(grids):
    if apps.is_installed("scheduling"):
        return render_to_string("scheduling/timetable_grids.html", {"grids": grids})
    # Until the app is installed, straight from its template directory.
    template = Engine(dirs=[TEMPLATES]).get_template("scheduling/timetable_grids.html")
    return template.render(Context({"grids": grids}))


def test_the_template_renders_every_grid_and_highlights_clashes(grids):
    html = render(grids)
    for kind in ("Student groups", "Instructors", "Rooms"):
        assert kind in html
    for title in ("BAM2AB · Automobile Engineering Semester 2", "Rosa", "Ahmed", "L1 · Physics Lab"):
        assert title in html
    assert html.count('class="tt-clash"') == 5
    assert "[BAM2B]" in html and "Engineering Drawing" in html
