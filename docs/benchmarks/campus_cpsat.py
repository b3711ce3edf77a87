"""The CP-SAT measurements of docs/benchmarks/2026-11-29-campus-bounds.md (not part of the engine).

Run from the repository root in a Python 3.11 environment with requirements/bench-cpsat.txt:

    python docs/benchmarks/campus_cpsat.py whole PROBLEM.json SECONDS
    python docs/benchmarks/campus_cpsat.py rooms PROBLEM.json SECONDS ROOM[,ROOM...]
    python docs/benchmarks/campus_cpsat.py resolve PROBLEM.json SECONDS SCHEDULE.json INSTRUCTOR[,...]

- whole: the time-and-instructor problem alone: group and class clashes forbidden, rooms counted
  per suitable-room set, instructor clashes and periods in unavailable time minimised.
- rooms: the exact minimum of room double-bookings, instructor clashes and periods in
  unavailable time over the classes that only these rooms can hold. Everything else is left out
  and a meeting may change rooms within its block, so the optimum is a lower bound on the hard
  cost of any timetable.
- resolve: the classes any of these instructors may teach are re-solved from the engine's
  schedule.json (its timetable as the hint), everything else fixed; the objective counts class,
  group and instructor clashes, unavailable periods and per-room-set overbooking.
"""
from __future__ import annotations

import collections
import json
import sys

from ortools.sat.python import cp_model

sys.path.insert(0, ".")
from ga_runner.engine.model import Model  # noqa: E402
from ga_runner.engine.score import score  # noqa: E402


def excess(md, variables, limit, cost):
    """Add to cost how far the sum of variables goes over limit."""
    if len(variables) > limit:
        over = md.NewIntVar(0, len(variables), "")
        md.Add(sum(variables) <= limit + over)
        cost.append(over)


def room_sets(m, classes, occ, md, cost, taken):
    """Per slot, the meetings whose suitable rooms lie within a set cannot outnumber its free rooms
    (taken: (room, slot) -> 1 where a fixed meeting holds the room)."""
    sets = {frozenset(m.cls_suitable_rooms[c]) for c in classes}
    for rooms in sets:
        inside = [c for c in classes if frozenset(m.cls_suitable_rooms[c]) <= rooms]
        for t in range(m.T):
            free = len(rooms) - sum(taken[r, t] for r in rooms)
            excess(md, [v for c in inside for v in occ.get((c, t), [])], free, cost)


def solve(md, seconds, workers=8):
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    status = solver.Solve(md)
    print("%s: best %g, bound %g, %.1f s" % (solver.StatusName(status), solver.ObjectiveValue(),
                                             solver.BestObjectiveBound(), solver.WallTime()))
    return solver


def rescore(m, solver, placed, fixed_start, fixed_room, fixed_inst):
    """The engine's own score of the fixed part plus the re-solved classes, rooms given greedily
    (a suitable room free for the whole block, else the first suitable one)."""
    A = m.arrays
    M = int(A.dims[4])
    start, room = [fixed_start[k] for k in range(M)], [fixed_room[k] for k in range(M)]
    inst = [fixed_inst[c] for c in range(len(m.classes))]
    busy = set()
    for (mt, s, i, c), v in placed.items():
        if solver.Value(v):
            start[mt], inst[c], room[mt] = s, i, -1
    for mt in range(M):
        if room[mt] >= 0:
            busy.update((room[mt], t) for t in range(start[mt], start[mt] + int(A.cls_len[A.meet_cls[mt]])))
    for mt in sorted((k for k in range(M) if room[k] < 0),
                     key=lambda k: len(m.cls_suitable_rooms[A.meet_cls[k]])):
        block = range(start[mt], start[mt] + int(A.cls_len[A.meet_cls[mt]]))
        options = m.cls_suitable_rooms[A.meet_cls[mt]]
        room[mt] = next((r for r in options if not any((r, t) in busy for t in block)), options[0])
        busy.update((room[mt], t) for t in block)
    cost, _ = score(m, start, room, inst)
    print("engine score of that timetable: hard %d %s" % (
        sum(cost["hard"].values()), {k: v for k, v in cost["hard"].items() if v}))


