"""Each hard constraint provoked on a hand-made timetable and detected, named, and scored alike."""
from __future__ import annotations

import numpy as np
import pytest

from ga_runner.engine import kernels as K
from ga_runner.engine.analysis import _small_sets, analyse
from ga_runner.engine.model import Model
from ga_runner.engine.score import score
from ga_runner.problem import normalize_problem
from tests.ga_runner.problems import (fragmented_studio_problem, split_problem, studio_problem,
                                      uneven_split_problem)
from tests.ga_runner.test_engine_scoring import check_all_agree


def base_problem() -> dict:
    """1 day x 4 periods; cohort G with subgroups Ga, Gb; group H; a lecture room and a lab."""
    return {
        "format": "timetable-problem/1", "name": "hard", "days": ["Mon"],
        "periods": [{"name": str(p)} for p in range(4)],
        "rooms": [{"id": "LR", "capacity": 50, "type": "Lecture", "features": [], "unavailable": [[0, 3]]},
                  {"id": "LAB", "capacity": 30, "type": "Practical", "features": ["chem"]}],
        "instructors": [{"id": "T1", "unavailable": [[0, 2]]}, {"id": "T2"}],
        "groups": [{"id": "G", "size": 40, "parent": None}, {"id": "Ga", "size": 20, "parent": "G"},
                   {"id": "Gb", "size": 20, "parent": "G"}, {"id": "H", "size": 10, "parent": None}],
        "courses": [{"id": "K"}],
        "classes": [
            {"id": "lec", "course": "K", "kind": "lecture", "groups": ["G"], "periods_per_week": 2,
             "block_length": 1, "room_type": "Lecture", "instructors": ["T1"]},
            {"id": "labA", "course": "K", "kind": "practical", "groups": ["Ga"],
             "periods_per_week": 2, "block_length": 2, "room_type": "Practical",
             "room_features": ["chem"], "instructors": ["T2"], "unavailable": [[0, 0]]},
            {"id": "talk", "course": "K", "kind": "lecture", "groups": ["H"], "periods_per_week": 1,
             "block_length": 1, "room_type": None, "instructors": ["T2", "T1"]},
        ],
    }


def timetable(doc, placements, instructors=None):
    """State for {class: [(period, room), ...]} on day 0, with the given instructor choices."""
    model = Model(doc)
    A = model.arrays
    rooms = {r: k for k, r in enumerate(model.room_ids)}
    insts = {i: k for k, i in enumerate(model.inst_ids)}
    starts, rms = np.full(int(A.dims[4]), -1), np.full(int(A.dims[4]), -1)
    chosen = []
    for c, cls in enumerate(model.classes):
        for k, (period, room) in enumerate(placements[cls["id"]]):
            starts[A.cls_meet_ptr[c] + k] = period
            rms[A.cls_meet_ptr[c] + k] = rooms[room]
        who = (instructors or {}).get(cls["id"], (cls["instructors"] or [None])[0])
        chosen.append(insts[who] if who else -1)
    return model, K.new_state(A, starts, rms, np.array(chosen))


FEASIBLE = {"lec": [(0, "LR"), (1, "LR")], "labA": [(2, "LAB")], "talk": [(0, "LAB")]}


def violations_of(doc, placements, instructors=None):
    doc = normalize_problem(doc)
    model, state = timetable(doc, placements, instructors)
    cost = check_all_agree(doc, state)
    return cost, score(model, state.m_start, state.m_room, state.c_inst)[1]


def test_feasible_timetable_has_no_hard_cost():
    cost, _ = violations_of(base_problem(), FEASIBLE)
    assert sum(cost["hard"].values()) == 0


def test_cohort_lecture_clashes_with_subgroup_lab():
    cost, found = violations_of(base_problem(), {**FEASIBLE, "lec": [(0, "LR"), (2, "LR")]})
    assert cost["hard"]["conflicts"] == 1
    v = next(v for v in found if v["constraint"] == "conflicts")
    assert (v["day"], v["period"], v["groups"]) == (0, 2, ["G"]) and "labA" in v["message"]


