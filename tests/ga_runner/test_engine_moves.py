"""The search's compound moves: Kempe chains, ejections, min-conflicts repair, feasibility
filters."""
from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from ga_runner.engine import kernels as K
from ga_runner.engine.model import Model
from ga_runner.engine.search import ANNEAL_HARD_WEIGHT, Search
from ga_runner.formats.ctt import ctt_to_problem
from ga_runner.problem import normalize_problem
from tests.ga_runner.conftest import BENCH
from tests.ga_runner.problems import split_problem, studio_problem
from tests.ga_runner.test_engine_scoring import check_all_agree


def two_period_problem() -> dict:
    """One day, two periods, two rooms. Classes a and b share group G1; c is G2's alone."""
    def cls(cid, group, instructor):
        return {"id": cid, "course": cid, "kind": "lecture", "groups": [group],
                "periods_per_week": 1, "block_length": 1, "instructors": [instructor],
                "students": 10}
    return normalize_problem({
        "format": "timetable-problem/1", "name": "kempe",
        "days": ["Mon"], "periods": [{"name": "1"}, {"name": "2"}],
        "rooms": [{"id": "R1", "capacity": 10}, {"id": "R2", "capacity": 10}],
        "instructors": [{"id": "Ia"}, {"id": "Ib"}, {"id": "Ic"}],
        "groups": [{"id": "G1", "size": 10}, {"id": "G2", "size": 10}],
        "courses": [{"id": x} for x in "abc"],
        "classes": [cls("a", "G1", "Ia"), cls("b", "G1", "Ib"), cls("c", "G2", "Ic")],
    })


def chain_buffers(M):
    return (np.empty(M, np.int64), np.empty(M, np.int64), np.empty(M, np.int64),
            np.zeros(M, np.bool_))


def test_kempe_chain_trades_places_with_the_clashing_meetings_only():
    doc = two_period_problem()
    A = Model(doc).arrays
    # a at period 1 in R1; b (clashes with a) and c (does not) at period 2, in R1 and R2.
    state = K.new_state(A, [0, 1, 1], [0, 0, 1], [0, 1, 2])
    chain, side, rooms, in_chain = chain_buffers(3)
    pair = np.array([0, 1], np.int64)
    n = K._kempe_chain(A, state, 0, pair, chain, side, in_chain)
    assert n == 2 and sorted(chain[:n]) == [0, 1] and not in_chain.any()

    K._kempe_apply(A, state, chain, side, n, pair, rooms)
    assert list(state.m_start) == [1, 0, 1]
    assert list(state.m_room) == [0, 0, 1]  # each kept its room: it was free at the other period
    check_all_agree(doc, state)
    K._kempe_undo(A, state, chain, side, n, pair, rooms)
    assert list(state.m_start) == [0, 1, 1] and list(state.m_room) == [0, 0, 1]
    check_all_agree(doc, state)


def test_kempe_chain_refuses_meetings_of_another_shape():
    doc = two_period_problem()
    doc["periods"].append({"name": "3", "start": None, "end": None})
    doc["classes"][1].update(periods_per_week=2, block_length=2)
    A = Model(normalize_problem(doc)).arrays
    # a at period 1; b is a two-period block over periods 2-3: a cannot simply trade with it.
    state = K.new_state(A, [0, 1, 2], [0, 0, 1], [0, 1, 2])
    chain, side, _, in_chain = chain_buffers(3)
    assert K._kempe_chain(A, state, 0, np.array([0, 1], np.int64), chain, side, in_chain) == -1
    assert not in_chain.any()


