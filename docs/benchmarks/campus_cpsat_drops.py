"""The CP-SAT "drop" bound of docs/benchmarks/2026-11-29-campus-bounds.md (not part of the engine).

Run in a Python 3.11 environment with requirements/bench-cpsat.txt:

    python docs/benchmarks/campus_cpsat_drops.py PROBLEM.json SECONDS WORKERS

The fewest class-periods to leave out so that no leaf group, instructor or class is
double-booked and nothing sits in unavailable time; rooms are ignored. Leaving out one period of
each clashing pair, each class-period in unavailable time and each extra meeting of a class
removes every such violation, so the hard cost of any timetable of PROBLEM's classes is at
least this number. Meetings keep their block length; each class has one instructor.
"""
from __future__ import annotations

import collections
import json
import sys

from ortools.sat.python import cp_model


def main(path, seconds, workers):
    p = json.load(open(path))
    n_periods = len(p["periods"])
    kids = collections.defaultdict(list)
    for g in p["groups"]:
        if g.get("parent"):
            kids[g["parent"]].append(g["id"])

    def leaves(g):
        return [g] if not kids[g] else [leaf for k in kids[g] for leaf in leaves(k)]

    unavailable = {i["id"]: {d * n_periods + t for d, t in i.get("unavailable", [])}
                   for i in p["instructors"]}
    md = cp_model.CpModel()
    kept, total = [], 0
    leaf_kept = collections.defaultdict(list)   # (leaf, slot) -> literals
    teacher_kept = collections.defaultdict(list)  # (instructor, slot) -> literals
    for c in p["classes"]:
        ln = c["block_length"]
        total += c["periods_per_week"]
        class_unavailable = {d * n_periods + t for d, t in c.get("unavailable", [])}
        starts = [d * n_periods + t for d in range(len(p["days"])) for t in range(n_periods - ln + 1)]
        teacher = {i: md.NewBoolVar("") for i in c["instructors"]}
        md.AddExactlyOne(teacher.values())
        covering = collections.defaultdict(list)
        previous = None
        for _ in range(c["periods_per_week"] // ln):
            at = {s: md.NewBoolVar("") for s in starts}
            md.AddExactlyOne(at.values())
            position = sum(s * v for s, v in at.items())
            if previous is not None:  # a class's meetings are interchangeable
                md.Add(previous <= position)
            previous = position
            for s, v in at.items():
                for t in range(s, s + ln):
                    covering[t].append(v)
        for t, vs in covering.items():
            here = md.NewBoolVar("")  # the class holds slot t and keeps it
            md.Add(here <= sum(vs))
            if t in class_unavailable:
                md.Add(here == 0)
            kept.append(here)
            for g in c["groups"]:
                for leaf in leaves(g):
                    leaf_kept[leaf, t].append(here)
            for i, chosen in teacher.items():
                if t in unavailable[i]:
                    md.AddBoolOr([here.Not(), chosen.Not()])
                elif len(teacher) == 1:
                    teacher_kept[i, t].append(here)
                else:
                    both = md.NewBoolVar("")
                    md.AddImplication(both, here)
                    md.AddImplication(both, chosen)
                    md.AddBoolOr([here.Not(), chosen.Not(), both])
                    teacher_kept[i, t].append(both)
    for vs in list(leaf_kept.values()) + list(teacher_kept.values()):
        if len(vs) > 1:
            md.AddAtMostOne(vs)
    md.Maximize(sum(kept))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(seconds)
    solver.parameters.num_workers = int(workers)
    status = solver.Solve(md)
    print("%s: fewest drops found %g, proven at least %g, %.0f s" % (
        solver.StatusName(status), total - solver.ObjectiveValue(),
        max(0.0, total - solver.BestObjectiveBound()), solver.WallTime()))


if __name__ == "__main__":
    main(*sys.argv[1:])
