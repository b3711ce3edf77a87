"""Pre-analysis: requirements no timetable can meet, each with the reason.

Checked per class (who, where and when it could possibly be held) and per leaf group and fixed
instructor (more teaching than the week has room for). These are the `unsatisfiable` entries
of schedule.json; the search still places everything as well as it can.
"""
from __future__ import annotations

import numpy as np

from .model import Model


def unsatisfiable(model: Model) -> list:
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
    fixed = {}
    for c in range(len(model.classes)):
        insts = A.cls_inst[A.cls_inst_ptr[c]:A.cls_inst_ptr[c + 1]]
        if len(insts) == 1:
            fixed[int(insts[0])] = fixed.get(int(insts[0]), 0) + int(
                A.cls_len[c] * (A.cls_meet_ptr[c + 1] - A.cls_meet_ptr[c]))
    for i, need in sorted(fixed.items()):
        available = int(T - A.inst_unav[i].sum())
        if need > available:
            add(None, "instructor", "instructor %s is the only one qualified for %d periods a "
                "week but is available for %d" % (model.inst_ids[i], need, available))
    return out


def _disjoint_blocks(starts, ln) -> int:
    """How many non-overlapping blocks of length ln fit at these start slots (greedy earliest)."""
    count = 0
    end = -1
    for s in sorted(int(x) for x in starts):
        if s > end:
            count += 1
            end = s + ln - 1
    return count