def test_ejection_moves_the_clashing_meeting_where_it_clashes_least():
    doc = two_period_problem()
    A = Model(doc).arrays
    # a at period 1 in R1; b (clashes with a) in R1 and c (does not) in R2 at period 2.
    state = K.new_state(A, [0, 1, 1], [0, 0, 1], [0, 1, 2])
    chain, side, rooms, in_chain = chain_buffers(3)
    n = K._eject(A, state, 0, 1, chain, side, rooms, in_chain)
    assert n == 2 and list(chain[:n]) == [0, 1] and not in_chain.any()
    # a took period 2 in the room b left (c holds the other); b went to period 1, the only
    # place without a clash.
    assert list(state.m_start) == [1, 0, 1] and state.m_room[0] == 0
    assert K._placement_violations(state.cost) == 0
    check_all_agree(doc, state)
    K._eject_undo(A, state, chain, side, rooms, n, 0, state.c_inst[0])
    assert list(state.m_start) == [0, 1, 1] and list(state.m_room) == [0, 0, 1]
    check_all_agree(doc, state)


def test_ejection_refuses_more_clashing_meetings_than_the_buffers_hold():
    doc = two_period_problem()
    A = Model(doc).arrays
    state = K.new_state(A, [0, 1, 1], [0, 0, 1], [0, 1, 2])
    chain, side, rooms, _ = chain_buffers(1)
    in_chain = np.zeros(3, np.bool_)  # indexed by meeting
    assert K._eject(A, state, 0, 1, chain, side, rooms, in_chain) == -1
    assert list(state.m_start) == [0, 1, 1] and not in_chain.any()


@njit
def seed_kernels(seed):
    np.random.seed(seed)  # numba's generator, shared by every compiled kernel


def test_class_ejection_gives_the_class_the_new_instructor_and_moves_what_clashes():
    doc = two_period_problem()
    # Ix may also teach a, but only in period 2, where b (same group as a) sits.
    doc["instructors"].append({"id": "Ix", "unavailable": [[0, 0]]})
    doc["classes"][0]["instructors"].append("Ix")
    model = Model(normalize_problem(doc))
    A, ix = model.arrays, model.inst_ids.index("Ix")
    state = K.new_state(A, [0, 1, 1], [0, 0, 1], [0, 1, 2])
    chain, side, rooms, in_chain = chain_buffers(3)
    seed_kernels(1)  # a start where Ix is available: the 90 % case
    n = K._eject_class(A, state, 0, ix, chain, side, rooms, in_chain)
    assert n == 2 and list(chain[:n]) == [0, 1] and not in_chain.any()
    # a, now Ix's, took period 2 in the room b left; b went to period 1, where nothing clashes.
    assert state.c_inst[0] == ix
    assert list(state.m_start) == [1, 0, 1] and state.m_room[0] == 0
    assert K._placement_violations(state.cost) == 0
    check_all_agree(model.doc, state)
    K._eject_undo(A, state, chain, side, rooms, n, 0, 0)
    assert state.c_inst[0] == 0
    assert list(state.m_start) == [0, 1, 1] and list(state.m_room) == [0, 0, 1]
    check_all_agree(model.doc, state)


def test_least_violating_start_avoids_clashes():
    doc = two_period_problem()
    A = Model(doc).arrays
    # a and b both at period 1 (a clash); c at period 2. Taken out, b belongs at period 2.
    state = K.new_state(A, [0, 0, 1], [0, 1, 1], [0, 1, 2])
    K.place(A, state, 1, 0, 1, -1)
    start, room = K._least_violating(A, state, 1)
    assert start == 1 and room == 0  # R2 is c's at period 2


def first_timetable(model, seed, hard_floor=0):
    """A search's initial individual (its greedy construction) for model."""
    search = Search(model, seed, 1, None, None, 0.0, hard_floor, should_stop=lambda: False,
                    on_progress=lambda s: None)
    return search._new_individual().state


def anneal_until(A, state, violations, bursts, moves, temp0):
    """Anneal in bursts (seeds 0, 1, ...) until the placement violations are `violations`."""
    for seed in range(bursts):
        if K._placement_violations(state.cost) == violations:
            break
        K.anneal(A, state, moves, temp0, 1.0, ANNEAL_HARD_WEIGHT, seed)
    assert K._placement_violations(state.cost) == violations