def test_same_instructor_clash():
    cost, found = violations_of(base_problem(), {**FEASIBLE, "talk": [(1, "LAB")]}, {"talk": "T1"})
    assert cost["hard"]["conflicts"] == 1
    v = next(v for v in found if v["constraint"] == "conflicts")
    assert v["instructor"] == "T1" and v["period"] == 1


def test_class_meeting_twice_at_once():
    cost, found = violations_of(base_problem(), {**FEASIBLE, "lec": [(1, "LR"), (1, "LR")]})
    assert cost["hard"]["class_overlaps"] == 1 and cost["hard"]["room_occupancy"] == 1
    assert any(v["constraint"] == "class_overlaps" and v["class"] == "lec" for v in found)


def test_room_double_booked():
    cost, found = violations_of(base_problem(), {**FEASIBLE, "talk": [(1, "LR")]})
    assert cost["hard"]["room_occupancy"] == 1
    assert any(v["constraint"] == "room_occupancy" and v["room"] == "LR" and v["period"] == 1
               for v in found)


@pytest.mark.parametrize("placements, instructors, what", [
    ({**FEASIBLE, "labA": [(0, "LAB")], "talk": [(3, "LAB")]}, None, "labA (practical) is not allowed"),
    ({**FEASIBLE, "lec": [(0, "LR"), (2, "LR")], "labA": [(1, "LAB")], "talk": [(3, "LAB")]}, None,
     "instructor T1 is unavailable"),
    ({**FEASIBLE, "lec": [(0, "LR"), (3, "LR")], "labA": [(1, "LAB")], "talk": [(3, "LAB")]}, None,
     "room LR is unavailable"),
])
def test_unavailable_class_instructor_room(placements, instructors, what):
    cost, found = violations_of(base_problem(), placements, instructors)
    assert cost["hard"]["availability"] >= 1
    assert any(v["constraint"] == "availability" and v["message"].startswith(what) for v in found)


def test_wrong_room_type_and_missing_feature():
    doc = base_problem()
    doc["rooms"].append({"id": "LAB2", "capacity": 30, "type": "Practical", "features": []})
    cost, found = violations_of(doc, {**FEASIBLE, "lec": [(0, "LAB2"), (1, "LR")],
                                      "labA": [(2, "LAB2")]})
    assert cost["hard"]["room_suitability"] == 2
    assert {v["class"] for v in found if v["constraint"] == "room_suitability"} == {"lec", "labA"}


def test_unqualified_class_counts_and_is_reported_unsatisfiable():
    doc = base_problem()
    doc["classes"][2]["instructors"] = []
    cost, found = violations_of(doc, FEASIBLE)
    assert cost["hard"]["no_instructor"] == 1
    assert {"class": "talk", "requirement": "instructor",
            "reason": "no instructor is qualified to teach it"} in analyse(Model(normalize_problem(doc))).unsatisfiable


def test_pre_analysis_names_impossible_requirements():
    doc = base_problem()
    doc["instructors"].append({"id": "T3", "unavailable": [[0, p] for p in range(4)]})
    doc["classes"][2]["instructors"] = ["T3"]
    doc["rooms"][1]["unavailable"] = [[0, 1], [0, 2]]  # the lab can no longer hold 2 periods
    found = {u["class"]: u for u in analyse(Model(normalize_problem(doc))).unsatisfiable}
    assert found["talk"]["reason"] == "the only qualified instructor T3 is never available"
    assert found["labA"]["requirement"] == "room"


def test_pre_analysis_names_overloaded_instructors():
    """T1, free 3 periods, is the only one who can teach the lecture, which needs 4."""
    doc = base_problem()
    doc["instructors"][0]["unavailable"] = [[0, 2]]
    doc["classes"][0]["periods_per_week"] = 4  # the lecture alone needs 4 of T1's 3 free periods
    found = analyse(Model(normalize_problem(doc))).unsatisfiable
    assert {"class": None, "requirement": "group",
            "reason": "group Ga attends 6 periods a week; the week has 4"} in found
    assert [u for u in found if u["requirement"] == "instructor"] == [{"class": None, "requirement": "instructor", "reason":
                      "instructor T1 is free for 3 period(s) a week, but the classes only this "
                      "instructor can teach need 4: lec"}]


