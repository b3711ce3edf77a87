"""Score a finished timetable from scratch and explain every penalty.

Written straight from the scoring definitions (docs/problem-format.md), independently of the
incremental bookkeeping in kernels.py, so the two check each other. Returns the weighted cost
per constraint and one violation record per penalised item, naming what is involved.
"""
from __future__ import annotations

from collections import defaultdict

from .model import HARD, SOFT, Model


def score(model: Model, m_start, m_room, c_inst) -> tuple:
    """Return ({"hard": {...}, "soft": {...}}, [violation, ...])."""
    P = model.P
    A = model.arrays
    W = model.weights
    cost = {k: 0 for k in HARD + SOFT}
    out = []

    def slot(t):
        return int(t) // P, int(t) % P

    def violation(name, amount, message, c=None, room=None, inst=None, t=None, groups=None):
        cost[name] += amount
        cls = model.classes[c] if c is not None else None
        day, period = slot(t) if t is not None else (None, None)
        out.append({
            "constraint": name, "hard": name in HARD, "cost": amount, "message": message,
            "class": cls["id"] if cls else None, "course": cls["course"] if cls else None,
            "groups": list(groups if groups is not None else (cls["groups"] if cls else [])),
            "instructor": model.inst_ids[inst] if inst is not None and inst >= 0 else None,
            "room": model.room_ids[room] if room is not None else None,
            "day": day, "period": period,
        })

    def when(t):
        d, p = slot(t)
        return "%s period %s" % (model.days[d], model.periods[p])

    def cname(c):
        cls = model.classes[c]
        return "%s (%s)" % (cls["id"], cls.get("kind", ""))

    # Who occupies each slot: per class, room, leaf group and instructor.
    meetings = []  # (m, class, start, length, room)
    cls_slots = defaultdict(lambda: defaultdict(int))
    room_slots = defaultdict(lambda: defaultdict(list))
    leaf_slots = defaultdict(lambda: defaultdict(int))
    inst_slots = defaultdict(set)
    for m in range(len(m_start)):
        c = int(A.meet_cls[m])
        s, r, ln = int(m_start[m]), int(m_room[m]), int(A.cls_len[c])
        meetings.append((m, c, s, ln, r))
        for t in range(s, s + ln):
            cls_slots[c][t] += 1
            room_slots[r][t].append(c)
            for lf in model.arrays.cls_leaf[A.cls_leaf_ptr[c]:A.cls_leaf_ptr[c + 1]]:
                leaf_slots[int(lf)][t] += 1
            if c_inst[c] >= 0:
                inst_slots[int(c_inst[c])].add(t)

    # conflicts: pairs of distinct classes sharing a leaf group or the instructor, per slot.
    cls_leaves = [set(int(x) for x in A.cls_leaf[A.cls_leaf_ptr[c]:A.cls_leaf_ptr[c + 1]])
                  for c in range(len(model.classes))]
    by_slot = defaultdict(list)
    for c, slots in cls_slots.items():
        for t in slots:
            by_slot[t].append(c)
    for t in sorted(by_slot):
        present = sorted(by_slot[t])
        for x in range(len(present)):
            for y in range(x + 1, len(present)):
                a, b = present[x], present[y]
                shared = cls_leaves[a] & cls_leaves[b]
                same_inst = c_inst[a] >= 0 and c_inst[a] == c_inst[b]
                if not shared and not same_inst:
                    continue
                groups = _shared_groups(model, a, b)
                why = []
                if groups:
                    why.append("group " + ", ".join(groups))
                if same_inst:
                    why.append("instructor " + model.inst_ids[c_inst[a]])
                violation("conflicts", 1, "%s and %s at the same time (%s) on %s" % (
                    cname(a), cname(b), "; ".join(why), when(t)), c=a,
                    inst=c_inst[a] if same_inst else None, t=t, groups=groups)

    for c in sorted(cls_slots):
        for t in sorted(cls_slots[c]):
            if cls_slots[c][t] > 1:
                violation("class_overlaps", cls_slots[c][t] - 1, "%s meets %d times on %s" % (
                    cname(c), cls_slots[c][t], when(t)), c=c, t=t)
    for r in sorted(room_slots):
        for t in sorted(room_slots[r]):
            users = room_slots[r][t]
            if len(users) > 1:
                violation("room_occupancy", len(users) - 1, "room %s holds %s on %s" % (
                    model.room_ids[r], ", ".join(cname(c) for c in users), when(t)),
                    c=users[0], room=r, t=t)

    for m, c, s, ln, r in meetings:
        i = int(c_inst[c])
        for t in range(s, s + ln):
            if A.cls_unav[c, t]:
                violation("availability", 1, "%s is not allowed on %s" % (cname(c), when(t)),
                          c=c, room=r, inst=i, t=t)
            if i >= 0 and A.inst_unav[i, t]:
                violation("availability", 1, "instructor %s is unavailable on %s" % (
                    model.inst_ids[i], when(t)), c=c, room=r, inst=i, t=t)
            if A.room_unav[r, t]:
                violation("availability", 1, "room %s is unavailable on %s" % (
                    model.room_ids[r], when(t)), c=c, room=r, inst=i, t=t)
        if A.cls_room_bad[c, r]:
            violation("room_suitability", 1, "%s needs a %s room%s; %s is %s" % (
                cname(c), model.classes[c].get("room_type") or "any",
                _features(model.classes[c]), model.room_ids[r], model.rooms[r].get("type")),
                c=c, room=r, inst=i, t=s)
        over = int(A.cls_students[c]) - int(A.room_cap[r])
        if over > 0 and W["room_capacity"]:
            violation("room_capacity", W["room_capacity"] * over,
                      "%s in room %s (%d seats) has %d students" % (
                          cname(c), model.room_ids[r], A.room_cap[r], A.cls_students[c]),
                      c=c, room=r, inst=i, t=s)

    for c, cls in enumerate(model.classes):
        if not cls.get("instructors"):
            violation("no_instructor", 1, "%s has no qualified instructor" % cname(c), c=c)
        ms = [x for x in meetings if x[1] == c]
        days = {s // P for _, _, s, _, _ in ms}
        short = int(A.cls_mwd[c]) - len(days)
        if short > 0 and W["min_working_days"]:
            violation("min_working_days", W["min_working_days"] * short,
                      "%s meets on %d days, wants %d" % (cname(c), len(days), A.cls_mwd[c]),
                      c=c, inst=c_inst[c])
        rooms = {r for _, _, _, _, r in ms}
        if len(rooms) > 1 and W["room_stability"]:
            violation("room_stability", W["room_stability"] * (len(rooms) - 1),
                      "%s uses %d rooms: %s" % (cname(c), len(rooms), ", ".join(
                          model.room_ids[r] for r in sorted(rooms))), c=c, inst=c_inst[c])

    lunch = set(model.doc.get("lunch_break") or [])
    for lf, leaf in enumerate(model.leaf_ids):
        busy = leaf_slots[lf]
        for m, c, s, ln, r in meetings:
            if lf not in cls_leaves[c]:
                continue
            e = s + ln - 1
            before = s % P > 0 and busy.get(s - 1, 0) > 0
            after = e % P < P - 1 and busy.get(e + 1, 0) > 0
            if not before and not after and W["isolated_lectures"]:
                violation("isolated_lectures", W["isolated_lectures"],
                          "group %s has nothing next to %s on %s" % (leaf, cname(c), when(s)),
                          c=c, room=r, inst=c_inst[c], t=s, groups=[leaf])
        for d in range(model.D):
            periods = [p for p in range(P) if busy.get(d * P + p, 0) > 0]
            gaps = _gap_count(periods)
            if gaps and W["idle_gaps"]:
                violation("idle_gaps", W["idle_gaps"] * gaps, "group %s has %d idle period(s) on %s"
                          % (leaf, gaps, model.days[d]), t=d * P + periods[0], groups=[leaf])
            if (A.leaf_lunch[lf] and periods and lunch and lunch.issubset(periods)
                    and W["lunch_break"]):
                violation("lunch_break", W["lunch_break"], "group %s has no lunch break on %s"
                          % (leaf, model.days[d]), t=d * P + min(lunch), groups=[leaf])
    for i, inst in enumerate(model.inst_ids):
        busy = inst_slots.get(i, set())
        for d in range(model.D):
            periods = [p for p in range(P) if d * P + p in busy]
            gaps = _gap_count(periods)
            if gaps and W["idle_gaps"]:
                violation("idle_gaps", W["idle_gaps"] * gaps, "instructor %s has %d idle period(s) "
                          "on %s" % (inst, gaps, model.days[d]), inst=i, t=d * P + periods[0],
                          groups=[])
        for t in sorted(busy):
            if A.inst_pref[i, t] and W["preferred_free"]:
                violation("preferred_free", W["preferred_free"], "instructor %s prefers %s free"
                          % (inst, when(t)), inst=i, t=t, groups=[])

    return ({"hard": {k: cost[k] for k in HARD}, "soft": {k: cost[k] for k in SOFT}}, out)


def _gap_count(periods: list) -> int:
    return periods[-1] - periods[0] + 1 - len(periods) if periods else 0


def _features(cls: dict) -> str:
    feats = cls.get("room_features") or []
    return " with " + ", ".join(feats) if feats else ""


def _shared_groups(model: Model, a: int, b: int) -> list:
    """The listed groups of a that are, contain or lie inside a listed group of b."""
    out = []
    for g in model.classes[a]["groups"]:
        for h in model.classes[b]["groups"]:
            if set(model.group_leaves[g]) & set(model.group_leaves[h]):
                out.append(g)
                break
    return out