@pytest.mark.parametrize("name", ["comp01", "comp05"])
def test_feasible_annealing_stays_feasible_and_exact(name):
    """From a feasible timetable every move (Kempe chains and swaps included) is filtered or
    judged so that the walk stays feasible, and the bookkeeping stays exact."""
    doc = normalize_problem(ctt_to_problem((BENCH / "itc2007" / (name + ".ctt")).read_text(),
                                           name))
    model = Model(doc)
    state = first_timetable(model, 3)
    anneal_until(model.arrays, state, 0, 200, 20_000, 2.0)
    K.anneal(model.arrays, state, 200_000, 5.0, 0.5, ANNEAL_HARD_WEIGHT, 11)
    assert K._placement_violations(state.cost) == 0
    check_all_agree(doc, state)



def test_infeasible_annealing_keeps_the_bookkeeping_exact():
    """A problem with more teaching than its instructors are free for never becomes feasible,
    so every move of the infeasible phase (ejections, repairs, Kempe chains, instructor
    changes) runs; the incremental cost must still equal the from-scratch score."""
    doc = normalize_problem(split_problem())
    model = Model(doc)
    state = first_timetable(model, 5)
    for seed in range(20):
        K.anneal(model.arrays, state, 5_000, 5.0, 1.0, ANNEAL_HARD_WEIGHT, seed)
        check_all_agree(doc, state)
    assert K._placement_violations(state.cost) >= 2  # the proven floor


def uneven_instructors_problem() -> dict:
    """A is free 2 periods, B 6; class x needs 2 periods and y 4, and either may teach either."""
    doc = split_problem()
    doc["name"] = "uneven instructors"
    doc["instructors"] = [{"id": "A", "unavailable": [[0, 2], [0, 3], [1, 0], [1, 1], [1, 2],
                                                      [1, 3]]},
                          {"id": "B", "unavailable": [[0, 0], [0, 1]]}]
    doc["classes"] = [dict(doc["classes"][0], id="x", periods_per_week=2, groups=["G0"]),
                      dict(doc["classes"][0], id="y", periods_per_week=4, groups=["G1"])]
    return normalize_problem(doc)


def periods_beyond_free_time(A, c_inst):
    load = np.zeros(int(A.dims[6]), np.int64)
    for c, i in enumerate(c_inst):
        load[i] += A.cls_len[c] * (A.cls_meet_ptr[c + 1] - A.cls_meet_ptr[c])
    return int(np.maximum(0, load - A.inst_free).sum())


def test_balancing_gives_each_instructor_what_fits_their_free_time():
    A = Model(uneven_instructors_problem()).arrays
    c_inst = np.array([1, 0], np.int64)  # x to B, y to A: A teaches 2 periods beyond its 2
    assert periods_beyond_free_time(A, c_inst) == 2
    K.balance_instructors(A, c_inst, 10_000, 1)
    assert periods_beyond_free_time(A, c_inst) == 0  # y is B's; x fits either


def test_balancing_leaves_only_what_whole_classes_force():
    """A and B are free 4 periods each for three 3-period classes: one of them teaches 6."""
    A = Model(normalize_problem(split_problem())).arrays
    c_inst = np.zeros(3, np.int64)  # all three to A: 5 over
    K.balance_instructors(A, c_inst, 10_000, 1)
    assert periods_beyond_free_time(A, c_inst) == 2


def test_an_instructor_change_counts_the_periods_beyond_free_time_it_adds():
    A = Model(uneven_instructors_problem()).arrays
    state = K.new_state(A, [0, 2, 4, 5, 6, 7], [0, 0, 1, 1, 1, 1], [0, 1])
    # x from A to B: B then teaches 6 for its 6, A nothing; y from B to A: A teaches 6 for 2.
    assert K._overload_change(A, state, 0, 0, 1) == 0
    assert K._overload_change(A, state, 1, 1, 0) == 4
    # From an infeasible timetable the extra hard change decides an otherwise equal move.
    cost = state.cost.copy()
    cost[K.CONFLICTS] += 1
    h = K._placement_violations(cost)
    assert not K._accept(A, cost, h, 0, 1.0, ANNEAL_HARD_WEIGHT, 1e-9, 2)
    assert K._accept(A, cost, h, 0, 1.0, ANNEAL_HARD_WEIGHT, 1e-9, -1)


