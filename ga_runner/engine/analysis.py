"""Pre-analysis: requirements no timetable can meet, each with the reason.

Checked per class (who, where and when it could possibly be held), per leaf group (more
teaching than the week has room for) and per set of instructors (teaching that only they can
give and that cannot be shared out, class by class, within their free time). These are the
`unsatisfiable` entries of schedule.json; the search still places everything as well as it can.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .model import Model

# Instructor sets up to this size are all checked for classes they cannot share out whole within
# their free time. (Campus: 3 finds I69, I117, I153, free 36 periods for 33 but at least 2 over;
# sets of 4, 5 and 6 found nothing more, and the whole analysis took 0.75, 1.9 and 11.6 s
# instead of 0.6 s.)
SMALL_SET = 3

# unsatisfiable: the requirements no timetable can meet, each with its reason. hard_floor: how
# many hard violations every timetable has, proven from the classes nobody is qualified to teach,
# the instructor sets that must teach beyond their free time and the room sets that cannot hold
# the classes only they suit (disjoint sets: they never share a violation, so their counts add
# up).
Analysis = namedtuple("Analysis", ["unsatisfiable", "hard_floor"])


def analyse(model: Model) -> Analysis:
    A = model.arrays
    P, T = model.P, model.T
    out = []

    def add(cls_id, requirement, reason):
        out.append({"class": cls_id, "requirement": requirement, "reason": reason})

    for c, cls in enumerate(model.classes):
        ln = int(A.cls_len[c])
        n_meet = int(A.cls_meet_ptr[c + 1] - A.cls_meet_ptr[c])
        starts = A.len_start[A.len_start_ptr[ln]:A.len_start_ptr[ln + 1]]

        def free(mask_row):
            """Starts whose whole block avoids the slots marked in mask_row."""
            return np.array([not mask_row[s:s + ln].any() for s in starts], bool)

        cls_ok = free(A.cls_unav[c])
        if not cls_ok.any():
            add(cls["id"], "availability",
                "the class is unavailable in every block of %d consecutive period(s)" % ln)
            continue
        rooms = model.cls_suitable_rooms[c]
        room_ok = np.zeros(len(starts), bool)
        for r in rooms:
            room_ok |= free(A.room_unav[r])
        where = cls_ok & room_ok
        if not where.any():
            add(cls["id"], "room", "every suitable room (%s) is unavailable whenever the class "
                "can be held" % ", ".join(model.room_ids[r] for r in rooms))
            continue
        biggest = max(rooms, key=lambda r: A.room_cap[r])
        if A.cls_students[c] > A.room_cap[biggest]:
            add(cls["id"], "room_capacity", "no suitable room seats %d students (the largest, "
                "%s, has %d seats)" % (A.cls_students[c], model.room_ids[biggest],
                                       A.room_cap[biggest]))
        insts = list(A.cls_inst[A.cls_inst_ptr[c]:A.cls_inst_ptr[c + 1]])
        if not insts:
            add(cls["id"], "instructor", "no instructor is qualified to teach it")
            continue
        best_fit = 0
        for i in insts:
            ok = where & free(A.inst_unav[i])
            best_fit = max(best_fit, _disjoint_blocks(starts[ok], ln))
        if best_fit == 0:
            names = ", ".join(model.inst_ids[i] for i in insts)
            if len(insts) == 1:
                never = bool(A.inst_unav[insts[0]].all())
                add(cls["id"], "instructor", "the only qualified instructor %s is never available%s"
                    % (names, "" if never else " when the class and a suitable room are"))
            else:
                add(cls["id"], "instructor", "none of its qualified instructors (%s) is available "
                    "when the class and a suitable room are" % names)
        elif best_fit < n_meet:
            add(cls["id"], "periods", "only %d of its %d meetings of %d period(s) fit the times "
                "when it, an instructor and a suitable room are all available"
                % (best_fit, n_meet, ln))

    for lf, leaf in enumerate(model.leaf_ids):
        need = sum(int(A.cls_len[c] * (A.cls_meet_ptr[c + 1] - A.cls_meet_ptr[c]))
                   for c in model.leaf_classes[lf])
        if need > T:
            add(None, "group", "group %s attends %d periods a week; the week has %d" % (leaf, need, T))
    hard_floor = int(A.cls_fixed_cost.sum())
    options = _teaching_options(model)
    shortfalls = _instructor_shortfalls(model, options)
    for insts, classes, need, available, at_least in shortfalls:
        hard_floor += at_least
        who = ("instructor %s is" if len(insts) == 1 else "instructors %s are") % ", ".join(insts)
        teach = "the classes only %s can teach need %d: %s" % (
            "they" if len(insts) > 1 else "this instructor", need, ", ".join(classes))
        whole = ("as each class has one instructor, at least %d of these periods clash or fall "
                 "in unavailable time" % at_least)
        free = "free for %d period(s) a week%s" % (available, "" if len(insts) == 1 else " in all")
        if need <= available:
            reason = "%s %s and %s, but %s" % (who, free, teach, whole)
        elif at_least > need - available:
            reason = "%s %s, but %s; %s" % (who, free, teach, whole)
        else:
            reason = "%s %s, but %s" % (who, free, teach)
        add(None, "instructor", reason)
    counted = {model.inst_ids.index(i) for insts, *_ in shortfalls for i in insts}
    for rooms, lengths, at_least in _room_shortfalls(model, options, counted):
        hard_floor += at_least
        add(None, "room", "only rooms %s suit %s; %s at times when an instructor for them is "
            "free, so at least %d meeting(s) clash, take another room or fall in unavailable "
            "time" % (", ".join(rooms), "; ".join(
                "the %d meetings of %d period(s) of %s" % (n, ln, ", ".join(classes))
                for ln, n, _, classes in lengths), " and ".join(
                "at most %d of the %d-period meetings fit there" % (fit, ln)
                for ln, _, fit, _ in lengths), at_least))
    return Analysis(out, hard_floor)


def _instructor_shortfalls(model: Model, options: list) -> list:
    """Sets of instructors who must teach beyond their free time.

    A set qualifies when the classes that only its instructors can teach cannot be given out
    whole within their free periods. The candidates are the parts of a max-flow cut (Hall's
    condition: more periods needed than the set is free, any size) and every connected set of
    up to SMALL_SET instructors, which also finds sets that are free long enough in total but
    cannot split their classes to fit. Each candidate's loss is exact over whole classes, and
    the kept sets are disjoint, largest loss first, so their losses add up. `options` is
    `_teaching_options(model)`. Returns, per set, (instructor ids, class ids, periods needed,
    periods available, the fewest periods that must clash or fall in unavailable time)."""
    A = model.arrays
    C, I = len(model.classes), len(model.inst_ids)
    able = [[i for i, _ in by_class] for by_class in options]
    need = [int(A.cls_len[c] * (A.cls_meet_ptr[c + 1] - A.cls_meet_ptr[c])) for c in range(C)]
    free = A.inst_free.tolist()
    by_inst = [[] for _ in range(I)]
    for c in range(C):
        for i in able[c]:
            by_inst[i].append(c)

    found = []
    for insts in _flow_cut_parts(able, need, free) + _small_sets(able, by_inst):
        classes = sorted({c for i in insts for c in by_inst[i] if set(able[c]) <= insts})
        needed = sum(need[c] for c in classes)
        available = sum(free[i] for i in insts)
        at_least = _least_overflow([(need[c], able[c]) for c in classes],
                                   {i: free[i] for i in insts}, max(0, needed - available))
        if at_least > 0:
            found.append((at_least, insts, classes, needed, available))
    out = []
    taken = set()
    for at_least, insts, classes, needed, available in sorted(
            found, key=lambda f: (-f[0], len(f[1]), sorted(f[1]))):
        if not insts & taken:
            taken |= insts
            out.append((sorted(model.inst_ids[i] for i in insts),
                        sorted(model.class_ids[c] for c in classes), needed, available, at_least))
    return out


def _teaching_options(model: Model) -> list:
    """Per class, who can teach it: (instructor, the starts where the class, that instructor and
    a suitable room are all free) for each qualified instructor with at least one such start."""
    A = model.arrays
    return [[(int(A.cls_inst[k]), A.opt_start[A.opt_start_ptr[k]:A.opt_start_ptr[k + 1]])
             for k in range(A.cls_inst_ptr[c], A.cls_inst_ptr[c + 1])
             if A.opt_start_ptr[k + 1] > A.opt_start_ptr[k]] for c in range(len(model.classes))]


def _room_shortfalls(model: Model, options: list, counted: set) -> list:
    """Room sets that cannot hold the classes only they can hold.

    For each set R of rooms that is some class's set of suitable rooms, take the classes whose
    suitable rooms all lie in R and that someone can teach, and, per block length, their
    meetings of that length. A meeting in no violation is in a room of R at a time when its
    class and one of its instructors are free, and no other such meeting has its room or its
    instructor then. So at most as many are free of violations as a max flow carries from the
    meetings to (instructor, day) pairs, each holding as many disjoint blocks as the
    instructor's free time that day does, and on to days, each holding as many disjoint blocks
    as the rooms of R do; every other meeting takes part in a violation of its own (a
    double-booked room or instructor, an unsuitable room, unavailable time). Kept sets share no
    room and no instructor with each other or with the `counted` instructor sets, so their
    losses add up with those. Returns, per set, (room ids, [(length, meetings, how many fit,
    class ids)] for the lengths that lose, the fewest meetings in violation)."""
    A = model.arrays
    C = len(model.classes)
    suitable = [frozenset(int(r) for r in model.cls_suitable_rooms[c]) for c in range(C)]
    found = []
    for rooms in sorted(set(suitable), key=sorted):
        classes = [c for c in range(C) if suitable[c] <= rooms and options[c]]
        lengths = []
        for ln in sorted({int(A.cls_len[c]) for c in classes}):
            group = [c for c in classes if A.cls_len[c] == ln]
            n = sum(int(A.cls_meet_ptr[c + 1] - A.cls_meet_ptr[c]) for c in group)
            fit = _meetings_that_fit(model, rooms, group, options, ln)
            if fit < n:
                lengths.append((ln, n, fit, sorted(model.class_ids[c] for c in group)))
        if lengths:
            insts = {i for c in classes for i, _ in options[c]}
            found.append((sum(n - fit for _, n, fit, _ in lengths), rooms, insts, lengths))
    out = []
    rooms_taken, insts_taken = set(), set(counted)
    for at_least, rooms, insts, lengths in sorted(found, key=lambda f: (-f[0], sorted(f[1]))):
        if not rooms & rooms_taken and not insts & insts_taken:
            rooms_taken |= rooms
            insts_taken |= insts
            out.append((sorted(model.room_ids[r] for r in rooms), lengths, at_least))
    return out


def _meetings_that_fit(model: Model, rooms, group, options, ln) -> int:
    """At most how many meetings of these classes (all of block length ln) can be held in
    these rooms without a violation (see `_room_shortfalls`)."""
    A, P = model.arrays, model.P
    starts = {}  # (instructor, day) -> the starts any class of the group could use
    for c in group:
        for i, free in options[c]:
            for s in free:
                starts.setdefault((i, int(s) // P), set()).add(int(s))
    pairs = sorted(starts)
    days = sorted({d for _, d in pairs})
    node = {key: k for k, key in enumerate([("class", c) for c in group]
                                            + [("pair", p) for p in pairs]
                                            + [("day", d) for d in days])}
    source, sink = len(node), len(node) + 1
    net = _Network(len(node) + 2)
    for c in group:
        net.edge(source, node["class", c], int(A.cls_meet_ptr[c + 1] - A.cls_meet_ptr[c]))
        for i, free in options[c]:
            for d in {int(s) // P for s in free}:
                net.edge(node["class", c], node["pair", (i, d)], len(free))
    for (i, d) in pairs:
        net.edge(node["pair", (i, d)], node["day", d], _disjoint_blocks(starts[i, d], ln))
    for d in days:
        usable = set().union(*(starts[p] for p in pairs if p[1] == d))
        net.edge(node["day", d], sink, sum(
            _disjoint_blocks([s for s in usable if not A.room_unav[r, s:s + ln].any()], ln)
            for r in rooms))
    return net.max_flow(source, sink)[0]


def _small_sets(able, by_inst) -> list:
    """Every set of up to SMALL_SET instructors linked by classes that only such a set could
    teach (a class more instructors can teach belongs to no small set)."""
    linked = [set() for _ in by_inst]
    for insts in able:
        if len(insts) <= SMALL_SET:
            for i in insts:
                linked[i].update(insts)
    seen = set()
    layer = [frozenset([i]) for i in range(len(by_inst)) if by_inst[i]]
    for _ in range(SMALL_SET):
        grown = []
        for insts in layer:
            if insts not in seen:
                seen.add(insts)
                grown.extend(insts | {j} for i in insts for j in linked[i] if j not in insts)
        layer = grown
    return list(seen)


def _flow_cut_parts(able, need, free) -> list:
    """The instructor sets whose classes need more periods than they are free (Hall's
    condition), from a max flow of each class's periods to the instructors able to teach it."""
    C, I = len(able), len(free)
    source, sink = C + I, C + I + 1
    net = _Network(C + I + 2)
    for c in range(C):
        for i in able[c]:
            net.edge(c, C + i, need[c])
        if able[c]:
            net.edge(source, c, need[c])
    for i in range(I):
        net.edge(C + i, sink, free[i])
    _, reached = net.max_flow(source, sink)
    # The cut's instructors, split into parts linked by classes they could teach.
    parts = []
    seen = set()
    for start in (c for c in range(C) if c in reached and able[c]):
        if start in seen:
            continue
        part, stack = set(), [start]
        while stack:
            u = stack.pop()
            if u in seen:
                continue
            seen.add(u)
            if u >= C:
                part.add(u - C)
            stack.extend(v for v in net.adj[u] if v in reached and v < C + I and v not in seen)
        parts.append(frozenset(part))
    return parts


