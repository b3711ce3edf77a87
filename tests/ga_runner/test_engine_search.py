"""The search's schedule: when the soft cost starts to cool."""
from __future__ import annotations

import math

from ga_runner.engine.model import Model
from ga_runner.engine.search import COOL_AFTER, Search
from ga_runner.problem import normalize_problem
from tests.ga_runner.problems import split_problem

GENERATIONS = 8


def run_search(hard_floor: int) -> Search:
    search = Search(Model(normalize_problem(split_problem())), 3, 2, GENERATIONS, None, 0.0,
                    hard_floor, should_stop=lambda: False, on_progress=lambda s: None)
    search.run()
    return search


def test_soft_cost_cools_from_when_the_best_reaches_the_proven_floor():
    search = run_search(hard_floor=2)  # split_problem's proven floor, reached at once
    assert search.cooling_since[0] == 0


def test_soft_cost_cools_late_in_the_run_when_the_floor_is_not_reached():
    # A floor of 0 is out of reach (two periods must clash), as a floor the analysis cannot
    # prove is: the soft cost must still cool in the last part of the run.
    search = run_search(hard_floor=0)
    assert search.hof[0].fitness.values[0] == 2
    assert search.cooling_since[0] == math.ceil(COOL_AFTER * GENERATIONS)