def test_a_timetable_at_its_proven_floor_is_annealed_as_feasible():
    """The split problem's floor is 2. A walk that reached it anneals the soft cost like a
    feasible one: moves that would add a violation are skipped or judged at the hard weight."""
    doc = normalize_problem(split_problem())
    model = Model(doc)
    state = first_timetable(model, 5, hard_floor=2)
    assert model.arrays.floor[0] == 2
    anneal_until(model.arrays, state, 2, 50, 5_000, 5.0)
    for seed in range(20):
        K.anneal(model.arrays, state, 5_000, 5.0, 1.0, ANNEAL_HARD_WEIGHT, 100 + seed)
        assert K._placement_violations(state.cost) == 2
    check_all_agree(doc, state)


def test_ejection_into_a_taken_room_of_the_only_kind_moves_its_occupant_out():
    """One studio S and a lab. s0 holds S at periods 1-4, s1 at 5-8, and s2 sits in the lab
    (an unsuitable room). s2 ejected to period 1 takes S, and s0 leaves it for the free lab."""
    doc = normalize_problem(studio_problem())
    model = Model(doc)
    A = model.arrays
    studio, lab = model.room_ids.index("S"), model.room_ids.index("LAB")
    state = K.new_state(A, [0, 4, 0], [studio, studio, lab], [0, 1, 2])
    assert K._placement_violations(state.cost) == 1
    chain, side, rooms, in_chain = chain_buffers(3)
    n = K._eject(A, state, 2, 0, chain, side, rooms, in_chain)
    assert n == 2 and list(chain[:n]) == [2, 0]
    assert state.m_start[2] == 0 and state.m_room[2] == studio
    assert state.m_room[0] == lab  # the one free room for a 4-period block: 1 violation
    assert K._placement_violations(state.cost) == 1
    check_all_agree(doc, state)
    K._eject_undo(A, state, chain, side, rooms, n, 2, 2)
    assert list(state.m_start) == [0, 4, 0] and list(state.m_room) == [studio, studio, lab]
    check_all_agree(doc, state)


def test_room_exchange_moves_the_occupant_to_another_room_that_suits_it():
    """s1 needs S1, which s0 holds at periods 1-4; s0 suits S2 as well, which is free. s1 sits
    in the lab meanwhile (an unsuitable room). The exchange gives s1 S1 and s0 S2."""
    doc = studio_problem()
    doc["rooms"] = [{"id": "S1", "capacity": 30, "type": "Practical",
                     "features": ["studio", "special"]},
                    {"id": "S2", "capacity": 30, "type": "Practical", "features": ["studio"]},
                    {"id": "LAB", "capacity": 30, "type": "Practical", "features": []}]
    doc["classes"] = doc["classes"][:2]
    doc["classes"][1]["room_features"] = ["studio", "special"]
    doc = normalize_problem(doc)
    model = Model(doc)
    A = model.arrays
    s1_room, s2_room, lab = (model.room_ids.index(r) for r in ("S1", "S2", "LAB"))
    state = K.new_state(A, [0, 0], [s1_room, lab], [0, 1])
    assert K._placement_violations(state.cost) == 1
    chain, side, rooms, _ = chain_buffers(2)
    n = K._room_exchange(A, state, 1, s1_room, chain, side, rooms)
    assert n == 2 and list(state.m_room) == [s2_room, s1_room] and list(state.m_start) == [0, 0]
    assert K._placement_violations(state.cost) == 0
    check_all_agree(doc, state)
    K._eject_undo(A, state, chain, side, rooms, n, 1, 1)
    assert list(state.m_room) == [s1_room, lab]
    check_all_agree(doc, state)