def test_pre_analysis_counts_the_cost_of_one_instructor_per_class():
    found = analyse(Model(normalize_problem(split_problem())))
    assert [u["reason"] for u in found.unsatisfiable] == [
        "instructors A, B are free for 8 period(s) a week in all, but the classes only they can "
        "teach need 9: c0, c1, c2; as each class has one instructor, at least 2 of these periods "
        "clash or fall in unavailable time"]
    assert found.hard_floor == 2



def test_pre_analysis_finds_instructors_free_long_enough_who_cannot_share_out_whole_classes():
    found = analyse(Model(normalize_problem(uneven_split_problem())))
    assert [u["reason"] for u in found.unsatisfiable] == [
        "instructors A, B are free for 10 period(s) a week in all and the classes only they can "
        "teach need 9: c0, c1, c2, but as each class has one instructor, at least 1 of these "
        "periods clash or fall in unavailable time"]
    assert found.hard_floor == 1

def test_hard_floor_adds_the_classes_nobody_can_teach_to_the_instructor_shortfalls():
    doc = split_problem()
    doc["classes"].append({"id": "orphan", "course": "K", "kind": "lecture", "groups": ["G0"],
                           "periods_per_week": 1, "block_length": 1, "instructors": []})
    assert analyse(Model(normalize_problem(doc))).hard_floor == 3


def test_classes_many_can_teach_do_not_link_small_instructor_sets():
    """Such a class belongs to no set of three or fewer, so it must not multiply the sets
    checked: 30 instructors all qualified for every class give 30 single-instructor sets, not
    the 4 525 sets of up to three."""
    doc = split_problem()
    doc["instructors"] = [{"id": "T%d" % k} for k in range(30)]
    for cls in doc["classes"]:
        cls["instructors"] = [i["id"] for i in doc["instructors"]]
    model = Model(normalize_problem(doc))
    A = model.arrays
    able = [list(A.cls_inst[A.cls_inst_ptr[c]:A.cls_inst_ptr[c + 1]]) for c in range(3)]
    by_inst = [[c for c in range(3) if i in able[c]] for i in range(30)]
    assert sorted(len(s) for s in _small_sets(able, by_inst)) == [1] * 30
    assert analyse(model).hard_floor == 0


def test_pre_analysis_finds_rooms_that_cannot_hold_the_classes_only_they_suit():
    found = analyse(Model(normalize_problem(studio_problem())))
    assert [u["reason"] for u in found.unsatisfiable] == [
        "only rooms S suit the 3 meetings of 4 period(s) of s0, s1, s2; at most 2 of the "
        "4-period meetings fit there at times when an instructor for them is free, so at least 1 "
        "meeting(s) clash, take another room or fall in unavailable time"]
    assert found.hard_floor == 1


def test_room_set_bound_counts_the_blocks_an_instructor_can_teach_each_day():
    """T is free as many periods as the classes need, so no instructor set is short; but each
    day's free stretch holds one block, and three rooms do not change that."""
    found = analyse(Model(normalize_problem(fragmented_studio_problem())))
    assert [u["requirement"] for u in found.unsatisfiable] == ["room"]
    assert "at most 2 of the 4-period meetings fit" in found.unsatisfiable[0]["reason"]
    assert found.hard_floor == 1


def test_room_set_bound_is_not_added_to_an_instructor_set_it_shares_a_violation_with():
    """Only T0 can teach all three studio classes: 8 free periods for 12 is 4 over. Those same
    meetings are the ones the studio cannot hold, so the room set adds nothing."""
    doc = studio_problem()
    for cls in doc["classes"]:
        cls["instructors"] = ["T0"]
    found = analyse(Model(normalize_problem(doc)))
    assert [u["requirement"] for u in found.unsatisfiable] == ["instructor"]
    assert found.hard_floor == 4
