"""The independent evaluator against hand-computed costs: each constraint provoked on a toy."""
from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest

from ga_runner.formats.ctt import ctt_to_problem
from ga_runner.problem import HARD_CONSTRAINTS, SOFT_CONSTRAINTS

from tests.ga_runner.independent_evaluator import evaluate


def bench_dir() -> Path:
    """../shared/bench beside the repository (CI clones the repo next to shared/)."""
    return Path(__file__).resolve().parents[3] / "shared" / "bench"


# Distinct weights, so that a wrong multiplication shows.
WEIGHTS = {"room_capacity": 1, "min_working_days": 5, "isolated_lectures": 2, "room_stability": 1,
           "idle_gaps": 3, "lunch_break": 7, "preferred_free": 11}


def toy_problem() -> dict:
    """2 days x 4 periods. Cohort G (leaves GA, GB) has a lecture; GA a 2-period lab; H a talk."""
    return {
        "format": "timetable-problem/1",
        "days": ["Mon", "Tue"],
        "periods": [{"name": str(p)} for p in range(4)],
        "weights": dict(WEIGHTS),
        "rooms": [
            {"id": "R", "capacity": 40, "type": "Lecture"},
            {"id": "R2", "capacity": 40, "type": "Lecture"},
            {"id": "L", "capacity": 20, "type": "Practical", "features": ["Lab"]},
        ],
        "instructors": [{"id": "I1"}, {"id": "I2"}],
        "groups": [
            {"id": "G", "size": 40},
            {"id": "GA", "size": 20, "parent": "G"},
            {"id": "GB", "size": 20, "parent": "G"},
            {"id": "H", "size": 10},
        ],
        "courses": [{"id": "C"}],
        "classes": [
            {"id": "lec", "course": "C", "kind": "lecture", "groups": ["G"], "periods_per_week": 2,
             "room_type": "Lecture", "instructors": ["I1", "I2"], "min_working_days": 2,
             "students": 40},
            {"id": "labA", "course": "C", "kind": "practical", "groups": ["GA"],
             "periods_per_week": 2, "block_length": 2, "room_type": "Practical",
             "room_features": ["Lab"], "instructors": ["I2"], "students": 20},
            {"id": "h", "course": "C", "kind": "lecture", "groups": ["H"], "periods_per_week": 1,
             "instructors": ["I1", "I2"], "students": 10},
        ],
    }


def meeting(klass, number, day, period, room, instructor, length=1):
    return {"class": klass, "meeting": number, "day": day, "period": period, "length": length,
            "room": room, "instructor": instructor}


def clean_timetable() -> list:
    """Mon: lec p0 (R), labA p1-2 (L). Tue: lec p0 (R), h p1 (R). No hard violation."""
    return [
        meeting("lec", 0, 0, 0, "R", "I1"),
        meeting("lec", 1, 1, 0, "R", "I1"),
        meeting("labA", 0, 0, 1, "L", "I2", length=2),
        meeting("h", 0, 1, 1, "R", "I1"),
    ]


def nonzero(cost: dict) -> dict:
    return {name: n for part in ("hard", "soft") for name, n in cost[part].items() if n}


def with_meeting(timetable, index, **changes):
    timetable = [dict(item) for item in timetable]
    timetable[index].update(changes)
    return timetable


def test_every_constraint_is_reported():
    cost = evaluate(toy_problem(), clean_timetable())
    assert list(cost["hard"]) == list(HARD_CONSTRAINTS)
    assert list(cost["soft"]) == list(SOFT_CONSTRAINTS)


def test_clean_timetable_only_has_isolated_lectures():
    # Leaf GA: Mon p0-p2 contiguous; Tue lec p0 alone -> 1. Leaf GB: lec Mon p0 and Tue p0, both
    # alone -> 2. Leaf H: h Tue p1 (the lecture next to it is not H's) -> 1. 4 x weight 2.
    assert nonzero(evaluate(toy_problem(), clean_timetable())) == {"isolated_lectures": 8}


