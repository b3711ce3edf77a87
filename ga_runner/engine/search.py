"""The memetic genetic algorithm: DEAP drives the population, numba kernels improve offspring.

Each individual is a complete timetable with its incremental cost bookkeeping (kernels.State)
and is one simulated-annealing walk. A generation lets every walk continue by one burst (tournament
selection copies better walks over worse ones), and sometimes recombines two walks class by
class into a child that replaces the worst walk if it is better. Fitness is (hard, soft),
compared lexicographically, so any feasible timetable beats any infeasible one; the hall of
fame holds the answer. docs/engine.md explains the choices and their measured effect.
"""
from __future__ import annotations

import random
import time

import numpy as np
from deap import base, creator, tools

from . import kernels as K
from .model import Model

# Annealing temperatures at the start and the end of a run, in units of soft cost. (60 s runs,
# seeds 1-4, means: comp05 357.5 at 6, 337 at 15, 335.5 at 30, and its worst 433 at 6 but 377
# at 15; comp02 54.25 and 53.25, comp07 28.5 and 29.75 at 6 and 15.)
TEMP_START = 15.0
TEMP_END = 0.05
# The soft cost cools from when the best timetable reaches its proven hard floor, or at the
# latest once this share of the run is over, from the best timetable. (Campus, which stays above
# its floor, 110 s, seeds 1-4: hard 19/18/20/17 and soft 3 166/3 212/3 118/3 157 without; the
# same hard and soft 2 244/1 996/2 781/2 697 from 75 %; 2 233/2 339/1 797/3 145 when the walks
# cooled from wherever they were, not from the best; hard 20/19/20/18 from 50 %.)
COOL_AFTER = 0.75
# A hard violation costs this much soft cost in the greedy construction.
HARD_WEIGHT = 40
# ... and inside the annealing of a feasible timetable: so much that a walk practically never
# trades a violation for soft cost (on comp05 one room-capacity saving can exceed 40, and a walk
# that slipped back into infeasibility let its soft cost grow while it repaired).
ANNEAL_HARD_WEIGHT = 1000
CROSSOVER_PROB = 0.2
MUTATION_PROB = 0.5
CONSTRUCT_ROOMS = 8
# Moves of the annealing that balances the initial instructors (0.14 s on the campus).
BALANCE_MOVES = 2_000_000

if not hasattr(creator, "TimetableFitness"):
    creator.create("TimetableFitness", base.Fitness, weights=(-1.0, -1.0))


class Timetable:
    """A DEAP individual: one timetable's kernel state."""

    def __init__(self, state: K.State):
        self.state = state


if not hasattr(creator, "Individual"):
    creator.create("Individual", Timetable, fitness=creator.TimetableFitness)


def _clone(ind):
    child = creator.Individual(K.copy_state(ind.state))
    child.fitness.values = ind.fitness.values
    return child


