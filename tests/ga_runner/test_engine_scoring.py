"""The engine's scores equal the independent evaluator's, and its bookkeeping stays exact."""
from __future__ import annotations

import numpy as np
import pytest

from ga_runner.engine import kernels as K
from ga_runner.engine.analysis import analyse
from ga_runner.engine.model import HARD, SOFT, Model
from ga_runner.engine.outputs import assignments
from ga_runner.engine.score import score
from ga_runner.engine.search import Search
from ga_runner.formats.ctt import ctt_to_problem
from ga_runner.problem import normalize_problem
from tests.ga_runner.conftest import BENCH
from tests.ga_runner.independent_evaluator import evaluate
from tests.ga_runner.problems import random_problem


def cost_vector(cost: dict) -> list:
    return [cost["hard"][k] for k in HARD] + [cost["soft"][k] for k in SOFT]


def check_all_agree(doc: dict, state) -> dict:
    """Incremental cost == from-scratch score == independent evaluator; violations add up."""
    model = Model(doc)
    cost, violations = score(model, state.m_start, state.m_room, state.c_inst)
    assert [int(x) for x in state.cost] == cost_vector(cost)
    items = assignments(model, state.m_start, state.m_room, state.c_inst)
    assert evaluate(doc, items) == cost
    for name in HARD + SOFT:
        total = cost["hard"][name] if name in HARD else cost["soft"][name]
        assert sum(v["cost"] for v in violations if v["constraint"] == name) == total
    return cost


def run_search(doc: dict, seed: int = 1, generations: int = 3, pop_size: int = 4):
    model = Model(doc)
    search = Search(model, seed, pop_size, generations, None, 0.0, analyse(model).hard_floor,
                    should_stop=lambda: False, on_progress=lambda s: None)
    return search.run().state


@pytest.mark.parametrize("seed", range(12))
def test_random_problem_scores_match_the_evaluator(seed):
    doc = normalize_problem(random_problem(seed, n_classes=6 + seed % 5))
    check_all_agree(doc, run_search(doc, seed=seed, generations=2))


@pytest.mark.parametrize("seed", range(6))
def test_random_timetables_score_alike_after_many_moves(seed):
    """Arbitrary (mostly infeasible) timetables: every constraint fires and must still agree."""
    doc = normalize_problem(random_problem(100 + seed, n_days=2, n_periods=4, n_classes=10))
    A = Model(doc).arrays
    rng = np.random.default_rng(seed)
    M, C, R = int(A.dims[4]), int(A.dims[3]), int(A.dims[5])
    starts = np.array([rng.choice(A.len_start[A.len_start_ptr[ln]:A.len_start_ptr[ln + 1]])
                       for ln in A.cls_len[A.meet_cls]])
    insts = np.array([A.cls_inst[A.cls_inst_ptr[c]] if A.cls_inst_ptr[c + 1] > A.cls_inst_ptr[c]
                      else -1 for c in range(C)])
    state = K.new_state(A, starts, rng.integers(R, size=M), insts)
    # Hot annealing: thousands of accepted and undone moves of every kind.
    K.anneal(A, state, 5000, 50.0, 5.0, 1, seed)
    check_all_agree(doc, state)


def test_no_instructor_class_is_placed_and_counted():
    doc = random_problem(7)
    doc["classes"][0]["instructors"] = []
    doc = normalize_problem(doc)
    cost = check_all_agree(doc, run_search(doc))
    assert cost["hard"]["no_instructor"] == 1


def test_itc_toy_scores_as_ud2():
    doc = normalize_problem(ctt_to_problem((BENCH / "itc2007" / "toy.ctt").read_text(), "toy"))
    state = run_search(doc, generations=5)
    cost = check_all_agree(doc, state)
    assert sum(cost["hard"].values()) == 0


def test_comp01_scores_as_the_evaluator():
    doc = normalize_problem(ctt_to_problem((BENCH / "itc2007" / "comp01.ctt").read_text(),
                                           "comp01"))
    check_all_agree(doc, run_search(doc, generations=2))