def test_conflict_through_a_parent_group():
    # labA (GA) moved to Mon p0-p1 meets lec (G, GA's parent) at Mon p0: one shared period.
    timetable = with_meeting(clean_timetable(), 2, period=0)
    assert evaluate(toy_problem(), timetable)["hard"]["conflicts"] == 1
    assert nonzero(evaluate(toy_problem(), timetable))["conflicts"] == 1


def test_conflict_counts_every_shared_period():
    # lec on Mon p1 and p2, exactly where labA's block is: 2 shared periods.
    timetable = with_meeting(with_meeting(clean_timetable(), 0, period=1), 1, day=0, period=2)
    cost = nonzero(evaluate(toy_problem(), timetable))
    assert cost["conflicts"] == 2
    # lec now meets on one day only: 1 day short of 2, weight 5
    assert cost["min_working_days"] == 5


def test_conflict_through_the_instructor():
    # h (group H, unrelated to G) moved to Mon p0 in the free lab room, still taught by I1 who
    # gives lec then. (Room L is a lab but h has no room requirement.)
    timetable = with_meeting(clean_timetable(), 3, day=0, period=0, room="L")
    cost = evaluate(toy_problem(), timetable)
    assert nonzero({"hard": cost["hard"], "soft": {}}) == {"conflicts": 1}


def test_class_overlap_and_room_occupancy():
    # Both lec meetings at Mon p0 in R: one extra occupancy of the class and of the room.
    timetable = with_meeting(clean_timetable(), 1, day=0)
    cost = evaluate(toy_problem(), timetable)
    assert nonzero({"hard": cost["hard"], "soft": {}}) == {"class_overlaps": 1, "room_occupancy": 1}
    assert cost["soft"]["min_working_days"] == 5


def test_room_occupancy_alone():
    # h taught by I2 at Mon p0 in R, where lec is: different groups and instructors.
    timetable = with_meeting(clean_timetable(), 3, day=0, period=0, instructor="I2")
    cost = evaluate(toy_problem(), timetable)
    assert nonzero({"hard": cost["hard"], "soft": {}}) == {"room_occupancy": 1}


def test_availability_counts_class_instructor_and_room():
    problem = toy_problem()
    problem["classes"][2]["unavailable"] = [[1, 1]]
    problem["instructors"][0]["unavailable"] = [[1, 1]]
    problem["rooms"][0]["unavailable"] = [[1, 1]]
    problem["rooms"][2]["unavailable"] = [[0, 2]]  # the second period of labA's block
    cost = evaluate(problem, clean_timetable())
    # h at Tue p1: class, I1 and R all unavailable -> 3; labA occupies L at Mon p2 -> 1.
    assert nonzero({"hard": cost["hard"], "soft": {}}) == {"availability": 4}


def test_room_suitability_once_per_meeting():
    # labA in R: wrong type and no "Lab" feature, still one unsuitable meeting.
    timetable = with_meeting(clean_timetable(), 2, room="R")
    cost = evaluate(toy_problem(), timetable)
    assert nonzero({"hard": cost["hard"], "soft": {}}) == {"room_suitability": 1}


def test_no_instructor():
    problem = toy_problem()
    problem["classes"][1]["instructors"] = []
    timetable = with_meeting(clean_timetable(), 2, instructor=None)
    assert nonzero({"hard": evaluate(problem, timetable)["hard"], "soft": {}}) == {"no_instructor": 1}


def test_room_capacity_and_stability():
    # lec's Tue meeting in R2 (40 seats: fine) and its Mon meeting in lab L (20 seats for 40).
    timetable = with_meeting(with_meeting(clean_timetable(), 1, room="R2"), 0, room="L")
    assert nonzero(evaluate(toy_problem(), timetable)) == {
        "room_suitability": 1,       # L is a lab
        "room_capacity": 20,         # 40 - 20, weight 1
        "room_stability": 1,         # rooms {L, R2}: 2 - 1
        "isolated_lectures": 8,      # unchanged
    }


