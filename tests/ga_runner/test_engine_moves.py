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
from tests.ga_runner.problems import split_problem
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


@pytest.mark.parametrize("name", ["comp01", "comp05"])
def test_feasible_annealing_stays_feasible_and_exact(name):
    """From a feasible timetable every move (Kempe chains and swaps included) is filtered or
    judged so that the walk stays feasible, and the bookkeeping stays exact."""
    doc = normalize_problem(ctt_to_problem((BENCH / "itc2007" / (name + ".ctt")).read_text(),
                                           name))
    model = Model(doc)
    search = Search(model, 3, 1, None, None, 0.0, 0, should_stop=lambda: False,
                    on_progress=lambda s: None)
    state = search._new_individual().state
    for seed in range(200):
        if K._placement_violations(state.cost) == 0:
            break
        K.anneal(model.arrays, state, 20_000, 2.0, 1.0, ANNEAL_HARD_WEIGHT, seed)
    assert K._placement_violations(state.cost) == 0
    K.anneal(model.arrays, state, 200_000, 5.0, 0.5, ANNEAL_HARD_WEIGHT, 11)
    assert K._placement_violations(state.cost) == 0
    check_all_agree(doc, state)



def test_infeasible_annealing_keeps_the_bookkeeping_exact():
    """A problem with more teaching than its instructors are free for never becomes feasible,
    so every move of the infeasible phase (ejections, repairs, Kempe chains, instructor
    changes) runs; the incremental cost must still equal the from-scratch score."""
    doc = normalize_problem(split_problem())
    model = Model(doc)
    search = Search(model, 5, 1, None, None, 0.0, 0, should_stop=lambda: False,
                    on_progress=lambda s: None)
    state = search._new_individual().state
    for seed in range(20):
        K.anneal(model.arrays, state, 5_000, 5.0, 1.0, ANNEAL_HARD_WEIGHT, seed)
        check_all_agree(doc, state)
    assert K._placement_violations(state.cost) >= 2  # the proven floor