class Search:
    """One run. `should_stop()` is polled between local-search bursts (SIGTERM, time limit)."""

    def __init__(self, model: Model, seed: int, pop_size: int, generations, time_limit,
                 started: float, hard_floor: int, should_stop, on_progress):
        self.model = model
        self.A = model.arrays
        self.rng = random.Random(seed)
        random.seed(seed)  # DEAP's selection operators draw from the global generator
        self.pop_size = pop_size
        self.generations = generations
        self.time_limit = time_limit
        self.should_stop = should_stop
        self.on_progress = on_progress
        self.start = started  # time.monotonic() when the run began
        self.evaluations = 0
        self.generation = 0
        self.history = []  # (elapsed, best hard, best soft) per generation
        self.hard_floor = hard_floor  # hard violations the pre-analysis proves unavoidable
        # The kernels treat a timetable with no more placement violations than that as feasible
        # (classes nobody may teach are violations wherever they go).
        self.A.floor[0] = max(0, hard_floor - int(self.A.cls_fixed_cost.sum()))
        self.cooling_since = None  # (generation, elapsed) when the soft cost began to cool
        self.search_start = 0.0
        M = int(self.A.dims[4])
        self.ls_iters = int(min(50_000, max(5_000, 40 * M)))
        self.kick = max(1, M // 50)

        tb = base.Toolbox()
        tb.register("individual", self._new_individual)
        tb.register("evaluate", lambda ind: (int(ind.state.cost[:K.N_HARD].sum()),
                                             int(ind.state.cost[K.N_HARD:].sum())))
        tb.register("clone", _clone)
        tb.register("mate", self._crossover)
        tb.register("mutate", self._mutate)
        tb.register("improve", self._improve)
        tb.register("select_parents", tools.selTournament, tournsize=2)
        tb.register("select_survivors", tools.selBest)
        self.toolbox = tb
        self.stats = tools.Statistics(lambda ind: ind.fitness.values)
        self.stats.register("best", min)
        self.logbook = tools.Logbook()
        self.logbook.header = ["gen", "evals", "best"]
        self.hof = tools.HallOfFame(1)

    # -- time and temperature ------------------------------------------------------------
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def _progress_fraction(self, generation: int, elapsed: float) -> float:
        """How far along the soft-cost annealing is, by generations, by the clock, or the
        further of both. It starts when a timetable first has no avoidable hard violation (the
        time spent reaching feasibility must not cool the schedule), or when COOL_AFTER of the
        run is over (a problem whose search never reaches its proven floor still gets its soft
        cost cooled)."""
        g0, t0 = self.cooling_since or (generation, elapsed)
        parts = []
        if self.generations:
            parts.append((generation - g0) / max(1, self.generations - g0))
        if self.time_limit:
            parts.append((elapsed - t0) / max(1e-9, self.time_limit - t0))
        return min(1.0, max(parts)) if parts else 1.0

    def _late(self) -> bool:
        """Whether COOL_AFTER of the generations or of the time limit is over."""
        if self.time_limit and self.elapsed() >= COOL_AFTER * self.time_limit:
            return True
        return bool(self.generations) and self.generation >= COOL_AFTER * self.generations

    def _temperature(self, frac: float) -> float:
        return TEMP_START * (TEMP_END / TEMP_START) ** frac

    def _done(self) -> bool:
        if self._out_of_time():
            return True
        return bool(self.generations) and self.generation >= self.generations

    def _out_of_time(self) -> bool:
        return self.should_stop() or bool(self.time_limit and self.elapsed() >= self.time_limit)

    def _kernel_seed(self) -> int:
        return self.rng.randrange(2 ** 31)

    # -- operators -------------------------------------------------------------------------
    def _new_individual(self):
        A = self.A
        C, M = int(A.dims[3]), int(A.dims[4])
        load = np.zeros(int(A.dims[6]), np.int64)
        free = A.inst_free
        c_inst = np.full(C, -1, np.int64)
        # Spread classes over their eligible instructors: the one left with the largest share of
        # free time takes it; then the fewest periods beyond free time. (Campus, 110 s: such
        # periods at the end of a run, 15-16 in four runs without, where the instructor sets
        # force 13; 13 in all 25 runs with.)
        for c in self.rng.sample(range(C), C):
            options = A.cls_inst[A.cls_inst_ptr[c]:A.cls_inst_ptr[c + 1]]
            if len(options):
                need = A.cls_len[c] * (A.cls_meet_ptr[c + 1] - A.cls_meet_ptr[c])
                best = min(options, key=lambda i: ((load[i] + need) / max(1, free[i]),
                                                   self.rng.random()))
                c_inst[c] = best
                load[best] += need
        if (np.diff(A.cls_inst_ptr) > 1).any():  # a choice to make (none on ITC data)
            K.balance_instructors(A, c_inst, BALANCE_MOVES, self._kernel_seed())
        state = K.new_state(A, np.full(M, -1), np.full(M, -1), c_inst)
        # Hardest first: long blocks, many conflicting classes, few rooms; noise diversifies.
        cls = A.meet_cls
        difficulty = (A.cls_len[cls] * 10.0 + np.diff(A.cls_nb_ptr)[cls]
                      - np.diff(A.cls_room_ptr)[cls] * 0.1)
        noise = np.array([self.rng.random() for _ in range(M)]) * 5.0
        order = np.argsort(-(difficulty + noise), kind="stable").astype(np.int64)
        K.construct(A, state, order, HARD_WEIGHT, CONSTRUCT_ROOMS, self._kernel_seed())
        ind = creator.Individual(state)
        ind.fitness.values = self.toolbox.evaluate(ind)
        return ind

    def _crossover(self, a, b):
        """Uniform crossover by class: each class keeps all its meetings and its instructor
        from one parent, so blocks and instructor choices stay whole."""
        A = self.A
        sa, sb = a.state, b.state
        starts = [sa.m_start.copy(), sb.m_start.copy()]
        rooms = [sa.m_room.copy(), sb.m_room.copy()]
        insts = [sa.c_inst.copy(), sb.c_inst.copy()]
        for c in range(int(A.dims[3])):
            if self.rng.random() < 0.5:
                m0, m1 = A.cls_meet_ptr[c], A.cls_meet_ptr[c + 1]
                for arr in (starts, rooms):
                    arr[0][m0:m1], arr[1][m0:m1] = arr[1][m0:m1].copy(), arr[0][m0:m1].copy()
                insts[0][c], insts[1][c] = insts[1][c], insts[0][c]
        a.state = K.new_state(A, starts[0], rooms[0], insts[0])
        b.state = K.new_state(A, starts[1], rooms[1], insts[1])
        return a, b

    def _mutate(self, ind):
        """Move a few meetings anywhere: annealing at an infinite temperature accepts all."""
        K.anneal(self.A, ind.state, self.kick, 1e12, 1e12, HARD_WEIGHT, self._kernel_seed())
        self.evaluations += self.kick
        return (ind,)

    def _improve(self, ind, temp_hi, temp_lo):
        K.anneal(self.A, ind.state, self.ls_iters, temp_hi, temp_lo, ANNEAL_HARD_WEIGHT,
                 self._kernel_seed())
        self.evaluations += self.ls_iters

    # -- the run ---------------------------------------------------------------------------
    def run(self):
        tb = self.toolbox
        pop = []
        while len(pop) < self.pop_size and not (pop and self.should_stop()):
            pop.append(tb.individual())
        self.evaluations += len(pop)
        self.search_start = self.elapsed()
        self._record(pop)
        while self.A.dims[4] > 0 and not self._done():  # no meetings: nothing to search
            # The bursts of this generation cool from here to where the next one starts.
            now = self.elapsed()
            gen_time = (now - self.search_start) / max(1, self.generation)
            temp_hi = self._temperature(self._progress_fraction(self.generation, now))
            temp_lo = self._temperature(self._progress_fraction(self.generation + 1, now + gen_time))

            # Every child continues its parent's annealing walk and replaces it (comma
            # selection), so a walk may pass through worse timetables; the tournament copies the
            # better walks over the worse ones, and the hall of fame keeps the best ever seen.
            offspring = [tb.clone(x) for x in tb.select_parents(pop, len(pop))]
            for n, child in enumerate(offspring):
                tb.improve(child, temp_hi, temp_lo)
                child.fitness.values = tb.evaluate(child)
                if self._out_of_time():
                    offspring = offspring[:n + 1]
                    break
            pop = offspring + tb.select_survivors(pop, self.pop_size - len(offspring))
            # Recombination: a child of two walks, perturbed and improved, replaces the worst
            # walk only if it is better (a disrupted timetable must not replace a good walk).
            if not self._out_of_time() and self.rng.random() < CROSSOVER_PROB:
                a, b = (tb.clone(x) for x in tb.select_parents(pop, 2))
                child = tb.mate(a, b)[0]
                if self.rng.random() < MUTATION_PROB:
                    tb.mutate(child)
                tb.improve(child, temp_hi, temp_lo)
                child.fitness.values = tb.evaluate(child)
                worst = min(range(len(pop)), key=lambda k: pop[k].fitness)
                if child.fitness > pop[worst].fitness:
                    pop[worst] = child
            self.generation += 1
            self._record(pop)
        return self.hof[0]

    def _record(self, pop):
        self.hof.update(pop)
        record = self.stats.compile(pop)
        self.logbook.record(gen=self.generation, evals=self.evaluations, **record)
        best = self.hof[0].fitness.values
        if self.cooling_since is None and best[0] <= self.hard_floor:
            self.cooling_since = (self.generation, self.elapsed())
        elif self.cooling_since is None and self._late():
            # The walks may have wandered off the best timetable; it is the one to cool.
            self.cooling_since = (self.generation, self.elapsed())
            pop[:] = [self.toolbox.clone(self.hof[0]) for _ in pop]
        self.history.append((self.elapsed(), int(best[0]), int(best[1])))
        self.on_progress(self)