def test_min_working_days_isolated_lectures_and_idle_gaps():
    # lec's second meeting moves to Mon p3.
    timetable = with_meeting(clean_timetable(), 1, day=0, period=3)
    assert nonzero(evaluate(toy_problem(), timetable)) == {
        "min_working_days": 5,   # lec meets on Mon only: 1 day short x 5
        # GA: Mon p0-p3 all busy -> 0. GB: Mon p0 and p3 both alone -> 2. H: Tue p1 -> 1. x 2
        "isolated_lectures": 6,
        # GB Mon: p1, p2 idle -> 2. I1 Mon p0 and p3 -> 2. (I2, GA, H none.) 4 x 3
        "idle_gaps": 12,
    }


def test_idle_gaps_of_an_instructor_only():
    # h moves to Tue p3, still taught by I1: I1 busy Tue p0 and p3 -> 2 idle periods. Leaf H
    # has a single meeting that day, so no gap for a group.
    timetable = with_meeting(clean_timetable(), 3, period=3)
    cost = nonzero(evaluate(toy_problem(), timetable))
    assert cost["idle_gaps"] == 2 * 3
    # H's only meeting is alone, GA's Tue lecture alone, GB's two lectures alone -> 4 x 2
    assert cost["isolated_lectures"] == 8


def test_lunch_break_counts_leaf_groups_that_want_it():
    problem = toy_problem()
    problem["lunch_break"] = [1, 2]
    for group in problem["groups"]:
        group["wants_lunch_break"] = group["id"] != "H"
    problem["groups"][3]["wants_lunch_break"] = False
    # GA on Mon: p1 and p2 busy (labA) -> 1; GA Tue and GB's days keep p1 or p2 free.
    # G wants one too but is not a leaf; H (Tue p1 busy, p2 free) does not want one.
    assert nonzero(evaluate(problem, clean_timetable())) == {"lunch_break": 7, "isolated_lectures": 8}


def test_empty_lunch_window_costs_nothing():
    problem = toy_problem()
    for group in problem["groups"]:
        group["wants_lunch_break"] = True
    assert nonzero(evaluate(problem, clean_timetable())) == {"isolated_lectures": 8}


def test_preferred_free():
    problem = toy_problem()
    problem["instructors"][0]["preferred_free"] = [[1, 0], [1, 1], [0, 3]]
    # I1 is busy on Tue p0 (lec) and Tue p1 (h); Mon p3 is free. 2 x 11
    assert nonzero(evaluate(problem, clean_timetable())) == {"preferred_free": 22,
                                                              "isolated_lectures": 8}


def test_itc_toy_instance_matches_hand_computed_ud2():
    problem = ctt_to_problem((bench_dir() / "itc2007" / "toy.ctt").read_text())
    solution = """
        SceCosC A 0 0
        SceCosC A 1 0
        SceCosC A 2 0
        ArcTec B 0 1
        ArcTec A 1 1
        ArcTec B 3 1
        TecCos B 0 2
        TecCos B 1 2
        TecCos B 2 2
        TecCos B 3 0
        TecCos B 4 0
        Geotec A 0 3
        Geotec A 1 3
        Geotec A 2 3
        Geotec B 0 0
        Geotec A 2 1
    """
    teacher = {k["id"]: k["instructors"][0] for k in problem["classes"]}
    timetable = []
    for line in solution.split("\n"):
        if line.strip():
            course, room, day, period = line.split()
            number = sum(1 for m in timetable if m["class"] == course)
            timetable.append(meeting(course, number, int(day), int(period), room, teacher[course]))
    cost = evaluate(problem, timetable)
    assert not any(cost["hard"].values())
    assert nonzero(cost) == {
        "room_capacity": 10,        # ArcTec (42 students) once in A (32 seats)
        "min_working_days": 5,      # Geotec on days 0, 1, 2 only: 1 short of 4, x 5
        # Cur1 isolated: day 2 p0 and p2, day 4 p0 -> 3. Cur2: day 0 p0, day 3 p0, day 4 p0 -> 3.
        "isolated_lectures": 12,    # 6 x 2
        "room_stability": 2,        # ArcTec in A and B, Geotec in A and B
    }
    assert sum(cost["soft"].values()) == 29