class _Network:
    """A flow network on nodes 0..n-1 (Edmonds-Karp max flow)."""

    def __init__(self, n: int):
        self.adj = [[] for _ in range(n)]
        self.cap = {}

    def edge(self, u: int, v: int, c: int) -> None:
        if (u, v) not in self.cap:
            self.adj[u].append(v)
            self.adj[v].append(u)
            self.cap[(v, u)] = self.cap.get((v, u), 0)
        self.cap[(u, v)] = self.cap.get((u, v), 0) + c

    def max_flow(self, source: int, sink: int):
        """The flow's value and the nodes still reachable from the source (the cut's side)."""
        cap, total = self.cap, 0
        while True:
            parent = {source: None}
            queue = [source]
            for u in queue:
                for v in self.adj[u]:
                    if v not in parent and cap[(u, v)] > 0:
                        parent[v] = u
                        queue.append(v)
                if sink in parent:
                    break
            if sink not in parent:
                return total, set(parent)
            path, v = [], sink
            while parent[v] is not None:
                path.append((parent[v], v))
                v = parent[v]
            push = min(cap[e] for e in path)
            for u, v in path:
                cap[(u, v)] -= push
                cap[(v, u)] += push
            total += push


def _least_overflow(options, free, floor, node_limit=200_000) -> int:
    """The fewest periods beyond their free time that the instructors must teach when every
    class goes whole to one of its eligible instructors (options: (periods, instructors) per
    class; free: instructor -> free periods). Branch and bound; the flow's shortfall `floor` is
    the answer if the search is cut off, which never overstates it."""
    order = sorted(options, key=lambda o: -o[0])
    load = dict.fromkeys(free, 0)
    best = [sum(n for n, _ in order)]
    nodes = [0]

    def overflow():
        return sum(max(0, load[i] - free[i]) for i in free)

    def dfs(k, left):
        nodes[0] += 1
        if nodes[0] > node_limit:
            return
        over = overflow()
        slack = sum(max(0, free[i] - load[i]) for i in free)
        if over + max(0, left - slack) >= best[0]:
            return
        if k == len(order):
            best[0] = over
            return
        n, insts = order[k]
        for i in sorted(insts, key=lambda i: load[i] - free[i]):
            load[i] += n
            dfs(k + 1, left - n)
            load[i] -= n

    dfs(0, sum(n for n, _ in order))
    return best[0] if nodes[0] <= node_limit else floor


def _disjoint_blocks(starts, ln) -> int:
    """How many non-overlapping blocks of length ln fit at these start slots (greedy earliest)."""
    count = 0
    end = -1
    for s in sorted(int(x) for x in starts):
        if s > end:
            count += 1
            end = s + ln - 1
    return count