def main(mode, path, seconds, *rest):
    m = Model(json.loads(open(path).read()))
    A = m.arrays
    md, cost = cp_model.CpModel(), []
    inst_of = {c: [int(i) for i in A.cls_inst[A.cls_inst_ptr[c]:A.cls_inst_ptr[c + 1]]]
               for c in range(len(m.classes))}
    starts = {c: [int(s) for s in A.cls_start[A.cls_start_ptr[c]:A.cls_start_ptr[c + 1]]]
              for c in range(len(m.classes))}
    occ = collections.defaultdict(list)       # (class, slot) -> placement literals
    teach = collections.defaultdict(list)     # (instructor, slot) -> literals
    # A class meeting twice at once is one class overlap, not also its instructor's clash.
    teaching = collections.defaultdict(list)  # (class, instructor, slot) -> literals
    fixed_start, fixed_room, fixed_inst = {}, {}, {}
    hint = []  # (literal, value): the engine's timetable, for "resolve"
    placed = {}  # (meeting, start, instructor, class) -> literal
    if mode == "rooms":
        rooms = {m.room_ids.index(r) for r in rest[0].split(",")}
        free = [c for c in range(len(m.classes)) if set(m.cls_suitable_rooms[c]) <= rooms]
    elif mode == "resolve":
        result = json.loads(open(rest[0]).read())
        chosen = set(rest[1].split(","))
        free = [c for c in range(len(m.classes)) if any(m.inst_ids[i] in chosen for i in inst_of[c])]
        ix = {cid: k for k, cid in enumerate(m.class_ids)}
        for a in result["assignments"]:
            c = ix[a["class"]]
            meeting = int(A.cls_meet_ptr[c]) + a["meeting"]
            fixed_start[meeting] = a["day"] * m.P + a["period"]
            fixed_room[meeting] = m.room_ids.index(a["room"])
            fixed_inst[c] = m.inst_ids.index(a["instructor"])
    else:
        free = list(range(len(m.classes)))
    free_set = set(free)
    for c in range(len(m.classes)):
        ln = int(A.cls_len[c])
        meetings = range(A.cls_meet_ptr[c], A.cls_meet_ptr[c + 1])
        if c not in free_set:
            if mode == "resolve":
                for mt in meetings:
                    for t in range(fixed_start[mt], fixed_start[mt] + ln):
                        occ[c, t].append(1)
                        teach[fixed_inst[c], t].append(1)
            continue
        pick = [md.NewBoolVar("") for _ in inst_of[c]]
        md.AddExactlyOne(pick)
        for i, y in zip(inst_of[c], pick):
            if mode == "resolve":
                hint.append((y, fixed_inst[c] == i))
        for mt in meetings:
            here = []
            for s in starts[c]:
                for i, y in zip(inst_of[c], pick):
                    v = md.NewBoolVar("")
                    placed[mt, s, i, c] = v
                    md.AddImplication(v, y)
                    if mode == "resolve":
                        hint.append((v, fixed_start[mt] == s and fixed_inst[c] == i))
                    here.append(v)
                    cost.extend([v] * int(A.inst_unav[i, s:s + ln].sum()))
                    for t in range(s, s + ln):
                        occ[c, t].append(v)
                        teaching[c, i, t].append(v)
            md.AddExactlyOne(here)
    for (c, t), vs in occ.items():
        if c in free_set:
            excess(md, vs, 1, cost)  # a class meeting twice at once
    for (c, i, t), vs in teaching.items():
        if len(vs) == 1:
            teach[i, t].append(vs[0])
        else:
            present = md.NewBoolVar("")
            for v in vs:
                md.AddImplication(v, present)
            teach[i, t].append(present)
    for (i, t), vs in teach.items():
        if not all(isinstance(v, int) for v in vs):
            excess(md, vs, 1, cost)
    if mode != "rooms":
        # Each leaf group attends one class at a time: a hard rule for "whole", counted for "resolve".
        for lf, classes in enumerate(m.leaf_classes):
            for t in range(m.T):
                vs = [v for c in classes for v in occ.get((c, t), [])]
                if mode == "whole" and len(vs) > 1:
                    md.Add(sum(vs) <= 1)
                elif not all(isinstance(v, int) for v in vs):
                    excess(md, vs, 1, cost)
    taken = collections.Counter()
    for mt, r in fixed_room.items():
        c = int(A.meet_cls[mt])
        if c not in free_set:
            for t in range(fixed_start[mt], fixed_start[mt] + int(A.cls_len[c])):
                taken[r, t] = 1
    room_sets(m, free, occ, md, cost, taken)
    print("%d classes free" % len(free))
    md.Minimize(sum(cost))
    if hint:
        print("as the engine left it:", end=" ")
        rescore(m, None, {}, fixed_start, fixed_room, fixed_inst)
        engine = md.Clone()
        for v, value in hint:
            md.AddHint(v, value)
            engine.Add(engine.GetBoolVarFromProtoIndex(v.Index()) == int(value))
        print("the engine's timetable:", end=" ")
        solve(engine, 60)
    solver = solve(md, float(seconds))
    if mode == "resolve":
        rescore(m, solver, placed, fixed_start, fixed_room, fixed_inst)


if __name__ == "__main__":
    main(*sys.argv[1:])