@pytest.mark.parametrize("change, message", [
    (lambda t: t.pop(0), "lec: meetings [1], expected [0, 1]"),
    (lambda t: t[2].update(length=1), "labA: length 1, block_length 2"),
    (lambda t: t[2].update(period=3), "labA: day 0 period 3 outside the week"),
    (lambda t: t[1].update(instructor="I2"), "lec: several instructors ['I1', 'I2']"),
    (lambda t: t[2].update(instructor="I1"), "labA: instructor 'I1' is not one of ['I2']"),
    (lambda t: t[3].update(room="Z"), "h: unknown room 'Z'"),
])
def test_what_is_not_a_timetable_is_refused(change, message):
    timetable = clean_timetable()
    change(timetable)
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluate(toy_problem(), timetable)


def ud2_costs(problem: dict, solution: list) -> dict:
    """The ITC README's UD2 costs, computed on courses and curricula as the README words them,
    from (course, room, day, period) lines."""
    course = {k["id"]: k for k in problem["classes"]}
    capacity = {r["id"]: r["capacity"] for r in problem["rooms"]}
    curricula = {g["id"]: [k["id"] for k in problem["classes"] if g["id"] in k["groups"]]
                 for g in problem["groups"]}
    lectures_at = Counter((c, d, p) for c, _, d, p in solution)
    room_use = Counter((r, d, p) for _, r, d, p in solution)
    cost = Counter()
    cost["Lectures"] = sum(n - 1 for n in lectures_at.values())
    cost["RoomOccupancy"] = sum(n - 1 for n in room_use.values())
    cost["Availability"] = sum(1 for c, _, d, p in solution if [d, p] in course[c]["unavailable"])
    ids = sorted(course)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            shared = any(a in members and b in members for members in curricula.values())
            if shared or course[a]["instructors"] == course[b]["instructors"]:
                periods_a = {(d, p) for c, _, d, p in solution if c == a}
                periods_b = {(d, p) for c, _, d, p in solution if c == b}
                cost["Conflicts"] += len(periods_a & periods_b)
    for c, r, _, _ in solution:
        cost["RoomCapacity"] += max(0, course[c]["students"] - capacity[r])
    for c in ids:
        days = {d for x, _, d, _ in solution if x == c}
        cost["MinWorkingDays"] += 5 * max(0, course[c]["min_working_days"] - len(days))
        cost["RoomStability"] += max(0, len({r for x, r, _, _ in solution if x == c}) - 1)
    for members in curricula.values():
        busy = {(d, p) for c, _, d, p in solution if c in members}
        for c, _, d, p in solution:
            if c in members and (d, p - 1) not in busy and (d, p + 1) not in busy:
                cost["CurriculumCompactness"] += 2
    return cost


@pytest.mark.parametrize("instance", ["comp01", "comp05", "toy"])
def test_equals_ud2_on_random_itc_timetables(instance):
    problem = ctt_to_problem((bench_dir() / "itc2007" / f"{instance}.ctt").read_text())
    teacher = {k["id"]: k["instructors"][0] for k in problem["classes"]}
    rng = random.Random(7)
    n_days, n_periods = len(problem["days"]), len(problem["periods"])
    for _ in range(3):
        solution = [(k["id"], rng.choice(problem["rooms"])["id"], rng.randrange(n_days), rng.randrange(n_periods))
                    for k in problem["classes"] for _ in range(k["periods_per_week"])]
        timetable = [meeting(c, sum(1 for x in solution[:i] if x[0] == c), d, p, r, teacher[c])
                     for i, (c, r, d, p) in enumerate(solution)]
        cost = evaluate(problem, timetable)
        ud2 = ud2_costs(problem, solution)
        assert (cost["hard"]["class_overlaps"], cost["hard"]["conflicts"], cost["hard"]["availability"],
                cost["hard"]["room_occupancy"]) == (ud2["Lectures"], ud2["Conflicts"], ud2["Availability"],
                                                    ud2["RoomOccupancy"])
        assert cost["soft"] == {"room_capacity": ud2["RoomCapacity"], "min_working_days": ud2["MinWorkingDays"],
                                "isolated_lectures": ud2["CurriculumCompactness"],
                                "room_stability": ud2["RoomStability"],
                                "idle_gaps": 0, "lunch_break": 0, "preferred_free": 0}
        assert cost["hard"]["conflicts"] > 0 and cost["soft"]["isolated_lectures"] > 0
