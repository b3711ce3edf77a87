"""Compile a validated problem document into flat numpy arrays for the search kernels.

Time is one axis of ``T = days * periods`` slots, slot ``t = day * P + period``. A class is
placed as meetings; a meeting occupies ``length`` consecutive slots of one day starting at its
``start`` slot. Leaf groups carry the students: a class is attended by every leaf under one of
its groups, so two classes clash on groups exactly when they share a leaf.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

# Cost components, in the order of the kernels' cost vector and of schedule.json's "cost".
HARD = ("conflicts", "class_overlaps", "room_occupancy", "availability", "room_suitability",
        "no_instructor")
SOFT = ("room_capacity", "min_working_days", "isolated_lectures", "room_stability", "idle_gaps",
        "lunch_break", "preferred_free")
DEFAULT_WEIGHTS = {"room_capacity": 1, "min_working_days": 5, "isolated_lectures": 2,
                   "room_stability": 1, "idle_gaps": 1, "lunch_break": 1, "preferred_free": 1}

# Everything the kernels read; all fields are numpy arrays so numba can type the tuple.
Arrays = namedtuple("Arrays", [
    "dims",            # [D, P, T, C, M, R, I, L(leaves)]
    "weights",         # soft weights in SOFT order
    "room_cap", "room_unav",                      # [R], [R, T]
    "inst_unav", "inst_pref",                     # [I, T] each
    "inst_free",                                  # [I] available periods a week
    "leaf_lunch", "lunch_mask",                   # [L] wants lunch, [P] lunch periods
    "cls_len", "cls_students", "cls_mwd", "cls_unav", "cls_room_bad",   # [C] ... [C, T], [C, R]
    "cls_fixed_cost",                             # [C] no_instructor count (1 if nobody qualified)
    "cls_meet_ptr",                               # [C+1] meetings of class c: ptr[c]..ptr[c+1]
    "cls_inst_ptr", "cls_inst",                   # CSR: eligible instructors
    "opt_start_ptr", "opt_start",                 # CSR over cls_inst entries: starts where the
                                                  # class, that instructor and a room are free
    "cls_start_ptr", "cls_start",                 # CSR: starts where the class and a room are free
    "cls_room_ptr", "cls_room",                   # CSR: suitable rooms (all rooms if none suit)
    "cls_leaf_ptr", "cls_leaf",                   # CSR: leaves attending
    "cls_nb_ptr", "cls_nb",                       # CSR: classes sharing a leaf (group conflicts)
    "inst_cls_ptr", "inst_cls",                   # CSR: classes each instructor may teach
    "lengths",                                    # the distinct block lengths
    "meet_cls",                                   # [M]
    "len_start_ptr", "len_start",                 # CSR by block length: valid start slots
    "len_meet_ptr", "len_meet",                   # CSR by block length: meetings of that length
    "floor",                                      # [1] placement violations proven unavoidable
])


class Model:
    """The problem document's ids and names beside the compiled arrays."""

    def __init__(self, doc: dict):
        self.doc = doc
        self.name = doc.get("name", "")
        self.days = list(doc["days"])
        self.periods = [p["name"] for p in doc["periods"]]
        D, P = len(self.days), len(self.periods)
        T = D * P
        self.D, self.P, self.T = D, P, T
        weights = dict(DEFAULT_WEIGHTS)
        weights.update(doc.get("weights") or {})
        self.weights = weights

        rooms = doc.get("rooms", [])
        insts = doc.get("instructors", [])
        groups = doc.get("groups", [])
        classes = doc.get("classes", [])
        self.room_ids = [r["id"] for r in rooms]
        self.rooms = rooms
        self.inst_ids = [i["id"] for i in insts]
        self.instructors = insts
        self.group_ids = [g["id"] for g in groups]
        self.groups = groups
        self.classes = classes
        self.class_ids = [c["id"] for c in classes]
        self.course_names = {c["id"]: c.get("name", c["id"]) for c in doc.get("courses", [])}
        room_ix = {r: k for k, r in enumerate(self.room_ids)}
        inst_ix = {i: k for k, i in enumerate(self.inst_ids)}
        R, I, C = len(rooms), len(insts), len(classes)

        def slot_mask(slots):
            mask = np.zeros(T, np.int8)
            for d, p in slots or []:
                mask[d * P + p] = 1
            return mask

        # Groups: leaves and, for each group, the leaves below it (itself if it is a leaf).
        parent = {g["id"]: g.get("parent") for g in groups}
        children = {g: [] for g in parent}
        for g, p in parent.items():
            if p is not None:
                children[p].append(g)
        self.leaf_ids = [g for g in self.group_ids if not children[g]]
        leaf_ix = {g: k for k, g in enumerate(self.leaf_ids)}

        def leaves_under(g):
            if not children[g]:
                return [leaf_ix[g]]
            out = []
            for ch in children[g]:
                out.extend(leaves_under(ch))
            return out

        self.group_leaves = {g: sorted(set(leaves_under(g))) for g in self.group_ids}
        wants = {g["id"]: bool(g.get("wants_lunch_break", False)) for g in groups}
        L = len(self.leaf_ids)

        cls_len = np.array([c["block_length"] for c in classes], np.int64)
        cls_nmeet = np.array([c["periods_per_week"] // c["block_length"] for c in classes], np.int64)
        cls_meet_ptr = np.zeros(C + 1, np.int64)
        cls_meet_ptr[1:] = np.cumsum(cls_nmeet)
        M = int(cls_meet_ptr[-1])
        meet_cls = np.repeat(np.arange(C, dtype=np.int64), cls_nmeet)

        cls_inst, cls_room, cls_leaf = [], [], []
        cls_room_bad = np.zeros((C, R), np.int8)
        for k, c in enumerate(classes):
            cls_inst.append([inst_ix[i] for i in c.get("instructors", [])])
            rtype = c.get("room_type")
            feats = set(c.get("room_features") or [])
            ok = []
            for r, room in enumerate(rooms):
                suits = (rtype is None or room.get("type") == rtype) and \
                    feats.issubset(set(room.get("features") or []))
                cls_room_bad[k, r] = 0 if suits else 1
                if suits:
                    ok.append(r)
            # Validation guarantees a suitable room; fall back to all rooms defensively.
            cls_room.append(ok or list(range(R)))
            leaves = set()
            for g in c.get("groups", []):
                leaves.update(self.group_leaves[g])
            cls_leaf.append(sorted(leaves))
        self.cls_suitable_rooms = cls_room

        leaf_classes = [[] for _ in range(L)]
        for k, ls in enumerate(cls_leaf):
            for lf in ls:
                leaf_classes[lf].append(k)
        nbs = []
        for k, ls in enumerate(cls_leaf):
            nb = set()
            for lf in ls:
                nb.update(leaf_classes[lf])
            nb.discard(k)
            nbs.append(sorted(nb))

        lengths = sorted(set(int(x) for x in cls_len)) if C else []
        max_len = max(lengths) if lengths else 1
        starts = [[] for _ in range(max_len + 1)]
        meets = [[] for _ in range(max_len + 1)]
        for ln in lengths:
            starts[ln] = [d * P + p for d in range(D) for p in range(P - ln + 1)]
        for m in range(M):
            meets[int(cls_len[meet_cls[m]])].append(m)

        cls_unav = np.array([slot_mask(c.get("unavailable")) for c in classes], np.int8).reshape(C, T)
        room_unav = np.array([slot_mask(r.get("unavailable")) for r in rooms], np.int8).reshape(R, T)
        inst_unav = np.array([slot_mask(i.get("unavailable")) for i in insts], np.int8).reshape(I, T)
        opt_start, cls_start = [], []
        for k in range(C):
            ln = int(cls_len[k])
            free = [s for s in starts[ln] if not cls_unav[k, s:s + ln].any()
                    and any(not room_unav[r, s:s + ln].any() for r in cls_room[k])]
            cls_start.append(free)
            for i in cls_inst[k]:
                opt_start.append([s for s in free if not inst_unav[i, s:s + ln].any()])

        inst_cls = [[] for _ in range(I)]
        for k, options in enumerate(cls_inst):
            for i in options:
                inst_cls[i].append(k)
        self.cls_nmeet = cls_nmeet
        self.leaf_classes = leaf_classes
        self.arrays = Arrays(
            dims=np.array([D, P, T, C, M, R, I, L], np.int64),
            weights=np.array([weights[k] for k in SOFT], np.int64),
            room_cap=np.array([r["capacity"] for r in rooms], np.int64),
            room_unav=room_unav,
            inst_unav=inst_unav,
            inst_free=(T - inst_unav.sum(axis=1)).astype(np.int64),
            inst_pref=np.array([slot_mask(i.get("preferred_free")) for i in insts], np.int8).reshape(I, T),
            leaf_lunch=np.array([wants[g] for g in self.leaf_ids], np.int8),
            lunch_mask=np.array([1 if p in set(doc.get("lunch_break") or []) else 0 for p in range(P)], np.int8),
            cls_len=cls_len,
            cls_students=np.array([c.get("students", 0) for c in classes], np.int64),
            cls_mwd=np.array([c.get("min_working_days", 0) for c in classes], np.int64),
            cls_unav=cls_unav,
            cls_room_bad=cls_room_bad,
            cls_fixed_cost=np.array([0 if ins else 1 for ins in cls_inst], np.int64),
            cls_meet_ptr=cls_meet_ptr,
            **_csr("cls_inst", cls_inst), **_csr("cls_room", cls_room), **_csr("cls_leaf", cls_leaf),
            **_csr("cls_nb", nbs), **_csr("inst_cls", inst_cls), **_csr("opt_start", opt_start), **_csr("cls_start", cls_start), lengths=np.array(lengths, np.int64),
            **_csr("len_start", starts), **_csr("len_meet", meets),
            meet_cls=meet_cls,
            floor=np.zeros(1, np.int64),  # set by the search from the pre-analysis
        )


def _csr(name: str, rows: list) -> dict:
    ptr = np.zeros(len(rows) + 1, np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows]) if rows else []
    flat = np.array([x for r in rows for x in r], np.int64)
    return {name + "_ptr": ptr, name: flat}
